"""The archive's part of notifications: staff hear of a new offer, the archivist of the fonds
given to them, the collège Patrimoine's coordinators of an opinion asked, and a depositor who is
a member of each step of their offer. A fonds is shown only to those who may open it."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from intranet.models import CollegeMembership, CollegeRole, User
from intranet.notifications.actions import notify
from intranet.notifications.targets import Target, excerpt
from workflows.archives import policies
from workflows.archives.models import Fonds
from workflows.archives.selectors import visible_fonds
from workflows.notifications import PROPOSAL, TASK

SENTENCES = {
    "archive_offered": lambda: _("New archive offer to triage: “%(title)s”"),
    "archive_assigned": lambda: _("%(actor)s gave you a fonds to appraise: “%(title)s”"),
    "archive_opinion_asked": lambda: _("The archive asks the collège Patrimoine's opinion on “%(title)s”"),
    "archive_opinion_given": lambda: _("The collège Patrimoine gave its opinion on “%(title)s”"),
    "archive_in_appraisal": lambda: _("Your archive offer “%(title)s” is being appraised"),
    "archive_declined": lambda: _("Your archive offer “%(title)s” was declined"),
    "archive_in_agreement": lambda: _("Your archive offer “%(title)s” is appraised: the agreement is being prepared"),
    "archive_not_retained": lambda: _("No item of your archive offer “%(title)s” was retained"),
    "archive_in_intake": lambda: _(
        "The agreement for your archive offer “%(title)s” is recorded: the fonds is being taken in"
    ),
    "archive_catalogued": lambda: _("Your fonds “%(title)s” is catalogued"),
    "archive_withdrawn": lambda: _("Your archive offer “%(title)s” was withdrawn"),
    "archive_withdrawn_task": lambda: _("%(actor)s withdrew the archive offer “%(title)s”: your task is removed"),
}

# What a depositor hears when their offer reaches a status (the others need no word).
DEPOSITOR_EVENTS = {
    "in_appraisal": "archive_in_appraisal",
    "declined": "archive_declined",
    "in_agreement": "archive_in_agreement",
    "not_retained": "archive_not_retained",
    "in_intake": "archive_in_intake",
    "catalogued": "archive_catalogued",
    "withdrawn": "archive_withdrawn",  # heard only when staff record it (never the actor)
}


def describe_fonds(user, ids: list[int]) -> dict[int, Target]:
    return {
        fonds.pk: Target(
            title=fonds.title, url=reverse("archives:fonds", args=[fonds.pk]), excerpt=excerpt(fonds.description)
        )
        for fonds in visible_fonds(user).filter(pk__in=ids)
    }


def _about(kind: str, event: str, fonds: Fonds, recipients, actor: User | None) -> None:
    notify(
        kind=kind,
        event=event,
        recipients=recipients,
        target_type="fonds",
        target_id=fonds.pk,
        actor=actor,
        group_key=f"fonds:{fonds.pk}",
    )


def offered(actor: User, fonds: Fonds) -> None:
    staff = User.objects.filter(is_staff=True, is_active=True).values_list("pk", flat=True)
    _about(TASK, "archive_offered", fonds, staff, actor)


def assigned(actor: User, fonds: Fonds) -> None:
    _about(TASK, "archive_assigned", fonds, [fonds.archivist_id], actor)


def opinion_asked(actor: User, fonds: Fonds) -> None:
    coordinators = CollegeMembership.objects.filter(
        college__slug=policies.HERITAGE_COLLEGE, college__is_active=True, role=CollegeRole.COORDINATOR
    ).values_list("user_id", flat=True)
    _about(TASK, "archive_opinion_asked", fonds, coordinators, actor)


def opinion_given(actor: User, fonds: Fonds) -> None:
    _about(TASK, "archive_opinion_given", fonds, [fonds.archivist_id], actor)


def withdrawn(actor: User, fonds: Fonds) -> None:
    """The archivist's step is cancelled with the offer: they hear it, unless they withdrew it."""
    if fonds.archivist_id is not None:
        _about(TASK, "archive_withdrawn_task", fonds, [fonds.archivist_id], actor)


def moved(actor: User, fonds: Fonds) -> None:
    """To a depositor who is a member: where their offer is now. In French an offer is a
    "proposition", and the depositor's choice for their proposals applies to it."""
    event = DEPOSITOR_EVENTS.get(fonds.status)
    if event is not None and fonds.depositor_id is not None:
        _about(PROPOSAL, event, fonds, [fonds.depositor_id], actor)
