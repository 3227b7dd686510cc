from allauth.account.adapter import get_adapter
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from terpadu.accounts import services
from terpadu.accounts.consent import CONSENT_TEXT_VERSION, consent_text
from terpadu.accounts.models import User

# Service field name -> form field name, for errors raised by the services.
_SIGNUP_FIELD_MAP = {"password": "password1"}


def add_service_errors(
    form: forms.Form, error: ValidationError, field_map: dict[str, str] | None = None
) -> None:
    """Attach a service's ValidationError to the form, skipping fields that already show an error."""
    field_map = field_map or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        name = field_map.get(field, field)
        if name not in form.fields:
            name = None
        if name is not None and name in form.errors:
            continue
        form.add_error(name, errors)


class SignupForm(AllauthSignupForm):
    """allauth's signup page with the PST profile fields and the consent box.

    Validation and creation are `services.check_user_register` / `services.user_register`, the
    same rules the API applies; allauth keeps the flow (verification mail, redirects, messages).
    """

    name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        error_messages={"required": services.MSG_NAME_REQUIRED},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=_("WhatsApp number"),
        max_length=24,
        error_messages={"required": services.MSG_PHONE_REQUIRED},
        help_text=_("We send notices about your requests to this number, e.g. 0812-3456-7890."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    institution = forms.CharField(label=_("Institution"), max_length=200, required=False)
    occupation = forms.CharField(label=_("Occupation"), max_length=100, required=False)
    consent = forms.BooleanField(
        label=_("I have read and agree to the processing of my personal data as described above."),
        error_messages={"required": services.MSG_CONSENT_REQUIRED},
    )

    field_order = ["name", "email", "password1", "password2", "phone", "institution", "occupation", "consent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = _("We send a verification link to this address; you log in with it.")
        # The text itself sits beside the box, so any template rendering the form shows it.
        self.fields["consent"].help_text = consent_text()

    @property
    def consent_text(self) -> str:
        return consent_text()

    @property
    def consent_text_version(self) -> str:
        return CONSENT_TEXT_VERSION

    def clean_email(self) -> str:
        # Uniqueness is the service's rule (a clear message, no enumeration-hiding mail).
        return get_adapter().clean_email(self.cleaned_data["email"].strip().lower())

    def clean(self) -> dict:
        cleaned = self.cleaned_data
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("You must type the same password each time."))
        try:
            services.check_user_register(
                email=cleaned.get("email", ""),
                password=password1 or "",
                name=cleaned.get("name", ""),
                phone=cleaned.get("phone", ""),
                consent_given=bool(cleaned.get("consent")),
                institution=cleaned.get("institution", ""),
                occupation=cleaned.get("occupation", ""),
            )
        except ValidationError as error:
            add_service_errors(self, error, _SIGNUP_FIELD_MAP)
        return cleaned

    def save(self, request) -> User:
        data = self.cleaned_data
        try:
            ip_address = get_adapter().get_client_ip(request)
        except Exception:  # noqa: BLE001 - the consent is still valid without a known address
            ip_address = None
        return services.user_register(
            email=data["email"],
            password=data["password1"],
            name=data["name"],
            phone=data["phone"],
            consent_given=data["consent"],
            institution=data.get("institution", ""),
            occupation=data.get("occupation", ""),
            ip_address=ip_address,
            request=request,
            # allauth's signup stage sends the verification mail once this returns.
            send_verification=False,
        )

    def signup(self, request, user) -> None:
        """allauth's custom-signup hook: everything is done in save()."""


class ProfileForm(forms.Form):
    name = forms.CharField(
        label=_("Full name"), max_length=150, error_messages={"required": services.MSG_NAME_REQUIRED}
    )
    phone = forms.CharField(
        label=_("WhatsApp number"),
        max_length=24,
        required=False,
        error_messages={"required": services.MSG_PHONE_REQUIRED},
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    institution = forms.CharField(label=_("Institution"), max_length=200, required=False)
    occupation = forms.CharField(label=_("Occupation"), max_length=100, required=False)

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        kwargs.setdefault(
            "initial",
            {
                "name": user.name,
                "phone": user.phone,
                "institution": user.institution,
                "occupation": user.occupation,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["phone"].required = not user.is_staff

    def save(self) -> User | None:
        try:
            return services.user_update_profile(user=self.user, **self.cleaned_data)
        except ValidationError as error:
            add_service_errors(self, error)
            return None


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self) -> dict:
        try:
            services.check_user_delete(user=self.user, password=self.cleaned_data.get("password", ""))
        except ValidationError as error:
            add_service_errors(self, error)
        return self.cleaned_data
