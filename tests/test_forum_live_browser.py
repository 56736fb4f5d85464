"""In a real Chromium: what others do in a thread appears in a reader's open page from the frame
alone — the page makes no request for it — and shows each reader what is theirs to see."""

import pytest
from django.db import OperationalError

from documents import actions as document_actions
from documents import selectors as document_selectors
from documents.models import Space, SpaceKind
from forums import actions, reading
from forums.models import Forum, ReadState
from tests.browser import log_in
from tests.factories import PASSWORD, make_incoming, make_member, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cast_in_a_thread(association_bodies):
    staff = make_staff(email="equipe@example.org")
    people = {
        "staff": staff,
        "author": make_member(actor=staff, college="production", email="auteur@example.org"),
        "reader": make_member(actor=staff, college="production", email="lecteur@example.org"),
        "coordinator": make_member(actor=staff, college="production", role="coordinator", email="anim@example.org"),
        "board": make_member(actor=staff, college="production", board_role="member", email="ca@example.org"),
    }
    root = document_selectors.root_folder(Space.objects.get(kind=SpaceKind.BOARD))
    document, _version, _created = document_actions.upload_document(
        staff, folder=root, incoming=make_incoming("budget-confidentiel.txt", b"Chiffres\n")
    )
    thread = actions.start_thread(
        people["author"], forum=Forum.objects.get(slug="production"), title="En direct", body="Bonjour"
    )
    return people, thread, document


def open_thread(browser, server, person, thread):
    """The person's thread page, connected, with every request and received frame it sees."""
    page = log_in(browser, server, person.email, PASSWORD)
    seen = {"requests": [], "frames": []}
    page.on("websocket", lambda socket: socket.on("framereceived", lambda frame: seen["frames"].append(frame)))
    page.goto(f"{server}/forums/fils/{thread.pk}/")
    page.wait_for_selector("body[data-live='connected']", state="attached")
    page.on("request", lambda request: seen["requests"].append(f"{request.method} {request.url}"))
    return page, seen


def hide(page, number, reason):
    post = page.locator(f"#post-{number}")
    post.locator("summary", has_text="Masquer").click()
    post.get_by_label("Motif").fill(reason)
    post.get_by_role("button", name="Masquer le message").click()
    page.wait_for_load_state()


def reply_as(browser, server, person, thread, text):
    """The person opens the thread in a browser of their own and replies; returns that page."""
    page = log_in(browser, server, person.email, PASSWORD)
    page.goto(f"{server}/forums/fils/{thread.pk}/")
    reply(page, text)
    return page


def reply(page, text):
    page.fill("textarea[name=body]", text)
    page.click("#reply button[type=submit]")
    page.wait_for_load_state()


def test_a_reply_an_edit_a_reaction_and_a_hiding_reach_a_page_that_asks_nothing(asgi_server, cast_in_a_thread, browser):
    people, thread, _document = cast_in_a_thread
    reader, seen = open_thread(browser, asgi_server, people["reader"], thread)
    author = log_in(browser, asgi_server, people["author"].email, PASSWORD)
    author.goto(f"{asgi_server}/forums/fils/{thread.pk}/")

    reply(author, "Réponse **en direct**")
    reader.locator("#post-2 strong", has_text="en direct").wait_for(timeout=5_000)

    author.locator("#post-2").get_by_role("link", name="Modifier").click()
    author.fill("textarea[name=body]", "Réponse corrigée")
    author.get_by_role("button", name="Enregistrer").click()
    reader.locator("#post-2", has_text="Réponse corrigée").wait_for(timeout=5_000)

    author.locator("#post-1 .reaction-picker summary").click()
    author.locator("#post-1 .reaction-picker button[value='heart']").click()
    reader.locator("#post-1 .reactions > button.reaction", has_text="1").wait_for(timeout=5_000)
    # Someone else's reaction is not the reader's own.
    assert reader.locator("#post-1 .reactions > button.reaction").get_attribute("aria-pressed") == "false"

    moderator, _seen = open_thread(browser, asgi_server, people["coordinator"], thread)
    hide(moderator, 2, "Doublon")
    reader.locator("#post-2.post--hidden", has_text="Doublon").wait_for(timeout=5_000)
    assert "Réponse corrigée" not in reader.locator("#post-2").inner_text()

    # Four events, no request: not for the messages, and reading is told on the page's socket.
    assert seen["requests"] == []


