from django import forms
from django.utils.translation import gettext_lazy as _

from terpadu.units.models import Unit


class ConsultationForm(forms.Form):
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


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        max_length=10_000,
    )
    internal = forms.BooleanField(
        label=_("Internal note (staff only)"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
