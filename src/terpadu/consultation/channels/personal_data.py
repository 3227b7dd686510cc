"""A person's WhatsApp number and email contacts in their data export, and erased with the account
(UU 27/2022). Consultations themselves are exported and erased by the consultation app."""

from terpadu.accounts.personal_data import register_eraser, register_exporter

from .models import Contact, HeldEmail, Kind


@register_exporter("channel_contacts")
def export_contacts(user) -> list[dict]:
    return [
        {
            "channel": contact.kind,
            "address": contact.address,
            "name": contact.name,
            "first_seen": contact.created_at.isoformat(),
            "consultations": list(contact.threads.values_list("consultation__number", flat=True)),
        }
        for contact in Contact.objects.filter(user=user).prefetch_related("threads")
    ]


@register_eraser
def erase_contacts(user) -> None:
    # The contact row stays for its consultations' threads, without the number, address or name.
    for contact in Contact.objects.filter(user=user):
        contact.address = f"erased-{contact.pk}"
        contact.name = ""
        contact.user = None
        contact.save(update_fields=["address", "name", "user"])
    emails = [user.email, *user.emailaddress_set.values_list("email", flat=True)]
    HeldEmail.objects.filter(sender__in=[e.lower() for e in emails if e]).delete()
    Contact.objects.filter(kind=Kind.EMAIL, address__in=[e.lower() for e in emails if e]).update(name="")
