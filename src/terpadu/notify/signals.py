"""What notify tells the apps above it about a message it was given: sent (with the outside id) or failed.

`ref` is whatever the caller passed with the message (e.g. "consultation_channels.channelmessage:12").
"""

from django.dispatch import Signal

# ref=str, external_id=str
sent = Signal()
# ref=str, error=str, outside_window=bool
failed = Signal()
