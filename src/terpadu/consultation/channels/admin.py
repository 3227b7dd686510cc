"""Back office: WhatsApp numbers per unit (admins), contacts, the channel message log and held emails,
each staff member seeing only their units'."""

from django.contrib import admin

from terpadu.consultation.admin import ConsultantScoped
from terpadu.core.access import staff_units
from terpadu.units.models import StaffRole

from .models import ChannelMessage, Contact, HeldEmail, WhatsAppNumber


@admin.register(WhatsAppNumber)
class WhatsAppNumberAdmin(admin.ModelAdmin):
    list_display = ["phone_number_id", "display_number", "unit", "active"]
    list_filter = ["active"]

    def _admin_units(self, request):
        return staff_units(request.user, [StaffRole.Role.UNIT_ADMIN])

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("unit")
        return qs if request.user.is_superuser else qs.filter(unit__in=self._admin_units(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit" and not request.user.is_superuser:
            kwargs["queryset"] = self._admin_units(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _allowed(self, request, obj=None) -> bool:
        if request.user.is_superuser:
            return True
        units = self._admin_units(request)
        if obj is None:
            return request.user.is_staff and units.exists()
        return units.filter(pk=obj.unit_id).exists()

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_add_permission(self, request):
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request, obj)


class ReadOnlyScoped(ConsultantScoped):
    unit_path = "unit"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(**{f"{self.unit_path}__in": self._units(request)}).distinct()

    def _in_scope(self, request, obj=None) -> bool:
        if obj is not None and not request.user.is_superuser:
            return self.get_queryset(request).filter(pk=obj.pk).exists()
        return super()._in_scope(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Contact)
class ContactAdmin(ReadOnlyScoped, admin.ModelAdmin):
    unit_path = "threads__consultation__unit"
    list_display = ["__str__", "kind", "user", "last_inbound_at"]
    list_filter = ["kind"]
    search_fields = ["address", "name"]


@admin.register(ChannelMessage)
class ChannelMessageAdmin(ReadOnlyScoped, admin.ModelAdmin):
    unit_path = "consultation__unit"
    list_display = ["created_at", "kind", "direction", "consultation", "status", "template", "external_id"]
    list_filter = ["kind", "direction", "status"]
    search_fields = ["external_id", "consultation__number"]


@admin.register(HeldEmail)
class HeldEmailAdmin(ReadOnlyScoped, admin.ModelAdmin):
    list_display = ["received_at", "sender", "subject", "unit", "consultation", "reason", "status"]
    list_filter = ["status", "reason"]
    exclude = ["raw"]
