"""The page's WebSocket: authenticated, origin-checked, closed when the account is deactivated."""

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connections

from intranet import actions
from intranet.asgi import application
from realtime import events
from realtime.consumers import CLOSE_NOT_AUTHENTICATED, CLOSE_SESSION_ENDED

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = (b"origin", b"http://127.0.0.1:8000")


def session_cookie_for(user) -> bytes:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}".encode()


@pytest.fixture(autouse=True)
async def _close_connections_of_the_sync_thread():
    """Database work done for the consumer runs in asgiref's sync thread; close its connection,
    or PostgreSQL refuses to drop the test database at the end."""
    yield
    await sync_to_async(connections.close_all)()


def socket(headers):
    return WebsocketCommunicator(application, "/ws/", headers=headers)


async def greeted_socket(user) -> WebsocketCommunicator:
    """A socket of this member's session, connected and past the greeting."""
    cookie = await sync_to_async(session_cookie_for)(user)
    communicator = socket([ORIGIN, (b"cookie", cookie)])
    connected, _ = await communicator.connect()
    assert connected
    assert await communicator.receive_json_from() == {"event": "hello", "data": {"user": user.pk}}
    return communicator


@pytest.fixture
def member(association_bodies):
    from tests.factories import make_member, make_staff

    staff = make_staff()
    return make_member(actor=staff, college="production"), staff


async def test_member_connects_and_is_greeted(member):
    user, _staff = member
    communicator = await greeted_socket(user)
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from() == {"event": "pong"}
    await communicator.disconnect()


async def test_anonymous_socket_is_closed_with_a_login_code(association_bodies):
    communicator = socket([ORIGIN])
    connected, _ = await communicator.connect()
    assert connected
    assert await communicator.receive_output() == {"type": "websocket.close", "code": CLOSE_NOT_AUTHENTICATED}


async def test_socket_from_another_origin_is_refused(member):
    user, _staff = member
    cookie = await sync_to_async(session_cookie_for)(user)
    communicator = socket([(b"origin", b"https://evil.example"), (b"cookie", cookie)])
    connected, _ = await communicator.connect()
    assert not connected


async def test_socket_without_origin_is_refused(member):
    user, _staff = member
    cookie = await sync_to_async(session_cookie_for)(user)
    connected, _ = await socket([(b"cookie", cookie)]).connect()
    assert not connected


async def test_deactivating_an_account_closes_its_open_sockets(member):
    user, staff = member
    communicator = await greeted_socket(user)
    await sync_to_async(actions.deactivate_member)(staff, user=user)
    assert await communicator.receive_output(timeout=5) == {"type": "websocket.close", "code": CLOSE_SESSION_ENDED}


async def test_a_page_thread_sends_its_messages_on_the_server_loop(member, monkeypatch):
    """What a page's thread sends after commit goes out on the server's own event loop, whose
    connections to the channel layer stay open, not on a loop (and, with Redis, a connection)
    started for each message."""
    user, staff = member
    communicator = await greeted_socket(user)  # through the application, which notes its loop
    loops = []
    send_each = events._group_send_each

    async def noting_the_loop(layer, messages):
        loops.append(asyncio.get_running_loop())
        await send_each(layer, messages)

    monkeypatch.setattr(events, "_group_send_each", noting_the_loop)

    def as_a_page_thread():  # a thread of the pages' pool, which asgiref knows nothing of
        try:
            actions.deactivate_member(staff, user=user)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as page_threads:
        await asyncio.get_running_loop().run_in_executor(page_threads, as_a_page_thread)
    assert await communicator.receive_output(timeout=5) == {"type": "websocket.close", "code": CLOSE_SESSION_ENDED}
    assert loops and set(loops) == {asyncio.get_running_loop()}


async def test_a_page_answers_without_waiting_for_the_channel_layer(member, monkeypatch):
    """A page's thread hands its messages to the server's loop and goes back to its page: a slow
    channel layer (Redis under load) delays the messages, never the page that sent them."""
    user, staff = member
    communicator = await greeted_socket(user)
    layer_answers = asyncio.Event()
    send_each = events._group_send_each

    async def slow_layer(layer, messages):
        await layer_answers.wait()
        await send_each(layer, messages)

    monkeypatch.setattr(events, "_group_send_each", slow_layer)

    def as_a_page_thread():
        try:
            actions.deactivate_member(staff, user=user)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as page_threads:
        page = asyncio.get_running_loop().run_in_executor(page_threads, as_a_page_thread)
        await asyncio.wait_for(page, timeout=2)  # answered while the layer has not
    assert await communicator.receive_nothing(timeout=0.2)
    layer_answers.set()
    assert await communicator.receive_output(timeout=5) == {"type": "websocket.close", "code": CLOSE_SESSION_ENDED}


