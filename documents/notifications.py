"""The documents' part of notifications: a folder shared with someone, shown only while they
may open it."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from documents import policies
from documents.models import Folder
from intranet.models import User
from intranet.notifications.actions import notify
from intranet.notifications.kinds import NotificationKind
from intranet.notifications.targets import Target

# Its kind of notification (registered in apps.py).
SHARE = NotificationKind("share", _l("A folder is shared with me"), 90)

SENTENCES = {
    "folder_shared": lambda: _("%(actor)s shared the folder “%(title)s” with you"),
}


def describe_folders(user, ids: list[int]) -> dict[int, Target]:
    folders = Folder.objects.filter(pk__in=ids, deleted_at__isnull=True)
    return {
        folder.pk: Target(title=folder.display_name, url=reverse("documents:folder", args=[folder.pk]))
        for folder in folders
        if policies.can_view_folder(user, folder)
    }


def folder_shared_with_group(actor: User, folder: Folder, group) -> None:
    """A folder opened to a group (a collège, the board…) is told to its members."""
    members = group.user_set.filter(is_active=True).values_list("pk", flat=True)
    notify(
        kind=SHARE,
        event="folder_shared",
        recipients=list(members),
        target_type="folder",
        target_id=folder.pk,
        actor=actor,
    )


def folder_shared(actor: User, folder: Folder, user: User) -> None:
    notify(
        kind=SHARE,
        event="folder_shared",
        recipients=[user.pk],
        target_type="folder",
        target_id=folder.pk,
        actor=actor,
    )
