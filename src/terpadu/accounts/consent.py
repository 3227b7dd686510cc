"""The personal-data consent text shown at registration (UU 27/2022 on Personal Data Protection).

The text is versioned: whenever its meaning changes, raise CONSENT_TEXT_VERSION so every stored
Consent says which wording the person agreed to. Each paragraph is one gettext msgid (English);
the Indonesian wording is the authoritative one and lives in the project catalogue.
"""

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

CONSENT_PURPOSE_REGISTRATION = "registration"
CONSENT_TEXT_VERSION = "2026.1"

CONSENT_PARAGRAPHS = [
    _(
        "I agree that BPS-Statistics Indonesia (BPS), as the personal data controller, processes the "
        "personal data I give here (name, email address, WhatsApp number, institution and occupation) "
        "in line with Law No. 27 of 2022 on Personal Data Protection."
    ),
    _(
        "The purpose is to provide the Integrated Statistical Services (PST) to me: my account, the "
        "guest book, library and softcopy services, statistical consultation, notifications about my "
        "requests, the service satisfaction survey and complaint handling, and service statistics that "
        "never identify me."
    ),
    _(
        "BPS keeps my data only as long as needed for these purposes, protects it, and does not sell "
        "it or give it to other parties except as required by law."
    ),
    _(
        "I may see, correct and download my data, and withdraw this consent by deleting my account at "
        "any time on my profile page. Withdrawal does not affect processing done before it."
    ),
]


def consent_text() -> str:
    """The consent text in the active language, exactly as shown and as stored with the consent."""
    return "\n\n".join(str(paragraph) for paragraph in CONSENT_PARAGRAPHS)


def consent_language() -> str:
    return (get_language() or "id").split("-")[0]
