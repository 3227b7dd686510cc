"""Feedback demo data for `terpadu demo`: survey responses over the last months and complaints in
several states, for every unit that publishes a service standard.

Idempotent: a unit that already has a survey response or a complaint gets none of that kind.
Responses answer the invitations the front-office demo's finished tickets received (through the
real signal), and the earlier months come from paper questionnaires entered by staff (channel
walk-in; their invitations use ids far above any real ticket's, so they never collide).
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from terpadu.units.models import ChannelKind, ServiceStandard, StaffRole, Unit

from . import services, skm
from .models import Complaint, SourceKind, SurveyChannel, SurveyInvitation, SurveyResponse

PAPER_SOURCE_BASE = 10**12
MONTHS = 6
PAPER_PER_MONTH = 25
COMMENTS = [
    "Petugas ramah dan cepat.",
    "Ruang baca nyaman, tapi wifi lambat.",
    "Data yang saya cari lengkap.",
    "Antrian agak lama di jam istirahat.",
    "Mohon tambah kursi di ruang tunggu.",
    "",
    "",
    "",
]
COMPLAINTS = [
    ("time", "Antrian konsultasi lama sekali, lebih dari 30 menit tanpa kepastian."),
    ("facilities", "Toilet di ruang tunggu PST tidak berfungsi."),
    ("data", "Tabel PDRB di publikasi Dalam Angka berbeda dengan tabel di website."),
    ("website", "Tautan unduh publikasi di website sering gagal."),
    ("staff", "Petugas loket kurang menjelaskan cara meminta softcopy."),
]


def _answers(rng: random.Random, mood: float) -> dict:
    """Mostly 3s and 4s; `mood` shifts a unit's typical score; fee (U4) is free, so mostly 4."""
    answers = {}
    for element in skm.ELEMENTS:
        if element.code == "u4":
            answers[element.code] = 4 if rng.random() < 0.95 else 3
            continue
        roll = rng.random() + mood
        answers[element.code] = 4 if roll > 0.75 else 3 if roll > 0.15 else 2 if roll > 0.03 else 1
    return answers


def _extras(rng: random.Random) -> dict:
    return {
        "staff_rating": rng.choice([None, 4, 5, 5, 3]),
        "comment": rng.choice(COMMENTS),
        "gender": rng.choice(["", "female", "male"]),
        "age_group": rng.choice(["", "20_29", "30_39", "40_49", "under_20"]),
        "education": rng.choice(["", "bachelor", "school", "master"]),
        "occupation": rng.choice(["", "student", "civil_servant", "researcher", "private"]),
        "asked_for_money": rng.choice([None, False, False]),
        "offered_gift": rng.choice([None, False, False]),
    }


def _staff(unit: Unit) -> list:
    return list(
        get_user_model().objects.filter(
            staff_roles__unit=unit,
            staff_roles__role__in=[
                StaffRole.Role.FRONTLINER,
                StaffRole.Role.CONSULTANT,
                StaffRole.Role.LIBRARIAN,
            ],
        )
    )


def _responses(unit: Unit, rng: random.Random, now: dt.datetime) -> int:
    mood = rng.uniform(-0.1, 0.15)
    created = 0
    # The front-office demo's finished tickets: about two in three visitors answer.
    for invitation in SurveyInvitation.objects.filter(unit=unit, used_at__isnull=True, expires_at__gt=now):
        if rng.random() < 0.66:
            served = invitation.served_at or invitation.created_at
            at = min(served + dt.timedelta(minutes=rng.randint(1, 20)), now)
            services.survey_submit(
                token=services.survey_token(invitation),
                data={"answers": _answers(rng, mood), **_extras(rng)},
                now=at,
            )
            created += 1
    # Earlier months: paper questionnaires entered by staff.
    staff = _staff(unit)
    counter = SurveyInvitation.objects.filter(unit=unit, source_id__gte=PAPER_SOURCE_BASE).count()
    for month in range(1, MONTHS):
        for _i in range(PAPER_PER_MONTH + rng.randint(-8, 8)):
            counter += 1
            at = now - dt.timedelta(days=30 * month + rng.randint(0, 29), hours=rng.randint(0, 6))
            invitation, _new = services.invitation_create(
                unit=unit,
                service=rng.choice(["library", "library", "consultation", "front_office"]),
                channel=SurveyChannel.WALK_IN,
                source_kind=SourceKind.VISIT,
                source_id=PAPER_SOURCE_BASE + int(unit.code) * 10**6 + counter,
                staff=rng.choice(staff) if staff else None,
                served_at=at,
                now=at,
            )
            services.survey_submit(
                token=services.survey_token(invitation),
                data={"answers": _answers(rng, mood + month * 0.01), **_extras(rng)},
                now=at + dt.timedelta(minutes=5),
            )
            created += 1
    return created


def _complaints(unit: Unit, rng: random.Random, now: dt.datetime) -> int:
    admin = (
        get_user_model()
        .objects.filter(staff_roles__unit=unit, staff_roles__role=StaffRole.Role.UNIT_ADMIN)
        .first()
    )
    handler = (_staff(unit) or [admin])[0]
    channels = [ChannelKind.WEBSITE, ChannelKind.SUGGESTION_BOX, ChannelKind.EMAIL, ChannelKind.SP4N_LAPOR,
                ChannelKind.SMS_WHATSAPP]  # fmt: skip
    made = 0
    for index, ((category, body), channel) in enumerate(zip(COMPLAINTS, channels, strict=True)):
        received = now - dt.timedelta(days=[40, 20, 9, 3, 0][index], hours=rng.randint(1, 5))
        complaint = services.complaint_create(
            unit=unit,
            channel=channel,
            category=category,
            body=body,
            contact_email="" if index % 2 else f"pelapor{index}@example.com",
            lapor_tracking_id=f"LPR{unit.code}{index:04d}" if channel == ChannelKind.SP4N_LAPOR else "",
            received_at=received,
            actor=admin,
            now=received,
        )
        made += 1
        if admin is None:
            continue
        if index <= 2:
            services.complaint_update(
                actor=admin, complaint=complaint, handler=handler, status=Complaint.Status.IN_PROGRESS,
                now=received + dt.timedelta(hours=3),
            )  # fmt: skip
        if index <= 1:
            services.complaint_reply(
                actor=handler or admin,
                complaint=complaint,
                text="Terima kasih atas masukan Anda. Kami sudah menindaklanjutinya.",
                now=received + dt.timedelta(days=2 + index * 6),
            )
        if index == 0:
            services.complaint_update(
                actor=admin,
                complaint=complaint,
                status=Complaint.Status.CLOSED,
                now=received + dt.timedelta(days=3),
            )
    services.complaint_mark_breaches(now=now)
    return made


def load(stdout) -> None:
    now = timezone.now()
    units = Unit.objects.filter(
        pk__in=ServiceStandard.objects.filter(status=ServiceStandard.Status.PUBLISHED).values("unit_id")
    ).order_by("code")
    responses = complaints = 0
    for unit in units:
        rng = random.Random(f"feedback-{unit.code}")  # noqa: S311 - demo data, not security
        if not SurveyResponse.objects.filter(unit=unit).exists():
            responses += _responses(unit, rng, now)
        if not Complaint.objects.filter(unit=unit).exists():
            complaints += _complaints(unit, rng, now)
    stdout.write(f"Feedback: {responses} survey responses and {complaints} complaints created.")
