"""Personal ID numbers (NIK and others): structure check, masking, keyed hash, encryption.

No models: callers keep the ciphertext, the hash and the masked form in their own fields.
Keys come from settings.FIELD_ENCRYPTION_KEY (one or more Fernet keys, comma-separated, the
first encrypts, all decrypt, so keys can be rotated) or, in development, are derived from
SECRET_KEY. The hash uses its own key derived from the same material, so a leaked hash
column cannot be brute-forced over the small NIK space without the key.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
from dataclasses import dataclass
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Kemendagri province codes (2-digit prefix of a NIK). Advisory only: new provinces appear
# (Papua's were split in 2022), so an unknown code is reported, never rejected.
PROVINCES = {
    "11": "Aceh",
    "12": "Sumatera Utara",
    "13": "Sumatera Barat",
    "14": "Riau",
    "15": "Jambi",
    "16": "Sumatera Selatan",
    "17": "Bengkulu",
    "18": "Lampung",
    "19": "Kepulauan Bangka Belitung",
    "21": "Kepulauan Riau",
    "31": "DKI Jakarta",
    "32": "Jawa Barat",
    "33": "Jawa Tengah",
    "34": "DI Yogyakarta",
    "35": "Jawa Timur",
    "36": "Banten",
    "51": "Bali",
    "52": "Nusa Tenggara Barat",
    "53": "Nusa Tenggara Timur",
    "61": "Kalimantan Barat",
    "62": "Kalimantan Tengah",
    "63": "Kalimantan Selatan",
    "64": "Kalimantan Timur",
    "65": "Kalimantan Utara",
    "71": "Sulawesi Utara",
    "72": "Sulawesi Tengah",
    "73": "Sulawesi Selatan",
    "74": "Sulawesi Tenggara",
    "75": "Gorontalo",
    "76": "Sulawesi Barat",
    "81": "Maluku",
    "82": "Maluku Utara",
    "91": "Papua",
    "92": "Papua Barat",
    "93": "Papua Selatan",
    "94": "Papua Tengah",
    "95": "Papua Pegunungan",
    "96": "Papua Barat Daya",
}

_SEPARATORS = re.compile(r"[\s.\-/]")


def normalize(number: str) -> str:
    """Drop spaces, dots, dashes and slashes people type; upper-case letters (passports)."""
    return _SEPARATORS.sub("", number or "").upper()


@dataclass(frozen=True)
class KtpInfo:
    number: str
    province_code: str
    regency_code: str
    district_code: str
    birth_date: dt.date
    female: bool
    serial: str
    province_name: str | None

    @property
    def region_known(self) -> bool:
        return self.province_name is not None


def parse_ktp(number: str, *, today: dt.date | None = None) -> KtpInfo:
    """Check a KTP number's structure and return its parts, or raise ValidationError.

    PPRRDD DDMMYY SSSS: province, regency, district; date of birth with 40 added to the day
    for women; a serial from 0001. The region is not checked against a list (advisory only).
    """
    value = normalize(number)
    if not re.fullmatch(r"\d{16}", value):
        raise ValidationError(
            _("A NIK (KTP number) has exactly 16 digits, e.g. 7601014501900001."),
            code="nik_length",
        )
    day, month, year = int(value[6:8]), int(value[8:10]), int(value[10:12])
    female = day > 40
    if female:
        day -= 40
    today = today or dt.date.today()  # noqa: DTZ011 - only the century is derived from it
    century = 2000 if 2000 + year <= today.year else 1900
    try:
        birth_date = dt.date(century + year, month, day)
    except ValueError as exc:
        raise ValidationError(
            _(
                "Digits 7–12 of a NIK are the date of birth as DDMMYY (women add 40 to the day); "
                "%(part)s is not a date."
            )
            % {"part": value[6:12]},
            code="nik_birth_date",
        ) from exc
    if value[12:] == "0000":
        raise ValidationError(
            _("The last four digits of a NIK are a serial starting at 0001."),
            code="nik_serial",
        )
    return KtpInfo(
        number=value,
        province_code=value[:2],
        regency_code=value[2:4],
        district_code=value[4:6],
        birth_date=birth_date,
        female=female,
        serial=value[12:],
        province_name=PROVINCES.get(value[:2]),
    )


def validate_id_number(id_type: str, number: str) -> str:
    """Normalised number for `id_type` ("ktp", "sim", "passport", "other") or ValidationError."""
    value = normalize(number)
    if not value:
        raise ValidationError(_("Enter the ID number."), code="id_required")
    if id_type == "ktp":
        return parse_ktp(value).number
    if id_type == "sim" and not re.fullmatch(r"\d{12,16}", value):
        raise ValidationError(_("A driving licence (SIM) number has 12 to 16 digits."))
    if id_type == "passport" and not re.fullmatch(r"[A-Z0-9]{6,12}", value):
        raise ValidationError(_("A passport number has 6 to 12 letters or digits."))
    if not re.fullmatch(r"[A-Z0-9]{4,30}", value):
        raise ValidationError(_("An ID number has 4 to 30 letters or digits."))
    return value


def mask(number: str) -> str:
    """`7601014501900001` → `7601********0001`; short numbers keep less in view."""
    value = normalize(number)
    if len(value) >= 12:
        keep_head, keep_tail = 4, 4
    elif len(value) >= 6:
        keep_head, keep_tail = 1, 2
    else:
        return "*" * len(value)
    return value[:keep_head] + "*" * (len(value) - keep_head - keep_tail) + value[-keep_tail:]


def _key_material() -> list[bytes]:
    configured = [k.strip() for k in (settings.FIELD_ENCRYPTION_KEY or "").split(",") if k.strip()]
    return [k.encode() for k in configured] or [settings.SECRET_KEY.encode()]


def _as_fernet_key(material: bytes) -> bytes:
    try:
        Fernet(material)
        return material
    except ValueError:
        return base64.urlsafe_b64encode(hashlib.sha256(b"terpadu.personal_id.fernet:" + material).digest())


@lru_cache(maxsize=8)
def _fernet(materials: tuple[bytes, ...]) -> MultiFernet:
    return MultiFernet([Fernet(_as_fernet_key(m)) for m in materials])


def encrypt(number: str) -> str:
    return _fernet(tuple(_key_material())).encrypt(normalize(number).encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet(tuple(_key_material())).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("ID number cannot be decrypted with the configured keys") from exc


def keyed_hash(number: str) -> str:
    """HMAC-SHA256 of the normalised number under a key derived from the first key."""
    key = hmac.new(_key_material()[0], b"terpadu.personal_id.hash", hashlib.sha256).digest()
    return hmac.new(key, normalize(number).encode(), hashlib.sha256).hexdigest()
