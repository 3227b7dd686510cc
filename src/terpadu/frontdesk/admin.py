"""Back office for the front office: each admin sees and changes only the units in their scope."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from terpadu.frontdesk import appointments, services
from terpadu.frontdesk.models import (
    Appointment,
    Counter,
    Device,
    Locker,
    LockerDeposit,
    QueueService,
    Ticket,
    TicketEvent,
    Visit,
)
from terpadu.units import admin as units_admin


class UnitScopedAdmin(units_admin.UnitScopedAdmin):
    """The units back office's scoping (unit admins, 404 outside scope), plus counter services in scope."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "services":
            kwargs["queryset"] = QueueService.objects.filter(unit__in=units_admin.admin_unit_ids(request))
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(QueueService)
class QueueServiceAdmin(UnitScopedAdmin):
    list_display = ["unit", "prefix", "name", "kind", "active"]
    list_filter = ["kind", "active"]


@admin.register(Counter)
class CounterAdmin(UnitScopedAdmin):
    list_display = ["unit", "number", "name", "active", "staff"]
    filter_horizontal = ["services"]
    exclude = ["staff", "signed_in_at"]


@admin.register(Locker)
class LockerAdmin(UnitScopedAdmin):
    list_display = ["unit", "number", "size", "in_service"]
    list_filter = ["in_service", "size"]
    list_editable = ["in_service"]


@admin.register(Device)
class DeviceAdmin(UnitScopedAdmin):
    """A new device's token is shown once, in the confirmation message; revoke with the action."""

    list_display = ["unit", "kind", "name", "token_prefix", "created_at", "last_seen_at", "revoked_at"]
    list_filter = ["kind"]
    fields = ["unit", "kind", "name"]
    actions = ["revoke"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            return
        device, token = services.device_issue(unit=obj.unit, kind=obj.kind, name=obj.name, actor=request.user)
        obj.pk = device.pk
        messages.warning(
            request,
            _("Token for %(device)s (shown only now; paste it on the device): %(token)s")
            % {"device": device, "token": token},
        )

    @admin.action(description=_("Revoke the selected devices"))
    def revoke(self, request, queryset):
        for device in queryset:
            services.device_revoke(device=device, actor=request.user)


class ReadOnlyAdmin(UnitScopedAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TicketEventInline(admin.TabularInline):
    model = TicketEvent
    extra = 0
    can_delete = False
    fields = ["kind", "at", "counter", "actor", "device", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    list_display = [
        "number",
        "unit",
        "local_day",
        "service",
        "status",
        "counter",
        "met_standard",
        "wait_seconds",
    ]
    list_filter = ["status", "met_standard", "local_day"]
    inlines = [TicketEventInline]


@admin.register(Visit)
class VisitAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "unit", "name", "id_number_masked", "institution", "checked_out_at"]
    exclude = ["id_number_encrypted", "id_number_hash"]
    search_fields = ["name", "email", "phone", "institution"]


@admin.register(LockerDeposit)
class LockerDepositAdmin(ReadOnlyAdmin):
    list_display = ["deposited_at", "unit", "locker", "visit", "id_number_masked", "returned_at"]
    exclude = ["id_number_encrypted", "id_number_hash"]


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyAdmin):
    """Bookings are made from a consultation or the API; here they are looked up and cancelled."""

    list_display = ["starts_at", "unit", "service", "code", "name", "status", "ticket", "source"]
    list_filter = ["status", "service__kind"]
    search_fields = ["code", "name", "email", "phone"]
    date_hierarchy = "starts_at"
    actions = ["cancel"]

    @admin.action(description=_("Cancel the selected appointments"))
    def cancel(self, request, queryset):
        for appointment in queryset.filter(status=Appointment.Status.BOOKED):
            appointments.appointment_cancel(appointment=appointment, actor=request.user)
