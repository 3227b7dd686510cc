from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "terpadu.feedback"
    label = "feedback"
    verbose_name = _("Satisfaction survey and complaints")

    def ready(self) -> None:
        from . import receivers, slots

        receivers.connect()
        slots.register_all()
