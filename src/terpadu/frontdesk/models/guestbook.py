from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class IdType(models.TextChoices):
    KTP = "ktp", _("KTP (identity card)")
    SIM = "sim", _("SIM (driving licence)")
    PASSPORT = "passport", _("Passport")
    OTHER = "other", _("Other")


class PersonalIdFields(models.Model):
    """An ID number kept as UU 27/2022 asks: encrypted, masked for display, found by keyed hash."""

    id_type = models.CharField(_("ID type"), max_length=12, choices=IdType.choices)
    id_number_encrypted = models.TextField(editable=False, blank=True)
    id_number_hash = models.CharField(max_length=64, editable=False, blank=True, db_index=True)
    id_number_masked = models.CharField(_("ID number"), max_length=40, editable=False, blank=True)

    class Meta:
        abstract = True


class Visit(PersonalIdFields):
    """One guest-book entry: the start of a walk-in visitor's day at the unit."""

    class InstitutionKind(models.TextChoices):
        GOVERNMENT = "government", _("Government")
        UNIVERSITY = "university", _("University / research")
        PRIVATE = "private", _("Private company")
        STUDENT = "student", _("Student")
        PUBLIC = "public", _("General public")
        OTHER = "other", _("Other")

    class Gender(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")

    class Education(models.TextChoices):
        SCHOOL = "school", _("Up to senior high school")
        DIPLOMA = "diploma", _("Diploma (D1–D4)")
        BACHELOR = "bachelor", _("Bachelor (S1)")
        MASTER = "master", _("Master (S2)")
        DOCTORATE = "doctorate", _("Doctorate (S3)")

    class Source(models.TextChoices):
        KIOSK = "kiosk", _("Kiosk")
        STAFF = "staff", _("Front office staff")
        API = "api", _("API")

    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="visits"
    )
    # The guest-book entry time: the library clock starts here.
    created_at = models.DateTimeField(_("guest-book entry"), db_index=True)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("email"), blank=True, db_index=True)
    phone = models.CharField(_("phone / WhatsApp"), max_length=24, blank=True, db_index=True)
    institution = models.CharField(_("institution"), max_length=200, blank=True)
    institution_kind = models.CharField(
        _("kind of institution"), max_length=16, choices=InstitutionKind.choices, blank=True
    )
    occupation = models.CharField(_("occupation"), max_length=100, blank=True)
    education = models.CharField(_("education"), max_length=16, choices=Education.choices, blank=True)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices, blank=True)
    purpose = models.TextField(_("purpose of the visit"), blank=True)
    services = models.JSONField(_("services wanted"), default=list)
    group_size = models.PositiveSmallIntegerField(_("people in the group"), default=1)
    consent_at = models.DateTimeField(_("consent given at"))
    consent_version = models.CharField(_("consent text version"), max_length=20)
    source = models.CharField(_("entered at"), max_length=8, choices=Source.choices, default=Source.KIOSK)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="visits"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    device = models.ForeignKey(
        "frontdesk.Device", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("visit (guest book)")
        verbose_name_plural = _("visits (guest book)")
        indexes = [models.Index(fields=["unit", "created_at"])]

    def __str__(self) -> str:
        return f"{self.name} · {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.checked_out_at is None

    @property
    def duration(self):
        return (self.checked_out_at - self.created_at) if self.checked_out_at else None
