"""Account business rules: registration with recorded consent, profile edits, the token login,
data export and deletion. The web pages (allauth forms, profile views) and the API call these, so
they can never disagree.
"""

import re
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate, password_validation
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import Token

from terpadu.accounts import personal_data, selectors
from terpadu.accounts.consent import (
    CONSENT_PURPOSE_REGISTRATION,
    CONSENT_TEXT_VERSION,
    consent_language,
    consent_text,
)
from terpadu.accounts.models import Consent, User
from terpadu.core.events import on_commit

EXPORT_FORMAT = "terpadu-personal-data/1"

MSG_REQUIRED = _("This field is required.")
MSG_NAME_REQUIRED = _("Enter your full name.")
MSG_EMAIL_INVALID = _("Enter a valid email address, e.g. nama@example.com.")
MSG_EMAIL_TAKEN = _(
    "This email address is already registered. Log in, or reset your password if you have forgotten it."
)
MSG_PHONE_REQUIRED = _("Enter your WhatsApp number.")
MSG_PHONE_INVALID = _("Enter a WhatsApp number of 9 to 15 digits, e.g. 0812-3456-7890 or +62 812 3456 7890.")
MSG_CONSENT_REQUIRED = _(
    "You can only register if you agree to the processing of your personal data: tick the consent box."
)
MSG_TOO_LONG = _("Use at most %(limit)d characters.")
MSG_CREDENTIALS_WRONG = _("The email address or password is not correct.")
MSG_EMAIL_UNVERIFIED = _(
    "Your email address has not been verified yet. Open the link in the verification email we sent "
    "you, then try again. If the link has expired, log in on the website to receive a new one."
)
MSG_EMAIL_UNVERIFIED_LOGIN = _(
    "You cannot log in yet: your email address has not been verified. Open the link in the verification "
    "email we have sent you (look in the spam folder too), then log in again."
)
MSG_PASSWORD_WRONG = _("The password is not correct.")
MSG_STAFF_CANNOT_SELF_DELETE = _(
    "Staff accounts cannot be deleted here; ask an administrator to close your account in the back office."
)
MSG_DELETE_BLOCKED = _(
    "Your account still has records that the service must keep; contact the PST unit to close it."
)

_PHONE_SEPARATORS = re.compile(r"[\s\-().]")


def normalize_phone(raw: str) -> str:
    """A WhatsApp number in international form: `0812-3456-7890` becomes `+6281234567890`."""
    compact = _PHONE_SEPARATORS.sub("", raw or "")
    if not re.fullmatch(r"\+?\d{9,15}", compact):
        raise ValidationError(MSG_PHONE_INVALID, code="invalid")
    if compact.startswith("+"):
        return compact
    if compact.startswith("0"):
        compact = "62" + compact[1:]
    elif compact.startswith("8"):  # an Indonesian mobile number written without its leading 0
        compact = "62" + compact
    if not 10 <= len(compact) <= 15:
        raise ValidationError(MSG_PHONE_INVALID, code="invalid")
    return "+" + compact


def _check_length(errors: dict[str, list], field: str, value: str, limit: int) -> None:
    if len(value) > limit:
        errors.setdefault(field, []).append(ValidationError(MSG_TOO_LONG, params={"limit": limit}))


def _check_profile(
    errors: dict[str, list], *, name: str, phone: str, institution: str, occupation: str, phone_required: bool
) -> dict[str, str]:
    cleaned = {
        "name": " ".join((name or "").split()),
        "phone": "",
        "institution": (institution or "").strip(),
        "occupation": (occupation or "").strip(),
    }
    if not cleaned["name"]:
        errors.setdefault("name", []).append(ValidationError(MSG_NAME_REQUIRED, code="required"))
    _check_length(errors, "name", cleaned["name"], User._meta.get_field("name").max_length)
    _check_length(
        errors, "institution", cleaned["institution"], User._meta.get_field("institution").max_length
    )
    _check_length(errors, "occupation", cleaned["occupation"], User._meta.get_field("occupation").max_length)
    if (phone or "").strip():
        try:
            cleaned["phone"] = normalize_phone(phone)
        except ValidationError as error:
            errors.setdefault("phone", []).append(error)
    elif phone_required:
        errors.setdefault("phone", []).append(ValidationError(MSG_PHONE_REQUIRED, code="required"))
    return cleaned


