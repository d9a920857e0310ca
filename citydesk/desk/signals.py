"""What the desk tells other apps, so that it never imports them."""

from django.dispatch import Signal

# Sent after the transaction that published (or re-published) a claim's clarification commits.
# Arguments: claim_id.
clarification_published = Signal()
