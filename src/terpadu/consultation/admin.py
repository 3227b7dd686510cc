"""Back office: articles and consultations, each staff member seeing only their units'."""

from django.contrib import admin

from terpadu.core.access import scope, staff_units

from . import services
from .models import Attachment, CannedReply, Consultation, ConsultationEvent, KnowledgeArticle, Message


class ConsultantScoped:
    """Consultants and unit admins use these pages through their unit roles, not Django permissions."""

    def _units(self, request):
        return staff_units(request.user, services.CONSULTANT_ROLES)

    def _in_scope(self, request, obj=None) -> bool:
        if request.user.is_superuser:
            return True
        units = self._units(request)
        if obj is None:
            return request.user.is_staff and units.exists()
        return obj.unit_id is not None and units.filter(pk=obj.unit_id).exists()

    def has_module_permission(self, request):
        return self._in_scope(request)

    def has_view_permission(self, request, obj=None):
        return self._in_scope(request, obj)


@admin.register(KnowledgeArticle)
class KnowledgeArticleAdmin(ConsultantScoped, admin.ModelAdmin):
    list_display = ["question", "unit", "published", "updated_at"]
    list_filter = ["published"]
    search_fields = ["question"]
    fields = ["unit", "question", "answer_html", "subjects", "published"]

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("unit")
        if request.user.is_superuser:
            return qs
        return qs.filter(unit__in=staff_units(request.user, services.CONSULTANT_ROLES))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit" and not request.user.is_superuser:
            kwargs["queryset"] = staff_units(request.user, services.CONSULTANT_ROLES)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        return self._in_scope(request, obj)

    def has_add_permission(self, request):
        return self._in_scope(request)

    def save_model(self, request, obj, form, change):
        # Through the service, so the answer is sanitised and the search text rebuilt.
        services.article_save(
            actor=request.user,
            unit=obj.unit,
            question=obj.question,
            answer_html=obj.answer_html,
            subjects=obj.subjects,
            published=obj.published,
            article=obj if change else None,
        )


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    fields = ["created_at", "author_kind", "author", "internal", "body"]
    readonly_fields = fields
    can_delete = False


class EventInline(admin.TabularInline):
    model = ConsultationEvent
    extra = 0
    fields = ["at", "kind", "actor", "data"]
    readonly_fields = fields
    can_delete = False


@admin.register(Consultation)
class ConsultationAdmin(ConsultantScoped, admin.ModelAdmin):
    list_display = ["number", "unit", "topic", "channel", "status", "due_at", "standard_met"]
    list_filter = ["status", "channel", "standard_met"]
    search_fields = ["number", "topic"]
    readonly_fields = [f.name for f in Consultation._meta.fields]
    inlines = [MessageInline, EventInline]

    def get_queryset(self, request):
        return scope(
            super().get_queryset(request).select_related("unit"),
            request.user,
            roles=services.CONSULTANT_ROLES,
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CannedReply)
class CannedReplyAdmin(ConsultantScoped, admin.ModelAdmin):
    list_display = ["title", "unit", "updated_at"]
    search_fields = ["title", "body"]
    fields = ["unit", "title", "body"]

    def get_queryset(self, request):
        return scope(
            super().get_queryset(request).select_related("unit"),
            request.user,
            roles=services.CONSULTANT_ROLES,
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit" and not request.user.is_superuser:
            kwargs["queryset"] = staff_units(request.user, services.CONSULTANT_ROLES)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        return self._in_scope(request, obj)

    def has_add_permission(self, request):
        return self._in_scope(request)

    def has_delete_permission(self, request, obj=None):
        return self._in_scope(request, obj)

    def save_model(self, request, obj, form, change):
        # Through the service: the same checks as the page (unit scope, length, no scripts).
        services.canned_reply_save(
            unit=obj.unit, actor=request.user, title=obj.title, body=obj.body, reply=obj if change else None
        )


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    """Read-only list of stored files (name, type, size, hash); the files themselves are served only
    through the consultation pages."""

    list_display = ["original_name", "content_type", "size", "message", "created_at"]
    search_fields = ["original_name", "sha256"]
    readonly_fields = ["message", "original_name", "content_type", "size", "sha256", "created_at"]
    exclude = ["file"]

    def get_queryset(self, request):
        return scope(
            super().get_queryset(request).select_related("message__consultation"),
            request.user,
            roles=services.CONSULTANT_ROLES,
            unit_field="message__consultation__unit",
        )

    def has_module_permission(self, request):
        return request.user.is_superuser or (
            request.user.is_staff and staff_units(request.user, services.CONSULTANT_ROLES).exists()
        )

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return self.has_module_permission(request)
        return self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
