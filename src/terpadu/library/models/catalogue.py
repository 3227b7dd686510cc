"""The catalogue: publications with their identifiers, subjects and series, and printed copies."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

catalogue_number_validator = RegexValidator(
    r"^\d{7}(\.\d{2,4})?$",
    _("A catalogue number looks like 1102001.82 (seven digits, a dot, the area code)."),
)
publication_number_validator = RegexValidator(
    r"^[0-9A-Za-z][0-9A-Za-z./-]{2,40}$", _("A publication number looks like 82000.2501.")
)


def validate_issn(value: str) -> None:
    match = re.fullmatch(r"(\d{4})-?(\d{3})([\dXx])", value or "")
    if not match:
        raise ValidationError(_("An ISSN looks like 0215-2169 (eight characters, the last may be X)."))
    digits = match.group(1) + match.group(2)
    total = sum(int(d) * w for d, w in zip(digits, range(8, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    expected = "X" if check == 10 else str(check)
    if match.group(3).upper() != expected:
        raise ValidationError(_("This ISSN's check digit is wrong; check the number on the publication."))


def validate_isbn(value: str) -> None:
    digits = re.sub(r"[\s-]", "", value or "").upper()
    ok = False
    if re.fullmatch(r"\d{13}", digits):
        total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits[:12]))
        ok = (10 - total % 10) % 10 == int(digits[12])
    elif re.fullmatch(r"\d{9}[\dX]", digits):
        total = sum((10 - i) * (10 if d == "X" else int(d)) for i, d in enumerate(digits))
        ok = total % 11 == 0
    if not ok:
        raise ValidationError(_("This is not a valid ISBN-10 or ISBN-13 (check the digits)."))


class Subject(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")

    def __str__(self) -> str:
        return self.name


class Series(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("series")
        verbose_name_plural = _("series")

    def __str__(self) -> str:
        return self.name


class Publication(models.Model):
    class Language(models.TextChoices):
        INDONESIAN = "id", _("Indonesian")
        ENGLISH = "en", _("English")
        BILINGUAL = "id-en", _("Indonesian and English")

    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("producing unit"), on_delete=models.PROTECT, related_name="publications"
    )
    title = models.CharField(_("title"), max_length=400)
    subtitle = models.CharField(_("subtitle"), max_length=400, blank=True)
    abstract = models.TextField(_("abstract"), blank=True)
    catalogue_number = models.CharField(
        _("catalogue number"),
        max_length=16,
        blank=True,
        db_index=True,
        validators=[catalogue_number_validator],
    )
    publication_number = models.CharField(
        _("publication number"),
        max_length=40,
        blank=True,
        db_index=True,
        validators=[publication_number_validator],
    )
    issn = models.CharField("ISSN", max_length=9, blank=True, db_index=True, validators=[validate_issn])
    isbn = models.CharField("ISBN", max_length=17, blank=True, db_index=True, validators=[validate_isbn])
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1945), MaxValueValidator(2100)], db_index=True
    )
    series = models.ForeignKey(
        Series,
        verbose_name=_("series"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="publications",
    )
    subjects = models.ManyToManyField(
        Subject, verbose_name=_("subjects"), blank=True, related_name="publications"
    )
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default=Language.INDONESIAN
    )
    release_date = models.DateField(_("release date"), null=True, blank=True)
    is_published = models.BooleanField(_("shown in the public catalogue"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # The OAI-PMH datestamp; (updated_at, id) is the keyset for harvesting.
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-year", "title", "id"]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        indexes = [models.Index(fields=["updated_at", "id"], name="library_pub_oai_keyset")]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "publication_number"],
                condition=~models.Q(publication_number=""),
                name="library_publication_number_unique_per_unit",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def full_title(self) -> str:
        return f"{self.title}: {self.subtitle}" if self.subtitle else self.title


class PrintCopy(models.Model):
    class Location(models.TextChoices):
        DISPLAY = "display", _("Display shelf (reading room)")
        STORAGE = "storage", _("Storage room")

    class Condition(models.TextChoices):
        GOOD = "good", _("Good")
        FAIR = "fair", _("Fair")
        DAMAGED = "damaged", _("Damaged")

    class Status(models.TextChoices):
        AVAILABLE = "available", _("Available")
        IN_USE = "in_use", _("In use in the reading room")
        MISSING = "missing", _("Missing")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    publication = models.ForeignKey(
        Publication, verbose_name=_("publication"), on_delete=models.CASCADE, related_name="copies"
    )
    # The holding unit: a regency library also keeps the province's and the national books.
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("holding unit"), on_delete=models.PROTECT, related_name="+"
    )
    barcode = models.CharField(
        _("barcode"),
        max_length=32,
        unique=True,
        validators=[
            RegexValidator(r"^[0-9A-Za-z-]{4,32}$", _("A barcode has 4–32 letters, digits or dashes."))
        ],
    )
    location = models.CharField(
        _("location"), max_length=8, choices=Location.choices, default=Location.DISPLAY
    )
    shelf_code = models.CharField(_("shelf code"), max_length=32, blank=True)
    condition = models.CharField(
        _("condition"), max_length=8, choices=Condition.choices, default=Condition.GOOD
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.AVAILABLE)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["publication", "barcode"]
        verbose_name = _("printed copy")
        verbose_name_plural = _("printed copies")
        indexes = [models.Index(fields=["unit", "publication"])]

    def __str__(self) -> str:
        return f"{self.barcode} ({self.get_location_display()} {self.shelf_code})".strip()

    def clean(self) -> None:
        if self.location == self.Location.STORAGE and not self.shelf_code:
            raise ValidationError(
                {"shelf_code": _("Give the shelf code in the storage room, so staff can fetch it.")}
            )
