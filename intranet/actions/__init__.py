"""Every change to people, collèges, roles, invitations and profiles.

Each action takes the acting user first and keyword-only arguments, runs in one transaction,
writes its audit row there, keeps the managed groups in sync, and schedules side effects
(e-mail, closing sockets) for after the commit. They live in ``memberships`` (collèges, roles,
accounts opened and closed, reference data), ``invitations`` and ``accounts`` (a person's own
tokens, profile, password, language, home visit); callers name them from here.
"""

from intranet.actions.accounts import (
    API_TOKEN_NAME_MAX_LENGTH,
    change_password,
    create_api_token,
    ensure_skills,
    record_home_visit,
    revoke_api_token,
    set_preferred_language,
    update_profile,
)
from intranet.actions.invitations import (
    accept_invitation,
    invite_member,
    resend_invitation,
    revoke_invitation,
)
from intranet.actions.memberships import (
    add_college_member,
    change_college_role,
    create_college,
    deactivate_member,
    delete_reference_item,
    reactivate_member,
    remove_college_member,
    remove_from_board,
    save_reference_item,
    set_board_role,
    set_staff_status,
    update_college,
)

__all__ = [
    "API_TOKEN_NAME_MAX_LENGTH",
    "accept_invitation",
    "add_college_member",
    "change_college_role",
    "change_password",
    "create_api_token",
    "create_college",
    "deactivate_member",
    "delete_reference_item",
    "ensure_skills",
    "invite_member",
    "reactivate_member",
    "record_home_visit",
    "remove_college_member",
    "remove_from_board",
    "resend_invitation",
    "revoke_api_token",
    "revoke_invitation",
    "save_reference_item",
    "set_board_role",
    "set_preferred_language",
    "set_staff_status",
    "update_college",
    "update_profile",
]
