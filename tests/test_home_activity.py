"""The member's home: what waits for the person, and what happened in their collèges since their
last visit (or 7 or 30 days), only what they may open at the moment they look."""

import json
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from documents import actions as document_actions
from documents import selectors as document_selectors
from documents.models import Folder, Space, SpaceKind
from forums import actions as forum_actions
from forums.models import Forum, Post, Thread
from intranet import activity
from intranet.models import College, HomeVisit
from tests.factories import make_incoming, make_member, make_proposal
from tests.helpers import recount_navigation, speaking, text_of
from tests.test_register import EVERYONE, decide
from workflows import actions as workflow_actions
from workflows import selectors as workflow_selectors

pytestmark = pytest.mark.django_db


def home(client, query: str = "") -> str:
    response = client.get(reverse("home") + query)
    assert response.status_code == 200
    return response.content.decode()


def section(page: str, title_id: str) -> str:
    """One card of the home, from its heading to the next card."""
    if f'id="{title_id}"' not in page:
        return ""
    start = page.index(f'id="{title_id}"')
    return page[start : page.index("</section>", start)] if title_id != "since-title" else page[start:]


def production_folder() -> Folder:
    return Folder.objects.get(space__college__slug="production", parent__isnull=True)


def test_waiting_for_me_lists_each_persons_steps_votes_and_mentions(cast, login, django_capture_on_commit_callbacks):
    make_proposal(cast.production_member, stage="in_review", title="Résidence d'écriture")
    on_agenda = make_proposal(cast.diffusion_member, college="diffusion", title="Festival itinérant")
    deadline = timezone.now() + timedelta(days=2)
    workflow_actions.open_board_vote(cast.secretary, proposal=on_agenda, deadline=deadline)
    thread = forum_actions.start_thread(
        cast.production_member, forum=Forum.objects.get(slug="production"), title="Repérages", body="Bonjour"
    )
    forum_actions.reply(cast.production_member, thread=thread, body=f"@{cast.coordinator.handle} tu viens ?")

    waiting = section(home(login(cast.coordinator)), "waiting-title")
    assert "Résidence d&#x27;écriture" in waiting  # the collège's review
    assert "Repérages" in waiting and "vous mentionne" in waiting
    # What is asked and where, as "my tasks" names the step.
    (review,), _ = workflow_selectors.task_list(cast.coordinator)
    assert f'href="{reverse("proposals:detail", args=[review.proposal.pk])}#current-step"' in waiting
    with translation.override("fr"):
        assert f"— {review.task.flow_task.task_title}" in waiting
    waiting = section(home(login(cast.board_member)), "waiting-title")
    assert "Festival itinérant" in waiting and "Votez" in waiting
    assert f'href="{reverse("proposals:detail", args=[on_agenda.pk])}#vote-title"' in waiting
    with translation.override("fr"):
        assert f"avant le {date_format(timezone.localtime(deadline), 'DATETIME_FORMAT')}" in waiting
    assert "Résidence" not in waiting
    # Nothing waits for a member off the board and outside the review: no card at all.
    assert section(home(login(cast.patrimoine_member)), "waiting-title") == ""

    # The card alone, as the open home reads it again when the person's notifications change:
    # each person's own, nothing of anyone else's.
    alone = login(cast.coordinator).get(reverse("home_waiting")).content.decode()
    assert "Résidence d&#x27;écriture" in alone and "Repérages" in alone and "Festival" not in alone
    assert login(cast.patrimoine_member).get(reverse("home_waiting")).content.decode().strip() == ""

    # A ballot cast, a mention read: gone.
    workflow_actions.cast_ballot(cast.board_member, vote=on_agenda.votes.get(), choice="for")
    assert "Festival itinérant" not in section(home(login(cast.board_member)), "waiting-title")
    login(cast.coordinator).get(reverse("forums:thread", args=[thread.pk]))
    assert "Repérages" not in section(home(login(cast.coordinator)), "waiting-title")