def test_events_replayed_on_connecting_leave_unchanged_messages_in_place(asgi_server, cast_in_a_thread, browser):
    people, thread, _document = cast_in_a_thread
    # Signed in first: the reaction must fall within the seconds replayed on connecting, however
    # slow signing in is on a loaded machine.
    page = log_in(browser, asgi_server, people["coordinator"].email, PASSWORD)
    author = log_in(browser, asgi_server, people["author"].email, PASSWORD)
    author.goto(f"{asgi_server}/forums/fils/{thread.pk}/")
    reply(author, "Deuxième")
    author.locator("#post-1 .reaction-picker summary").click()
    author.locator("#post-1 .reaction-picker button[value='heart']").click()
    author.locator("#post-1 .reactions > button.reaction--mine").wait_for(timeout=5_000)

    seen = []
    page.on("websocket", lambda socket: socket.on("framereceived", lambda frame: seen.append(frame)))
    # Every message element as the server rendered it, marked (out of the DOM's attributes)
    # before the page's script connects.
    page.add_init_script(
        "document.addEventListener('DOMContentLoaded', () =>"
        " document.querySelectorAll('article.post').forEach((a) => { a.served = true; }))"
    )
    served = "[...document.querySelectorAll('article.post')].filter((a) => a.served).length"
    page.goto(f"{asgi_server}/forums/fils/{thread.pk}/")
    page.wait_for_function(f"{served} === 2")
    page.wait_for_timeout(1_000)
    # The last seconds' events came again (ids are given before commit on PostgreSQL) ...
    assert any('"post.reacted"' in str(frame) for frame in seen)
    # ... and, changing nothing, left the messages the moderator may be clicking in untouched.
    assert page.evaluate(served) == 2


def test_the_author_sees_edit_controls_on_their_live_message_and_others_do_not(asgi_server, cast_in_a_thread, browser):
    people, thread, _document = cast_in_a_thread
    authors_other_page, _seen = open_thread(browser, asgi_server, people["author"], thread)
    reader, _seen = open_thread(browser, asgi_server, people["reader"], thread)
    moderator, _seen = open_thread(browser, asgi_server, people["coordinator"], thread)
    reply_as(browser, asgi_server, people["author"], thread, "Ma réponse")

    for page in (authors_other_page, reader, moderator):
        page.locator("#post-2").wait_for(timeout=5_000)
    mine = authors_other_page.locator("#post-2")
    assert mine.get_by_role("link", name="Modifier").is_visible()
    assert mine.get_by_role("button", name="Supprimer").is_visible()
    assert not mine.locator("summary", has_text="Masquer").is_visible()
    theirs = reader.locator("#post-2")
    assert theirs.get_by_role("link", name="Citer").is_visible()
    assert not theirs.get_by_role("link", name="Modifier").is_visible()
    assert not theirs.get_by_role("button", name="Supprimer").is_visible()
    assert not theirs.locator("summary", has_text="Masquer").is_visible()
    assert moderator.locator("#post-2 summary", has_text="Masquer").is_visible()
    assert not moderator.locator("#post-2").get_by_role("link", name="Modifier").is_visible()

    # A control shown by the page still works: the reader reacts from the live message.
    theirs.locator(".reaction-picker summary").click()
    theirs.locator(".reaction-picker button[value='+1']").click()
    reader.locator("#post-2 .reactions > button.reaction--mine", has_text="1").wait_for(timeout=5_000)


def test_a_reader_who_may_not_open_a_document_never_receives_its_name(asgi_server, cast_in_a_thread, browser):
    people, thread, document = cast_in_a_thread
    reader, reader_seen = open_thread(browser, asgi_server, people["reader"], thread)
    board_member, board_seen = open_thread(browser, asgi_server, people["board"], thread)
    reply_as(browser, asgi_server, people["author"], thread, f"Le budget : [[doc:{document.pk}]]")

    board_member.locator("#post-2 a.document-ref", has_text="budget-confidentiel.txt").wait_for(timeout=5_000)
    reader.locator("#post-2 .document-ref--unavailable").wait_for(timeout=5_000)
    assert "budget-confidentiel" not in reader.content()
    assert not any("budget-confidentiel" in str(frame) for frame in reader_seen["frames"])
    assert any("budget-confidentiel" in str(frame) for frame in board_seen["frames"])


