"""Who may open a folder: grants written on it, by its managers or by a process."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from documents import notifications, policies
from documents.actions.common import _locked, _require
from documents.audit_details import DocumentAudit
from documents.models import PERMISSION_OF_LEVEL, AccessLevel, Folder
from documents.uploads import clean_name
from documents.who_has_access import grants_on
from intranet.audit import record
from intranet.exceptions import ActionRefused
from intranet.groups import group_as_code
from intranet.models import User


def _copy_inherited_grants(folder: Folder) -> list[dict]:
    chain_above = folder.inheritance_chain_ids()[:-1]
    best: dict[tuple[str, int], tuple[int, object]] = {}
    for grant in grants_on([*chain_above, folder.pk]):
        principal = grant.user or grant.group
        key = ("user" if grant.user else "group", principal.pk)
        if key not in best or grant.level > best[key][0]:
            best[key] = (grant.level, principal)
    kept = []
    for level, principal in best.values():
        _set_grant(folder, principal, level)
        kept.append(_kept(principal, level))
    return _sorted_kept(kept)


def _principal(principal) -> dict:
    """A person or group as the audit log keeps it, in no language (``documents.audit_details``)."""
    return {"user": principal.email} if isinstance(principal, User) else group_as_code(principal)


def _kept(principal, level: int) -> dict:
    return {**_principal(principal), "level": int(level)}


def _sorted_kept(kept: list[dict]) -> list[dict]:
    return sorted(kept, key=lambda grant: (grant.get("user", ""), grant.get("college", ""), grant.get("group", "")))


def _set_grant(folder: Folder, principal, level: int | None) -> None:
    """Give exactly one level (or none) to a person or group on a folder."""
    for other_level, codename in PERMISSION_OF_LEVEL.items():
        if other_level != level:
            remove_perm(codename, principal, folder)
    if level:
        assign_perm(PERMISSION_OF_LEVEL[level], principal, folder)


def _current_level(folder: Folder, principal) -> int | None:
    for grant in grants_on([folder.pk]):
        if (grant.user or grant.group) == principal and isinstance(grant.user or grant.group, type(principal)):
            return grant.level
    return None


def grant_folder_access(actor: User, *, folder: Folder, level: int, user: User | None = None, group=None) -> None:
    _require(policies.can_manage_folder(actor, folder))
    principal = user or group
    if principal is None or (user is not None and group is not None):
        raise ActionRefused(_("Choose one person or one group."), field="principal")
    if user is not None and not user.is_active:
        raise ActionRefused(_("This account is deactivated."), field="principal")
    level = AccessLevel(int(level))
    with transaction.atomic():
        before = _current_level(folder, principal)
        _set_grant(folder, principal, level)
        if before is None and user is not None:
            notifications.folder_shared(actor, folder, user)
        elif before is None:
            notifications.folder_shared_with_group(actor, folder, group)
        record(
            actor,
            DocumentAudit.ACCESS_GRANTED,
            folder,
            **{"to": _principal(principal)},
            level={"from": before, "to": int(level)},
        )
    policies.forget_grants(actor)


def revoke_folder_access(actor: User, *, folder: Folder, user: User | None = None, group=None) -> None:
    _require(policies.can_manage_folder(actor, folder))
    principal = user or group
    if principal is None or (user is not None and group is not None):
        raise ActionRefused(_("Choose one person or one group."), field="principal")
    with transaction.atomic():
        before = _current_level(folder, principal)
        if before is None:
            raise ActionRefused(_("This person or group has no access written on this folder."))
        _set_grant(folder, principal, None)
        record(
            actor,
            DocumentAudit.ACCESS_REVOKED,
            folder,
            **{"from": _principal(principal)},
            level=before,
        )
    policies.forget_grants(actor)


def create_process_folder(actor: User, *, parent: Folder, name: str, grants: list[tuple[object, int]] | None) -> Folder:
    """A folder under ``parent`` for a process: restricted to exactly ``grants`` (changed later by
    ``set_process_access`` as the process moves on), or inheriting its parent's access when
    ``grants`` is None. The process's transition is the authority here: the actor needs no right
    on ``parent``. An open folder of that name already there is reused; a restricted one never is
    (someone may have made a folder of that name first): it gets a free name instead."""
    name = clean_name(name)
    restricted = grants is not None
    with transaction.atomic():
        [parent] = _locked(parent)
        taken = set(Folder.objects.filter(parent=parent, deleted_at__isnull=True).values_list("name", flat=True))
        if name in taken and not restricted:
            return Folder.objects.get(parent=parent, name=name, deleted_at__isnull=True)
        base, number = name, 2
        while name in taken:
            name, number = f"{base} ({number})", number + 1
        folder = Folder.objects.create(
            space_id=parent.space_id,
            parent=parent,
            name=name,
            path="",
            restricted=restricted,
            access_root_id=None if restricted else parent.access_root_id,
            created_by=actor,
        )
        folder.path = f"{parent.path}{folder.pk}/"
        if restricted:
            folder.access_root = folder
        folder.save(update_fields=["path", "access_root"])
        for principal, level in grants or []:
            _set_grant(folder, principal, level)
        record(
            actor,
            DocumentAudit.FOLDER_CREATED,
            folder,
            parent=parent.name,
            kept=_sorted_kept([_kept(principal, level) for principal, level in grants or []]),
        )
    return folder


def set_process_access(
    folder: Folder, principal, level: int, *, actor: User | None, reason: str, at_least: bool = False
) -> None:
    """Set ``principal``'s level on a process's folder (or raise it to ``level``, ``at_least``),
    in the caller's transaction, audited."""
    before = _current_level(folder, principal)
    if before == level or (at_least and before is not None and before >= level):
        return
    _set_grant(folder, principal, level)
    record(
        actor,
        DocumentAudit.ACCESS_GRANTED,
        folder,
        to=_principal(principal),
        level={"from": before, "to": int(level)},
        reason=reason,
    )
