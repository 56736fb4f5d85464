"""Live frames carry the message as each reader may see it, rendered once per group of readers."""

import json

import pytest
from asgiref.sync import sync_to_async
from django.urls import reverse

from documents import actions as document_actions
from documents import selectors as document_selectors
from documents.models import Space, SpaceKind
from forums import actions, frames, reading
from forums.models import Forum, ForumEvent
from tests.factories import make_incoming, make_member, make_staff
from tests.test_forum_live import drain, subscribe
from tests.test_realtime import greeted_socket

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people(association_bodies):
    staff = make_staff()
    return {
        "staff": staff,
        "author": make_member(actor=staff, college="production"),
        "reader": make_member(actor=staff, college="production"),
        "coordinator": make_member(actor=staff, college="production", role="coordinator"),
        "board": make_member(actor=staff, college="production", board_role="member"),
    }


@pytest.fixture
def thread(people):
    forum = Forum.objects.get(slug="production")
    return actions.start_thread(people["author"], forum=forum, title="Repérages", body="Premier message")


@pytest.fixture
def board_document(people):
    """A document of the board's space: its members and staff may open it, other members not."""
    root = document_selectors.root_folder(Space.objects.get(kind=SpaceKind.BOARD))
    document, _version, _created = document_actions.upload_document(
        people["staff"], folder=root, incoming=make_incoming("budget-confidentiel.txt", b"Chiffres\n")
    )
    return document


async def subscribed(user, thread, lang=None):
    socket = await greeted_socket(user)
    message = {"type": "subscribe", "channel": "thread", "id": thread.pk, "since": 10**9}
    if lang:
        message["lang"] = lang
    await socket.send_json_to(message)
    assert (await socket.receive_json_from())["event"] == "subscribed"
    return socket


async def test_a_reply_arrives_rendered_with_every_control_left_to_the_page(people, thread):
    socket = await subscribed(people["reader"], thread)
    post = await sync_to_async(actions.reply)(people["author"], thread=thread, body="Une **réponse**")
    frame = await socket.receive_json_from(timeout=3)
    html = frame["data"]["html"]
    assert frame["event"] == "post.created" and frame["data"]["author"] == people["author"].pk
    assert f'data-post="{post.pk}"' in html and "<strong>réponse</strong>" in html
    # Edit, delete, hide: present for whoever the page's reader is, hidden until the page says so.
    assert reverse("forums:edit", args=[post.pk]) in html and 'data-needs="author reply" hidden' in html
    assert 'data-needs="moderator" hidden' in html
    # No one's session token travels in a shared rendering.
    assert f'value="{frames.CSRF_PLACEHOLDER}"' in html
    await socket.disconnect()


async def test_a_message_is_rendered_once_per_language_whatever_the_number_of_readers(people, thread, monkeypatch):
    renders = []
    real_render = frames._render_post
    monkeypatch.setattr(frames, "_render_post", lambda view: renders.append(view) or real_render(view))
    sockets = [await subscribed(person, thread) for person in people.values()]
    await sync_to_async(actions.reply)(people["author"], thread=thread, body="Pour tout le monde")
    for socket in sockets:
        assert "post.created" in [frame["event"] for frame in await drain(socket)]
        await socket.disconnect()
    assert len(renders) == 2  # French and English, for five open pages


async def test_each_page_receives_the_message_in_its_own_language(people, thread):
    french = await subscribed(people["reader"], thread, lang="fr")
    english = await subscribed(people["board"], thread, lang="en")
    await sync_to_async(actions.reply)(people["author"], thread=thread, body="Bonjour")
    assert ">Citer<" in (await french.receive_json_from(timeout=3))["data"]["html"]
    assert ">Quote<" in (await english.receive_json_from(timeout=3))["data"]["html"]
    await french.disconnect()
    await english.disconnect()


