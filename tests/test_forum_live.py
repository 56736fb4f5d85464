"""Live threads over the page socket: who may subscribe, events after commit, catch-up, revocation."""

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.db import transaction

from forums import actions, reading
from forums.models import Forum
from intranet import actions as core_actions
from intranet.models import CollegeMembership
from tests.factories import make_member, make_staff
from tests.test_realtime import greeted_socket

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people(association_bodies):
    staff = make_staff()
    return {
        "staff": staff,
        "author": make_member(actor=staff, college="production"),
        "reader": make_member(actor=staff, college="production"),
        "other": make_member(actor=staff, college="patrimoine"),
    }


@pytest.fixture
def thread(people):
    forum = Forum.objects.get(slug="production")
    return actions.start_thread(people["author"], forum=forum, title="Repérages", body="Premier message")


async def drain(communicator) -> list[dict]:
    """Every message waiting on the socket."""
    received = []
    while not await communicator.receive_nothing(timeout=0.3):
        received.append(await communicator.receive_json_from())
    return received


async def subscribe(communicator, channel, target, since=0):
    await communicator.send_json_to({"type": "subscribe", "channel": channel, "id": target, "since": since})
    return await communicator.receive_json_from()


async def test_reader_subscribes_and_receives_a_reply(people, thread):
    socket = await greeted_socket(people["reader"])
    answer = await subscribe(socket, "thread", thread.pk, since=10**9)
    assert answer == {"event": "subscribed", "data": {"channel": "thread", "id": thread.pk}}
    post = await sync_to_async(actions.reply)(people["author"], thread=thread, body="Une réponse")
    event = await socket.receive_json_from(timeout=3)
    assert event["event"] == "post.created"
    assert event["data"]["post"] == post.pk and event["data"]["number"] == 2
    assert f'data-post="{post.pk}"' in event["data"]["html"] and "Une réponse" in event["data"]["html"]
    await socket.disconnect()


async def test_another_colleges_thread_is_refused_like_a_missing_one(people, thread):
    socket = await greeted_socket(people["other"])
    refused = await subscribe(socket, "thread", thread.pk)
    missing = await subscribe(socket, "thread", 987654)
    assert refused["event"] == missing["event"] == "error"
    assert refused["data"]["code"] == missing["data"]["code"] == "not_found"
    await sync_to_async(actions.reply)(people["author"], thread=thread, body="Secret de collège")
    assert await socket.receive_nothing(timeout=0.3)
    await socket.disconnect()


async def test_events_leave_only_after_commit(people, thread):
    socket = await greeted_socket(people["reader"])
    await subscribe(socket, "thread", thread.pk, since=10**9)

    def reply_inside_a_transaction():
        with transaction.atomic():
            actions.reply(people["author"], thread=thread, body="Pas encore")
            assert async_to_sync(socket.receive_nothing)(timeout=0.3)

    await sync_to_async(reply_inside_a_transaction)()
    assert (await socket.receive_json_from(timeout=3))["event"] == "post.created"

    def rolled_back_reply():
        with transaction.atomic():
            actions.reply(people["author"], thread=thread, body="Jamais")
            transaction.set_rollback(True)

    await sync_to_async(rolled_back_reply)()
    assert await socket.receive_nothing(timeout=0.3)
    await socket.disconnect()


async def test_a_page_that_reconnects_gets_what_it_missed(people, thread):
    socket = await greeted_socket(people["reader"])
    await subscribe(socket, "thread", thread.pk, since=10**9)
    await sync_to_async(actions.reply)(people["author"], thread=thread, body="Vu en direct")
    seen = await socket.receive_json_from(timeout=3)
    await socket.disconnect()

    # The laptop is closed: two messages, an edit and a hidden message arrive meanwhile.
    first = await sync_to_async(actions.reply)(people["author"], thread=thread, body="Pendant l'absence 1")
    await sync_to_async(actions.reply)(people["author"], thread=thread, body="Pendant l'absence 2")
    await sync_to_async(actions.edit_post)(people["author"], post=first, body="Pendant l'absence 1 (corrigé)")

    socket = await greeted_socket(people["reader"])
    assert (await subscribe(socket, "thread", thread.pk, since=seen["id"]))["event"] == "subscribed"
    replayed = await drain(socket)
    # The last seconds before `since` come again too (ids are not in commit order everywhere);
    # the page keeps what it has not seen.
    missed = [event for event in replayed if event["id"] > seen["id"]]
    assert [event["event"] for event in missed] == ["post.created", "post.created", "post.edited"]
    assert [event["data"]["number"] for event in missed] == [3, 4, 3]
    await socket.disconnect()


