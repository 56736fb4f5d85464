"""The forums API: forums, threads and posts for the role cast, the same effects as the pages,
hidden text kept from readers, posts by a stable cursor, bad input, and query budgets."""

from __future__ import annotations

import pytest
from django.urls import reverse

from documents import actions as document_actions
from documents import selectors as document_selectors
from documents.models import Space
from forums import actions, selectors
from forums.audit_details import ForumAudit
from forums.models import FollowLevel, Forum, ForumEvent, Mention, Post, ReadState, Thread
from intranet.models import AuditEntry, SearchChange
from intranet.notifications.models import Notification
from tests.api import ROLES, Case, everyone, person, run_case, token_client
from tests.factories import make_incoming

pytestmark = pytest.mark.django_db

HIDDEN_TEXT = "Texte masqué par la modération"


def forum(slug: str) -> Forum:
    return Forum.objects.get(slug=slug)


@pytest.fixture
def world(cast):
    """A thread in the Production collège's forum: the member's opening post, the coordinator's
    reply, and a reply of the coordinator's that staff hid; one thread in the board's forum and
    one in the general forum."""
    thread = actions.start_thread(
        cast.production_member, forum=forum("production"), title="Tournage en Gironde", body="Qui a un **drone** ?"
    )
    reply = actions.reply(cast.coordinator, thread=thread, body="Moi, samedi.")
    hidden = actions.reply(cast.coordinator, thread=thread, body=HIDDEN_TEXT)
    actions.hide_post(cast.staff, post=hidden, reason="Hors sujet")
    board_thread = actions.start_thread(
        cast.board_member, forum=forum("conseil-d-administration"), title="Budget", body="Les comptes"
    )
    general_thread = actions.start_thread(cast.staff, forum=forum("general"), title="Bienvenue", body="Bonjour à tous")
    return {
        "cast": cast,
        "thread": thread,
        "opening": thread.posts.get(number=1),
        "reply": reply,
        "hidden": hidden,
        "board_thread": board_thread,
        "general_thread": general_thread,
    }


PRODUCTION_READERS = ("member", "coordinator", "staff")


def readers(status: int, **overrides) -> dict[str, int]:
    """``status`` for the Production forum's readers, the same 404 for every other member."""
    return everyone(404, **{**dict.fromkeys(PRODUCTION_READERS, status), **overrides})


VISIBLE_FORUMS = {
    "outsider": {"general"},
    "other_member": {"general", "diffusion"},
    "member": {"general", "production"},
    "coordinator": {"general", "production"},
    "board": {"general", "diffusion", "conseil-d-administration"},
}


def _forums_each_role_reads(world, role, response):
    slugs = {item["slug"] for item in response.json()}
    if role == "staff":
        assert slugs == set(Forum.objects.values_list("slug", flat=True))
    else:
        assert slugs == VISIBLE_FORUMS[role], (role, slugs)


def _the_thread_is_listed(world, role, response):
    body = response.json()
    assert [item["id"] for item in body["results"]] == [world["thread"].pk]
    assert body["count"] == 1


def _hidden_text_only_for_its_author_and_moderators(world, role, response):
    posts = {item["number"]: item for item in response.json()["results"]}
    assert sorted(posts) == [1, 2, 3]
    hidden = posts[3]
    assert hidden["hidden"] and hidden["hidden_reason"] == "Hors sujet"
    if role == "member":
        assert hidden["body"] is None and hidden["body_html"] is None
        assert HIDDEN_TEXT not in response.content.decode()
    else:
        assert hidden["body"] == HIDDEN_TEXT


def _thread_was_started(world, role, response):
    body = response.json()
    thread = Thread.objects.get(pk=body["id"])
    assert thread.title == "Nouveau fil" and thread.forum.slug == "production"
    assert body["follow_level"] == "following" and body["last_read"] == 1 and body["can_reply"]


def _reply_was_posted(world, role, response):
    body = response.json()
    assert body["number"] == 4 and body["body"] == "Merci"
    assert body["allowed"]["can_edit"]


def _post_was_edited(world, role, response):
    assert response.json()["body"] == "Qui a un **drone** ou une grue ?"
    assert Post.objects.get(pk=world["opening"].pk).edited_at is not None


