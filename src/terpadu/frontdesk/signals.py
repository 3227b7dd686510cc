"""What the front office tells the apps above it, always after the change has committed."""

from django.dispatch import Signal

# ticket=Ticket, finished by a counter.
ticket_finished = Signal()
# visit=Visit, checked out at the desk or the kiosk.
visit_checked_out = Signal()
