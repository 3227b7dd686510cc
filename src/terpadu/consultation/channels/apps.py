from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    """WhatsApp and email as ways into a consultation: webhooks, inbound mail, held mail, contacts."""

    name = "terpadu.consultation.channels"
    label = "consultation_channels"
    verbose_name = _("Consultation channels")

    def ready(self) -> None:
        from terpadu.core import slots

        from . import personal_data, receivers, views  # noqa: F401 - personal_data registers itself

        receivers.connect()
        # The consultation page's slot (shared with meetings): how the user is reached.
        slots.register("consultation.sidebar", views.channel_notice)
        slots.register("consultation.inbox", views.held_emails_notice)
