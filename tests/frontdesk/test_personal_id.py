import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from terpadu.lib import personal_id


def test_ktp_structure_woman_born_1990():
    info = personal_id.parse_ktp("7601014501900001", today=dt.date(2025, 1, 1))
    assert info.province_code == "76"
    assert info.province_name == "Sulawesi Barat"
    assert info.female is True
    assert info.birth_date == dt.date(1990, 1, 5)
    assert info.serial == "0001"


def test_ktp_accepts_separators_and_recent_births():
    info = personal_id.parse_ktp("7601.01 050120 0002", today=dt.date(2025, 1, 1))
    assert info.birth_date == dt.date(2020, 1, 5)
    assert info.female is False


def test_unknown_province_is_advisory_only():
    info = personal_id.parse_ktp("9901014501900001")
    assert info.region_known is False


@pytest.mark.parametrize(
    ("number", "fragment"),
    [
        ("760101450190000", "16 digits"),
        ("76010145019000012", "16 digits"),
        ("76010A4501900001", "16 digits"),
        ("7601013202900001", "not a date"),  # 32 February
        ("7601017213900001", "not a date"),  # day 72-40 = 32
        ("7601014501900000", "serial"),
    ],
)
def test_malformed_ktp_gets_a_clear_message(number, fragment):
    with pytest.raises(ValidationError) as info:
        personal_id.parse_ktp(number)
    assert fragment in str(info.value)


def test_mask_keeps_head_and_tail():
    assert personal_id.mask("7601014501900001") == "7601********0001"
    assert personal_id.mask("A1234567") == "A*****67"


def test_encryption_round_trip_and_keyed_hash(settings):
    token = personal_id.encrypt("7601014501900001")
    assert "7601014501900001" not in token
    assert personal_id.decrypt(token) == "7601014501900001"
    assert personal_id.keyed_hash("7601 0145 0190 0001") == personal_id.keyed_hash("7601014501900001")
    before = personal_id.keyed_hash("7601014501900001")
    settings.FIELD_ENCRYPTION_KEY = "another-key-material"
    assert personal_id.keyed_hash("7601014501900001") != before
    with pytest.raises(ValueError, match="decrypted"):
        personal_id.decrypt(token)


def test_key_rotation_reads_old_ciphertext(settings):
    from cryptography.fernet import Fernet

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEY = old
    token = personal_id.encrypt("7601014501900001")
    settings.FIELD_ENCRYPTION_KEY = f"{new},{old}"
    assert personal_id.decrypt(token) == "7601014501900001"