def test_mentions_are_looked_for_only_while_a_mention_is_unread(cast, login, django_capture_on_commit_callbacks):
    from intranet.notifications.models import Notification

    def notification_reads(client) -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            page = home(client)
        reads = [query["sql"] for query in captured if 'FROM "notifications_notification"' in query["sql"]]
        return page, reads

    reader = login(cast.patrimoine_member)
    Notification.objects.filter(recipient=cast.patrimoine_member).update(read_at=timezone.now())
    recount_navigation(cast.patrimoine_member)
    page, reads = notification_reads(reader)
    assert reads == [] and "vous mentionne" not in page
    # A reply in their own thread is unread, and is no reason to look for mentions.
    own = forum_actions.start_thread(
        cast.patrimoine_member, forum=Forum.objects.get(slug="general"), title="Fonds Lacaze", body="Qui sait ?"
    )
    with django_capture_on_commit_callbacks(execute=True):
        forum_actions.reply(cast.coordinator, thread=own, body="Moi.")
    assert Notification.objects.filter(recipient=cast.patrimoine_member, read_at__isnull=True).exists()
    recount_navigation(cast.patrimoine_member)
    page, reads = notification_reads(reader)
    assert reads == [] and "vous mentionne" not in page
    thread = forum_actions.start_thread(
        cast.coordinator, forum=Forum.objects.get(slug="general"), title="Archives du festival", body="Bonjour"
    )
    with django_capture_on_commit_callbacks(execute=True):
        forum_actions.reply(cast.coordinator, thread=thread, body=f"@{cast.patrimoine_member.handle} des photos ?")
    assert Notification.objects.filter(recipient=cast.patrimoine_member, read_at__isnull=True).exists()
    recount_navigation(cast.patrimoine_member)
    page, reads = notification_reads(reader)
    assert reads and "Archives du festival" in section(page, "waiting-title") and "vous mentionne" in page


def test_since_my_last_visit_shows_others_news_by_college_and_kind(cast, login):
    reader = login(cast.production_member)
    home(reader)  # the first visit looks back a week
    production = Forum.objects.get(slug="production")
    forum_actions.start_thread(cast.coordinator, forum=production, title="Tournage en mars", body="Qui vient ?")
    followed = forum_actions.start_thread(cast.production_member, forum=production, title="Matériel", body="Liste")
    forum_actions.reply(cast.coordinator, thread=followed, body="J'ai un trépied")
    forum_actions.reply(cast.president, thread=followed, body="Et moi une perche")
    forum_actions.start_thread(
        cast.patrimoine_member, forum=Forum.objects.get(slug="patrimoine"), title="Fonds Lumière", body="Inventaire"
    )
    document, _version, _created = document_actions.upload_document(
        cast.coordinator, folder=production_folder(), incoming=make_incoming("budget.txt", b"un")
    )
    document_actions.add_version(cast.coordinator, document=document, incoming=make_incoming("budget.txt", b"deux"))
    make_proposal(cast.coordinator, stage="in_review", title="Aide au court métrage")
    decide(cast, "Adhésion au réseau national")

    news = section(home(reader), "since-title")
    production_part = news[news.index(">Production<") :]
    for heading, line in [
        ("Nouveaux fils", "Tournage en mars"),
        ("Nouvelles réponses dans les fils que je suis", "Matériel"),
        ("Nouveaux documents", "budget.txt"),
        ("Nouvelles versions", "version 2"),
        ("Propositions qui ont avancé", "Aide au court métrage"),
        ("Décisions inscrites au registre", "Adhésion au réseau national"),
    ]:
        assert heading in production_part and line in production_part, (heading, line)
    assert "2 nouvelles réponses" in production_part
    # Another collège's forum, and one's own thread, are not news for the reader.
    assert "Fonds Lumière" not in news
    assert ">Matériel</a>" in news and news.count(">Matériel</a>") == 1


def test_a_followed_thread_counts_only_the_replies_of_others_written_in_the_period(cast, login):
    """Neither a reply older than the period, nor one's own, nor a deleted one is a new reply."""
    production = Forum.objects.get(slug="production")
    followed = forum_actions.start_thread(cast.production_member, forum=production, title="Matériel", body="Liste")
    older = forum_actions.reply(cast.coordinator, thread=followed, body="Il y a dix jours")
    Post.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(days=10))
    forum_actions.reply(cast.production_member, thread=followed, body="Ma propre réponse")
    withdrawn = forum_actions.reply(cast.president, thread=followed, body="Retirée")
    forum_actions.delete_post(cast.president, post=withdrawn)
    forum_actions.reply(cast.coordinator, thread=followed, body="J'ai un trépied")
    forum_actions.reply(cast.president, thread=followed, body="Et moi une perche")
    news = section(home(login(cast.production_member), "?depuis=7"), "since-title")
    assert ">Matériel</a>" in news and '<span data-replies="2">— 2 nouvelles réponses</span>' in news