async def test_a_document_name_reaches_only_the_pages_of_those_who_may_open_it(people, board_document):
    general = await sync_to_async(Forum.objects.get)(slug="general")
    thread = await sync_to_async(actions.start_thread)(people["author"], forum=general, title="Budget", body="…")
    member = await subscribed(people["reader"], thread)
    board_member = await subscribed(people["board"], thread)
    staff = await subscribed(people["staff"], thread)
    await sync_to_async(actions.reply)(
        people["author"], thread=thread, body=f"Voir [[doc:{board_document.pk}]] et [[doc:999999]]"
    )
    member_text = await member.receive_from(timeout=3)
    assert "budget-confidentiel" not in member_text  # not in the frame at all, not only not shown
    assert json.loads(member_text)["data"]["html"].count("document-ref--unavailable") == 2
    for page in (board_member, staff):
        html = (await page.receive_json_from(timeout=3))["data"]["html"]
        assert "budget-confidentiel.txt" in html and reverse("documents:document", args=[board_document.pk]) in html
    for page in (member, board_member, staff):
        await page.disconnect()


def test_readers_are_grouped_by_what_they_may_open(people, board_document):
    general = Forum.objects.get(slug="general")
    thread = actions.start_thread(people["author"], forum=general, title="Budget", body=f"[[doc:{board_document.pk}]]")
    groups, routes = frames.reader_groups(thread.posts.get())
    assert groups[None] == (frozenset(), True)  # the default names nothing anyone may not open
    assert set(routes) == {str(people["board"].pk), str(people["staff"].pk)}
    assert {groups[variant] for variant in routes.values()} == {(frozenset({board_document.pk}), True)}


async def test_a_hidden_message_shows_its_text_to_moderators_and_its_author_only(people, thread):
    post = await sync_to_async(actions.reply)(people["author"], thread=thread, body="Propos déplacés")
    pages = {name: await subscribed(people[name], thread) for name in ("reader", "coordinator", "author")}
    await sync_to_async(actions.hide_post)(people["coordinator"], post=post, reason="hors sujet")
    seen = {name: await page.receive_from(timeout=3) for name, page in pages.items()}
    assert "hors sujet" in seen["reader"] and "Propos déplacés" not in seen["reader"]
    assert "Propos déplacés" in seen["coordinator"] and "Propos déplacés" in seen["author"]
    for page in pages.values():
        await page.disconnect()


async def test_a_reaction_is_told_as_counts_to_all_and_as_theirs_to_its_giver_only(people, thread):
    """Pages show reactions as anonymous counts: no frame tells other readers who reacted."""
    post = await sync_to_async(thread.posts.get)()
    giver = await subscribed(people["reader"], thread)
    onlooker = await subscribed(people["author"], thread)
    await sync_to_async(actions.toggle_reaction)(people["reader"], post=post, kind="heart")
    seen = await onlooker.receive_json_from(timeout=3)
    assert seen["event"] == "post.reacted" and set(seen["data"]) >= {"post", "html"}
    assert not {"actor", "kind", "given"} & set(seen["data"])
    assert "❤️ 1" in seen["data"]["html"] and "reaction--mine" not in seen["data"]["html"]
    assert await onlooker.receive_nothing(timeout=0.3)
    frames_of_giver = {
        frame["event"]: frame["data"] for frame in [await giver.receive_json_from(timeout=3) for _ in "12"]
    }
    assert frames_of_giver["reaction.mine"] == {"thread": thread.pk, "post": post.pk, "kind": "heart", "given": True}
    assert frames_of_giver["post.reacted"] == seen["data"]
    await sync_to_async(actions.toggle_reaction)(people["reader"], post=post, kind="heart")
    taken_back = [await giver.receive_json_from(timeout=3) for _ in "12"]
    assert {"event": "reaction.mine", "data": {**frames_of_giver["reaction.mine"], "given": False}} in taken_back
    for socket in (giver, onlooker):
        await socket.disconnect()


async def test_a_message_too_large_for_a_frame_is_fetched_by_the_pages_instead(people, thread, monkeypatch):
    monkeypatch.setattr(frames, "MAX_FRAME_BYTES", 1500)
    socket = await subscribed(people["reader"], thread)
    post = await sync_to_async(actions.reply)(people["author"], thread=thread, body="Long " * 400)
    frame = await socket.receive_from(timeout=3)
    assert len(frame.encode()) <= 1500
    data = json.loads(frame)["data"]
    assert data["fetch"] == reverse("forums:post", args=[post.pk]) and "html" not in data
    await socket.disconnect()


