from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from terpadu.accounts.models import Consent, User


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "name")


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class ConsentInline(admin.TabularInline):
    model = Consent
    extra = 0
    can_delete = False
    fields = ("purpose", "text_version", "language", "given_at", "ip_address")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Email-based users; staff roles per unit are granted in the units admin."""

    form = UserEditForm
    add_form = UserCreationForm
    ordering = ("email",)
    list_display = ("email", "name", "institution", "is_staff", "is_active", "date_joined")
    list_filter = ("is_staff", "is_superuser", "is_active")
    search_fields = ("email", "name", "institution", "phone")
    readonly_fields = ("last_login", "date_joined")
    inlines = [ConsentInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("name", "phone", "institution", "occupation")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "name", "password1", "password2")}),)

    def get_inlines(self, request, obj):
        # A new user has no consents yet; the add page stays a plain form.
        return self.inlines if obj is not None else []


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    """Consents are evidence: nobody adds, edits or deletes them by hand."""

    list_display = ("user", "purpose", "text_version", "language", "given_at")
    list_filter = ("purpose", "text_version", "language")
    search_fields = ("user__email", "user__name")
    date_hierarchy = "given_at"
    readonly_fields = ("user", "purpose", "text_version", "text", "language", "given_at", "ip_address")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
