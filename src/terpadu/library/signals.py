"""What the library tells the apps above it, always after the change has committed."""

from django.dispatch import Signal

# request=SoftcopyRequest, approved: the user can now fetch the watermarked copy.
softcopy_request_fulfilled = Signal()