async def test_a_page_that_reconnects_gets_the_missed_messages_rendered_for_its_reader(people, board_document):
    general = await sync_to_async(Forum.objects.get)(slug="general")
    thread = await sync_to_async(actions.start_thread)(people["author"], forum=general, title="Budget", body="…")
    since = await sync_to_async(lambda: ForumEvent.objects.latest("pk").pk)()
    first = await sync_to_async(actions.reply)(people["author"], thread=thread, body="Absent 1")
    await sync_to_async(actions.reply)(people["author"], thread=thread, body=f"Absent 2 [[doc:{board_document.pk}]]")
    await sync_to_async(actions.edit_post)(people["author"], post=first, body="Absent 1 (corrigé)")
    replays = {}
    for name in ("reader", "board"):
        socket = await greeted_socket(people[name])
        assert (await subscribe(socket, "thread", thread.pk, since=since))["event"] == "subscribed"
        replays[name] = [event for event in await drain(socket) if event["id"] > since]
        await socket.disconnect()
    for events in replays.values():
        assert [(event["event"], event["data"]["number"]) for event in events] == [
            ("post.created", 2),
            ("post.created", 3),
            ("post.edited", 2),
        ]
        assert all(event["data"]["personal"] for event in events)
        assert "Absent 1 (corrigé)" in events[0]["data"]["html"]  # as the message is now
    assert "budget-confidentiel" not in json.dumps(replays["reader"])
    assert "budget-confidentiel.txt" in replays["board"][1]["data"]["html"]


async def test_muting_a_thread_tells_the_readers_other_pages_with_their_forum_count(people, thread):
    await sync_to_async(actions.reply)(people["author"], thread=thread, body="Deux")
    page = await greeted_socket(people["reader"])
    await sync_to_async(reading.set_follow)(people["reader"], thread=thread, level="muted")
    frame = await page.receive_json_from(timeout=3)
    assert frame["event"] == "thread.follow"
    assert (frame["data"]["muted"], frame["data"]["forum_unread"]) == (True, 0)
    await sync_to_async(reading.set_follow)(people["reader"], thread=thread, level="normal")
    assert (await page.receive_json_from(timeout=3))["data"]["forum_unread"] == 2
    await page.disconnect()


async def test_a_new_thread_reaches_the_forum_lists_with_its_row(people):
    forum = await sync_to_async(Forum.objects.get)(slug="production")
    socket = await greeted_socket(people["reader"])
    assert (await subscribe(socket, "forum", forum.pk, since=10**9))["event"] == "subscribed"
    thread = await sync_to_async(actions.start_thread)(people["author"], forum=forum, title="Tournage", body="…")
    frame = await socket.receive_json_from(timeout=3)
    assert frame["event"] == "thread.created" and f'data-thread-row="{thread.pk}"' in frame["data"]["html"]
    assert "Tournage" in frame["data"]["html"]
    await socket.disconnect()


async def test_a_moved_thread_brings_each_readers_own_unread_count(people, thread):
    await sync_to_async(actions.reply)(people["author"], thread=thread, body="Deux")
    await sync_to_async(actions.reply)(people["author"], thread=thread, body="Trois")
    await sync_to_async(reading.mark_thread_read)(people["reader"], thread=thread, up_to=2)
    general = await sync_to_async(Forum.objects.get)(slug="general")
    pages = {}
    for name in ("reader", "board"):
        pages[name] = await greeted_socket(people[name])
        await subscribe(pages[name], "forum", general.pk, since=10**9)
    await sync_to_async(actions.move_thread)(people["staff"], thread=thread, forum=general)
    for name, read in (("reader", 2), ("board", 0)):
        moved = [event for event in await drain(pages[name]) if event["event"] == "thread.moved"]
        assert [(event["data"]["read"], event["data"]["post_count"]) for event in moved] == [(read, 3)]
        assert f'data-last-read="{read}"' in moved[0]["data"]["html"]
        await pages[name].disconnect()