async def test_leaving_the_college_stops_its_events_at_once(people, thread):
    socket = await greeted_socket(people["reader"])
    await subscribe(socket, "thread", thread.pk, since=10**9)
    await subscribe(socket, "forum", thread.forum_id, since=10**9)

    def remove_reader():
        membership = CollegeMembership.objects.get(user=people["reader"], college__slug="production")
        core_actions.remove_college_member(people["staff"], membership=membership)

    await sync_to_async(remove_reader)()
    dropped = [await socket.receive_json_from(timeout=3) for _ in range(2)]
    assert {event["event"] for event in dropped} == {"unsubscribed"}
    await sync_to_async(actions.reply)(people["author"], thread=thread, body="Après son départ")
    assert await socket.receive_nothing(timeout=0.3)
    # And a new subscription is refused.
    assert (await subscribe(socket, "thread", thread.pk))["data"]["code"] == "not_found"
    await socket.disconnect()


async def test_moving_a_thread_away_drops_readers_of_the_old_forum(people, thread):
    socket = await greeted_socket(people["reader"])
    await subscribe(socket, "thread", thread.pk, since=10**9)
    board = await sync_to_async(Forum.objects.get)(slug="conseil-d-administration")
    await sync_to_async(actions.move_thread)(people["staff"], thread=thread, forum=board)
    events = []
    while True:
        event = await socket.receive_json_from(timeout=3)
        events.append(event["event"])
        if event["event"] == "unsubscribed":
            break
    assert "unsubscribed" in events
    await socket.disconnect()


@pytest.mark.parametrize(
    "message",
    [
        {"type": "subscribe", "channel": "thread", "id": "1"},
        {"type": "subscribe", "channel": "thread", "id": True},
        {"type": "subscribe", "channel": "nope", "id": 1},
        {"type": "subscribe", "channel": "thread", "id": 1, "since": -5},
        {"type": "subscribe", "channel": "thread", "id": 2**80},
    ],
)
async def test_malformed_subscriptions_get_an_error(people, message):
    socket = await greeted_socket(people["reader"])
    await socket.send_json_to(message)
    assert (await socket.receive_json_from())["data"]["code"] == "bad_subscription"
    await socket.disconnect()


async def test_oversized_messages_get_an_error(people):
    socket = await greeted_socket(people["reader"])
    await socket.send_to(text_data='{"type": "ping", "padding": "' + "x" * 5000 + '"}')
    assert (await socket.receive_json_from())["data"]["code"] == "message_too_large"
    await socket.disconnect()


async def test_losing_staff_rights_stops_the_events_of_forums_no_longer_readable(people):
    staff_socket_user = await sync_to_async(make_staff)()
    forum = await sync_to_async(Forum.objects.get)(slug="patrimoine")
    socket = await greeted_socket(staff_socket_user)
    assert (await subscribe(socket, "forum", forum.pk, since=10**9))["event"] == "subscribed"
    await sync_to_async(core_actions.set_staff_status)(people["staff"], user=staff_socket_user, is_staff=False)
    assert (await socket.receive_json_from(timeout=3))["event"] == "unsubscribed"
    await sync_to_async(actions.start_thread)(people["other"], forum=forum, title="Secret", body="Entre nous")
    assert await socket.receive_nothing(timeout=0.3)
    assert (await subscribe(socket, "forum", forum.pk))["data"]["code"] == "not_found"
    await socket.disconnect()