def test_the_window_starts_at_the_last_visit_after_a_pause(cast, login):
    reader = login(cast.production_member)
    home(reader)
    visit = HomeVisit.objects.get(user=cast.production_member)
    assert timezone.now() - visit.since > timedelta(days=6)
    # Within a visit, "since" does not move.
    home(reader)
    assert HomeVisit.objects.get(user=cast.production_member).since == visit.since
    # After a pause of a few hours, it starts where the previous visit ended.
    left_at = timezone.now() - activity.NEW_VISIT_AFTER - timedelta(minutes=5)
    HomeVisit.objects.filter(pk=visit.pk).update(seen_at=left_at)
    forum_actions.start_thread(
        cast.coordinator, forum=Forum.objects.get(slug="production"), title="Avant la pause", body="…"
    )
    Thread.objects.filter(title="Avant la pause").update(created_at=left_at - timedelta(minutes=1))
    news = section(home(reader), "since-title")
    assert HomeVisit.objects.get(user=cast.production_member).since == left_at
    assert "Avant la pause" not in news and "Rien de nouveau" in news
    # The person may look further back.
    news = section(home(reader, "?depuis=7"), "since-title")
    assert "Avant la pause" in news and "Ces 7 derniers jours" in news
    assert 'href="/?depuis=7" aria-current="page"' in news
    # Anything else is the last visit, never an error.
    assert "Rien de nouveau" in section(home(reader, "?depuis=%3Cscript%3E"), "since-title")


def test_a_folder_restricted_a_minute_ago_is_gone_from_the_news(cast, login):
    folder = document_actions.create_folder(cast.coordinator, parent=production_folder(), name="Bureau")
    document_actions.upload_document(cast.coordinator, folder=folder, incoming=make_incoming("devis.txt", b"1"))
    reader = login(cast.production_member)
    assert "devis.txt" in section(home(reader, "?depuis=7"), "since-title")
    # Restricted to the coordinators: the collège's members lose it at once.
    document_actions.set_folder_restricted(cast.coordinator, folder=folder, restricted=True)
    production = College.objects.get(slug="production")
    document_actions.revoke_folder_access(cast.coordinator, folder=folder, group=production.members_group)
    assert "devis.txt" not in section(home(reader, "?depuis=7"), "since-title")


def test_a_visible_upload_behind_many_the_reader_may_not_open_is_still_news(cast, login, monkeypatch):
    """The period's uploads are read newest first, a batch at a time: a document of the reader's
    collège older than a whole batch of uploads to a folder they may not open still shows."""
    monkeypatch.setattr(document_selectors, "RECENT_BATCH", 2)
    document_actions.upload_document(
        cast.coordinator, folder=production_folder(), incoming=make_incoming("programme.txt", b"1")
    )
    hidden = document_actions.create_folder(cast.coordinator, parent=production_folder(), name="Bureau")
    document_actions.set_folder_restricted(cast.coordinator, folder=hidden, restricted=True)
    production = College.objects.get(slug="production")
    document_actions.revoke_folder_access(cast.coordinator, folder=hidden, group=production.members_group)
    for number in range(5):
        document_actions.upload_document(
            cast.coordinator, folder=hidden, incoming=make_incoming(f"devis-{number}.txt", b"1")
        )
    news = section(home(login(cast.production_member), "?depuis=7"), "since-title")
    assert "programme.txt" in news and "devis-" not in news


def test_every_line_and_task_opens_for_the_person_who_sees_it(cast, login):
    """Across the role cast: what the home shows, the person may open at that moment."""
    make_proposal(cast.production_member, stage="in_review", title="En examen")
    make_proposal(cast.education_member, college="education", stage="draft", title="Brouillon")
    decide(cast, "Décision du conseil")
    board_root = document_selectors.root_folder(Space.objects.get(kind=SpaceKind.BOARD))
    for slug in ("production", "patrimoine"):
        forum_actions.start_thread(
            getattr(cast, f"{slug}_member"), forum=Forum.objects.get(slug=slug), title=f"Fil {slug}", body="…"
        )
    document_actions.upload_document(cast.staff, folder=board_root, incoming=make_incoming("note.txt", b"x"))
    for name in EVERYONE:
        person = getattr(cast, name)
        client = login(person)
        shown = activity.activity_for(person, since=timezone.now() - timedelta(days=30), choice="30")
        urls = [line.url for place in shown.places for kind in place.kinds for line in kind.lines]
        urls += [item.url for item in shown.waiting]
        for url in urls:
            assert client.get(url.split("#")[0]).status_code in (200, 302), (name, url)
    # The draft of another is nobody's news but its author's.
    assert "Brouillon" not in home(login(cast.production_member), "?depuis=30")


