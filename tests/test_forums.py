"""Forums: who reads and writes where, Markdown safety, moderation, reading state."""

from html.parser import HTMLParser

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forums import actions, reading
from forums.audit_details import ForumAudit
from forums.models import FollowLevel, Forum, ForumEvent, Mention, Post, ReadState
from intranet import actions as core_actions
from intranet.exceptions import ActionRefused
from intranet.models import AuditEntry, College
from tests.concurrency import failures, run_together
from tests.factories import make_member

pytestmark = pytest.mark.django_db

COLLEGE_READERS = {"production": ["production_member", "coordinator", "president", "staff"]}
NOT_PRODUCTION = ["diffusion_member", "education_member", "patrimoine_member", "board_member", "secretary", "outsider"]


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "iframe", "svg", "img", "object", "embed", "style"}:
            self.found.append(tag)
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.found.append(f"{tag}[{name}]")
            if name in {"href", "src"} and (value or "").strip().lower().startswith(("javascript:", "data:")):
                self.found.append(f"{tag}[{name}={value}]")


def dangerous_markup(html: str) -> list[str]:
    """Elements and attributes that could run a script, as a browser would parse the HTML."""
    parser = _Elements()
    parser.feed(html)
    return parser.found


def forum(slug):
    return Forum.objects.get(slug=slug)


@pytest.fixture
def production_thread(cast):
    return actions.start_thread(
        cast.production_member, forum=forum("production"), title="Tournage en Gironde", body="Qui a un **drone** ?"
    )


@pytest.mark.parametrize("person", COLLEGE_READERS["production"])
def test_production_readers_open_the_forum_and_the_thread(cast, login, production_thread, person):
    client = login(getattr(cast, person))
    assert client.get(reverse("forums:forum", args=["production"])).status_code == 200
    response = client.get(reverse("forums:thread", args=[production_thread.pk]))
    assert response.status_code == 200
    assert "<strong>drone</strong>" in response.content.decode()


