"""With Redis stopped, pages and posting keep working, sockets are told to retry (never a 500),
and live updates resume, with nothing missing, once Redis is back."""

import os
import shutil
import socket
import subprocess
import time

import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from django.urls import reverse

from forums import actions
from forums.models import Forum, Post
from forums.selectors import latest_event_id
from intranet.asgi import application
from realtime.consumers import CLOSE_TRY_AGAIN_LATER
from tests.factories import make_member, make_staff
from tests.test_realtime import ORIGIN, session_cookie_for


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateRedis:
    """A Redis of our own on a free port, that the test stops and starts at will."""

    def __init__(self):
        self.port = free_port()
        self.process = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            with socket.socket() as client:
                if client.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def redis_server(settings):
    if not shutil.which("redis-server"):
        if os.environ.get("INTRANET_REQUIRE_TOOLS"):
            pytest.fail("redis-server is required here but not installed")
        pytest.skip("redis-server (Debian package redis-server) is not installed: outage not simulated")
    redis = PrivateRedis()
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [{"address": redis.url, "max_connections": 100}], "prefix": "outage-test"},
        }
    }
    channel_layers.backends.clear()
    yield redis
    redis.stop()
    channel_layers.backends.clear()


@pytest.fixture
def members(association_bodies):
    staff = make_staff()
    author = make_member(actor=staff, college="production")
    reader = make_member(actor=staff, college="production")
    thread = actions.start_thread(author, forum=Forum.objects.get(slug="production"), title="Panne", body="Début")
    return author, reader, thread


@pytest.mark.django_db(transaction=True)
def test_pages_and_posting_work_while_redis_is_down(client, redis_server, members):
    author, _reader, thread = members
    client.force_login(author, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(reverse("forums:thread", args=[thread.pk])).status_code == 200
    response = client.post(reverse("forums:reply", args=[thread.pk]), {"body": "Redis est arrêté"})
    assert response.status_code == 302
    assert Post.objects.filter(thread=thread, body="Redis est arrêté").exists()


@pytest.mark.django_db(transaction=True)
async def test_sockets_retry_during_the_outage_and_catch_up_when_redis_returns(redis_server, members):
    author, reader, thread = members
    cookie = await sync_to_async(session_cookie_for)(reader)

    # Redis stopped: the handshake succeeds and the socket is closed with "try again later".
    communicator = WebsocketCommunicator(application, "/ws/", headers=[ORIGIN, (b"cookie", cookie)])
    connected, _ = await communicator.connect()
    assert connected
    assert await communicator.receive_output(timeout=3) == {"type": "websocket.close", "code": CLOSE_TRY_AGAIN_LATER}
    seen_until = await sync_to_async(latest_event_id)(thread=thread)
    missed = await sync_to_async(actions.reply)(author, thread=thread, body="Pendant la panne")

    # Redis is back: the page reconnects, replays what it missed, then gets live events again.
    await sync_to_async(redis_server.start)()
    communicator = WebsocketCommunicator(application, "/ws/", headers=[ORIGIN, (b"cookie", cookie)])
    connected, _ = await communicator.connect()
    assert connected
    assert (await communicator.receive_json_from(timeout=3))["event"] == "hello"
    await communicator.send_json_to({"type": "subscribe", "channel": "thread", "id": thread.pk, "since": seen_until})
    assert (await communicator.receive_json_from(timeout=3))["event"] == "subscribed"
    replayed = [await communicator.receive_json_from(timeout=3)]
    while not await communicator.receive_nothing(timeout=0.3):
        replayed.append(await communicator.receive_json_from())
    assert [event["data"].get("post") for event in replayed if event["id"] > seen_until] == [missed.pk]
    live = await sync_to_async(actions.reply)(author, thread=thread, body="Après la panne")
    received = await communicator.receive_json_from(timeout=5)
    assert received["event"] == "post.created" and received["data"]["post"] == live.pk
    await communicator.disconnect()
