"""Writes for units and service standards: every change goes through here.

Access checks belong to the caller (core/access.py); these functions validate the data and keep
the publishing invariants: at most one published standard per unit and service, effective dates
that follow each other, and an audit trail of who published what.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from terpadu.core.models import audit
from terpadu.units import seed
from terpadu.units.models import (
    TIME_ZONES,
    CompletionTime,
    ServiceStandard,
    StandardComplaintChannel,
    StandardItem,
    Unit,
    UnitComplaintChannel,
)

UNIT_EDITABLE_FIELDS = (
    "name",
    "address",
    "postcode",
    "phone",
    "email",
    "website",
    "time_zone",
    "kemendagri_code",
    "lockers_enabled",
    "is_active",
)


# --- units -----------------------------------------------------------------------------------


def _check_time_zone(time_zone: str) -> None:
    known = [zone for zone, _label in TIME_ZONES]
    if time_zone not in known:
        raise ValidationError(
            {
                "time_zone": _(
                    "Unknown time zone “%(zone)s”: a BPS unit keeps Asia/Jakarta (WIB), "
                    "Asia/Makassar (WITA) or Asia/Jayapura (WIT)."
                )
                % {"zone": time_zone}
            }
        )


def _unit_full_clean(unit: Unit) -> None:
    """full_clean, with a clearer message for a time zone than the generic "not a valid choice"."""
    errors: dict[str, list] = {}
    try:
        _check_time_zone(unit.time_zone)
    except ValidationError as error:
        errors.update(error.error_dict)
    try:
        unit.full_clean(exclude=list(errors) or None)
    except ValidationError as error:
        for field, messages in error.error_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def unit_create(
    *,
    code: str,
    kind: str,
    name: str,
    parent: Unit | None = None,
    time_zone: str = "Asia/Jakarta",
    actor=None,
    **fields: Any,
) -> Unit:
    """Create a unit after validating its BPS code against its kind and parent."""
    unknown = set(fields) - set(UNIT_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unit_create() got unexpected fields: {', '.join(sorted(unknown))}")
    unit = Unit(code=code, kind=kind, name=name, parent=parent, time_zone=time_zone, **fields)
    _unit_full_clean(unit)
    unit.save()
    audit(actor=actor, action="unit.create", obj=unit, unit_code=unit.code, summary=str(unit))
    return unit


@transaction.atomic
def unit_update(*, unit: Unit, actor=None, **fields: Any) -> Unit:
    """Change a unit's profile. The code, kind and parent are its identity and stay as they are."""
    unknown = set(fields) - set(UNIT_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed here: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    # Validate on a copy so a refused change leaves the caller's instance as it was.
    candidate = Unit.objects.get(pk=unit.pk)
    changed = {name: value for name, value in fields.items() if getattr(candidate, name) != value}
    for name, value in changed.items():
        setattr(candidate, name, value)
    _unit_full_clean(candidate)
    if not changed:
        return unit
    candidate.save(update_fields=list(changed))
    for name, value in changed.items():
        setattr(unit, name, value)
    audit(
        actor=actor,
        action="unit.update",
        obj=unit,
        unit_code=unit.code,
        summary=_("Changed %(fields)s") % {"fields": ", ".join(sorted(changed))},
        fields=sorted(changed),
    )
    return unit


# --- standards -------------------------------------------------------------------------------


def _lock_unit(unit_id: int) -> Unit:
    # Every publication of a unit's standard serialises on the unit's row: two admins pressing
    # "publish" at once queue here, and the second one sees the first one's result.
    # (On SQLite the IMMEDIATE transaction mode serialises the writers instead.)
    return Unit.objects.select_for_update().get(pk=unit_id)


def _current_published(*, unit_id: int, service: str) -> ServiceStandard | None:
    # of=("self",): lock only the standard; the default ordering would join (and lock) the unit.
    return (
        ServiceStandard.objects.select_for_update(of=("self",))
        .filter(unit_id=unit_id, service=service, status=ServiceStandard.Status.PUBLISHED)
        .order_by("-effective_from", "-pk")
        .first()
    )


def _supersede_and_publish(*, standard: ServiceStandard, current: ServiceStandard | None, actor) -> None:
    if current is not None:
        current.status = ServiceStandard.Status.SUPERSEDED
        current.effective_until = standard.effective_from - dt.timedelta(days=1)
        current.save(update_fields=["status", "effective_until"])
    standard.status = ServiceStandard.Status.PUBLISHED
    standard.effective_until = None
    standard.published_at = timezone.now()
    standard.published_by = actor if getattr(actor, "pk", None) else None
    standard.save(update_fields=["status", "effective_until", "published_at", "published_by"])


def check_standard_publish(*, standard: ServiceStandard, current: ServiceStandard | None) -> None:
    """Raise ValidationError when `standard` may not be published over `current`."""
    if standard.status != ServiceStandard.Status.DRAFT:
        raise ValidationError(
            _("Only a draft can be published; this standard is %(status)s.")
            % {"status": standard.get_status_display()}
        )
    if not standard.sk_number.strip():
        raise ValidationError({"sk_number": _("A standard needs an SK number before it is published.")})
    if current is not None and standard.effective_from <= current.effective_from:
        raise ValidationError(
            {
                "effective_from": _(
                    "The effective date must be after %(date)s, when the standard now published "
                    "(SK %(sk)s) took effect."
                )
                % {
                    "date": current.effective_from.isoformat(),
                    "sk": current.sk_number or _("not stated"),
                }
            }
        )


@transaction.atomic
def standard_publish(*, standard: ServiceStandard, actor) -> ServiceStandard:
    """Publish a draft, superseding the unit's current standard for the same service.

    Locks the unit row first, then re-reads the draft and the current standard under that lock,
    so two concurrent publishers cannot both win: the second sees the first's result and gets a
    clear ValidationError. Nothing changes when validation fails.
    """
    _lock_unit(standard.unit_id)
    fresh = ServiceStandard.objects.select_for_update(of=("self",)).select_related("unit").get(pk=standard.pk)
    current = _current_published(unit_id=fresh.unit_id, service=fresh.service)
    check_standard_publish(standard=fresh, current=current)
    fresh.full_clean()
    _supersede_and_publish(standard=fresh, current=current, actor=actor)
    audit(
        actor=actor,
        action="standard.publish",
        obj=fresh,
        unit_code=fresh.unit.code,
        summary=f"{fresh.get_service_display()} SK {fresh.sk_number}",
        service=fresh.service,
        sk_number=fresh.sk_number,
        effective_from=fresh.effective_from.isoformat(),
        superseded_id=current.pk if current else None,
    )
    for name in ("status", "effective_until", "published_at", "published_by"):
        setattr(standard, name, getattr(fresh, name))
    return fresh


def _copy_items(*, source: ServiceStandard, target: ServiceStandard) -> None:
    new_ids: dict[int, StandardItem] = {}
    # Parents before children: an item's parent is always created before it in this order.
    pending = list(source.items.order_by("id"))
    while pending:
        rest = []
        for item in pending:
            if item.parent_id is not None and item.parent_id not in new_ids:
                rest.append(item)
                continue
            new_ids[item.pk] = StandardItem.objects.create(
                standard=target,
                component=item.component,
                mode=item.mode,
                parent=new_ids.get(item.parent_id),
                order=item.order,
                text=item.text,
            )
        if len(rest) == len(pending):  # a cycle cannot be saved through the model, but never loop
            break
        pending = rest


COPIED_STANDARD_FIELDS = (
    "service",
    "title",
    "completion_time_summary",
    "fee_amount",
    "fee_wording",
    "legal_basis",
    "facilities",
    "staff_competence",
    "internal_supervision",
    "staff_count",
    "service_guarantee",
    "safety_guarantee",
    "performance_evaluation",
    "mode_headings",
)


@transaction.atomic
def standard_copy_as_draft(
    *, standard: ServiceStandard, actor, effective_from: dt.date | None = None
) -> ServiceStandard:
    """Start the next version of a standard: a draft with the same components and no SK number.

    The new SK number is left empty on purpose: a new version needs its own decree, and
    `standard_publish` refuses a standard without one.
    """
    unit = _lock_unit(standard.unit_id)
    if effective_from is None:
        today = timezone.now().astimezone(unit.zone).date()
        effective_from = max(today, standard.effective_from + dt.timedelta(days=1))
    draft = ServiceStandard(
        unit=unit,
        sk_number="",
        effective_from=effective_from,
        source_note=_("Copy of standard #%(id)s") % {"id": standard.pk},
        **{name: getattr(standard, name) for name in COPIED_STANDARD_FIELDS},
    )
    draft.full_clean()
    draft.save()
    _copy_items(source=standard, target=draft)
    CompletionTime.objects.bulk_create(
        CompletionTime(
            standard=draft,
            mode=time.mode,
            amount=time.amount,
            unit=time.unit,
            clock_start=time.clock_start,
            heading=time.heading,
            wording=time.wording,
            order=time.order,
        )
        for time in standard.completion_times.all()
    )
    StandardComplaintChannel.objects.bulk_create(
        StandardComplaintChannel(
            standard=draft, kind=c.kind, label=c.label, value=c.value, url=c.url, order=c.order
        )
        for c in standard.complaint_channels.all()
    )
    audit(
        actor=actor,
        action="standard.copy_as_draft",
        obj=draft,
        unit_code=unit.code,
        summary=f"{draft.get_service_display()} draft from #{standard.pk}",
        copied_from=standard.pk,
    )
    return draft


# --- seed ------------------------------------------------------------------------------------


def _create_items(*, standard: ServiceStandard, component: str, mode: str, items: list, start: int) -> None:
    def create(entries: list, parent: StandardItem | None, first: int) -> None:
        for position, entry in enumerate(entries, start=first):
            text, children = (entry, []) if isinstance(entry, str) else entry
            item = StandardItem.objects.create(
                standard=standard, component=component, mode=mode, parent=parent, order=position, text=text
            )
            create(children, item, 1)

    create(items, None, start)


def _create_seed_standard(*, unit: Unit, data: dict) -> ServiceStandard:
    standard = ServiceStandard(
        unit=unit,
        service=data["service"],
        title=data["title"],
        sk_number=data["sk_number"],
        effective_from=data["effective_from"],
        completion_time_summary=data["completion_time_summary"],
        fee_amount=data["fee_amount"],
        fee_wording=data["fee_wording"],
        source_note=seed.source_note(data),
        mode_headings={
            component: {mode: part["heading"] for mode, part in data[component].items() if part["heading"]}
            for component in seed.LIST_COMPONENTS
            if any(part["heading"] for part in data[component].values())
        },
    )
    standard.full_clean()
    standard.save()
    for component in seed.LIST_COMPONENTS:
        for mode, part in data[component].items():
            _create_items(
                standard=standard,
                component=component,
                mode=mode,
                items=part["items"],
                start=part.get("start", 1),
            )
    for order, time in enumerate(data["completion_times"], start=1):
        row = CompletionTime(standard=standard, order=order, **time)
        row.full_clean()
        row.save()
    for order, (kind, label, value, url) in enumerate(data["complaint_channels"], start=1):
        StandardComplaintChannel.objects.create(
            standard=standard, kind=kind, label=label, value=value, url=url, order=order
        )
    return standard


def _seed_unit_channels(unit: Unit, spec) -> None:
    channels = seed.standard_by_source(spec)["complaint_channels"] if isinstance(spec, str) else spec
    for order, (kind, label, value, url) in enumerate(channels, start=1):
        UnitComplaintChannel.objects.create(
            unit=unit, kind=kind, label=label, value=value, url=url, order=order
        )


@transaction.atomic
def seed_load(*, actor=None) -> dict[str, int]:
    """Load the seed units and standards. Idempotent: a second run changes nothing.

    Units are matched by BPS code and standards by (unit, service, SK number, source note); what
    exists is left alone, so an admin's later edits are never overwritten by `make run`. The seed
    standards are published documents and are loaded as published even without an SK number —
    `standard_publish` refuses that for new standards. Returns how many rows were created.
    """
    created = {"units": 0, "standards": 0}
    units: dict[str, Unit] = {}
    for data in seed.UNITS:
        fields = {k: v for k, v in data.items() if k not in ("complaint_channels", "parent")}
        unit = Unit.objects.filter(code=data["code"]).first()
        if unit is None:
            parent = units.get(data["parent"]) if data["parent"] else None
            unit = Unit(parent=parent, **fields)
            _unit_full_clean(unit)
            unit.save()
            _seed_unit_channels(unit, data["complaint_channels"])
            audit(actor=actor, action="unit.seed", obj=unit, unit_code=unit.code, summary=str(unit))
            created["units"] += 1
        units[unit.code] = unit

    for data in seed.STANDARDS:
        unit = _lock_unit(units[data["unit"]].pk)
        exists = ServiceStandard.objects.filter(
            unit=unit,
            service=data["service"],
            sk_number=data["sk_number"],
            source_note=seed.source_note(data),
        ).exists()
        if exists:
            continue
        standard = _create_seed_standard(unit=unit, data=data)
        current = _current_published(unit_id=unit.pk, service=standard.service)
        if current is not None and current.effective_from >= standard.effective_from:
            # The unit has since published a newer standard: the seed one joins the history.
            standard.status = ServiceStandard.Status.SUPERSEDED
            standard.effective_until = current.effective_from - dt.timedelta(days=1)
            standard.save(update_fields=["status", "effective_until"])
        else:
            _supersede_and_publish(standard=standard, current=current, actor=actor)
        audit(
            actor=actor,
            action="standard.seed",
            obj=standard,
            unit_code=unit.code,
            summary=f"{standard.get_service_display()} from {standard.source_note}",
        )
        created["standards"] += 1
    return created
