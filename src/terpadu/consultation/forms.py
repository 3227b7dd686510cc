from django import forms
from django.utils.translation import gettext_lazy as _

from terpadu.units.models import Unit


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; type and size are checked by services.check_attachments."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "form-control"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def attachments_field():
    return MultipleFileField(label=_("Attachments"))


def attachments_help() -> str:
    from django.template.defaultfilters import filesizeformat

    from . import filetypes, services

    return _("%(types)s; up to %(count)d files of at most %(size)s each.") % {
        "types": filetypes.allowed_labels(),
        "count": services.attachment_max_files(),
        "size": filesizeformat(services.attachment_max_bytes()),
    }


class WithAttachments:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = attachments_help()


class ConsultationForm(WithAttachments, forms.Form):
    unit = forms.ModelChoiceField(
        label=_("BPS unit"),
        queryset=Unit.objects.filter(is_active=True).order_by("code"),
        to_field_name="code",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    topic = forms.CharField(
        label=_("Topic"),
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )
    description = forms.CharField(
        label=_("Your question"),
        widget=forms.Textarea(attrs={"rows": 5, "class": "form-control"}),
        max_length=10_000,
    )
    attachments = attachments_field()


class MessageForm(WithAttachments, forms.Form):
    body = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        max_length=10_000,
        required=False,
    )
    attachments = attachments_field()
    internal = forms.BooleanField(
        label=_("Internal note (staff only)"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


class InboxFilterForm(forms.Form):
    """The consultant inbox's filters (GET); every field optional."""

    q = forms.CharField(
        label=_("Number or topic"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm", "type": "search"}),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    due = forms.ChoiceField(
        label=_("Due"),
        required=False,
        choices=[("", _("Any")), ("soon", _("Due soon (1 working day or less)")), ("overdue", _("Overdue"))],
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    assigned = forms.ChoiceField(
        label=_("Assigned"),
        required=False,
        choices=[("", _("Anyone")), ("me", _("Assigned to me")), ("none", _("Unassigned"))],
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    def __init__(self, *args, **kwargs):
        from .models import Consultation

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            ("", _("Not closed")),
            *Consultation.Status.choices,
            ("all", _("All")),
        ]
        self.fields["channel"].choices = [("", _("Any")), *Consultation.Channel.choices]


class CannedReplyForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=100, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    body = forms.CharField(
        label=_("Text"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"})
    )