def check_user_register(
    *,
    email: str,
    password: str,
    name: str,
    phone: str,
    consent_given: bool,
    institution: str = "",
    occupation: str = "",
) -> dict[str, str]:
    """Validate a registration; returns the cleaned values or raises ValidationError({field: [...]})."""
    errors: dict[str, list] = {}
    cleaned = _check_profile(
        errors, name=name, phone=phone, institution=institution, occupation=occupation, phone_required=True
    )
    cleaned["email"] = (email or "").strip().lower()
    if not cleaned["email"]:
        errors.setdefault("email", []).append(ValidationError(MSG_REQUIRED, code="required"))
    else:
        try:
            validate_email(cleaned["email"])
            if len(cleaned["email"]) > User._meta.get_field("email").max_length:
                raise ValidationError(MSG_EMAIL_INVALID, code="invalid")
        except ValidationError:
            errors.setdefault("email", []).append(ValidationError(MSG_EMAIL_INVALID, code="invalid"))
        else:
            if selectors.email_is_registered(email=cleaned["email"]):
                errors.setdefault("email", []).append(ValidationError(MSG_EMAIL_TAKEN, code="email_taken"))
    if not password:
        errors.setdefault("password", []).append(ValidationError(MSG_REQUIRED, code="required"))
    else:
        try:
            password_validation.validate_password(
                password, user=User(email=cleaned["email"], name=cleaned["name"])
            )
        except ValidationError as error:
            errors.setdefault("password", []).extend(error.error_list)
    if consent_given is not True:
        errors.setdefault("consent", []).append(ValidationError(MSG_CONSENT_REQUIRED, code="required"))
    if errors:
        raise ValidationError(errors)
    cleaned["password"] = password
    return cleaned


def user_register(
    *,
    email: str,
    password: str,
    name: str,
    phone: str,
    consent_given: bool,
    institution: str = "",
    occupation: str = "",
    ip_address: str | None = None,
    request: HttpRequest | None = None,
    send_verification: bool = True,
) -> User:
    """Create an unverified account with its recorded consent.

    The verification mail goes out after commit. The web signup passes `send_verification=False`
    because allauth's signup stage sends the same mail itself right after this returns.
    """
    data = check_user_register(
        email=email,
        password=password,
        name=name,
        phone=phone,
        consent_given=consent_given,
        institution=institution,
        occupation=occupation,
    )
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=data["email"],
                password=data["password"],
                name=data["name"],
                phone=data["phone"],
                institution=data["institution"],
                occupation=data["occupation"],
            )
            address = EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
            Consent.objects.create(
                user=user,
                purpose=CONSENT_PURPOSE_REGISTRATION,
                text_version=CONSENT_TEXT_VERSION,
                text=consent_text(),
                language=consent_language(),
                given_at=timezone.now(),
                ip_address=ip_address or None,
            )
    except IntegrityError as error:
        # Two registrations of one address racing past the check: the unique index decides.
        raise ValidationError({"email": [ValidationError(MSG_EMAIL_TAKEN, code="email_taken")]}) from error
    if send_verification:
        on_commit(lambda: address.send_confirmation(request, signup=True))
    return user


def user_update_profile(
    *, user: User, name: str, phone: str, institution: str = "", occupation: str = ""
) -> User:
    errors: dict[str, list] = {}
    cleaned = _check_profile(
        errors,
        name=name,
        phone=phone,
        institution=institution,
        occupation=occupation,
        phone_required=not user.is_staff,
    )
    if errors:
        raise ValidationError(errors)
    for field, value in cleaned.items():
        setattr(user, field, value)
    user.save(update_fields=list(cleaned))
    return user


def user_token_obtain(*, email: str, password: str, request: HttpRequest | None = None) -> Token:
    """The API login: a token only for a correct password on a verified address."""
    email = (email or "").strip().lower()
    user = authenticate(request, email=email, password=password) if email and password else None
    if user is None:
        raise ValidationError(MSG_CREDENTIALS_WRONG, code="invalid_credentials")
    if not selectors.user_email_verified(user=user):
        raise ValidationError(MSG_EMAIL_UNVERIFIED, code="email_unverified")
    token, _created = Token.objects.get_or_create(user=user)
    return token


def user_export_data(*, user: User) -> dict[str, Any]:
    """Everything Terpadu holds about `user`, JSON-ready; other apps add theirs via personal_data."""
    data: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "exported_at": timezone.now().isoformat(),
        "profile": {
            "email": user.email,
            "name": user.name,
            "phone": user.phone,
            "institution": user.institution,
            "occupation": user.occupation,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in selectors.user_email_addresses(user=user)
        ],
        "consents": [
            {
                "purpose": consent.purpose,
                "text_version": consent.text_version,
                "text": consent.text,
                "language": consent.language,
                "given_at": consent.given_at.isoformat(),
                "ip_address": consent.ip_address,
            }
            for consent in selectors.user_consents(user=user)
        ],
    }
    for key, exporter in personal_data.exporters().items():
        data[key] = exporter(user)
    return data


def check_user_delete(*, user: User, password: str) -> None:
    if user.is_staff or user.is_superuser:
        raise ValidationError(MSG_STAFF_CANNOT_SELF_DELETE, code="staff")
    if not password or not user.check_password(password):
        raise ValidationError({"password": [ValidationError(MSG_PASSWORD_WRONG, code="wrong_password")]})


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Delete the account and, through CASCADE and the registered erasers, its personal data."""
    for eraser in personal_data.erasers():
        eraser(user)
    try:
        user.delete()
    except ProtectedError as error:
        # Raised before any row is deleted; leaving the atomic block rolls the erasers' work back.
        raise ValidationError(MSG_DELETE_BLOCKED, code="protected") from error
