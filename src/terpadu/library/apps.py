from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    name = "terpadu.library"
    label = "library"
    verbose_name = _("Library")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from terpadu.core import slots

        from .views import visit_slot

        # The front office's guest book may show, per visit, what the visitor read here.
        slots.register("frontdesk.visit", visit_slot)
        slots.register(
            "home.services",
            slots.service_tile(
                "library:search",
                _("Library catalogue"),
                _("Search publications, read softcopies, download watermarked PDFs."),
            ),
        )
