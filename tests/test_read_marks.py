"""What hundreds of open pages tell they have read, a few seconds after a reply, is recorded in
batches: one transaction, a cost that does not grow with the number of readers, and the same
outcome as one mark at a time (never back, only what the reader may still read)."""

import asyncio
import json

import pytest
from asgiref.sync import sync_to_async
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forums import actions, reading
from forums.models import FollowLevel, Forum, ReadState
from intranet.notifications.models import Notification
from realtime.readmarks import ReadMarkBuffer
from tests.factories import make_member, make_staff
from tests.test_realtime import greeted_socket


@pytest.fixture
def crowd(association_bodies):
    staff = make_staff()
    author = make_member(actor=staff, college="production")
    readers = [make_member(actor=staff, college="production") for _ in range(12)]
    forum = Forum.objects.get(slug="production")
    thread = actions.start_thread(author, forum=forum, title="Assemblée", body="Ouverture")
    for number in range(2, 6):
        actions.reply(author, thread=thread, body=f"Réponse {number}")
    return staff, author, readers, thread


def marks_of(thread, people, number):
    return [(person, thread.pk, number) for person in people]


def count_queries(marks) -> int:
    with CaptureQueriesContext(connection) as queries:
        reading.mark_threads_read(marks)
    return len(queries)


@pytest.mark.django_db
def test_a_batch_costs_the_same_queries_for_three_readers_or_twelve(crowd):
    _staff, _author, readers, thread = crowd
    few = count_queries(marks_of(thread, readers[:3], 3))
    many = count_queries(marks_of(thread, readers[3:], 3))
    assert few == many
    assert set(ReadState.objects.filter(thread=thread, last_read_number=3).values_list("user_id", flat=True)) == {
        reader.pk for reader in readers
    }


@pytest.mark.django_db
def test_a_batch_never_moves_a_mark_back_and_keeps_each_readers_highest(crowd):
    _staff, _author, readers, thread = crowd
    first, second = readers[:2]
    reading.mark_thread_read(first, thread=thread, up_to=4)
    reading.mark_threads_read(
        [(first, thread.pk, 2), (second, thread.pk, 2), (second, thread.pk, 5), (second, thread.pk, 99)]
    )
    states = dict(ReadState.objects.filter(thread=thread).values_list("user_id", "last_read_number"))
    assert states[first.pk] == 4
    assert states[second.pk] == 5  # never beyond the thread's last message


@pytest.mark.django_db
def test_a_reader_who_left_the_college_since_the_page_opened_is_not_recorded(crowd):
    _staff, _author, readers, thread = crowd
    leaver, stayer = readers[:2]
    leaver.college_memberships.all().delete()
    reading.mark_threads_read(marks_of(thread, [leaver, stayer], 3))
    assert not ReadState.objects.filter(thread=thread, user=leaver).exists()
    assert ReadState.objects.get(thread=thread, user=stayer).last_read_number == 3


@pytest.mark.django_db
def test_a_batch_reads_the_notifications_of_what_each_reader_saw_and_keeps_the_others(crowd):
    _staff, author, readers, thread = crowd
    mentioned, other = readers[:2]
    earlier = actions.reply(author, thread=thread, body=f"@{mentioned.handle} tu viens ?")
    later = actions.reply(author, thread=thread, body=f"@{mentioned.handle} @{other.handle} et toi ?")
    reading.mark_threads_read([(mentioned, thread.pk, earlier.number), (other, thread.pk, later.number)])
    unread = set(Notification.objects.filter(read_at=None).values_list("recipient_id", "target_id"))
    assert unread == {(mentioned.pk, later.pk)}


@pytest.mark.django_db
def test_a_muted_thread_read_in_a_batch_says_so_to_the_readers_other_pages(crowd, monkeypatch):
    _staff, _author, readers, thread = crowd
    muting = readers[0]
    reading.set_follow(muting, thread=thread, level=FollowLevel.MUTED)
    sent = {}
    monkeypatch.setattr("forums.frames.send_per_user_on_commit", lambda build: sent.update(build()))
    reading.mark_threads_read(marks_of(thread, readers[:2], 5))
    assert set(sent) == {readers[0].pk, readers[1].pk}
    frames = {user_id: json.loads(text)["data"] for user_id, text in sent.items()}
    assert (frames[muting.pk]["muted"], frames[readers[1].pk]["muted"]) == (True, False)
    assert (frames[muting.pk]["read"], frames[muting.pk]["was"]) == (5, 0)


@pytest.mark.django_db(transaction=True)
async def test_marks_told_on_many_sockets_at_once_are_recorded_in_one_batch(crowd, monkeypatch):
    _staff, _author, readers, thread = await sync_to_async(lambda: crowd)()
    batches = []
    original = reading.mark_threads_read

    def recording(marks):
        batches.append(len(marks))
        original(marks)

    monkeypatch.setattr(reading, "mark_threads_read", recording)
    pages = []
    for reader in readers[:6]:
        page = await greeted_socket(reader)
        await page.send_json_to({"type": "subscribe", "channel": "thread", "id": thread.pk, "since": 10**9})
        assert (await page.receive_json_from())["event"] == "subscribed"
        pages.append(page)
    for page in pages:
        await page.send_json_to({"type": "read", "channel": "thread", "id": thread.pk, "number": 5})
    for _ in range(40):
        if batches:
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.1)
    assert batches == [6]
    recorded = await sync_to_async(
        lambda: ReadState.objects.filter(thread=thread, user__in=readers[:6], last_read_number=5).count()
    )()
    assert recorded == 6
    for page in pages:
        await page.disconnect()


async def test_a_buffer_keeps_one_mark_per_reader_and_target_the_highest():
    class Person:
        pk = 7

    buffer = ReadMarkBuffer(delay=60)
    for number in (3, 9, 4):
        buffer.add(object(), kind_name="thread", user=Person(), target=1, number=number)
    buffer.add(object(), kind_name="thread", user=Person(), target=2, number=1)
    assert {key: entry.number for key, entry in buffer.pending.items()} == {("thread", 7, 1): 9, ("thread", 7, 2): 1}
    buffer.flushing.cancel()
