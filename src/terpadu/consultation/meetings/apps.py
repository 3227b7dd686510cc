from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    """Walk-in recording at the counter, walk-in appointments and video meetings of a consultation."""

    name = "terpadu.consultation.meetings"
    label = "consultation_meetings"
    verbose_name = _("Consultation appointments and meetings")

    def ready(self) -> None:
        from terpadu.core import slots

        from . import slot_renderers

        slots.register("frontdesk.counter_ticket", slot_renderers.counter_ticket)
        slots.register("consultation.sidebar", slot_renderers.consultation_sidebar)