def _post_was_hidden(world, role, response):
    assert response.json()["hidden"] and response.json()["body"] == "Moi, samedi."  # a moderator still sees it
    assert AuditEntry.objects.filter(action=ForumAudit.POST_HIDDEN, target_id=str(world["reply"].pk)).exists()


def _post_is_shown_again(world, role, response):
    assert not response.json()["hidden"] and response.json()["body"] == HIDDEN_TEXT


ROLE_CASES = {
    "api:forums": Case("get", lambda w: "/api/v1/forums/", everyone(200), check=_forums_each_role_reads),
    "api:forum_threads": Case(
        "get", lambda w: "/api/v1/forums/production/threads/", readers(200), check=_the_thread_is_listed
    ),
    "api:forum_follow": Case(
        "put", lambda w: "/api/v1/forums/production/follow/", readers(200), data=lambda w: {"following": True}
    ),
    "api:thread": Case("get", lambda w: f"/api/v1/threads/{w['thread'].pk}/", readers(200)),
    "api:thread_posts": Case(
        "get",
        lambda w: f"/api/v1/threads/{w['thread'].pk}/posts/",
        readers(200),
        check=_hidden_text_only_for_its_author_and_moderators,
    ),
    "api:thread_read": Case(
        "post", lambda w: f"/api/v1/threads/{w['thread'].pk}/read/", readers(200), data=lambda w: {"number": 2}
    ),
    "api:thread_follow": Case(
        "put", lambda w: f"/api/v1/threads/{w['thread'].pk}/follow/", readers(200), data=lambda w: {"level": "muted"}
    ),
    # Visible to every reader of the forum, editable by its author only.
    "api:post": Case(
        "patch",
        lambda w: f"/api/v1/posts/{w['opening'].pk}/",
        readers(403, member=200),
        data=lambda w: {"body": "Qui a un **drone** ou une grue ?"},
        check=_post_was_edited,
    ),
    # The coordinator moderates the Production forum; staff moderate every forum.
    "api:post_hide": Case(
        "post",
        lambda w: f"/api/v1/posts/{w['reply'].pk}/hide/",
        readers(200, member=403),
        data=lambda w: {"reason": "Hors sujet"},
        check=_post_was_hidden,
    ),
    "api:post_unhide": Case(
        "post",
        lambda w: f"/api/v1/posts/{w['hidden'].pk}/unhide/",
        readers(200, member=403),
        check=_post_is_shown_again,
    ),
}

