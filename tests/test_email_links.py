"""Every link an e-mail carries is at the site's public address (``SITE_URL``), which
``make run`` sets to the address it serves unless the environment names one."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from forums import actions as forum_actions
from forums.models import Forum
from intranet import actions as core_actions
from intranet.notifications import actions
from intranet.notifications.kinds import longest_grouping_window

pytestmark = pytest.mark.django_db

ELSEWHERE = "http://127.0.0.1:8101"
URL = re.compile(r"""https?://[^\s"'<>]+""")


def links_of(message) -> list[str]:
    parts = [message.body, *(content for content, _type in message.alternatives)]
    parts += [message.extra_headers.get("List-Unsubscribe", "")]
    return [link for part in parts for link in URL.findall(part)]


def tomorrow_at_the_digest_hour(settings) -> datetime:
    day = timezone.localdate() + timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, time(settings.NOTIFICATIONS_DIGEST_HOUR)))


def test_every_link_of_every_kind_of_email_uses_the_configured_address(client, cast, settings):
    settings.SITE_URL = ELSEWHERE
    forum = Forum.objects.get(slug="production")
    thread = forum_actions.start_thread(cast.production_member, forum=forum, title="Tournage", body="Qui vient ?")
    # At once (a mention), in the digest (a reply to the author), an invitation, a password reset.
    forum_actions.reply(cast.coordinator, thread=thread, body=f"@{cast.president.handle} tu viens ?")
    core_actions.invite_member(cast.staff, email="nouvelle@example.org", first_name="Nora", last_name="Nouvelle")
    actions.send_due_emails(timezone.now() + longest_grouping_window())
    digest_time = tomorrow_at_the_digest_hour(settings)
    assert actions.queue_daily_digests(digest_time) == 1
    actions.send_due_emails(digest_time)
    client.post(reverse("password_reset"), {"email": cast.production_member.email}, HTTP_HOST="localhost")

    by_kind = {
        "mention": [m for m in mail.outbox if m.to == [cast.president.email]],
        "digest": [m for m in mail.outbox if "résumé du jour" in m.subject],
        "invitation": [m for m in mail.outbox if m.to == ["nouvelle@example.org"]],
        "password reset": [m for m in mail.outbox if "/compte/reinitialiser/" in m.body],
    }
    assert {kind: len(messages) for kind, messages in by_kind.items()} == dict.fromkeys(by_kind, 1)
    for kind, [message] in by_kind.items():
        links = links_of(message)
        assert links, kind
        assert [link for link in links if not link.startswith(ELSEWHERE + "/")] == [], kind
    for kind in ("mention", "digest"):
        [message] = by_kind[kind]
        assert message.extra_headers["List-Unsubscribe"].startswith(f"<{ELSEWHERE}/notifications/desabonnement/")
        assert message.extra_headers["Message-ID"].endswith("@127.0.0.1>")


def test_make_run_on_another_port_gives_its_address_to_the_server_and_the_worker(monkeypatch):
    from intranet.management.commands import serve

    monkeypatch.setenv("SITE_URL", "unset by the test")
    monkeypatch.delenv("SITE_URL")
    monkeypatch.delenv("SITE_URL_FILE", raising=False)
    seen = {}
    monkeypatch.setattr(
        serve.subprocess, "Popen", lambda command: seen.setdefault(command[2], serve.os.environ.get("SITE_URL"))
    )
    monkeypatch.setattr(
        serve.os, "execv", lambda path, command: seen.setdefault("server", serve.os.environ.get("SITE_URL"))
    )
    call_command("serve", "--host", "127.0.0.1", "--port", "8101")
    assert {"worker", "server"} <= seen.keys()
    assert set(seen.values()) == {ELSEWHERE}


def test_a_configured_public_address_is_kept_by_make_run(monkeypatch):
    from intranet.management.commands import serve

    monkeypatch.setenv("SITE_URL", "https://intranet.example.org")
    seen = []
    monkeypatch.setattr(serve.os, "execv", lambda path, command: seen.append(serve.os.environ["SITE_URL"]))
    call_command("serve", "--port", "8101", "--no-jobs")
    assert seen == ["https://intranet.example.org"]


def test_make_run_on_every_interface_mails_links_to_this_machine():
    from intranet.links import served_address

    assert served_address("0.0.0.0", 8101) == "http://127.0.0.1:8101"  # noqa: S104 - the address served
    assert served_address("::", 8101) == "http://[::1]:8101"
    assert served_address("intranet.local", 80) == "http://intranet.local:80"
