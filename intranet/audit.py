"""Writing the audit log. Call ``record`` inside the transaction of the change it describes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from intranet.models import AuditEntry, BoardRole, CollegeRole

SYSTEM_ACTOR = "système"  # the stored actor label of automatic changes (periodic jobs)


def record(actor, action: str, target: models.Model, **details: Any) -> AuditEntry:
    """A target that reads differently by language keeps a neutral ``audit_label`` (its app
    describes it at display, ``audit_targets``); the others are kept as ``str(target)``."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Audit entries are written in the transaction of the change they record.")
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_label=(actor.email if actor is not None and actor.pk else SYSTEM_ACTOR),
        action=action,
        target_type=target._meta.model_name,
        target_id=str(target.pk),
        target_label=str(getattr(target, "audit_label", None) or target)[:300],
        details=details,
    )


class AuditAction(models.TextChoices):
    COLLEGE_CREATED = "college.created", _("collège created")
    COLLEGE_UPDATED = "college.updated", _("collège updated")
    MEMBERSHIP_ADDED = "membership.added", _("added to a collège")
    MEMBERSHIP_ROLE_CHANGED = "membership.role_changed", _("role in a collège changed")
    MEMBERSHIP_REMOVED = "membership.removed", _("removed from a collège")
    BOARD_ROLE_SET = "board.role_set", _("board role set")
    BOARD_REMOVED = "board.removed", _("removed from the board")
    STAFF_GRANTED = "member.staff_granted", _("made staff")
    STAFF_REVOKED = "member.staff_revoked", _("no longer staff")
    MEMBER_INVITED = "member.invited", _("invited")
    INVITATION_RESENT = "invitation.resent", _("invitation sent again")
    INVITATION_REVOKED = "invitation.revoked", _("invitation revoked")
    INVITATION_ACCEPTED = "invitation.accepted", _("invitation accepted")
    API_TOKEN_CREATED = "api_token.created", _("API token created")
    API_TOKEN_REVOKED = "api_token.revoked", _("API token revoked")
    MEMBER_DEACTIVATED = "member.deactivated", _("account deactivated")
    MEMBER_REACTIVATED = "member.reactivated", _("account reactivated")
    PASSWORD_CHANGED = "member.password_changed", _("password changed")
    PASSWORD_RESET = "member.password_reset", _("password reset from an e-mail link")
    PROFILE_UPDATED_BY_STAFF = "profile.updated_by_staff", _("profile edited by staff")
    REFERENCE_CREATED = "reference.created", _("reference data added")
    REFERENCE_UPDATED = "reference.updated", _("reference data changed")
    REFERENCE_DELETED = "reference.deleted", _("reference data deleted")


_APP_ACTIONS: dict[str, Promise] = {}


def register_action_labels(labels: dict[str, Promise]) -> None:
    """Called by ``intranet.plugins.register``: an app's own audit codes and their labels."""
    _APP_ACTIONS.update(labels)


def action_label(code: str) -> str:
    try:
        return AuditAction(code).label
    except ValueError:
        return str(_APP_ACTIONS.get(code, code))


def action_choices() -> list[tuple[str, str | Promise]]:
    """Every audit code, the core's then the apps' in the order they plugged in, with its label."""
    return [*AuditAction.choices, *_APP_ACTIONS.items()]


@dataclass(frozen=True)
class AuditDetail:
    """How the audit log names a detail key and its known values in the reader's language.

    ``values`` maps stored values (codes) to labels; ``describe`` turns a value into text, or
    answers None to leave it to the next one. Apps declare theirs with
    ``intranet.plugins.register(audit_details=...)``; two apps may describe the same key.
    """

    label: Promise | None = None
    values: dict[str, Promise] = field(default_factory=dict)
    describe: Callable[[Any], str | None] | None = None


@dataclass
class _Detail:
    label: Promise | None = None
    values: dict[str, Promise] = field(default_factory=dict)
    describe: list[Callable[[Any], str | None]] = field(default_factory=list)


_DETAILS: dict[str, _Detail] = {}


def register_detail(key: str, declared: AuditDetail) -> None:
    """Called by ``intranet.plugins.register``."""
    detail = _DETAILS.setdefault(key, _Detail())
    if declared.label is not None:
        detail.label = declared.label
    detail.values.update({str(code): text for code, text in declared.values.items()})
    if declared.describe is not None:
        detail.describe.append(declared.describe)