@pytest.mark.parametrize("person", NOT_PRODUCTION)
def test_others_get_the_same_404_as_for_a_missing_thread(cast, login, production_thread, person):
    client = login(getattr(cast, person))
    post = production_thread.posts.get()
    for url in (
        reverse("forums:forum", args=["production"]),
        reverse("forums:thread", args=[production_thread.pk]),
        reverse("forums:post", args=[post.pk]),
        reverse("forums:history", args=[post.pk]),
        reverse("forums:thread_row", args=[production_thread.pk]),
        reverse("forums:new_thread", args=["production"]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.get(reverse("forums:thread", args=[999999])).status_code == 404
    for url, data in (
        (reverse("forums:reply", args=[production_thread.pk]), {"body": "intrusion"}),
        (reverse("forums:react", args=[post.pk]), {"kind": "+1"}),
        (reverse("forums:moderate", args=[production_thread.pk]), {"operation": "lock"}),
        (reverse("forums:mark_read", args=[production_thread.pk]), {"number": "1"}),
        (reverse("forums:follow", args=[production_thread.pk]), {"level": "muted"}),
    ):
        assert client.post(url, data).status_code == 404, url
    assert production_thread.posts.count() == 1


def test_the_forum_index_lists_only_readable_forums(cast, login):
    slugs = {f.slug for f in login(cast.production_member).get(reverse("forums:index")).context["forums"]}
    assert slugs == {"general", "production"}
    slugs = {f.slug for f in login(cast.president).get(reverse("forums:index")).context["forums"]}
    assert slugs == {"general", "production", "conseil-d-administration"}
    assert len(login(cast.staff).get(reverse("forums:index")).context["forums"]) == 6


@pytest.mark.django_db(transaction=True)
def test_replies_sent_at_once_are_numbered_one_after_the_other(association_bodies, cast):
    """Each reply waits for the thread's lock, so none takes a number another already has."""
    thread = actions.start_thread(cast.production_member, forum=forum("production"), title="Tournage", body="…")
    repliers = [cast.production_member, cast.coordinator, cast.staff, cast.production_member]
    outcomes = run_together(
        *[
            lambda person=person, n=n: actions.reply(person, thread=thread, body=f"Réponse {n}")
            for n, person in enumerate(repliers)
        ]
    )
    assert failures(outcomes) == []
    thread.refresh_from_db()
    assert sorted(thread.posts.values_list("number", flat=True)) == [1, 2, 3, 4, 5] and thread.post_count == 5
    assert sorted(post.number for post in outcomes) == [2, 3, 4, 5]


# Statements of a reply, those after commit included (PostgreSQL also takes the lock of each
# count the notified people's marks touch: the bell's and the mentions').
REPLY_BUDGET = {"sqlite": 17, "postgresql": 18}


def test_a_reply_asks_as_many_queries_however_many_people_follow_the_thread(cast, django_capture_on_commit_callbacks):
    """The write, its notifications, its frame and the marks after commit: a fixed number of
    statements, whether one person (the thread's author) or five follow the thread."""
    thread = actions.start_thread(cast.production_member, forum=forum("production"), title="Tournage", body="…")

    def statements_of_a_reply() -> int:
        with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
            actions.reply(cast.coordinator, thread=thread, body="Une réponse")
        return len(queries)

    actions.reply(cast.coordinator, thread=thread, body="Bonjour")  # their own reading state exists
    one_follower = statements_of_a_reply()
    for number in range(4):
        follower = make_member(actor=cast.staff, college="production", email=f"suit.{number}@example.org")
        reading.set_follow(follower, thread=thread, level=FollowLevel.FOLLOWING)
    assert statements_of_a_reply() == one_follower == REPLY_BUDGET[connection.vendor]


def test_anonymous_visitors_are_sent_to_login(client, production_thread):
    response = client.get(reverse("forums:thread", args=[production_thread.pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_member_replies_and_the_thread_moves_up(cast, login, production_thread):
    older = actions.start_thread(cast.coordinator, forum=forum("production"), title="Plus ancien", body="...")
    client = login(cast.production_member)
    response = client.post(reverse("forums:reply", args=[production_thread.pk]), {"body": "J'en ai un, @animation !"})
    assert response.status_code == 302
    assert production_thread.posts.count() == 2
    threads = list(client.get(reverse("forums:forum", args=["production"])).context["page"])
    assert [t.pk for t in threads] == [production_thread.pk, older.pk]


def test_empty_and_oversized_messages_are_refused_and_what_was_typed_is_kept(cast, login, production_thread):
    client = login(cast.production_member)
    response = client.post(reverse("forums:reply", args=[production_thread.pk]), {"body": "   "})
    assert response.status_code == 400
    assert response.context["reply_form"].errors["body"]
    long_text = "é" * 20_001
    response = client.post(reverse("forums:reply", args=[production_thread.pk]), {"body": long_text})
    assert response.status_code == 400
    assert "20000" in response.content.decode().replace("\u202f", "").replace(" ", "")
    assert long_text in response.content.decode()
    assert production_thread.posts.count() == 1


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[clic](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        "<svg onload=alert(1)>",
        '<iframe src="https://evil.example"></iframe>',
        "[x](JaVaScRiPt:alert(1))",
        '<p style="background:url(javascript:alert(1))">x</p>',
    ],
)
def test_markdown_never_lets_a_script_through(cast, production_thread, payload):
    post = actions.reply(cast.production_member, thread=production_thread, body=payload)
    assert dangerous_markup(post.body_html) == []


def test_mentions_link_only_people_who_can_read_the_thread(cast, production_thread):
    readable, outsider = cast.coordinator, cast.patrimoine_member
    post = actions.reply(
        cast.production_member, thread=production_thread, body=f"Merci @{readable.handle} et @{outsider.handle}"
    )
    assert f'href="/annuaire/{readable.pk}/"' in post.body_html
    assert f"/annuaire/{outsider.pk}/" not in post.body_html
    assert f"@{outsider.handle}" in post.body_html
    assert set(Mention.objects.filter(post=post).values_list("user", flat=True)) == {readable.pk}


def test_quoting_prefills_the_reply(cast, login, production_thread):
    post = production_thread.posts.get()
    response = login(cast.coordinator).get(reverse("forums:thread", args=[production_thread.pk]) + f"?quote={post.pk}")
    assert f"&gt; @{cast.production_member.handle} :" in response.content.decode()


def test_author_edits_with_a_visible_history(cast, login, production_thread):
    post = production_thread.posts.get()
    client = login(cast.production_member)
    assert (
        client.post(reverse("forums:edit", args=[post.pk]), {"body": "Qui a un **drone** ? (trouvé)"}).status_code
        == 302
    )
    history = login(cast.coordinator).get(reverse("forums:history", args=[post.pk])).content.decode()
    assert "(trouvé)" in history and "Qui a un <strong>drone</strong> ?</p>" in history
    # Someone else cannot edit it.
    assert login(cast.coordinator).post(reverse("forums:edit", args=[post.pk]), {"body": "x"}).status_code == 403


def test_author_deletes_their_message(cast, login, production_thread):
    post = actions.reply(cast.coordinator, thread=production_thread, body="Oups, mauvais fil")
    assert login(cast.production_member).post(reverse("forums:delete", args=[post.pk])).status_code == 403
    login(cast.coordinator).post(reverse("forums:delete", args=[post.pk]))
    post.refresh_from_db()
    assert post.is_deleted and post.body == ""
    page = login(cast.production_member).get(reverse("forums:thread", args=[production_thread.pk])).content.decode()
    assert "Oups" not in page


def test_coordinator_hides_a_message_with_a_reason_audited(cast, login, production_thread):
    post = production_thread.posts.get()
    client = login(cast.coordinator)
    assert client.post(reverse("forums:hide", args=[post.pk]), {"reason": "Hors sujet"}).status_code == 302
    post.refresh_from_db()
    assert post.is_hidden and post.hidden_reason == "Hors sujet"
    assert AuditEntry.objects.filter(action=ForumAudit.POST_HIDDEN, actor=cast.coordinator).exists()
    page = login(cast.president).get(reverse("forums:thread", args=[production_thread.pk])).content.decode()
    assert "Hors sujet" in page and "drone" not in page
    login(cast.coordinator).post(reverse("forums:unhide", args=[post.pk]))
    post.refresh_from_db()
    assert not post.is_hidden


def test_members_cannot_moderate(cast, login, production_thread):
    post = production_thread.posts.get()
    client = login(cast.production_member)
    assert client.post(reverse("forums:hide", args=[post.pk]), {"reason": "x"}).status_code == 403
    assert (
        client.post(reverse("forums:moderate", args=[production_thread.pk]), {"operation": "lock"}).status_code == 403
    )


def test_coordinator_pins_locks_and_moves_within_what_they_moderate(cast, login, production_thread):
    client = login(cast.coordinator)
    client.post(reverse("forums:moderate", args=[production_thread.pk]), {"operation": "pin"})
    client.post(reverse("forums:moderate", args=[production_thread.pk]), {"operation": "lock"})
    production_thread.refresh_from_db()
    assert production_thread.pinned and production_thread.locked
    # Not a forum they moderate: nothing moves.
    client.post(
        reverse("forums:moderate", args=[production_thread.pk]), {"operation": "move", "forum": forum("general").pk}
    )
    production_thread.refresh_from_db()
    assert production_thread.forum.slug == "production"
    # Staff move it.
    login(cast.staff).post(
        reverse("forums:moderate", args=[production_thread.pk]), {"operation": "move", "forum": forum("general").pk}
    )
    production_thread.refresh_from_db()
    assert production_thread.forum.slug == "general"
    logged = set(AuditEntry.objects.filter(target_id=str(production_thread.pk)).values_list("action", flat=True))
    assert {ForumAudit.THREAD_PINNED, ForumAudit.THREAD_LOCKED, ForumAudit.THREAD_MOVED} <= logged


def test_nobody_but_moderators_posts_in_a_locked_thread(cast, login, production_thread):
    actions.set_thread_locked(cast.coordinator, thread=production_thread, locked=True)
    response = login(cast.production_member).post(
        reverse("forums:reply", args=[production_thread.pk]), {"body": "Et moi ?"}
    )
    assert response.status_code == 400
    assert production_thread.posts.count() == 1
    with pytest.raises(ActionRefused):
        actions.reply(cast.production_member, thread=production_thread, body="Et moi ?")
    actions.reply(cast.coordinator, thread=production_thread, body="Je clos la discussion.")
    assert production_thread.posts.count() == 2


def test_reactions_toggle(cast, login, production_thread):
    post = production_thread.posts.get()
    client = login(cast.coordinator)
    client.post(reverse("forums:react", args=[post.pk]), {"kind": "+1"})
    assert post.reactions.count() == 1
    client.post(reverse("forums:react", args=[post.pk]), {"kind": "+1"})
    assert post.reactions.count() == 0
    client.post(reverse("forums:react", args=[post.pk]), {"kind": "<script>"})
    assert post.reactions.count() == 0


def test_the_reaction_buttons_speak_each_readers_language(cast, login, production_thread):
    url = reverse("forums:thread", args=[production_thread.pk])
    french = login(cast.coordinator).get(url).content.decode()
    assert 'aria-label="Réagir avec 👍"' in french
    english_reader = login(cast.production_member)
    english_reader.post(reverse("switch_language"), {"language": "en", "next": url})
    english = english_reader.get(url).content.decode()
    assert 'aria-label="React with 👍"' in english and "Réagir avec" not in english
    assert french.count('class="reaction-picker"') == production_thread.posts.count()


def test_unread_counts_first_unread_link_and_mark_all_read(cast, login, production_thread):
    for n in range(3):
        actions.reply(cast.coordinator, thread=production_thread, body=f"Réponse {n}")
    client = login(cast.president)
    forums_page = client.get(reverse("forums:index")).context["forums"]
    assert next(f for f in forums_page if f.slug == "production").unread == 4
    ReadState.objects.update_or_create(user=cast.president, thread=production_thread, defaults={"last_read_number": 2})
    response = client.get(reverse("forums:thread", args=[production_thread.pk]) + "?unread")
    assert response.url.endswith("?page=1#post-3")
    client.post(reverse("forums:mark_forum_read", args=["production"]))
    assert next(f for f in client.get(reverse("forums:index")).context["forums"] if f.slug == "production").unread == 0


def test_authors_and_repliers_follow_and_can_mute(cast, login, production_thread):
    actions.reply(cast.coordinator, thread=production_thread, body="Je suis")
    assert ReadState.objects.get(user=cast.coordinator, thread=production_thread).follow == FollowLevel.FOLLOWING
    assert ReadState.objects.get(user=cast.production_member, thread=production_thread).follow == FollowLevel.FOLLOWING
    login(cast.coordinator).post(reverse("forums:follow", args=[production_thread.pk]), {"level": "muted"})
    assert ReadState.objects.get(user=cast.coordinator, thread=production_thread).follow == FollowLevel.MUTED


def test_long_threads_are_paginated(cast, login, production_thread):
    for n in range(25):
        actions.reply(cast.coordinator, thread=production_thread, body=f"Message {n}")
    client = login(cast.production_member)
    first = client.get(reverse("forums:thread", args=[production_thread.pk]))
    assert [v.post.number for v in first.context["post_views"]] == list(range(1, 21))
    second = client.get(reverse("forums:thread", args=[production_thread.pk]) + "?page=2")
    assert [v.post.number for v in second.context["post_views"]] == list(range(21, 27))
    assert client.get(reverse("forums:thread", args=[production_thread.pk]) + "?page=zz").status_code == 200


def test_every_change_is_logged_for_catch_up(cast, production_thread):
    post = actions.reply(cast.coordinator, thread=production_thread, body="Un")
    actions.edit_post(cast.coordinator, post=post, body="Deux")
    actions.hide_post(cast.staff, post=post, reason="Test")
    kinds = list(ForumEvent.objects.filter(thread=production_thread).order_by("pk").values_list("kind", flat=True))
    assert kinds == ["thread.created", "post.created", "post.edited", "post.hidden"]


def _fill(thread, author, count):
    Post.objects.bulk_create(
        Post(thread=thread, number=n, author=author, body="x", body_html="<p>x</p>")
        for n in range(thread.post_count + 1, thread.post_count + count + 1)
    )
    thread.post_count += count
    thread.save(update_fields=["post_count"])


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_thread_and_forum_pages_cost_the_same_for_10_and_1000_messages(cast, login):
    small = actions.start_thread(cast.coordinator, forum=forum("production"), title="Petit", body="x")
    large = actions.start_thread(cast.board_member, forum=forum("diffusion"), title="Grand", body="x")
    core_actions.add_college_member(cast.staff, college=College.objects.get(slug="diffusion"), user=cast.president)
    _fill(small, cast.coordinator, 9)
    _fill(large, cast.coordinator, 999)
    for n in range(30):
        actions.start_thread(cast.staff, forum=forum("diffusion"), title=f"Fil {n}", body="x")
    client = login(cast.president)
    # Last pages (a full one for the large thread), and each forum's list. A first visit records
    # the reading state; the counts compare visits after it.
    client.get(reverse("forums:thread", args=[small.pk]))
    client.get(reverse("forums:thread", args=[large.pk]) + "?page=50")
    small_thread = _queries(client, reverse("forums:thread", args=[small.pk]))
    large_thread = _queries(client, reverse("forums:thread", args=[large.pk]) + "?page=50")
    assert small_thread == large_thread
    assert _queries(client, reverse("forums:forum", args=["production"])) == _queries(
        client, reverse("forums:forum", args=["diffusion"])
    )


def test_unread_counters_for_live_pages(cast, login, production_thread):
    actions.reply(cast.coordinator, thread=production_thread, body="Nouveau")
    counts = login(cast.president).get(reverse("forums:unread_counts")).json()
    production = forum("production")
    assert counts[str(production.pk)]["count"] == 2
    assert str(forum("patrimoine").pk) not in counts
    assert login(cast.outsider).get(reverse("forums:unread_counts")).json().get(str(production.pk)) is None


@pytest.mark.parametrize("person", ["production_member", "coordinator", "president", "staff"])
def test_readers_use_every_forum_route(cast, login, production_thread, person):
    client = login(getattr(cast, person))
    post = production_thread.posts.get()
    for url in (
        reverse("forums:index"),
        reverse("forums:unread_counts"),
        reverse("forums:new_thread", args=["production"]),
        reverse("forums:post", args=[post.pk]),
        reverse("forums:history", args=[post.pk]),
        reverse("forums:thread_row", args=[production_thread.pk]),
    ):
        assert client.get(url).status_code == 200, url
    assert client.post(reverse("forums:mark_read", args=[production_thread.pk]), {"number": "1"}).status_code == 200
    assert client.post(reverse("forums:follow", args=[production_thread.pk]), {"level": "following"}).status_code == 302
    assert client.post(reverse("forums:mark_forum_read", args=["production"])).status_code == 302
    response = client.post(reverse("forums:new_thread", args=["production"]), {"title": "Un fil", "body": "Texte"})
    assert response.status_code == 302


def test_quoting_a_post_of_another_thread_quotes_nothing(cast, login, production_thread):
    secret = actions.start_thread(
        cast.patrimoine_member, forum=forum("patrimoine"), title="Fonds", body="Code du coffre"
    )
    response = login(cast.production_member).get(
        reverse("forums:thread", args=[production_thread.pk]) + f"?quote={secret.posts.get().pk}"
    )
    assert "Code du coffre" not in response.content.decode()
    for odd in ("²", "-1", "9" * 40, "abc"):
        url = reverse("forums:thread", args=[production_thread.pk]) + f"?quote={odd}"
        assert login(cast.production_member).get(url).status_code == 200


@pytest.mark.parametrize("number", ["²", "-3", "1e3", "", "9" * 30])
def test_odd_read_marks_are_refused_cleanly(cast, login, production_thread, number):
    response = login(cast.production_member).post(
        reverse("forums:mark_read", args=[production_thread.pk]), {"number": number}
    )
    assert response.status_code == 400


def test_outsiders_get_the_same_404_as_for_missing_posts(cast, login, production_thread):
    post = production_thread.posts.get()
    client = login(cast.patrimoine_member)
    for name, method in (("edit", "get"), ("delete", "post"), ("hide", "post"), ("unhide", "post"), ("react", "post")):
        forbidden = getattr(client, method)(reverse(f"forums:{name}", args=[post.pk]), {"reason": "x", "kind": "+1"})
        missing = getattr(client, method)(reverse(f"forums:{name}", args=[999999]), {"reason": "x", "kind": "+1"})
        assert forbidden.status_code == missing.status_code == 404, name
    forbidden = client.post(reverse("forums:mark_forum_read", args=["production"]))
    missing = client.post(reverse("forums:mark_forum_read", args=["nulle-part"]))
    assert forbidden.status_code == missing.status_code == 404


def test_hidden_text_stays_hidden_from_ordinary_readers_everywhere(cast, login, production_thread):
    post = production_thread.posts.get()
    actions.edit_post(cast.production_member, post=post, body="Version modifiée du drone")
    actions.hide_post(cast.coordinator, post=post, reason="Hors sujet")
    reader = login(cast.president)
    for url in (reverse("forums:post", args=[post.pk]), reverse("forums:thread", args=[production_thread.pk])):
        page = reader.get(url).content.decode()
        assert "drone" not in page and "Hors sujet" in page
    assert reader.get(reverse("forums:history", args=[post.pk])).status_code == 404
    assert "drone" in login(cast.coordinator).get(reverse("forums:post", args=[post.pk])).content.decode()


def test_a_hidden_message_cannot_be_deleted_by_its_author(cast, login, production_thread):
    post = production_thread.posts.get()
    actions.hide_post(cast.coordinator, post=post, reason="À garder")
    assert login(cast.production_member).post(reverse("forums:delete", args=[post.pk])).status_code == 403
    post.refresh_from_db()
    assert post.body and not post.is_deleted


def test_stored_mentions_follow_edits_and_moves(cast, production_thread):
    post = actions.reply(
        cast.coordinator, thread=production_thread, body=f"@{cast.production_member.handle} et @{cast.president.handle}"
    )
    assert set(post.mentions.values_list("user", flat=True)) == {cast.production_member.pk, cast.president.pk}
    actions.edit_post(cast.coordinator, post=post, body=f"Finalement juste @{cast.president.handle}")
    assert set(post.mentions.values_list("user", flat=True)) == {cast.president.pk}
    actions.move_thread(cast.staff, thread=production_thread, forum=forum("conseil-d-administration"))
    # The president sits on the board: still mentioned. Nobody who cannot read the board is.
    assert set(post.mentions.values_list("user", flat=True)) == {cast.president.pk}


def test_a_message_full_of_mentions_costs_a_bounded_number_of_queries(
    cast, production_thread, django_assert_max_num_queries
):
    body = " ".join(f"@personne{n}" for n in range(1200))
    with django_assert_max_num_queries(40):
        actions.reply(cast.coordinator, thread=production_thread, body=body)


def test_a_deleted_message_cannot_be_hidden_and_hiding_twice_keeps_the_first_reason(cast, production_thread):
    post = actions.reply(cast.production_member, thread=production_thread, body="Hors sujet")
    actions.hide_post(cast.coordinator, post=post, reason="hors sujet")
    actions.hide_post(cast.staff, post=post, reason="autre raison")
    post.refresh_from_db()
    assert (post.hidden_reason, post.hidden_by) == ("hors sujet", cast.coordinator)
    assert AuditEntry.objects.filter(action="post.hidden").count() == 1
    gone = actions.reply(cast.production_member, thread=production_thread, body="Oups")
    actions.delete_post(cast.production_member, post=gone)
    with pytest.raises(ActionRefused):
        actions.hide_post(cast.coordinator, post=gone, reason="trop tard")


def test_not_yours_is_refused_before_the_text_is_looked_at(cast, production_thread):
    post = actions.reply(cast.production_member, thread=production_thread, body="Le mien")
    with pytest.raises(PermissionDenied):
        actions.edit_post(cast.coordinator, post=post, body="")
    with pytest.raises(PermissionDenied):
        actions.hide_post(cast.production_member, post=post, reason="")
    with pytest.raises(PermissionDenied):
        reading.set_follow(cast.diffusion_member, thread=production_thread, level="following")
