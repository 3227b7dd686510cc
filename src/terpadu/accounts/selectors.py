from allauth.account.models import EmailAddress
from django.db.models import QuerySet

from terpadu.accounts.models import Consent, User


def email_is_registered(*, email: str) -> bool:
    return (
        User.objects.filter(email__iexact=email).exists()
        or EmailAddress.objects.filter(email__iexact=email).exists()
    )


def user_email_verified(*, user: User) -> bool:
    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()


def user_email_addresses(*, user: User) -> QuerySet[EmailAddress]:
    return EmailAddress.objects.filter(user=user).order_by("-primary", "email")


def user_consents(*, user: User) -> QuerySet[Consent]:
    return Consent.objects.filter(user=user).order_by("given_at", "pk")
