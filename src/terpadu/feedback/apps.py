from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "terpadu.feedback"
    label = "feedback"
    verbose_name = _("Satisfaction survey and complaints")

    def ready(self) -> None:
        from terpadu.core import slots as core_slots

        from . import receivers, slots

        receivers.connect()
        slots.register_all()
        core_slots.register(
            "home.services",
            core_slots.service_tile(
                "feedback:complaints", _("Feedback and complaints"), _("Rate a service and file a complaint.")
            ),
        )
