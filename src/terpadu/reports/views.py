"""Dashboards, drill-down lists and exports: parse the filters, check scope, call the selectors."""

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from terpadu.reports import selectors


def nav_link(request, _obj) -> str:
    """The staff navigation's link to the dashboards, for whoever may read one."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_staff:
        return ""
    if not selectors.report_units(user).exists():
        return ""
    return format_html(
        '<li class="nav-item"><a class="nav-link" href="{}">{}</a></li>',
        reverse("reports:home"),
        _("Reports"),
    )
