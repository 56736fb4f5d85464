"""Markdown is rendered where it is shown, and excerpts (search snippets, e-mails) are the text of
the rendered, sanitised HTML: no ``##`` or ``**``, and HTML a member typed stays text."""

from __future__ import annotations

from html import unescape

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from forums import actions as forum_actions
from forums.models import Forum
from intranet.markdown import plain_text, render_markdown
from intranet.models import College
from intranet.notifications import actions as notification_actions
from intranet.notifications.kinds import longest_grouping_window
from tests.helpers import index_now
from workflows import actions as workflow_actions

pytestmark = pytest.mark.django_db

TEXT = "## Projet\n\nNous proposons **trois ciné-concerts** et <b>une fête</b>.\n\n- en mai\n- en juin"


@pytest.fixture
def proposal(cast):
    return workflow_actions.create_proposal(
        cast.production_member,
        college=College.objects.get(slug="production"),
        title="Saison musicale",
        summary="Des concerts sous l'écran.",
        body=TEXT,
    )


def test_a_heading_in_a_proposals_text_renders_as_a_heading(cast, login, proposal):
    page = login(cast.production_member).get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert "<h4>Projet</h4>" in page
    assert "<strong>trois ciné-concerts</strong>" in page
    assert "&lt;b&gt;une fête&lt;/b&gt;" in page  # typed HTML is still shown as text
    assert "## Projet" not in page


def test_every_heading_level_is_one_the_sanitiser_keeps():
    for level in range(1, 7):
        html = render_markdown("#" * level + " Titre").html
        assert html.startswith(f"<h{min(level + 2, 6)}>Titre</h"), html


def test_the_plain_text_of_a_message_has_no_markdown_and_keeps_typed_html_as_text():
    text = plain_text(render_markdown(TEXT + "\n\nVoir [[doc:12]].").html)
    assert text == "Projet\nNous proposons trois ciné-concerts et <b>une fête</b>.\nen mai\nen juin\nVoir [[doc:12]]."


def test_a_search_snippet_shows_a_proposals_text_not_its_markdown(cast, login, proposal):
    index_now()
    page = login(cast.production_member).get(reverse("search"), {"q": "ciné-concerts"}).content.decode()
    [snippet] = [line for line in page.splitlines() if "search-snippet" in line and "Projet" in line]
    assert "##" not in snippet and "**" not in snippet
    assert "<mark>" in snippet
    assert "&lt;b&gt;une fête&lt;/b&gt;" in snippet  # escaped once: shown as typed
    assert "Projet Nous proposons" in unescape(snippet)


def test_a_search_snippet_of_a_reply_shows_its_text_not_its_markdown(cast, login):
    forum = Forum.objects.get(slug="production")
    thread = forum_actions.start_thread(cast.production_member, forum=forum, title="Saison", body="On en parle ?")
    forum_actions.reply(cast.coordinator, thread=thread, body=TEXT)
    index_now()
    page = login(cast.production_member).get(reverse("search"), {"q": "ciné-concerts"}).content.decode()
    snippets = [line for line in page.splitlines() if "search-snippet" in line and "Projet" in line]
    assert snippets
    for snippet in snippets:
        assert "##" not in snippet and "**" not in snippet
        assert "&lt;b&gt;une fête&lt;/b&gt;" in snippet


def test_an_emails_excerpt_of_a_reply_is_its_text_not_its_markdown(cast):
    forum = Forum.objects.get(slug="production")
    thread = forum_actions.start_thread(cast.production_member, forum=forum, title="Saison", body="On en parle ?")
    forum_actions.reply(cast.coordinator, thread=thread, body=f"@{cast.president.handle}\n\n{TEXT}")
    notification_actions.send_due_emails(timezone.now() + longest_grouping_window())
    [message] = mail.outbox
    assert "Projet Nous proposons trois ciné-concerts et <b>une fête</b>. en mai en juin" in message.body
    assert "##" not in message.body and "**" not in message.body
    html = message.alternatives[0][0]
    assert "Projet Nous proposons trois ciné-concerts et &lt;b&gt;une fête&lt;/b&gt;" in html


def test_a_proposal_written_before_headings_rendered_shows_them_after_the_upgrade(proposal):
    import importlib

    from django.apps import apps

    from workflows.models import Proposal

    migration = importlib.import_module("workflows.migrations.0006_render_proposal_headings")
    Proposal.objects.filter(pk=proposal.pk).update(body_html="Projet\n<p>Nous proposons…</p>")  # as it was stored
    migration.render_headings_again(apps, None)
    proposal.refresh_from_db()
    assert proposal.body_html.startswith("<h4>Projet</h4>")


def test_a_message_written_before_headings_rendered_shows_them_with_its_mentions_after_the_upgrade(cast):
    import importlib

    from django.apps import apps

    from forums.models import Post, PostRevision

    thread = forum_actions.start_thread(
        cast.production_member,
        forum=Forum.objects.get(slug="production"),
        title="Programme",
        body=f"## Projet\n\nAvec @{cast.coordinator.handle} et @{cast.diffusion_member.handle}.",
    )
    post = thread.posts.get()
    coordinator = cast.coordinator
    mention = (
        f'<a class="mention" href="/annuaire/{coordinator.pk}/" rel="nofollow noopener noreferrer">'
        f"@{coordinator.handle}</a>"
    )
    assert mention in post.body_html
    # As it was stored before, once for the message and once for an earlier version of it.
    old_html = f"Projet\n<p>Avec {mention} et @{cast.diffusion_member.handle}.</p>"
    Post.objects.filter(pk=post.pk).update(body_html=old_html)
    revision = PostRevision.objects.create(post=post, body=post.body, body_html=old_html, written_at=timezone.now())
    # Rights changed since: the coordinator left, someone unlinked then could read it now.
    cast.coordinator.college_memberships.all().delete()
    cast.diffusion_member.college_memberships.create(college=College.objects.get(slug="production"))

    migration = importlib.import_module("forums.migrations.0004_render_post_headings")
    migration.render_headings_again(apps, None)
    for row in (post, revision):
        row.refresh_from_db()
        assert row.body_html.startswith("<h4>Projet</h4>")
        assert mention in row.body_html  # linked as it was written
        assert f">@{cast.diffusion_member.handle}<" not in row.body_html
