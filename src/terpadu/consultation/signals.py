"""What consultation tells the apps above it, always after the change has committed."""

from django.dispatch import Signal

# consultation=Consultation, just closed (any reason).
consultation_closed = Signal()
