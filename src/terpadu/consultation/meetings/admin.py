from django.contrib import admin

from terpadu.units import admin as units_admin

from .models import ConsultationAppointment, Meeting, WalkInRecord


class ScopedReadOnly(units_admin.UnitScopedAdmin):
    """Read-only and scoped to the admin's units through the consultation; changes go through the pages."""

    unit_field = "consultation__unit"

    def _unit_id(self, obj) -> int | None:
        return obj.consultation.unit_id

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Meeting)
class MeetingAdmin(ScopedReadOnly):
    list_display = ["starts_at", "consultation", "provider", "duration_minutes", "status"]
    list_filter = ["provider", "status"]


@admin.register(ConsultationAppointment)
class ConsultationAppointmentAdmin(ScopedReadOnly):
    list_display = ["created_at", "consultation", "appointment"]


@admin.register(WalkInRecord)
class WalkInRecordAdmin(ScopedReadOnly):
    list_display = ["recorded_at", "consultation", "ticket", "recorded_by"]
