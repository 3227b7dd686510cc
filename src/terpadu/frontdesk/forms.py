from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from terpadu.frontdesk.models import Counter, Locker, QueueService, Visit
from terpadu.frontdesk.models.guestbook import IdType
from terpadu.lib import personal_id

BIG = {"class": "form-control form-control-lg"}
BIG_SELECT = {"class": "form-select form-select-lg"}


class GuestBookForm(forms.Form):
    """The kiosk's electronic guest book (the service re-validates everything)."""

    name = forms.CharField(
        label=_("Full name"), max_length=150, widget=forms.TextInput(BIG | {"autocomplete": "off"})
    )
    email = forms.EmailField(
        label=_("Email"),
        required=False,
        widget=forms.EmailInput(BIG | {"autocomplete": "off", "inputmode": "email", "data-lookup": "email"}),
    )
    phone = forms.CharField(
        label=_("Phone / WhatsApp"),
        required=False,
        max_length=24,
        widget=forms.TextInput(BIG | {"autocomplete": "off", "inputmode": "tel", "data-lookup": "phone"}),
    )
    id_type = forms.ChoiceField(label=_("ID type"), choices=IdType.choices, widget=forms.Select(BIG_SELECT))
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=40,
        widget=forms.TextInput(BIG | {"autocomplete": "off", "inputmode": "text"}),
    )
    institution = forms.CharField(
        label=_("Institution"), required=False, max_length=200, widget=forms.TextInput(BIG)
    )
    institution_kind = forms.ChoiceField(
        label=_("Kind of institution"),
        required=False,
        choices=[("", "—"), *Visit.InstitutionKind.choices],
        widget=forms.Select(BIG_SELECT),
    )
    occupation = forms.CharField(
        label=_("Occupation"), required=False, max_length=100, widget=forms.TextInput(BIG)
    )
    education = forms.ChoiceField(
        label=_("Education"),
        required=False,
        choices=[("", "—"), *Visit.Education.choices],
        widget=forms.Select(BIG_SELECT),
    )
    gender = forms.ChoiceField(
        label=_("Gender"),
        required=False,
        choices=[("", "—"), *Visit.Gender.choices],
        widget=forms.RadioSelect(attrs={"class": "form-check-input kiosk-check"}),
    )
    purpose = forms.CharField(
        label=_("Purpose of the visit"), required=False, widget=forms.Textarea(BIG | {"rows": 2})
    )
    services = forms.MultipleChoiceField(
        label=_("Services you want"),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input kiosk-check"}),
    )
    group_size = forms.IntegerField(
        label=_("People in your group"), min_value=1, max_value=500, initial=1, widget=forms.NumberInput(BIG)
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that BPS records these data to serve me and to measure its service, as UU 27/2022 on "
            "personal data protection allows; my ID number is stored encrypted and shown masked."
        ),
        widget=forms.CheckboxInput(attrs={"class": "form-check-input kiosk-check"}),
        error_messages={
            "required": _("The guest book needs your consent to the processing of your personal data.")
        },
    )

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["services"].choices = [
            (s.kind, s.name) for s in QueueService.objects.filter(unit=unit, active=True).order_by("order")
        ]

    def clean(self):
        data = super().clean()
        if data.get("id_type") and data.get("id_number"):
            try:
                data["id_number"] = personal_id.validate_id_number(data["id_type"], data["id_number"])
            except ValidationError as exc:
                self.add_error("id_number", exc)
        return data


class CallTicketForm(forms.Form):
    ticket = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), max_length=200)


class TransferForm(forms.Form):
    service = forms.ModelChoiceField(
        label=_("Service"), queryset=QueueService.objects.none(), to_field_name="kind"
    )
    counter = forms.ModelChoiceField(label=_("Counter"), queryset=Counter.objects.none(), required=False)

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = QueueService.objects.filter(unit=unit, active=True)
        self.fields["counter"].queryset = Counter.objects.filter(unit=unit, active=True)


class DepositForm(forms.Form):
    visit = forms.ModelChoiceField(label=_("Visitor"), queryset=Visit.objects.none())
    id_type = forms.ChoiceField(label=_("ID type"), choices=IdType.choices)
    id_number = forms.CharField(
        label=_("ID number"), max_length=40, widget=forms.TextInput({"autocomplete": "off"})
    )
    locker = forms.ModelChoiceField(
        label=_("Locker"), queryset=Locker.objects.none(), required=False, empty_label=_("First free locker")
    )

    def __init__(self, *args, unit, visits, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visit"].queryset = visits
        self.fields["locker"].queryset = Locker.objects.filter(unit=unit, in_service=True)


class DeviceActivationForm(forms.Form):
    token = forms.CharField(label=_("Device token"), max_length=80, widget=forms.PasswordInput(BIG))


class AppointmentCodeForm(forms.Form):
    """The code of a booked appointment, typed at the kiosk to check in."""

    code = forms.CharField(
        label=_("Appointment code"),
        max_length=20,
        widget=forms.TextInput(
            BIG
            | {
                "autocomplete": "off",
                "autocapitalize": "characters",
                "class": "form-control form-control-lg kiosk-code",
            }
        ),
    )
