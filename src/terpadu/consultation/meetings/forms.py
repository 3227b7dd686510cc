import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from terpadu.units.models import Unit

from . import providers
from .models import Meeting


class WalkInRecordForm(forms.Form):
    topic = forms.CharField(label=_("Topic"), max_length=200)
    asked = forms.CharField(
        label=_("What the visitor asked"), required=False, widget=forms.Textarea({"rows": 3})
    )
    answer = forms.CharField(label=_("What was answered"), widget=forms.Textarea({"rows": 5}))
    referral_services = forms.MultipleChoiceField(
        label=_("Referred to another PST service"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    referral_unit = forms.ModelChoiceField(
        label=_("Referred to another BPS unit"), required=False, queryset=Unit.objects.none()
    )
    finish_ticket = forms.BooleanField(label=_("Finish the ticket"), required=False, initial=True)

    def __init__(self, *args, unit, referral_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referral_services"].choices = referral_choices
        self.fields["referral_unit"].queryset = Unit.objects.filter(is_active=True).exclude(pk=unit.pk)
        for name, field in self.fields.items():
            if name not in ("referral_services", "finish_ticket"):
                field.widget.attrs.setdefault(
                    "class", "form-select" if name == "referral_unit" else "form-control"
                )


class MeetingForm(forms.Form):
    provider = forms.ChoiceField(label=_("Provider"), widget=forms.Select({"class": "form-select"}))
    starts_at = forms.DateTimeField(
        label=_("Date and time"),
        input_formats=["%Y-%m-%dT%H:%M"],
        widget=forms.DateTimeInput(
            {"type": "datetime-local", "class": "form-control"}, format="%Y-%m-%dT%H:%M"
        ),
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"),
        initial=30,
        min_value=1,
        max_value=600,
        widget=forms.NumberInput({"class": "form-control"}),
    )

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit = unit
        labels = dict(Meeting.Provider.choices)
        self.fields["provider"].choices = [(name, labels[name]) for name in providers.available()]

    def clean_starts_at(self):
        # The consultant types the unit's wall-clock time, whatever zone the browser or server is in.
        value = self.cleaned_data["starts_at"]
        return (
            value.replace(tzinfo=None).replace(tzinfo=self.unit.zone)
            if isinstance(value, dt.datetime)
            else value
        )