def test_a_coordinator_sees_the_hidden_text_where_a_member_sees_the_notice(asgi_server, cast_in_a_thread, browser):
    people, thread, _document = cast_in_a_thread
    reader, reader_seen = open_thread(browser, asgi_server, people["reader"], thread)
    staff, _seen = open_thread(browser, asgi_server, people["staff"], thread)
    moderator, _seen = open_thread(browser, asgi_server, people["coordinator"], thread)
    reply_as(browser, asgi_server, people["author"], thread, "Texte déplacé")
    moderator.locator("#post-2").wait_for(timeout=5_000)
    hide(moderator, 2, "Hors sujet")

    reader.locator("#post-2.post--hidden").wait_for(timeout=5_000)
    assert "Hors sujet" in reader.locator("#post-2").inner_text()
    assert "Texte déplacé" not in reader.content()
    # Shown before it was hidden, then never again: the frame of the hiding has no text.
    hidden_frames = [str(frame) for frame in reader_seen["frames"] if "post.hidden" in str(frame)]
    assert len(hidden_frames) == 1 and "Texte déplacé" not in hidden_frames[0]
    # Staff, who moderate too, see the text behind the notice, live, and may show it again.
    staff.locator("#post-2.post--hidden").wait_for(timeout=5_000)
    staff.locator("#post-2 summary", has_text="Afficher le texte masqué").click()
    assert "Texte déplacé" in staff.locator("#post-2 .post__body").inner_text()
    assert staff.locator("#post-2").get_by_role("button", name="Réafficher").is_visible()


def test_a_lock_arriving_while_a_reply_is_typed_leaves_the_text_to_copy(asgi_server, cast_in_a_thread, browser):
    people, thread, _document = cast_in_a_thread
    author, _seen = open_thread(browser, asgi_server, people["author"], thread)
    author.fill("textarea[name=body]", "Ma réponse en cours")
    idle, _seen = open_thread(browser, asgi_server, people["reader"], thread)
    coordinator, _seen = open_thread(browser, asgi_server, people["coordinator"], thread)
    coordinator.locator("details.moderation summary").click()
    coordinator.get_by_role("button", name="Verrouiller").click()
    author.locator("[data-locked-notice]").wait_for(timeout=5_000)
    assert author.locator("textarea[name=body]").input_value() == "Ma réponse en cours"
    assert author.locator("textarea[name=body]").is_visible()
    assert author.locator("#reply button[type=submit]").is_disabled()
    # A reader who typed nothing sees the form go, as before.
    idle.locator("[data-locked-notice]").wait_for(timeout=5_000)
    assert idle.locator("textarea[name=body]").is_hidden()


def test_forum_counters_follow_replies_and_reading_from_frames_alone(asgi_server, cast_in_a_thread, browser):
    people, thread, _document = cast_in_a_thread
    index = log_in(browser, asgi_server, people["reader"].email, PASSWORD)
    requests = []
    index.goto(f"{asgi_server}/forums/")
    index.wait_for_selector("body[data-live='connected']", state="attached")
    index.wait_for_timeout(500)  # past the catch-up of the last seconds' events
    index.on("request", lambda request: requests.append(request.url))
    counter = f"[data-forum-unread='{thread.forum_id}']"
    before = int(index.locator(counter).get_attribute("data-count"))
    author = reply_as(browser, asgi_server, people["author"], thread, "Deux")
    reply(author, "Trois")
    index.locator(counter, has_text=f"{before + 2} non lus").wait_for(timeout=5_000)
    assert requests == []  # counted from the frames, not asked for

    # The same reader reads the thread in another page of the same browser: the index hears it
    # from one frame of their own.
    reading = index.context.new_page()
    reading.goto(f"{asgi_server}/forums/fils/{thread.pk}/")
    reading.wait_for_selector("body[data-live='connected']", state="attached")
    after_reading = before - 1  # the thread's first message was unread too
    index.locator(f"{counter}[data-count='{after_reading}']").wait_for(timeout=5_000)
    reply(author, "Quatre")
    reading.locator("#post-4").wait_for(timeout=5_000)
    index.locator(f"{counter}[data-count='{after_reading + 1}']").wait_for(timeout=5_000)
    # Seen in the open thread: marked read in a batch, and the index comes back down.
    index.locator(f"{counter}[data-count='{after_reading}']").wait_for(timeout=10_000)
    assert requests == []

    # A colleague's new thread: the index's count of threads follows, from the frame alone.
    threads = f"[data-thread-count='{thread.forum_id}']"
    threads_before = int(index.locator(threads).get_attribute("data-count"))
    author.goto(f"{asgi_server}/forums/production/nouveau/")
    author.fill("input[name=title]", "Un autre fil")
    author.fill("textarea[name=body]", "Bonjour")
    author.locator("main form button[type=submit]").last.click()
    index.locator(threads, has_text=f"{threads_before + 1} fils").wait_for(timeout=5_000)
    assert requests == []


