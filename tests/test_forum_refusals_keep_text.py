"""A refused reply, edit, hiding or title says why, in the reader's language, and keeps what was typed."""

import re
from html import unescape

import pytest
from django.urls import reverse

from forums import actions
from forums.models import Forum, Thread
from tests.factories import make_proposal
from workflows import actions as workflow_actions

pytestmark = pytest.mark.django_db

TYPED = "Je propose le 14 à 18 h, chez Zoé — qui vient ?"


@pytest.fixture
def production_thread(cast):
    return actions.start_thread(
        cast.production_member,
        forum=Forum.objects.get(slug="production"),
        title="Tournage en Gironde",
        body="Qui a un **drone** ?",
    )


def textarea(html: str, name: str = "body") -> str:
    """The text a textarea shows, as the browser reads it."""
    found = re.search(rf'<textarea[^>]*name="{name}"[^>]*>\n?(.*?)</textarea>', html, re.S)
    assert found, f"no {name} textarea"
    return unescape(found.group(1))


def input_value(html: str, name: str) -> str:
    found = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', html)
    assert found, f"no {name} input with a value"
    return unescape(found.group(1))


# A reply or an edit while the thread is being locked.


def test_a_reply_refused_by_a_lock_comes_back_with_its_text(cast, login, production_thread):
    client = login(cast.production_member)  # the page is open, the reply being typed…
    actions.set_thread_locked(cast.coordinator, thread=production_thread, locked=True)  # …and the thread locked
    response = client.post(reverse("forums:reply", args=[production_thread.pk]), {"body": TYPED})
    assert response.status_code == 400
    html = unescape(response.content.decode())
    assert "Ce fil est verrouillé\u00a0: plus aucune réponse n'est possible." in html
    assert textarea(response.content.decode()) == TYPED
    assert production_thread.posts.count() == 1


def test_a_reply_refused_by_a_lock_speaks_english_to_an_english_reader(cast, login, production_thread):
    cast.production_member.language = "en"
    cast.production_member.save(update_fields=["language"])
    client = login(cast.production_member)
    actions.set_thread_locked(cast.coordinator, thread=production_thread, locked=True)
    response = client.post(reverse("forums:reply", args=[production_thread.pk]), {"body": TYPED})
    assert response.status_code == 400
    html = response.content.decode()
    assert "This thread is locked: no new replies." in html and "verrouillé" not in html
    assert textarea(html) == TYPED


def test_an_edit_refused_by_a_lock_says_so_and_keeps_the_new_text(cast, login, production_thread):
    post = production_thread.posts.get()
    client = login(cast.production_member)
    actions.set_thread_locked(cast.coordinator, thread=production_thread, locked=True)
    response = client.post(reverse("forums:edit", args=[post.pk]), {"body": TYPED})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ce fil est verrouillé\u00a0: ses messages ne peuvent plus être modifiés." in unescape(html)
    assert "Action non autorisée" not in html
    assert textarea(html) == TYPED
    post.refresh_from_db()
    assert post.body == "Qui a un **drone** ?"


def test_an_edit_of_someone_elses_message_stays_a_403_even_in_a_locked_thread(cast, login, production_thread):
    post = production_thread.posts.get()
    actions.set_thread_locked(cast.coordinator, thread=production_thread, locked=True)
    client = login(cast.president)
    assert client.post(reverse("forums:edit", args=[post.pk]), {"body": TYPED}).status_code == 403
    assert client.post(reverse("forums:edit", args=[post.pk]), {"body": ""}).status_code == 403


def test_opening_the_edit_page_of_a_locked_thread_says_why_on_the_thread(cast, login, production_thread):
    post = production_thread.posts.get()
    actions.set_thread_locked(cast.coordinator, thread=production_thread, locked=True)
    response = login(cast.production_member).get(reverse("forums:edit", args=[post.pk]), follow=True)
    assert response.status_code == 200
    assert "ses messages ne peuvent plus être modifiés" in unescape(response.content.decode())


# Hiding a message with too long a reason.


def test_a_reason_too_long_to_hide_a_message_says_the_limit_and_is_kept(cast, login, production_thread):
    post = production_thread.posts.get()
    reason = "Propos hors sujet et blessants envers l'équipe de tournage ; " * 5 + "fin."
    assert len(reason) > 300
    response = login(cast.coordinator).post(reverse("forums:hide", args=[post.pk]), {"reason": reason})
    assert response.status_code == 400
    html = response.content.decode()
    assert f"Un motif est limité à 300 caractères (celui-ci en compte {len(reason)})." in unescape(html)
    assert "Indiquez pourquoi" not in html
    assert input_value(html, "reason") == reason
    post.refresh_from_db()
    assert not post.is_hidden


def test_an_empty_reason_to_hide_a_message_asks_for_one(cast, login, production_thread):
    post = production_thread.posts.get()
    response = login(cast.coordinator).post(reverse("forums:hide", args=[post.pk]), {"reason": "  "})
    assert response.status_code == 400
    assert "Indiquez pourquoi le message est masqué." in unescape(response.content.decode())
    post.refresh_from_db()
    assert not post.is_hidden


# Titles with invisible or text-direction characters: dropped, emoji kept.


@pytest.mark.parametrize(
    "character",
    ["\u202e", "\u200b", "\u2066", "\ufeff", "\u00ad", "\x07", "\u200d"],
    ids=["right-to-left-override", "zero-width-space", "left-to-right-isolate", "bom", "soft-hyphen", "bell", "joiner"],
)
def test_an_invisible_character_is_dropped_from_a_title(cast, login, character):
    title = f"Projection{character} de fin d'année"
    response = login(cast.production_member).post(
        reverse("forums:new_thread", args=["production"]), {"title": title, "body": TYPED}
    )
    assert response.status_code == 302
    assert Thread.objects.get(pk=response.url.rstrip("/").rsplit("/", 1)[-1]).title == "Projection de fin d'année"


def test_a_proposal_titled_with_a_soft_hyphen_opens_its_thread(cast):
    proposal = make_proposal(cast.production_member, stage="draft", title="Ciné\u00adconcerts d'été")
    workflow_actions.submit_proposal(cast.production_member, proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.thread.title.endswith("Cinéconcerts d'été")


@pytest.mark.parametrize(
    "title",
    [
        "Réunion à l'Œil-de-Bœuf : ça s'organise ! « Édition 2025 »",
        "Tournage 12/03 — équipe son",
        # Emoji sequences: women coding, rainbow flag, heart on fire (U+200D joiners, U+FE0F).
        "Montage \U0001f469\u200d\U0001f4bb et \U0001f3f3\ufe0f\u200d\U0001f308 soirée \u2764\ufe0f\u200d\U0001f525",
        # A family, a thumb with a skin tone, the flag of Scotland (tag characters).
        "Famille \U0001f468\u200d\U0001f469\u200d\U0001f467, bravo \U0001f44d\U0001f3fd, Écosse "
        "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",
        "Кино, 映画, سينما",
    ],
)
def test_titles_in_any_script_with_emoji_are_accepted(cast, login, title):
    response = login(cast.production_member).post(
        reverse("forums:new_thread", args=["production"]), {"title": title, "body": TYPED}
    )
    assert response.status_code == 302
    assert Thread.objects.get(pk=response.url.rstrip("/").rsplit("/", 1)[-1]).title == title
