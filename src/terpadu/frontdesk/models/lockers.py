from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from terpadu.frontdesk.models.guestbook import PersonalIdFields


class Locker(models.Model):
    class Size(models.TextChoices):
        SMALL = "small", _("Small")
        MEDIUM = "medium", _("Medium")
        LARGE = "large", _("Large")

    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="lockers"
    )
    number = models.CharField(_("number"), max_length=10)
    size = models.CharField(_("size"), max_length=8, choices=Size.choices, default=Size.MEDIUM)
    in_service = models.BooleanField(_("in service"), default=True, help_text=_("Untick when out of order."))

    class Meta:
        ordering = ["unit", "number"]
        verbose_name = _("locker")
        verbose_name_plural = _("lockers")
        constraints = [
            models.UniqueConstraint(fields=["unit", "number"], name="locker_number_unique_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.unit.code} #{self.number}"


class LockerDeposit(PersonalIdFields):
    """An ID card held at the front office while its owner's bag is in a locker."""

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="locker_deposits")
    locker = models.ForeignKey(
        Locker, verbose_name=_("locker"), on_delete=models.PROTECT, related_name="deposits"
    )
    visit = models.ForeignKey(
        "frontdesk.Visit", verbose_name=_("visit"), on_delete=models.PROTECT, related_name="locker_deposits"
    )
    deposited_at = models.DateTimeField(_("deposited at"))
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    deposited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-deposited_at", "-id"]
        verbose_name = _("ID card deposit")
        verbose_name_plural = _("ID card deposits")
        constraints = [
            # The database, not a check in Python, keeps a locker from being handed out twice.
            models.UniqueConstraint(
                fields=["locker"],
                condition=models.Q(returned_at__isnull=True),
                name="locker_one_open_deposit",
            )
        ]

    def __str__(self) -> str:
        return f"{self.locker} · {self.id_number_masked}"
