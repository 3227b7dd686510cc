"""Back office for units, calendars, staff roles and service standards, scoped by unit.

Access follows `terpadu.core.access` with the unit-admin role, not Django's permission tables:
a unit admin sees and edits only units in their scope (a province admin its subtree, the
national admin everything, a superuser too). An object outside the scope answers 404, exactly
as if it did not exist, on every change, delete and history URL.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from terpadu.core.access import staff_units
from terpadu.units import services
from terpadu.units.forms import StaffRoleAddForm
from terpadu.units.models import (
    CalendarOverride,
    CompletionTime,
    OfficeHours,
    ServiceStandard,
    StaffRole,
    StandardComplaintChannel,
    StandardItem,
    Unit,
    UnitComplaintChannel,
)

ADMIN_ROLES = (StaffRole.Role.UNIT_ADMIN,)


def admin_unit_ids(request: HttpRequest) -> frozenset[int]:
    """Ids of the units the user administers; computed once per request."""
    cached = getattr(request, "_terpadu_admin_unit_ids", None)
    if cached is None:
        cached = frozenset(staff_units(request.user, ADMIN_ROLES).values_list("pk", flat=True))
        request._terpadu_admin_unit_ids = cached
    return cached


def is_national_admin(request: HttpRequest) -> bool:
    user = request.user
    return user.is_superuser or staff_units(user, ADMIN_ROLES).filter(kind=Unit.Kind.NATIONAL).exists()


def _may_use_admin(request: HttpRequest) -> bool:
    user = request.user
    return user.is_active and user.is_staff and bool(admin_unit_ids(request))


class UnitScopedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose rows belong to a unit through `unit_field` ("" for Unit itself)."""

    unit_field = "unit"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def _unit_id(self, obj) -> int | None:
        return obj.pk if self.unit_field == "" else getattr(obj, f"{self.unit_field}_id")

    def in_scope(self, request: HttpRequest, obj=None) -> bool:
        if not _may_use_admin(request):
            return False
        return obj is None or self._unit_id(obj) in admin_unit_ids(request)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        lookup = "pk__in" if self.unit_field == "" else f"{self.unit_field}__in"
        return queryset.filter(**{lookup: admin_unit_ids(request)})

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            # Django's admin would redirect with "doesn't exist"; 404 says exactly the same for an
            # object out of scope and an absent one.
            raise Http404
        return obj

    def has_module_permission(self, request):
        return _may_use_admin(request)

    def has_view_permission(self, request, obj=None):
        return self.in_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        return self.in_scope(request, obj)

    def has_add_permission(self, request):
        return self.in_scope(request)

    def has_delete_permission(self, request, obj=None):
        return self.in_scope(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Unit:
            kwargs["queryset"] = Unit.objects.filter(pk__in=admin_unit_ids(request)).order_by("code")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ScopedInline:
    """Inline permissions follow the parent object's scope (and, for standards, its draft state)."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def _parent_unit_id(self, obj) -> int | None:
        return obj.pk if isinstance(obj, Unit) else getattr(obj, "unit_id", None)

    def _parent_in_scope(self, request, obj) -> bool:
        if not _may_use_admin(request):
            return False
        return obj is None or self._parent_unit_id(obj) in admin_unit_ids(request)

    def _editable(self, obj) -> bool:
        return not isinstance(obj, ServiceStandard) or obj.status == ServiceStandard.Status.DRAFT

    def has_view_permission(self, request, obj=None):
        return self._parent_in_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._parent_in_scope(request, obj) and self._editable(obj)

    def has_add_permission(self, request, obj=None):
        return self._parent_in_scope(request, obj) and self._editable(obj)

    def has_delete_permission(self, request, obj=None):
        return self._parent_in_scope(request, obj) and self._editable(obj)


# --- units -------------------------------------------------------------------------------------


class UnitComplaintChannelInline(ScopedInline, admin.TabularInline):
    model = UnitComplaintChannel
    extra = 0
    fields = ["order", "kind", "label", "value", "url"]


class OfficeHoursInline(ScopedInline, admin.TabularInline):
    model = OfficeHours
    extra = 0
    max_num = 7
    fields = ["weekday", "opens", "closes"]
    verbose_name_plural = gettext_lazy("office hours (none: Mon–Thu 07:30–16:00, Fri 07:30–16:30)")


@admin.register(Unit)
class UnitAdmin(UnitScopedAdmin):
    unit_field = ""
    list_display = ["code", "name", "kind", "parent", "time_zone", "is_active"]
    list_filter = ["kind", "time_zone", "is_active"]
    search_fields = ["code", "name", "kemendagri_code"]
    inlines = [UnitComplaintChannelInline, OfficeHoursInline]
    fieldsets = [
        (None, {"fields": ["code", "kind", "parent", "name", "kemendagri_code", "is_active"]}),
        (gettext_lazy("Contact"), {"fields": ["address", "postcode", "phone", "email", "website"]}),
        (gettext_lazy("Service"), {"fields": ["time_zone", "lockers_enabled"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        # Code, kind and parent are the unit's identity and the key of the scoping path.
        return ["code", "kind", "parent"] if obj is not None else []

    def has_add_permission(self, request):
        # A new unit hangs under one the user administers: provinces under the national office
        # (national admin), regencies and cities under their province (province admin).
        return _may_use_admin(request) and (
            request.user.is_superuser
            or Unit.objects.filter(
                pk__in=admin_unit_ids(request), kind__in=[Unit.Kind.NATIONAL, Unit.Kind.PROVINCE]
            ).exists()
        )

    def has_delete_permission(self, request, obj=None):
        # Units carry history (standards, visits); they are deactivated, not deleted.
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        editable = set(services.UNIT_EDITABLE_FIELDS)
        if change:
            fields = {name: form.cleaned_data[name] for name in form.changed_data if name in editable}
            services.unit_update(unit=obj, actor=request.user, **fields)
            return
        fields = {name: form.cleaned_data[name] for name in form.cleaned_data if name in editable}
        created = services.unit_create(
            code=obj.code,
            kind=obj.kind,
            name=obj.name,
            parent=obj.parent,
            time_zone=obj.time_zone,
            actor=request.user,
            **{k: v for k, v in fields.items() if k not in ("name", "time_zone")},
        )
        obj.pk, obj.path = created.pk, created.path


# --- calendar ----------------------------------------------------------------------------------


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(UnitScopedAdmin):
    list_display = ["date", "kind", "reason", "unit"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    search_fields = ["reason", "unit__code", "unit__name"]

    def get_queryset(self, request):
        queryset = admin.ModelAdmin.get_queryset(self, request).select_related("unit")
        if request.user.is_superuser:
            return queryset
        condition = Q(unit__in=admin_unit_ids(request))
        if is_national_admin(request):
            condition |= Q(unit__isnull=True)  # nation-wide changes (cuti bersama revisions)
        return queryset.filter(condition)

    def in_scope(self, request, obj=None):
        if obj is not None and obj.unit_id is None:
            return _may_use_admin(request) and is_national_admin(request)
        return super().in_scope(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if "unit" in form.base_fields and not is_national_admin(request):
            form.base_fields["unit"].required = True  # only the national admin changes the national list
        return form


# --- staff roles -------------------------------------------------------------------------------


@admin.register(StaffRole)
class StaffRoleAdmin(UnitScopedAdmin):
    list_display = ["user", "unit", "role", "active"]
    list_filter = ["role", "active"]
    search_fields = ["user__email", "user__name", "unit__code", "unit__name"]
    list_select_related = ["user", "unit"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = StaffRoleAddForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        return ["email", "unit", "role", "active"] if obj is None else ["user", "unit", "role", "active"]

    def get_readonly_fields(self, request, obj=None):
        return ["user"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if obj.active and not obj.user.is_staff:
            # A staff role is what opens the back office; the role's scope limits what it shows.
            obj.user.is_staff = True
            obj.user.save(update_fields=["is_staff"])


# --- service standards -------------------------------------------------------------------------


class StandardItemInline(ScopedInline, admin.TabularInline):
    model = StandardItem
    extra = 0
    fields = ["component", "mode", "order", "parent", "text"]
    ordering = ["component", "mode", "order", "id"]

    def get_formset(self, request, obj=None, **kwargs):
        request._terpadu_standard = obj
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            # Only items of the same standard, never another unit's.
            standard = getattr(request, "_terpadu_standard", None)
            kwargs["queryset"] = (
                StandardItem.objects.filter(standard=standard) if standard else StandardItem.objects.none()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class CompletionTimeInline(ScopedInline, admin.StackedInline):
    model = CompletionTime
    extra = 0
    fields = [("mode", "order"), ("amount", "unit", "clock_start"), "heading", "wording"]


class StandardComplaintChannelInline(ScopedInline, admin.TabularInline):
    model = StandardComplaintChannel
    extra = 0
    fields = ["order", "kind", "label", "value", "url"]


@admin.register(ServiceStandard)
class ServiceStandardAdmin(UnitScopedAdmin):
    list_display = ["unit", "service", "sk_number", "effective_from", "effective_until", "status"]
    list_filter = ["service", "status"]
    search_fields = ["unit__code", "unit__name", "sk_number", "title"]
    list_select_related = ["unit"]
    inlines = [StandardItemInline, CompletionTimeInline, StandardComplaintChannelInline]
    readonly_fields = ["status", "effective_until", "published_at", "published_by"]
    actions = ["publish_selected", "copy_selected_as_draft"]
    change_form_template = "units/admin/standard_change_form.html"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "unit",
                    "service",
                    "title",
                    "sk_number",
                    "effective_from",
                    "status",
                    "effective_until",
                    "published_at",
                    "published_by",
                ]
            },
        ),
        (
            gettext_lazy("Public components"),
            {
                "fields": [
                    "completion_time_summary",
                    "fee_amount",
                    "fee_wording",
                    "mode_headings",
                    "source_note",
                ]
            },
        ),
        (
            gettext_lazy("Internal components (not shown publicly)"),
            {
                "classes": ["collapse"],
                "fields": [
                    "legal_basis",
                    "facilities",
                    "staff_competence",
                    "internal_supervision",
                    "staff_count",
                    "service_guarantee",
                    "safety_guarantee",
                    "performance_evaluation",
                ],
            },
        ),
    ]

    def has_change_permission(self, request, obj=None):
        # A published or superseded standard is a record of what was promised: it is read, not
        # edited. The next version starts as a copy ("copy as a new draft").
        if obj is not None and obj.status != ServiceStandard.Status.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.status != ServiceStandard.Status.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    def has_publish_permission(self, request):
        return self.in_scope(request)

    def get_urls(self):
        opts = self.model._meta
        prefix = f"{opts.app_label}_{opts.model_name}"
        return [
            path(
                "<path:object_id>/publish/",
                self.admin_site.admin_view(require_POST(self.publish_view)),
                name=f"{prefix}_publish",
            ),
            path(
                "<path:object_id>/copy/",
                self.admin_site.admin_view(require_POST(self.copy_view)),
                name=f"{prefix}_copy",
            ),
            *super().get_urls(),
        ]

    def _change_url(self, standard: ServiceStandard) -> str:
        return reverse("admin:units_servicestandard_change", args=[standard.pk])

    def _publish(self, request, standard: ServiceStandard) -> bool:
        try:
            services.standard_publish(standard=standard, actor=request.user)
        except ValidationError as error:
            self.message_user(
                request,
                _("%(standard)s was not published: %(reason)s")
                % {"standard": standard, "reason": " ".join(error.messages)},
                messages.ERROR,
            )
            return False
        self.message_user(
            request,
            _("%(standard)s is published; the previous version is superseded.") % {"standard": standard},
        )
        return True

    def _copy(self, request, standard: ServiceStandard) -> ServiceStandard:
        draft = services.standard_copy_as_draft(standard=standard, actor=request.user)
        self.message_user(
            request,
            _(
                "A new draft was copied from %(standard)s. Give it its SK number and effective date, "
                "then publish."
            )
            % {"standard": standard},
        )
        return draft

    def publish_view(self, request, object_id):
        standard = self.get_object(request, unquote(object_id))  # 404 out of scope
        self._publish(request, standard)
        return HttpResponseRedirect(self._change_url(standard))

    def copy_view(self, request, object_id):
        standard = self.get_object(request, unquote(object_id))  # 404 out of scope
        draft = self._copy(request, standard)
        return redirect(self._change_url(draft))

    @admin.action(description=gettext_lazy("Publish the selected drafts"), permissions=["publish"])
    def publish_selected(self, request, queryset):
        # The queryset is already scoped by get_queryset; publish one at a time so one refusal
        # does not hide the others' results.
        for standard in queryset.select_related("unit"):
            self._publish(request, standard)

    @admin.action(
        description=gettext_lazy("Copy the selected standards as new drafts"), permissions=["publish"]
    )
    def copy_selected_as_draft(self, request, queryset):
        for standard in queryset.select_related("unit"):
            self._copy(request, standard)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context.update(
            {
                "standard_is_draft": obj is not None and obj.status == ServiceStandard.Status.DRAFT,
                "public_url": _public_url(obj),
            }
        )
        return super().render_change_form(request, context, add, change, form_url, obj)


def _public_url(standard: ServiceStandard | None) -> str:
    if standard is None or standard.status == ServiceStandard.Status.DRAFT:
        return ""
    if standard.status == ServiceStandard.Status.PUBLISHED:
        return reverse("standard-current", args=[standard.unit.code, standard.service])
    return reverse("standard-version", args=[standard.unit.code, standard.service, standard.pk])
