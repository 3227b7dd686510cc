from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FrontdeskConfig(AppConfig):
    name = "terpadu.frontdesk"
    verbose_name = _("Front office")

    def ready(self) -> None:
        from terpadu.core import slots

        # The guest book and the queue are used at the unit's office: the tile leads to the directory.
        slots.register(
            "home.services",
            slots.service_tile(
                "unit-directory",
                _("Front office"),
                _("Electronic guest book and queue numbers at your unit's PST."),
            ),
        )
