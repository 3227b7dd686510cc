from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "terpadu.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from terpadu.core import slots
        from terpadu.reports import receivers
        from terpadu.reports.views import nav_link

        receivers.connect()
        slots.register("nav.staff", nav_link)
