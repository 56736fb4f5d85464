"""How a notification reads, in the reader's language, from its event, its actor and its
target's title (read at display time; never stored)."""

from __future__ import annotations

from django.utils.translation import gettext as _

SENTENCES = {
    "mentioned": lambda: _("%(actor)s mentioned you in “%(title)s”"),
    "replied": lambda: _("%(actor)s replied in “%(title)s”"),
    "thread_started": lambda: _("%(actor)s started the thread “%(title)s”"),
    "review_waiting": lambda: _("A proposal waits for your collège's review: “%(title)s”"),
    "agenda_waiting": lambda: _("A proposal waits to be put to the board's vote: “%(title)s”"),
    "forwarded": lambda: _("Your proposal “%(title)s” was forwarded to the board"),
    "returned": lambda: _("Your proposal “%(title)s” was returned to you for changes"),
    "declined": lambda: _("Your proposal “%(title)s” was declined by the collège"),
    "decided": lambda: _("The board decided on your proposal “%(title)s”"),
    "vote_opened": lambda: _("A board vote is open: “%(title)s”"),
    "vote_closing": lambda: _("The board vote on “%(title)s” closes within 24 hours"),
    "vote_closed": lambda: _("The board vote on “%(title)s” is closed"),
    "decision_recorded": lambda: _("Decision recorded: “%(title)s”"),
    "folder_shared": lambda: _("%(actor)s shared the folder “%(title)s” with you"),
    "invitation_accepted": lambda: _("%(title)s accepted your invitation and joined the intranet"),
}

EVENTS = frozenset(SENTENCES)


def sentence(event: str, *, actor: str, title: str) -> str:
    return SENTENCES[event]() % {"actor": actor or _("Someone"), "title": title}


def hidden_sentence() -> str:
    return _("A notification about something you can no longer see.")
