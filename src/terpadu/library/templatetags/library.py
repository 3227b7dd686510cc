from urllib.parse import urlencode

from django import template
from django.http import QueryDict
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def query_with(base: str, name: str, value) -> str:
    query = QueryDict(base, mutable=True)
    query[name] = str(value)
    query.pop("page", None)
    return query.urlencode()


@register.simple_tag
def query_without(base: str, name: str) -> str:
    query = QueryDict(base, mutable=True)
    query.pop(name, None)
    query.pop("page", None)
    return query.urlencode()


@register.simple_tag
def facet_label(name: str, label) -> str:
    if name == "availability":
        return {"print": _("Printed copy"), "softcopy": _("Softcopy")}.get(str(label), str(label))
    return str(label)


@register.filter
def local_time(moment, unit) -> str:
    if not moment:
        return ""
    return f"{moment.astimezone(unit.zone):%d-%m-%Y %H:%M} {unit.zone_abbreviation}"


__all__ = ["urlencode"]