# The writes that share a route with a read above: the same role cast.
MORE_ROLE_CASES = {
    "api:forum_threads (post)": Case(
        "post",
        lambda w: "/api/v1/forums/production/threads/",
        readers(201),
        data=lambda w: {"title": "Nouveau fil", "body": "Premier message"},
        check=_thread_was_started,
    ),
    "api:thread_posts (post)": Case(
        "post",
        lambda w: f"/api/v1/threads/{w['thread'].pk}/posts/",
        readers(201),
        data=lambda w: {"body": "Merci"},
        check=_reply_was_posted,
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", sorted(ROLE_CASES) + sorted(MORE_ROLE_CASES))
def test_role_cast(route, role, world, cast):
    run_case({**ROLE_CASES, **MORE_ROLE_CASES}[route], world, cast, role)


# --- The board's and the general forum ------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [("outsider", 404), ("other_member", 404), ("member", 404), ("board", 200), ("staff", 200)],
)
def test_only_the_board_and_staff_read_the_boards_forum(world, cast, role, expected):
    client = token_client(person(cast, role))
    assert client.get(f"/api/v1/threads/{world['board_thread'].pk}/").status_code == expected
    assert client.get("/api/v1/forums/conseil-d-administration/threads/").status_code == expected


def test_a_board_member_who_holds_no_office_reads_the_boards_forum_but_does_not_moderate_it(world, cast):
    post = world["board_thread"].posts.get()
    client = token_client(cast.board_member)
    assert client.post(f"/api/v1/posts/{post.pk}/hide/", {"reason": "x"}, format="json").status_code == 403
    response = token_client(cast.secretary).post(f"/api/v1/posts/{post.pk}/hide/", {"reason": "x"}, format="json")
    assert response.status_code == 200  # an officer of the board does


def test_every_member_writes_in_the_general_forum(world, cast):
    client = token_client(cast.outsider)
    response = client.post(f"/api/v1/threads/{world['general_thread'].pk}/posts/", {"body": "Bonjour !"}, format="json")
    assert response.status_code == 201
    assert response.json()["author"]["id"] == cast.outsider.pk


# --- The same effects as the pages ----------------------------------------------------------


def _effects_of_last_reply(thread: Thread) -> dict:
    """What a reply leaves behind, without the ids that differ from one thread to another."""
    post = thread.posts.order_by("-number").first()
    event = ForumEvent.objects.filter(thread=thread).order_by("-pk").first()
    return {
        "event": (event.kind, sorted(event.data)),
        "notifications": sorted(
            Notification.objects.filter(target_type="post", target_id=post.pk).values_list(
                "recipient_id", "kind", "event"
            )
        ),
        "mentions": sorted(Mention.objects.filter(post=post).values_list("user_id", flat=True)),
        "reader": ReadState.objects.filter(user=post.author, thread=thread).values_list("last_read_number", "follow")[
            0
        ],
        "indexed": SearchChange.objects.filter(kind="post", object_id=post.pk).exists(),
        "post": (post.number, post.body, post.body_html),
    }


def test_a_reply_through_the_api_leaves_what_a_reply_in_the_page_leaves(cast, login):
    by_api, by_page = (
        actions.start_thread(cast.production_member, forum=forum("production"), title=title, body="Qui vient ?")
        for title in ("Par l'API", "Par la page")
    )
    body = f"Oui, avec @{cast.president.handle} **samedi**"
    response = token_client(cast.coordinator).post(f"/api/v1/threads/{by_api.pk}/posts/", {"body": body}, "json")
    assert response.status_code == 201
    assert login(cast.coordinator).post(reverse("forums:reply", args=[by_page.pk]), {"body": body}).status_code == 302

    api_effects, page_effects = _effects_of_last_reply(by_api), _effects_of_last_reply(by_page)
    assert api_effects == page_effects
    # And they are the effects one expects: the author hears of the reply, the president of the mention.
    assert api_effects["notifications"] == sorted(
        [(cast.president.pk, "mention", "mentioned"), (cast.production_member.pk, "reply", "replied")]
    )
    assert api_effects["event"][0] == "post.created"


def test_hiding_through_the_api_is_audited_and_logged_like_in_the_page(cast, login, world):
    other = actions.reply(cast.production_member, thread=world["thread"], body="Autre message")
    assert (
        token_client(cast.coordinator)
        .post(f"/api/v1/posts/{world['reply'].pk}/hide/", {"reason": "Hors sujet"}, format="json")
        .status_code
        == 200
    )
    assert (
        login(cast.coordinator).post(reverse("forums:hide", args=[other.pk]), {"reason": "Hors sujet"}).status_code
        == 302
    )

    def audit(post):
        entry = AuditEntry.objects.get(action=ForumAudit.POST_HIDDEN, target_id=str(post.pk))
        return entry.actor_id, entry.target_type, entry.details

    def event(post):
        found = ForumEvent.objects.filter(kind="post.hidden", data__post=post.pk).get()
        return sorted(found.data)

    assert audit(world["reply"]) == audit(other)
    assert event(world["reply"]) == event(other)


def test_starting_a_thread_notifies_the_forums_followers(cast, world):
    follow = token_client(cast.coordinator).put("/api/v1/forums/production/follow/", {"following": True}, "json")
    assert follow.status_code == 200 and follow.json() == {"following": True}
    assert selectors.follows_forum(cast.coordinator, forum("production"))
    response = token_client(cast.production_member).post(
        "/api/v1/forums/production/threads/", {"title": "Du neuf", "body": "Voilà"}, format="json"
    )
    assert response.status_code == 201
    assert Notification.objects.filter(
        kind="new_thread", target_id=response.json()["id"], recipient=cast.coordinator
    ).exists()
    token_client(cast.coordinator).put("/api/v1/forums/production/follow/", {"following": False}, "json")
    assert not selectors.follows_forum(cast.coordinator, forum("production"))


# --- Hidden and deleted text ----------------------------------------------------------------


def test_hidden_text_never_reaches_a_reader_who_is_neither_its_author_nor_a_moderator(cast, world):
    client = token_client(cast.production_member)
    thread_id = world["thread"].pk
    for url in (f"/api/v1/threads/{thread_id}/posts/", f"/api/v1/threads/{thread_id}/"):
        assert HIDDEN_TEXT not in client.get(url).content.decode()
    # Editing one's own post elsewhere in the thread answers that post alone.
    response = client.patch(f"/api/v1/posts/{world['opening'].pk}/", {"body": "Corrigé"}, format="json")
    assert HIDDEN_TEXT not in response.content.decode()
    # Nor can the reader edit or unhide it: visible, not theirs to change.
    assert client.patch(f"/api/v1/posts/{world['hidden'].pk}/", {"body": "x"}, format="json").status_code == 403
    assert client.post(f"/api/v1/posts/{world['hidden'].pk}/unhide/").status_code == 403
    assert HIDDEN_TEXT not in client.post(f"/api/v1/posts/{world['hidden'].pk}/unhide/").content.decode()


def test_the_author_of_a_hidden_post_still_sees_it_but_may_not_edit_it(cast, world):
    post = actions.reply(cast.production_member, thread=world["thread"], body="Mes mots")
    actions.hide_post(cast.coordinator, post=post, reason="Doublon")
    client = token_client(cast.production_member)
    posts = client.get(f"/api/v1/threads/{world['thread'].pk}/posts/").json()["results"]
    mine = next(item for item in posts if item["id"] == post.pk)
    assert mine["body"] == "Mes mots" and mine["hidden_reason"] == "Doublon"
    assert mine["allowed"]["can_edit"] is False
    assert client.patch(f"/api/v1/posts/{post.pk}/", {"body": "Autres mots"}, format="json").status_code == 403


def test_a_deleted_post_shows_no_text_even_to_staff(cast, world):
    actions.delete_post(cast.coordinator, post=world["reply"])
    posts = token_client(cast.staff).get(f"/api/v1/threads/{world['thread'].pk}/posts/").json()["results"]
    deleted = next(post for post in posts if post["id"] == world["reply"].pk)
    assert deleted["deleted"] and deleted["body"] is None and deleted["body_html"] is None


def test_posts_come_as_markdown_and_as_the_rendered_html(cast, world):
    posts = token_client(cast.coordinator).get(f"/api/v1/threads/{world['thread'].pk}/posts/").json()["results"]
    assert posts[0]["body"] == "Qui a un **drone** ?"
    assert "<strong>drone</strong>" in posts[0]["body_html"]
    assert posts[0]["author"]["handle"] == cast.production_member.handle
    assert posts[0]["url"] == reverse("forums:thread", args=[world["thread"].pk]) + "?page=1#post-1"


# --- Reading state --------------------------------------------------------------------------


def test_the_read_mark_moves_forward_only_and_the_thread_shows_it(cast, world):
    client = token_client(cast.staff)
    thread_url = f"/api/v1/threads/{world['thread'].pk}/"
    before = client.get(thread_url).json()
    assert (before["last_read"], before["unread"], before["follow_level"]) == (0, 3, "normal")
    assert client.post(thread_url + "read/", {"number": 2}, format="json").json() == {"read": 2}
    assert client.post(thread_url + "read/", {"number": 1}, format="json").json() == {"read": 2}
    assert client.post(thread_url + "read/", {"number": 999}, format="json").json() == {"read": 3}
    assert client.put(thread_url + "follow/", {"level": "following"}, format="json").json() == {"level": "following"}
    after = client.get(thread_url).json()
    assert (after["last_read"], after["unread"], after["follow_level"]) == (3, 0, "following")


def test_unread_threads_only_and_the_forums_unread_counts(cast, world):
    other = actions.start_thread(cast.coordinator, forum=forum("production"), title="Autre", body="x")
    client = token_client(cast.production_member)
    counts = {item["slug"]: item["unread"] for item in client.get("/api/v1/forums/").json()}
    assert counts["production"] == 3  # the coordinator's two replies and the new thread
    unread = client.get("/api/v1/forums/production/threads/?unread=1").json()["results"]
    assert {item["id"] for item in unread} == {world["thread"].pk, other.pk}
    # A muted thread is not counted as unread.
    client.put(f"/api/v1/threads/{other.pk}/follow/", {"level": FollowLevel.MUTED}, format="json")
    unread = client.get("/api/v1/forums/production/threads/?unread=true").json()["results"]
    assert [item["id"] for item in unread] == [world["thread"].pk]
    assert {item["slug"]: item["unread"] for item in client.get("/api/v1/forums/").json()}["production"] == 2
    all_threads = client.get("/api/v1/forums/production/threads/?unread=0").json()["results"]
    assert [item["id"] for item in all_threads] == [other.pk, world["thread"].pk]  # last activity first


def test_threads_are_ordered_like_the_forum_page(cast, world):
    pinned = actions.start_thread(cast.coordinator, forum=forum("production"), title="Épinglé", body="x")
    actions.set_thread_pinned(cast.coordinator, thread=pinned, pinned=True)
    newer = actions.start_thread(cast.coordinator, forum=forum("production"), title="Récent", body="x")
    client = token_client(cast.production_member)
    body = client.get("/api/v1/forums/production/threads/?page_size=2").json()
    assert [item["id"] for item in body["results"]] == [pinned.pk, newer.pk]
    assert body["count"] == 3 and body["next"]
    assert [item["id"] for item in client.get(body["next"]).json()["results"]] == [world["thread"].pk]


# --- Cursor pagination ----------------------------------------------------------------------


def test_the_posts_cursor_neither_skips_nor_repeats_while_replies_arrive(cast, world):
    client = token_client(cast.production_member)
    thread = world["thread"]
    for _ in range(4):
        actions.reply(cast.coordinator, thread=thread, body="Une réponse")
    seen = []
    url = f"/api/v1/threads/{thread.pk}/posts/?page_size=2"
    arriving = 5
    while url:
        body = client.get(url).json()
        seen += [item["number"] for item in body["results"]]
        url = body["next"]
        if url and arriving:  # a reply arrives while the reader turns the page
            actions.reply(cast.coordinator, thread=thread, body="Encore une réponse")
            arriving -= 1
    thread.refresh_from_db()
    assert thread.post_count == 12
    assert seen == list(range(1, 13))


def test_a_forged_cursor_is_not_found_with_a_message(cast, world):
    response = token_client(cast.production_member).get(f"/api/v1/threads/{world['thread'].pk}/posts/?cursor=abc")
    assert response.status_code == 404
    assert response.json()["detail"]


# --- Bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "data", "field"),
    [
        ("post", "/api/v1/forums/production/threads/", {"title": "Titre", "body": "   "}, "body"),
        ("post", "/api/v1/forums/production/threads/", {"title": "x" * 201, "body": "Texte"}, "title"),
        ("post", "/api/v1/forums/production/threads/", {"title": ["liste"], "body": "Texte"}, "title"),
        ("post", "/api/v1/forums/production/threads/", {"body": "Sans titre"}, "title"),
        ("post", "/api/v1/forums/production/threads/", {"title": "Titre", "body": "x" * 20_001}, "body"),
        ("post", "/threads/{thread}/posts/", {"body": ""}, "body"),
        ("post", "/threads/{thread}/posts/", {"body": {"texte": "objet"}}, "body"),
        ("post", "/threads/{thread}/posts/", {"body": "nul \x00 caractère"}, "body"),
        ("post", "/threads/{thread}/read/", {"number": "deux"}, "number"),
        ("post", "/threads/{thread}/read/", {"number": -1}, "number"),
        ("post", "/threads/{thread}/read/", {}, "number"),
        ("put", "/threads/{thread}/follow/", {"level": "loud"}, "level"),
        ("put", "/threads/{thread}/follow/", {"level": 3}, "level"),
        ("put", "/api/v1/forums/production/follow/", {"following": "peut-être"}, "following"),
        ("patch", "/posts/{opening}/", {"body": "  "}, "body"),
        ("patch", "/posts/{opening}/", {"body": True}, "body"),
        ("post", "/posts/{reply}/hide/", {"reason": ""}, "reason"),
        ("post", "/posts/{reply}/hide/", {"reason": "x" * 301}, "reason"),
    ],
)
def test_invalid_fields_get_400_with_their_errors(cast, world, method, path, data, field):
    path = path.format(thread=world["thread"].pk, opening=world["opening"].pk, reply=world["reply"].pk)
    path = path if path.startswith("/api/") else "/api/v1" + path
    client = token_client(cast.production_member if "hide" not in path else cast.coordinator)
    response = getattr(client, method)(path, data, format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid" and field in body["errors"], body
    assert all(isinstance(message, str) and message for message in body["errors"][field])


def test_a_body_that_is_not_json_or_not_an_object_gets_400(cast, world):
    client = token_client(cast.production_member)
    url = f"/api/v1/threads/{world['thread'].pk}/posts/"
    response = client.post(url, b"{pas du json", content_type="application/json")
    assert response.status_code == 400 and response.json()["detail"]
    response = client.post(url, ["Merci"], format="json")
    assert response.status_code == 400 and response.json()["errors"]
    assert Post.objects.filter(thread=world["thread"]).count() == 3


def test_a_locked_thread_refuses_replies_but_not_from_its_moderators(cast, world):
    actions.set_thread_locked(cast.coordinator, thread=world["thread"], locked=True)
    url = f"/api/v1/threads/{world['thread'].pk}/posts/"
    response = token_client(cast.production_member).post(url, {"body": "Encore"}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "refused"
    assert (
        token_client(cast.production_member).get(f"/api/v1/threads/{world['thread'].pk}/").json()["can_reply"] is False
    )
    assert token_client(cast.coordinator).post(url, {"body": "Pour clore"}, format="json").status_code == 201


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("get", "/api/v1/forums/{forum}/threads/", None),
        ("post", "/api/v1/forums/{forum}/threads/", {"title": "Titre", "body": "Texte"}),
        ("put", "/api/v1/forums/{forum}/follow/", {"following": True}),
        ("get", "/api/v1/threads/{thread}/", None),
        ("get", "/api/v1/threads/{thread}/posts/", None),
        ("post", "/api/v1/threads/{thread}/posts/", {"body": "Texte"}),
        ("post", "/api/v1/threads/{thread}/read/", {"number": 1}),
        ("put", "/api/v1/threads/{thread}/follow/", {"level": "muted"}),
        ("patch", "/api/v1/posts/{post}/", {"body": "Texte"}),
        ("post", "/api/v1/posts/{post}/hide/", {"reason": "Hors sujet"}),
        ("post", "/api/v1/posts/{post}/unhide/", None),
    ],
)
def test_unknown_ids_get_the_same_404_as_forbidden_ones(cast, world, method, path, data):
    client = token_client(cast.diffusion_member)
    missing = path.format(forum="inconnu", thread=999_999, post=999_999)
    forbidden = path.format(forum="production", thread=world["thread"].pk, post=world["hidden"].pk)
    missing_response = getattr(client, method)(missing, data, format="json")
    forbidden_response = getattr(client, method)(forbidden, data, format="json")
    assert missing_response.status_code == forbidden_response.status_code == 404
    assert missing_response.json() == forbidden_response.json()
    # Even with a body that is not valid: the object is looked for first.
    if data:
        response = getattr(client, method)(missing, {}, format="json")
        assert response.status_code == 404


