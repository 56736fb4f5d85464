"""The bell over the page's socket: the unread count arrives live, only to the person concerned."""

import pytest
from asgiref.sync import sync_to_async

from forums import actions as forum_actions
from forums.models import Forum
from intranet.notifications import actions
from tests.factories import make_member, make_staff
from tests.test_forum_live import drain
from tests.test_realtime import greeted_socket

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people(association_bodies):
    staff = make_staff()
    return {
        "author": make_member(actor=staff, college="production"),
        "reader": make_member(actor=staff, college="production"),
        "other": make_member(actor=staff, college="patrimoine"),
    }


@pytest.fixture
def thread(people):
    forum = Forum.objects.get(slug="production")
    return forum_actions.start_thread(people["author"], forum=forum, title="Repérages", body="Premier message")


async def test_a_mention_raises_the_bell_of_the_person_mentioned_and_nobody_else(people, thread):
    reader_socket = await greeted_socket(people["reader"])
    other_socket = await greeted_socket(people["other"])
    author_socket = await greeted_socket(people["author"])
    body = f"@{people['reader'].handle} et @{people['other'].handle}, regardez"
    await sync_to_async(forum_actions.reply)(people["author"], thread=thread, body=body)
    assert await reader_socket.receive_json_from(timeout=3) == {
        "event": "notifications.unread",
        "data": {"unread": 1, "waiting": True},  # a mention: the open home lists it
    }
    assert await other_socket.receive_nothing(timeout=0.3)
    assert [event for event in await drain(author_socket) if event["event"] == "notifications.unread"] == []

    # Marking read in one page lowers the bell of the person's other pages.
    await sync_to_async(actions.mark_all_read)(people["reader"])
    assert await reader_socket.receive_json_from(timeout=3) == {
        "event": "notifications.unread",
        "data": {"unread": 0, "waiting": True},
    }
    for socket in (reader_socket, other_socket, author_socket):
        await socket.disconnect()


async def test_a_reply_in_a_followed_thread_raises_the_bell_without_asking_the_home_to_read_again(people, thread):
    """An open home reads its "waiting for me" again only when told it may have changed: a reply
    asks nothing of its followers, so their homes make no request for it."""
    author_socket = await greeted_socket(people["author"])
    await sync_to_async(forum_actions.reply)(people["reader"], thread=thread, body="Merci")
    assert await author_socket.receive_json_from(timeout=3) == {
        "event": "notifications.unread",
        "data": {"unread": 1, "waiting": False},
    }
    await author_socket.disconnect()


async def test_no_bell_moves_when_the_cause_rolls_back(people, thread):
    from django.db import transaction

    reader_socket = await greeted_socket(people["reader"])

    def rolled_back_mention():
        with transaction.atomic():
            forum_actions.reply(people["author"], thread=thread, body=f"@{people['reader'].handle} ?")
            transaction.set_rollback(True)

    await sync_to_async(rolled_back_mention)()
    assert await reader_socket.receive_nothing(timeout=0.5)
    await reader_socket.disconnect()
