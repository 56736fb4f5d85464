"""Fill a throwaway database for bench/fanout.py: people, a thread, and logged-in sessions.

Run as ``python -m bench.setup_db --members N --output people.json`` from the repository root,
with the benchmark's INTRANET_VAR_DIR / DATABASE_URL in the environment and after
``manage.py migrate``. Everything goes through the project's own code (the user manager,
``intranet.actions``, ``forums.actions``), as in ``tests/factories.py``, so groups, profiles and
audit rows are what the real site would hold.

Passwords are left unusable: the sessions are created directly, so no password is ever hashed
(hashing with the default PBKDF2 would cost about a second per person).
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import django

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _session_for(user) -> str:
    """A session exactly as ``django.contrib.auth.login`` would leave it; returns its key."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = MODEL_BACKEND
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return session.session_key


def build(members: int) -> dict:
    from django.conf import settings
    from django.db import transaction

    from forums import actions as forum_actions
    from forums.models import Forum
    from intranet import actions
    from intranet.groups import sync_user_groups
    from intranet.models import College, User

    def person(email: str, last_name: str, **extra) -> User:
        user = User.objects.create_user(email, password=None, first_name="Banc", last_name=last_name, **extra)
        sync_user_groups(user)
        return user

    production = College.objects.get(slug="production")
    with transaction.atomic():
        staff = person("banc.equipe@example.org", "Equipe", is_staff=True)
        poster = person("banc.auteur@example.org", "Auteur")
        actions.add_college_member(staff, college=production, user=poster)
        subscribers = []
        for index in range(members):
            user = person(f"banc.membre{index:04d}@example.org", f"Membre{index:04d}")
            actions.add_college_member(staff, college=production, user=user)
            subscribers.append(user)
    # Outside the atomic block: the action sends its live event on commit, like in a request.
    thread = forum_actions.start_thread(
        poster, forum=Forum.objects.get(slug="production"), title="Banc de diffusion", body="Premier message."
    )
    return {
        "thread": thread.pk,
        "cookie_name": settings.SESSION_COOKIE_NAME,
        "poster_session": _session_for(poster),
        "member_sessions": [_session_for(user) for user in subscribers],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, required=True, help="members of the production collège to create")
    parser.add_argument("--output", type=Path, required=True, help="JSON file for the thread id and session keys")
    arguments = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intranet.settings")
    django.setup()
    arguments.output.write_text(json.dumps(build(arguments.members)), encoding="utf-8")


if __name__ == "__main__":
    main()
