"""Who may see which unit: every staff query goes through here.

Admin roles reach the unit's whole subtree (a province admin sees its regencies and cities; the
national admin sees everything); operational roles (frontliner, librarian, consultant) reach
only their own unit. Objects outside the caller's scope answer 404, exactly as if absent.
"""

from collections.abc import Iterable

from django.apps import apps
from django.db.models import Model, Q, QuerySet
from django.http import Http404


def _unit_model():
    # core sits below units in the app order, so the model is looked up, not imported.
    return apps.get_model("units", "Unit")


def _role_model():
    return apps.get_model("units", "StaffRole")


def staff_units(user, roles: Iterable[str] | None = None) -> QuerySet:
    """The units in which `user` holds one of `roles` (any staff role when None)."""
    Unit = _unit_model()
    if user is None or not user.is_authenticated or not user.is_active:
        return Unit.objects.none()
    if user.is_superuser:
        return Unit.objects.all()
    StaffRole = _role_model()
    grants = StaffRole.objects.filter(user=user, active=True)
    if roles is not None:
        roles = set(roles)
        # A unit admin may do whatever the unit's staff may do.
        roles.add(StaffRole.Role.UNIT_ADMIN)
        grants = grants.filter(role__in=roles)
    condition = Q(pk__in=[])
    for role, unit_id, path in grants.values_list("role", "unit_id", "unit__path"):
        if role == StaffRole.Role.UNIT_ADMIN:
            condition |= Q(path__startswith=path)
        else:
            condition |= Q(pk=unit_id)
    return Unit.objects.filter(condition)


def is_staff_of(user, unit, roles: Iterable[str] | None = None) -> bool:
    return staff_units(user, roles).filter(pk=unit.pk).exists()


def scope(
    queryset: QuerySet, user, *, roles: Iterable[str] | None = None, unit_field: str = "unit"
) -> QuerySet:
    """Narrow `queryset` to objects whose `unit_field` lies in the user's scope."""
    return queryset.filter(**{f"{unit_field}__in": staff_units(user, roles)})


def get_for_staff(
    queryset: QuerySet, user, *, roles: Iterable[str] | None = None, unit_field: str = "unit", **lookup
) -> Model:
    """Return the object or raise 404, never revealing that an object of another unit exists."""
    try:
        return scope(queryset, user, roles=roles, unit_field=unit_field).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc


def unit_for_staff(user, code: str, roles: Iterable[str] | None = None):
    """The unit with BPS code `code` if the user may act on it, else 404."""
    try:
        return staff_units(user, roles).get(code=code)
    except _unit_model().DoesNotExist as exc:
        raise Http404 from exc