def test_a_post_from_another_college_cannot_be_reached_through_a_thread_one_reads(cast, world):
    diffusion = actions.start_thread(cast.diffusion_member, forum=forum("diffusion"), title="Diff", body="Secret")
    client = token_client(cast.production_member)
    assert client.get(f"/api/v1/threads/{diffusion.pk}/posts/").status_code == 404
    assert client.patch(f"/api/v1/posts/{diffusion.posts.get().pk}/", {"body": "x"}, format="json").status_code == 404


# --- Query budgets --------------------------------------------------------------------------


def _fill_posts(thread: Thread, author, count: int) -> None:
    thread.refresh_from_db()
    Post.objects.bulk_create(
        Post(thread=thread, number=n, author=author, body="x", body_html="<p>x</p>")
        for n in range(thread.post_count + 1, thread.post_count + count + 1)
    )
    thread.post_count += count
    thread.save(update_fields=["post_count"])


# The token, the access check and the rows (with their counters, reactions and documents).
LIST_BUDGETS = {"forums": 3, "threads": 5, "posts": 7}


@pytest.mark.parametrize("size", [5, 30])
def test_listing_forums_costs_the_same_however_many_threads(cast, django_assert_max_num_queries, size):
    for n in range(size):
        actions.start_thread(cast.coordinator, forum=forum("production"), title=f"Fil {n}", body="x")
        actions.start_thread(cast.board_member, forum=forum("diffusion"), title=f"Fil {n}", body="x")
    client = token_client(cast.staff)
    client.get("/api/v1/forums/")  # the token's first use is written down once
    with django_assert_max_num_queries(LIST_BUDGETS["forums"]):
        response = client.get("/api/v1/forums/")
    assert sum(item["thread_count"] for item in response.json()) == 2 * size