async def test_after_a_move_the_old_readers_hear_nothing_more(people, thread):
    socket = await greeted_socket(people["reader"])
    await subscribe(socket, "thread", thread.pk, since=10**9)
    board = await sync_to_async(Forum.objects.get)(slug="conseil-d-administration")
    await sync_to_async(actions.move_thread)(people["staff"], thread=thread, forum=board)
    received = await drain(socket)
    # The access check comes first: not even the move itself reaches them.
    assert [event["event"] for event in received] == ["unsubscribed"]
    await sync_to_async(actions.reply)(people["staff"], thread=thread, body="Au CA maintenant")
    assert await socket.receive_nothing(timeout=0.3)
    await socket.disconnect()


@pytest.mark.parametrize("frame", ["[" * 1999, '{"type": "unsubscribe", "channel": "thread", "id": [1]}'])
async def test_odd_frames_get_an_error_and_the_socket_stays_usable(people, thread, frame):
    socket = await greeted_socket(people["reader"])
    await subscribe(socket, "thread", thread.pk, since=10**9)
    await socket.send_to(text_data=frame)
    assert (await socket.receive_json_from())["event"] == "error"
    await socket.send_json_to({"type": "ping"})
    assert await socket.receive_json_from() == {"event": "pong"}
    await socket.disconnect()


async def test_a_page_that_missed_too_much_is_told_to_reload(people, thread, monkeypatch):
    from forums import selectors

    monkeypatch.setattr(selectors, "REPLAY_LIMIT", 3)
    for n in range(5):
        await sync_to_async(actions.reply)(people["author"], thread=thread, body=f"Message {n}")
    socket = await greeted_socket(people["reader"])
    await subscribe(socket, "thread", thread.pk, since=0)
    received = await drain(socket)
    assert len(received) == 4
    assert received[-1] == {"event": "stale", "data": {"channel": "thread", "id": thread.pk}}
    await socket.disconnect()


async def test_a_flood_of_subscriptions_is_refused(people, thread):
    from realtime.consumers import SUBSCRIBE_BUDGET

    socket = await greeted_socket(people["reader"])
    for _ in range(SUBSCRIBE_BUDGET):
        assert (await subscribe(socket, "thread", thread.pk, since=10**9))["event"] == "subscribed"
    answer = await subscribe(socket, "thread", thread.pk, since=0)
    assert answer == {"event": "error", "data": {"code": "too_many_requests"}}
    await socket.disconnect()


async def test_pin_and_lock_reach_the_forum_page_live(people, thread):
    coordinator = await sync_to_async(make_member)(actor=people["staff"], college="production", role="coordinator")
    socket = await greeted_socket(people["reader"])
    await subscribe(socket, "forum", thread.forum_id, since=10**9)
    await sync_to_async(actions.set_thread_locked)(coordinator, thread=thread, locked=True)
    await sync_to_async(actions.set_thread_pinned)(coordinator, thread=thread, pinned=True)
    received = await drain(socket)
    assert [(event["event"], event["data"]["locked"], event["data"]["pinned"]) for event in received] == [
        ("thread.locked", True, False),
        ("thread.pinned", True, True),
    ]
    await socket.disconnect()


async def test_reading_on_one_page_updates_the_readers_other_pages(people, thread):
    await sync_to_async(actions.reply)(people["author"], thread=thread, body="Deux")
    other_page = await greeted_socket(people["reader"])
    await sync_to_async(reading.mark_thread_read)(people["reader"], thread=thread, up_to=2)
    # Where they stopped, and where they were: the counters move by the difference, no query.
    assert await other_page.receive_json_from(timeout=3) == {
        "event": "thread.read",
        "data": {"thread": thread.pk, "forum": thread.forum_id, "read": 2, "was": 0, "muted": False, "post_count": 2},
    }
    # Another member's pages hear nothing of it.
    stranger = await greeted_socket(people["author"])
    await sync_to_async(reading.mark_thread_read)(people["reader"], thread=thread, up_to=2)
    assert await stranger.receive_nothing(timeout=0.3)
    await other_page.disconnect()
    await stranger.disconnect()
