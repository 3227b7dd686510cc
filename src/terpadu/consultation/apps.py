from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationConfig(AppConfig):
    name = "terpadu.consultation"
    verbose_name = _("Statistical consultation")

    def ready(self) -> None:
        from terpadu.core import slots

        from . import personal_data  # noqa: F401 - registers the export of a person's consultations

        slots.register(
            "home.services",
            slots.service_tile(
                "consultation:new",
                _("Online consultation"),
                _("Knowledge base and chat with a statistician."),
            ),
        )