@pytest.mark.parametrize("size", [5, 30])
@pytest.mark.parametrize("query", ["", "?unread=1"])
def test_listing_threads_costs_the_same_however_many_threads(cast, django_assert_max_num_queries, size, query):
    for n in range(size):
        thread = actions.start_thread(cast.production_member, forum=forum("production"), title=f"Fil {n}", body="x")
        actions.reply(cast.coordinator, thread=thread, body="Réponse")
    client = token_client(cast.production_member)
    url = "/api/v1/forums/production/threads/" + query
    client.get(url)
    with django_assert_max_num_queries(LIST_BUDGETS["threads"]):
        response = client.get(url)
    assert len(response.json()["results"]) == size


@pytest.mark.parametrize("size", [5, 30])
def test_listing_posts_costs_the_same_however_many_posts(cast, django_assert_max_num_queries, world, size):
    thread = world["thread"]
    _fill_posts(thread, cast.coordinator, size)
    for post in Post.objects.filter(thread=thread, hidden_at=None)[:3]:
        actions.toggle_reaction(cast.production_member, post=post, kind="heart")
    actions.hide_post(cast.coordinator, post=Post.objects.get(thread=thread, number=5), reason="x")
    client = token_client(cast.production_member)
    url = f"/api/v1/threads/{thread.pk}/posts/"
    client.get(url)
    with django_assert_max_num_queries(LIST_BUDGETS["posts"]):
        response = client.get(url)
    assert len(response.json()["results"]) == size + 3


