"""Back-office forms for units."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from terpadu.units.models import StaffRole


class StaffRoleAddForm(forms.ModelForm):
    """Grant a role by the person's email address: a unit admin never browses the national user list."""

    email = forms.EmailField(label=_("Email address of the account"))

    class Meta:
        model = StaffRole
        fields = ["email", "unit", "role", "active"]

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(
                _("No active account uses this email address. Ask the person to register first.")
            )
        self.instance.user = user
        return email

    def clean(self):
        cleaned = super().clean()
        user = getattr(self.instance, "user", None) if self.instance.user_id else None
        unit, role = cleaned.get("unit"), cleaned.get("role")
        if user and unit and role and StaffRole.objects.filter(user=user, unit=unit, role=role).exists():
            raise forms.ValidationError(_("This person already has this role in this unit."))
        return cleaned
