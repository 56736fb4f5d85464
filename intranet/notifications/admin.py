"""The outbox in the staff's administration, read-only: what waits, what was sent, what failed
and why (an e-mail given up after two days of failures is found here)."""

from django.contrib import admin

from intranet.admin_bases import ReadOnlyAdmin
from intranet.notifications.models import OutgoingEmail


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "purpose", "recipient", "to_address", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "purpose"]
    search_fields = ["to_address", "recipient__email", "subject"]
    exclude = ["text", "html"]  # an invitation's link is a secret until it is used
    date_hierarchy = "created_at"
