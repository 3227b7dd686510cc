"""Front office: guest book (Visit), queue (QueueService, Counter, Ticket), appointments, lockers, devices."""

from terpadu.frontdesk.models.appointments import Appointment
from terpadu.frontdesk.models.devices import Device
from terpadu.frontdesk.models.guestbook import Visit
from terpadu.frontdesk.models.lockers import Locker, LockerDeposit
from terpadu.frontdesk.models.queue import Counter, DailySequence, QueueService, Ticket, TicketEvent

__all__ = [
    "Appointment",
    "Counter",
    "DailySequence",
    "Device",
    "Locker",
    "LockerDeposit",
    "QueueService",
    "Ticket",
    "TicketEvent",
    "Visit",
]
