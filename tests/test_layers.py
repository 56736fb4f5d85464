"""The embedded channel layer: delivers like Channels' own, expires at most once a second."""

import time
from types import SimpleNamespace

from channels.layers import InMemoryChannelLayer

from realtime import layers
from realtime.layers import ThrottledInMemoryChannelLayer


async def test_group_messages_are_delivered():
    layer = ThrottledInMemoryChannelLayer()
    channel = await layer.new_channel()
    await layer.group_add("thread.1", channel)
    await layer.group_send("thread.1", {"type": "live.event", "text": "bonjour"})
    assert await layer.receive(channel) == {"type": "live.event", "text": "bonjour"}


async def test_expiry_walks_the_channels_at_most_once_per_interval(monkeypatch):
    walks = []
    monkeypatch.setattr(InMemoryChannelLayer, "_clean_expired", lambda self: walks.append(1))
    clock = [1000.0]
    monkeypatch.setattr(layers, "_now", lambda: clock[0])
    layer = ThrottledInMemoryChannelLayer()
    channel = await layer.new_channel()
    await layer.group_add("thread.1", channel)
    for _ in range(50):
        await layer.group_send("thread.1", {"type": "live.event", "text": "x"})
    assert len(walks) == 1
    clock[0] += layers.CLEAN_INTERVAL_SECONDS + 0.01
    await layer.group_send("thread.1", {"type": "live.event", "text": "x"})
    assert len(walks) == 2


async def test_expired_messages_are_still_dropped(monkeypatch):
    layer = ThrottledInMemoryChannelLayer(expiry=60)
    channel = await layer.new_channel()
    await layer.send(channel, {"type": "old"})
    later = time.time() + 61
    monkeypatch.setattr("channels.layers.time", SimpleNamespace(time=lambda: later))
    layer._clean_expired()
    assert channel not in layer.channels