def test_a_message_too_large_for_a_frame_is_fetched_once_by_the_page(
    asgi_server, cast_in_a_thread, browser, monkeypatch
):
    from forums import frames

    people, thread, _document = cast_in_a_thread
    monkeypatch.setattr(frames, "MAX_FRAME_BYTES", 1500)
    reader, seen = open_thread(browser, asgi_server, people["reader"], thread)
    reply_as(browser, asgi_server, people["author"], thread, "Un très long message. " * 100)
    reader.locator("#post-2", has_text="Un très long message.").wait_for(timeout=5_000)
    fetched = [request for request in seen["requests"] if "/forums/messages/" in request]
    assert len(fetched) == 1 and fetched[0].startswith("GET ")
    # The fetched message is the reader's own rendering: no author controls for them.
    assert not reader.locator("#post-2").get_by_role("link", name="Modifier").is_visible()


def test_a_page_left_right_after_a_reply_tells_its_read_on_the_socket(
    asgi_server, cast_in_a_thread, browser, monkeypatch
):
    people, thread, _document = cast_in_a_thread
    # The request a page makes as it goes is not always seen by the browser's tools: watched
    # where the server records it.
    marked_by_request = []
    mark_by_request = reading.mark_thread_read
    monkeypatch.setattr(
        reading,
        "mark_thread_read",
        lambda *args, **kwargs: marked_by_request.append(1) or mark_by_request(*args, **kwargs),
    )
    reader, _seen = open_thread(browser, asgi_server, people["reader"], thread)
    reply_as(browser, asgi_server, people["author"], thread, "Juste avant de partir")
    reader.locator("#post-2").wait_for(timeout=5_000)

    # Left at once, before the page's batched read (every few seconds) went out.
    marked_by_request.clear()  # opening the thread pages marked them read: that is not leaving
    reader.goto(f"{asgi_server}/forums/")
    for _attempt in range(50):
        state = ReadState.objects.filter(user=people["reader"], thread=thread).first()
        if state is not None and state.last_read_number == 2:
            break
        reader.wait_for_timeout(100)
    assert state is not None and state.last_read_number == 2
    assert marked_by_request == []  # told on the socket as the page went


def test_a_read_mark_the_server_could_not_record_is_told_again(asgi_server, cast_in_a_thread, browser, monkeypatch):
    """A busy database refuses a batch of read marks: the page tells it again with its next batch,
    so the reader's unread counts do not stay wrong until they open the thread again."""
    people, thread, _document = cast_in_a_thread
    recorded = reading.mark_threads_read
    refusals = []

    def busy_once(*args, **kwargs):
        if not refusals:
            refusals.append(True)
            raise OperationalError("database is locked")
        return recorded(*args, **kwargs)

    monkeypatch.setattr(reading, "mark_threads_read", busy_once)
    reader, seen = open_thread(browser, asgi_server, people["reader"], thread)
    actions.reply(people["author"], thread=thread, body="Lu ou pas lu ?")
    reader.locator("#post-2").wait_for(timeout=5_000)
    # The page marks what it saw every few seconds: the first batch is refused, the next one taken.
    state = ReadState.objects.filter(thread=thread, user=people["reader"])
    for _ in range(150):
        if state.filter(last_read_number=2).exists():
            break
        reader.wait_for_timeout(100)
    assert refusals == [True]
    assert state.get().last_read_number == 2
    assert '"try_again"' in " ".join(str(frame) for frame in seen["frames"])
    assert not [request for request in seen["requests"] if request.startswith("POST")]