async def test_a_forum_list_that_reconnects_gets_rows_and_then_its_counts_as_they_are(people, thread):
    since = await sync_to_async(lambda: ForumEvent.objects.latest("pk").pk)()
    await sync_to_async(actions.reply)(people["author"], thread=thread, body="Pendant l'absence")
    socket = await greeted_socket(people["reader"])
    assert (await subscribe(socket, "forum", thread.forum_id, since=since - 1))["event"] == "subscribed"
    replayed = await drain(socket)
    # The thread's creation comes again (the last seconds are replayed), as a row, not a message.
    created = next(event for event in replayed if event["event"] == "thread.created")
    assert f'data-thread-row="{thread.pk}"' in created["data"]["html"] and "<article" not in created["data"]["html"]
    # Whatever the page counted twice, its count as it is now comes last.
    assert replayed[-1] == {"event": "forum.unread", "data": {"forum": thread.forum_id, "unread": 2, "muted": []}}
    await socket.disconnect()


async def test_a_page_tells_what_its_reader_has_read_on_its_socket(people, thread):
    await sync_to_async(actions.reply)(people["author"], thread=thread, body="Deux")
    page = await subscribed(people["reader"], thread)
    other_page = await greeted_socket(people["reader"])
    await page.send_json_to({"type": "read", "channel": "thread", "id": thread.pk, "number": 2})
    frame = await other_page.receive_json_from(timeout=3)
    assert frame["event"] == "thread.read" and (frame["data"]["read"], frame["data"]["was"]) == (2, 0)
    state = await sync_to_async(lambda: thread.read_states.get(user=people["reader"]).last_read_number)()
    assert state == 2
    await page.disconnect()
    await other_page.disconnect()


async def test_a_page_cannot_mark_read_what_it_did_not_subscribe_to(people, thread):
    other_forum = await sync_to_async(Forum.objects.get)(slug="patrimoine")
    secret = await sync_to_async(actions.start_thread)(people["staff"], forum=other_forum, title="À part", body="…")
    page = await greeted_socket(people["reader"])
    for target in (thread.pk, secret.pk):
        await page.send_json_to({"type": "read", "channel": "thread", "id": target, "number": 1})
        assert await page.receive_json_from() == {"event": "error", "data": {"code": "not_subscribed"}}
    await page.send_json_to({"type": "read", "channel": "forum", "id": thread.forum_id, "number": 1})
    assert (await page.receive_json_from())["data"]["code"] == "bad_read"
    assert not await sync_to_async(secret.read_states.filter(user=people["reader"]).exists)()
    await page.disconnect()


async def test_a_read_mark_the_database_cannot_take_keeps_the_socket_open(people, thread, monkeypatch):
    from django.db import OperationalError

    def busy_database(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(reading, "mark_threads_read", busy_database)
    page = await subscribed(people["reader"], thread)
    await page.send_json_to({"type": "read", "channel": "thread", "id": thread.pk, "number": 1})
    assert await page.receive_json_from(timeout=3) == {"event": "error", "data": {"code": "try_again"}}
    await page.send_json_to({"type": "ping"})
    assert await page.receive_json_from() == {"event": "pong"}
    await page.disconnect()


def test_reactions_recorded_before_are_replayed_without_who_reacted(people, thread):
    """Frames once named the reactor: the migration takes that out of the events still replayed."""
    import importlib

    from django.apps import apps

    from forums.models import ForumEvent

    migration = importlib.import_module("forums.migrations.0006_reactions_told_without_who")
    post = thread.posts.get()
    old = ForumEvent.objects.create(
        forum=thread.forum,
        thread=thread,
        kind="post.reacted",
        data={"thread": thread.pk, "forum": thread.forum_id, "post": post.pk, "number": 1, "actor": 7, "kind": "heart",
              "given": True},
    )  # fmt: skip
    migration.forget_who_reacted(apps, None)
    old.refresh_from_db()
    assert old.data == {"thread": thread.pk, "forum": thread.forum_id, "post": post.pk, "number": 1}