def test_a_referenced_document_is_named_only_to_readers_who_may_open_it(cast, django_capture_on_commit_callbacks):
    folder = document_selectors.root_folder(Space.objects.get(slug="college-production"))
    with django_capture_on_commit_callbacks(execute=True):
        document, _version, _created = document_actions.upload_document(
            cast.production_member, folder=folder, incoming=make_incoming("cr-janvier.txt", b"Compte rendu")
        )
    thread = actions.start_thread(
        cast.production_member, forum=forum("general"), title="CR", body=f"Voir [[doc:{document.pk}]] et [[doc:999999]]"
    )
    url = f"/api/v1/threads/{thread.pk}/posts/"
    html = token_client(cast.production_member).get(url).json()["results"][0]["body_html"]
    assert "cr-janvier.txt" in html and reverse("documents:document", args=[document.pk]) in html
    html = token_client(cast.diffusion_member).get(url).json()["results"][0]["body_html"]
    assert "cr-janvier" not in html and html.count("document-ref--unavailable") == 2


def test_ids_too_large_for_the_database_are_not_found(cast):
    client = token_client(cast.production_member)
    huge = "9" * 30
    assert client.get(f"/api/v1/threads/{huge}/").status_code == 404
    assert client.get(f"/api/v1/threads/{huge}/posts/").status_code == 404
    assert client.patch(f"/api/v1/posts/{huge}/", {"body": "x"}, format="json").status_code == 404
