"""A person's consultations in their data export (UU 27/2022)."""

from terpadu.accounts.personal_data import register_exporter


@register_exporter("consultations")
def export_consultations(user) -> list[dict]:
    from .models import Consultation

    out = []
    for consultation in (
        Consultation.objects.filter(user=user).select_related("unit").prefetch_related("messages")
    ):
        out.append(
            {
                "number": consultation.number,
                "unit": consultation.unit.code,
                "topic": consultation.topic,
                "status": consultation.status,
                "opened_at": consultation.created_at.isoformat(),
                "closed_at": consultation.closed_at.isoformat() if consultation.closed_at else None,
                "messages": [
                    {"from": m.author_kind, "at": m.created_at.isoformat(), "body": m.body}
                    for m in consultation.messages.all()
                    if not m.internal
                ],
            }
        )
    return out