def test_empty_states_help_a_new_member(cast, login):
    outsider = home(login(cast.outsider))
    assert "aucun collège" in outsider and "Pour en rejoindre un" in outsider
    quiet = section(home(login(cast.patrimoine_member)), "since-title")
    assert "Rien de nouveau" in quiet
    assert reverse("forums:index") in quiet and reverse("documents:index") in quiet


def add_news(cast, size: int) -> None:
    """``size`` more of every kind of news for a production member."""
    production = Forum.objects.get(slug="production")
    followed = Thread.objects.filter(title="Suivi").first() or forum_actions.start_thread(
        cast.production_member, forum=production, title="Suivi", body="…"
    )
    for index in range(size):
        forum_actions.start_thread(cast.coordinator, forum=production, title=f"Nouveau {index}", body="…")
        other = forum_actions.start_thread(cast.production_member, forum=production, title=f"Suivi {index}", body="…")
        for thread in (followed, other):
            forum_actions.reply(cast.coordinator, thread=thread, body="Réponse")
        document_actions.upload_document(
            cast.coordinator, folder=production_folder(), incoming=make_incoming(f"doc-{index}.txt", b"x")
        )
        make_proposal(cast.coordinator, stage="in_review", title=f"Proposition {index}")
        make_member(actor=cast.staff, college="production")


def test_the_home_asks_as_many_queries_however_much_news_there_is(cast, login):
    def queries(latest: str) -> int:
        client = login(cast.production_member)
        home(client)
        recount_navigation(cast.production_member)
        with CaptureQueriesContext(connection) as captured:
            page = home(client, "?depuis=7")
        assert latest in page
        return len(captured)

    add_news(cast, 1)
    small = queries("Nouveau 0")
    add_news(cast, 5)
    # Nothing waits for them: no steps, ballots, fonds or mentions asked (their unread replies
    # are no reason to look for mentions). The folders they may open are read once for the new
    # versions, which are then walked newest first: none of the queries grows with the documents.
    assert queries("Nouveau 4") == small == 17


def test_the_home_asks_as_many_queries_whatever_the_number_of_the_reader_s_colleges(cast, login):
    from intranet.actions import add_college_member

    def queries() -> int:
        client = login(cast.production_member)
        home(client)
        recount_navigation(cast.production_member)
        with CaptureQueriesContext(connection) as captured:
            page = home(client, "?depuis=7")
        assert "Nouveau 0" in page
        return len(captured)

    add_news(cast, 1)
    in_one = queries()
    for slug in ("diffusion", "education", "patrimoine"):
        add_college_member(cast.staff, college=College.objects.get(slug=slug), user=cast.production_member)
        forum_actions.start_thread(cast.coordinator, forum=Forum.objects.get(slug="general"), title=slug, body="…")
        document_actions.upload_document(
            cast.staff,
            folder=Folder.objects.get(space__college__slug=slug, parent__isnull=True),
            incoming=make_incoming(f"{slug}.txt", b"x"),
        )
    assert queries() == in_one


def test_an_english_reader_s_home_names_the_built_in_forums_and_folders_in_english(cast, login):
    forum_actions.start_thread(
        cast.production_member, forum=Forum.objects.get(kind="general"), title="Bienvenue", body="…"
    )
    board_root = Folder.objects.get(space__slug="conseil-d-administration", parent__isnull=True)
    document_actions.upload_document(cast.secretary, folder=board_root, incoming=make_incoming("ordre.txt", b"x"))
    response = login(speaking(cast.board_member, "en")).get(reverse("home"))
    news = section(text_of(response), "since-title")
    assert "General forum" in news and "Forum général" not in news
    assert "ordre.txt" in news and "Board of directors" in news and "Conseil d'administration" not in news
    # Where the page puts a new thread's line when its frame arrives: the forum's name, in English too.
    places = json.loads(re.search(r'id="home-forum-places"[^>]*>(.*?)</script>', response.content.decode()).group(1))
    assert {place["forum"] for place in places.values()} >= {"General forum", "Board of directors"}


def test_a_decision_entered_in_the_register_tells_every_member_s_open_home(cast, monkeypatch):
    """A decision is every member's news: the association's homes read theirs again (the frame
    itself names nothing, tests/test_home_live.py)."""
    from intranet import activity_live

    told = []
    monkeypatch.setattr(activity_live.events, "send_on_commit", lambda text, *, groups: told.append(set(groups)))
    decide(cast, "Ciné-concerts")
    assert {activity_live.activity_group(None)} in told
