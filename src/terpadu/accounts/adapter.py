from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib import messages
from django.utils.translation import gettext as _

from terpadu.accounts.services import MSG_EMAIL_UNVERIFIED_LOGIN


class AccountAdapter(DefaultAccountAdapter):
    """Email-only accounts: the login is the verified email address."""

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # The mails name the service and this host, not the sites framework's "example.com".
        request = context.get("request") or allauth_context.request
        domain = request.get_host() if request is not None else urlsplit(settings.SITE_URL).netloc
        site = SimpleNamespace(name=_("PST BPS Terpadu"), domain=domain)
        super().send_mail(template_prefix, email, {"current_site": site, **context})

    def respond_email_verification_sent(self, request, user):
        match = getattr(request, "resolver_match", None)
        if user is not None and match is not None and match.url_name == "account_login":
            # A login refused for an unverified address must say so, not just "mail sent".
            messages.warning(request, MSG_EMAIL_UNVERIFIED_LOGIN)
        return super().respond_email_verification_sent(request, user)
