"""Back office for the catalogue; every list is narrowed to the librarian's units."""

from django.contrib import admin

from terpadu.core.access import scope, staff_units

from . import search
from .models import (
    DigitalFile,
    DownloadRecord,
    PrintCopy,
    Publication,
    ReadingLog,
    RetrievalRequest,
    ScannerLog,
    Series,
    SoftcopyRequest,
    Subject,
)
from .services import LIBRARIAN


class ScopedAdmin(admin.ModelAdmin):
    unit_field = "unit"

    def get_queryset(self, request):
        return scope(super().get_queryset(request), request.user, roles=LIBRARIAN, unit_field=self.unit_field)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit":
            kwargs["queryset"] = staff_units(request.user, LIBRARIAN)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class PrintCopyInline(admin.TabularInline):
    model = PrintCopy
    extra = 0
    fields = ("barcode", "unit", "location", "shelf_code", "condition", "status")


@admin.register(Publication)
class PublicationAdmin(ScopedAdmin):
    list_display = ("title", "year", "unit", "catalogue_number", "publication_number", "is_published")
    list_filter = ("year", "is_published", "series")
    search_fields = ("title", "catalogue_number", "publication_number", "issn", "isbn")
    filter_horizontal = ("subjects",)
    inlines = [PrintCopyInline]
    readonly_fields = ("created_at", "updated_at")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Subjects are saved after the publication: index once both are in place.
        search.index_publication(form.instance)


@admin.register(PrintCopy)
class PrintCopyAdmin(ScopedAdmin):
    list_display = ("barcode", "publication", "unit", "location", "shelf_code", "condition", "status")
    list_filter = ("location", "status", "condition")
    search_fields = ("barcode", "publication__title", "shelf_code")
    raw_id_fields = ("publication",)


@admin.register(DigitalFile)
class DigitalFileAdmin(ScopedAdmin):
    unit_field = "publication__unit"
    list_display = ("publication", "access", "status", "page_count", "size_bytes", "uploaded_at")
    list_filter = ("access", "status")
    fields = ("publication", "access", "status", "progress", "page_count", "size_bytes", "sha256", "error")
    readonly_fields = ("publication", "status", "progress", "page_count", "size_bytes", "sha256", "error")

    def has_add_permission(self, request):
        return False  # uploads go through the desk's upload page (validation, processing)


@admin.register(DownloadRecord)
class DownloadRecordAdmin(ScopedAdmin):
    list_display = ("code", "kind", "user_name", "user_email", "publication_title", "unit", "created_at")
    search_fields = ("code", "user_email", "publication_title")
    list_filter = ("kind",)

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(SoftcopyRequest)
class SoftcopyRequestAdmin(ScopedAdmin):
    list_display = ("publication", "user", "status", "channel", "created_at", "decided_at")
    list_filter = ("status", "channel")
    # The visit is set at the desk; a select here would list every unit's guest book.
    readonly_fields = ("token_hash", "expires_at", "decided_by", "decided_at", "visit")
    raw_id_fields = ("publication", "user", "created_by")


@admin.register(RetrievalRequest)
class RetrievalRequestAdmin(ScopedAdmin):
    list_display = (
        "copy",
        "visitor_name",
        "status",
        "requested_at",
        "fetched_at",
        "delivered_at",
        "returned_at",
    )
    list_filter = ("status",)
    raw_id_fields = ("copy", "publication")
    readonly_fields = ("visit",)


@admin.register(ReadingLog)
class ReadingLogAdmin(ScopedAdmin):
    list_display = ("publication", "visitor_name", "from_storage", "created_at")
    raw_id_fields = ("publication", "copy")
    readonly_fields = ("visit",)


@admin.register(ScannerLog)
class ScannerLogAdmin(ScopedAdmin):
    list_display = ("publication", "pages", "visitor_name", "created_at")
    raw_id_fields = ("publication", "copy")
    readonly_fields = ("visit",)


admin.site.register(Subject, admin.ModelAdmin)
admin.site.register(Series, admin.ModelAdmin)