async def test_messages_handed_over_by_pages_arrive_in_the_order_they_were_sent(member, monkeypatch):
    """The first batch held up by the layer does not let the later ones overtake it."""
    user, _staff = member
    communicator = await greeted_socket(user)
    send_each = events._group_send_each
    held = []

    async def first_one_slow(layer, messages):
        if not held:
            held.append(1)
            await asyncio.sleep(0.2)
        await send_each(layer, messages)

    monkeypatch.setattr(events, "_group_send_each", first_one_slow)

    def as_a_page_thread():
        for number in range(5):
            events._send_text_skipping_commit([events.user_group(user.pk)], json.dumps({"event": "n", "data": number}))

    with ThreadPoolExecutor(max_workers=1) as page_threads:
        await asyncio.get_running_loop().run_in_executor(page_threads, as_a_page_thread)
    assert [(await communicator.receive_json_from(timeout=5))["data"] for _ in range(5)] == [0, 1, 2, 3, 4]


async def test_a_stalled_channel_layer_drops_the_overflow_and_recovers(member, monkeypatch, caplog):
    """Past ``OUTBOX_LIMIT`` waiting batches the new ones are dropped with a warning (memory stays
    bounded while the layer does not answer); what was queued first still arrives, in order, and
    messages sent once the layer answers again arrive too."""
    user, _staff = member
    communicator = await greeted_socket(user)
    monkeypatch.setattr(events, "OUTBOX_LIMIT", 2)
    layer_answers = asyncio.Event()
    send_each = events._group_send_each

    async def stalled_layer(layer, messages):
        await layer_answers.wait()
        await send_each(layer, messages)

    monkeypatch.setattr(events, "_group_send_each", stalled_layer)

    def send(number):  # on the server's loop, as the publisher runs: no batch is taken out meanwhile
        events._send_text_skipping_commit([events.user_group(user.pk)], json.dumps({"event": "n", "data": number}))

    with caplog.at_level("WARNING", logger="realtime.events"):
        for number in range(5):
            send(number)
    assert [record.getMessage() for record in caplog.records].count(
        "Dropped 1 live messages: the channel layer is not keeping up"
    ) == 3
    layer_answers.set()
    assert [(await communicator.receive_json_from(timeout=5))["data"] for _ in range(2)] == [0, 1]
    assert await communicator.receive_nothing(timeout=0.2)
    send(5)
    assert (await communicator.receive_json_from(timeout=5))["data"] == 5
    await communicator.disconnect()


async def test_frames_from_the_page_do_not_wait_for_a_database_thread(member, monkeypatch):
    """Hundreds of pages tell their reads after one reply: none of their frames may queue behind
    Channels' per-message hop to a thread that closes stale database connections."""
    user, _staff = member
    communicator = await greeted_socket(user)
    hops = []

    async def counted_hop():
        hops.append(1)

    monkeypatch.setattr("channels.consumer.aclose_old_connections", counted_hop)
    for _ in range(3):
        await communicator.send_json_to({"type": "ping"})
        assert await communicator.receive_json_from() == {"event": "pong"}
    await communicator.disconnect()
    assert hops == []


async def test_unknown_messages_get_an_error_not_a_crash(member):
    user, _staff = member
    communicator = await greeted_socket(user)
    await communicator.send_json_to({"type": "subscribe", "thread": 1})
    assert (await communicator.receive_json_from())["event"] == "error"
    await communicator.send_json_to(["not", "an", "object"])
    assert (await communicator.receive_json_from())["event"] == "error"
    await communicator.disconnect()


async def test_malformed_frames_get_an_error_and_keep_the_socket_open(member):
    user, _staff = member
    communicator = await greeted_socket(user)
    await communicator.send_to(text_data="{not json")
    assert (await communicator.receive_json_from())["event"] == "error"
    await communicator.send_to(bytes_data=b"\x00\x01")
    assert (await communicator.receive_json_from())["event"] == "error"
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from() == {"event": "pong"}
    await communicator.disconnect()


async def test_logging_out_closes_the_sockets_of_that_browser_only(member):
    from django.test import Client

    user, _staff = member
    cookie = await sync_to_async(session_cookie_for)(user)
    this_browser = socket([ORIGIN, (b"cookie", cookie)])
    assert (await this_browser.connect())[0]
    await this_browser.receive_json_from()
    other_device = await greeted_socket(user)

    def log_out():
        client = Client()
        client.cookies[settings.SESSION_COOKIE_NAME] = cookie.decode().split("=", 1)[1]
        assert client.post("/compte/deconnexion/").status_code == 302

    await sync_to_async(log_out)()
    assert await this_browser.receive_output(timeout=5) == {"type": "websocket.close", "code": CLOSE_SESSION_ENDED}
    await other_device.send_json_to({"type": "ping"})
    assert await other_device.receive_json_from() == {"event": "pong"}
    await other_device.disconnect()