def stored_in_any_language(*labels: Promise) -> Callable[[Any], str | None]:
    """For details written as a label in the writer's language: recognise it in any language."""

    def describe(value: Any) -> str | None:
        for label in labels:
            for code, _name in settings.LANGUAGES:
                with translation.override(code):
                    written_so = str(label) == value
                if written_so:
                    return str(label)  # in the reader's language, outside the override
        return None

    return describe


def describe_details(details: dict, action: str = "") -> list[str]:
    """The details of an entry as short lines in the reader's language ("rôle : membre → coordinateur")."""
    lines = []
    for key, value in sorted((details or {}).items()):
        label = detail_label(key)
        if isinstance(value, dict) and set(value) == {"from", "to"}:
            text = gettext("%(before)s → %(after)s") % {
                "before": describe_value(key, value["from"], action) if value["from"] is not None else "—",
                "after": describe_value(key, value["to"], action),
            }
        elif isinstance(value, dict):  # a structured value: its describer's text, or one line per part
            text = _described(key, value)
            if text is None:
                lines.extend(f"{label} · {line}" for line in describe_details(value, action))
                continue
        elif isinstance(value, list):
            text = ", ".join(describe_value(key, item, action) for item in value)
        elif value is None:
            continue
        else:
            text = describe_value(key, value, action)
        lines.append(gettext("%(label)s: %(value)s") % {"label": label, "value": text})
    return lines


def _described(key: str, value: Any) -> str | None:
    """What the key's describers make of a value, or None (a structured value no one describes)."""
    detail = _DETAILS.get(key)
    for describe in detail.describe if detail is not None else ():
        text = describe(value)
        if text is not None:
            return text
    return None


def detail_label(key: str) -> str:
    detail = _DETAILS.get(key)
    return str(detail.label) if detail is not None and detail.label is not None else key.replace("_", " ")


def describe_value(key: str, value: Any, action: str = "") -> str:
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if key == "role" and action.startswith("board."):  # "member" of the board, not of a collège
        return str(dict(BoardRole.choices).get(value, value))
    detail = _DETAILS.get(key)
    if detail is not None and str(value) in detail.values:
        return str(detail.values[str(value)])
    text = _described(key, value)
    return text if text is not None else str(value)


def actor_label(entry: AuditEntry) -> str:
    """Who acted; the periodic jobs and other automatic changes are "the system"."""
    return gettext("system") if entry.actor_id is None and entry.actor_label == SYSTEM_ACTOR else entry.actor_label


_TARGETS: dict[str, Callable[[str], str | None]] = {}


def register_target(target_type: str, describe: Callable[[str], str | None]) -> None:
    """Called by ``intranet.plugins.register``: how a kind of target's stored label reads now."""
    _TARGETS[target_type] = describe


def target_label(entry: AuditEntry) -> str:
    """The entry's target in the reader's language where its app describes it, else as stored."""
    describe = _TARGETS.get(entry.target_type)
    text = describe(entry.target_label) if describe is not None else None
    return text if text is not None else entry.target_label


def describe_date_time(value: Any, *, naive_in_utc: bool = False) -> str | None:
    """An ISO date-time as the reader reads it: local time, the project's format and language.
    A naive one is local time, or UTC where it was written so (``naive_in_utc``)."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    if timezone.is_naive(moment) and naive_in_utc:
        moment = moment.replace(tzinfo=UTC)
    return date_format(timezone.localtime(moment) if timezone.is_aware(moment) else moment, "DATETIME_FORMAT")


# The core's own detail keys, declared in IntranetConfig.ready() like the apps' ones.
DETAILS = {
    "name": AuditDetail(_("name")),
    "slug": AuditDetail(_("short name")),
    "changes": AuditDetail(_("changes")),
    "college": AuditDetail(_("collège")),
    "role": AuditDetail(
        _("role"),
        values={
            **dict(BoardRole.choices),
            **dict(CollegeRole.choices),  # "member" is a collège's member first
        },
    ),
    "invitation": AuditDetail(_("invitation")),
    "fields": AuditDetail(_("fields")),
    "description": AuditDetail(_("description"), describe=stored_in_any_language(_("changed"))),
    "position": AuditDetail(_("position")),
    "is_active": AuditDetail(_("active")),
    "deadline": AuditDetail(_("deadline"), describe=describe_date_time),
}
