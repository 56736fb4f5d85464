"""What people read around a deposit: the collège Patrimoine's thread shows the offer it is
asked about and the opinion given; the depositor is shown the discussion only if they may open
it; the history names the agreement chosen; asking for more lines of the list is no sending."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from forums.models import Post
from tests.factories import make_member
from tests.helpers import signed_in, speaking, text_of
from tests.test_archive_process_pages import REELS, offer_data
from tests.test_archives import appraised, offer
from workflows.archives import actions
from workflows.archives.items import ItemDraft
from workflows.archives.models import Fonds, Transfer

pytestmark = pytest.mark.django_db

THREAD_LINK_FR = "La discussion dans le forum du collège"


@pytest.fixture
def heritage_coordinator(cast):
    return make_member(actor=cast.staff, college="patrimoine", role="coordinator", email="coord.patrimoine@example.org")


@pytest.fixture
def asked(cast, archivist) -> Fonds:
    """A Production member's offer (not of the collège Patrimoine), its opinion asked."""
    fonds = actions.record_offer(
        cast.production_member,
        title="Films de la famille Roussel",
        depositor=cast.production_member,
        items=[
            ItemDraft(title="Fête au village", format="super8", count=2, year_from=1974, duration_minutes=12),
            ItemDraft(title="Usine de *filature*", format="16mm", count=5, year_from=1958, year_to=1962),
        ],
    )
    actions.assign_archivist(cast.staff, fonds=fonds, archivist=archivist)
    with translation.override("fr"):  # the thread is written in the association's language, French
        actions.ask_opinion(archivist, fonds=fonds, question="Une usine textile : à garder ?")
    return Fonds.objects.get(pk=fonds.pk)


def test_the_depositor_of_another_college_sees_the_opinion_asked_without_a_link_they_cannot_open(
    cast, asked, heritage_coordinator
):
    thread_url = reverse("forums:thread", args=[asked.opinion_thread_id])
    depositor = signed_in(cast.production_member)
    page = depositor.get(reverse("archives:fonds", args=[asked.pk]))
    assert "Le collège en discute dans son forum, réservé à ses membres." in text_of(page)
    assert thread_url not in page.content.decode() and THREAD_LINK_FR not in text_of(page)
    assert depositor.get(thread_url).status_code == 404  # the link would have led there
    for reader in (heritage_coordinator, cast.staff):
        page = signed_in(reader).get(reverse("archives:fonds", args=[asked.pk]))
        assert f'href="{thread_url}"' in page.content.decode() and THREAD_LINK_FR in text_of(page)


def test_the_collège_reads_the_offer_in_its_thread_with_a_link_to_the_fonds(cast, asked):
    fonds_url = reverse("archives:fonds", args=[asked.pk])
    # A member of the collège Patrimoine (not its coordinator) discusses from the thread alone.
    page = signed_in(cast.patrimoine_member).get(reverse("forums:thread", args=[asked.opinion_thread_id]))
    assert page.status_code == 200
    text = re.sub(r"<[^>]+>", "", text_of(page))  # as read, without the bold of the titles
    assert "Une usine textile : à garder ?" in text
    assert f'href="{fonds_url}"' in page.content.decode()
    assert "Fête au village — Super 8, 2 bobines ou objets, 12 min, 1974" in text
    assert "Usine de *filature* — 16 mm, 5 bobines ou objets, 1958–1962" in text  # typed marks stay as typed
    assert "2 objets" in text


def test_the_opinion_given_is_said_in_the_thread_too(cast, asked, heritage_coordinator):
    with translation.override("fr"):
        actions.give_opinion(heritage_coordinator, fonds=asked, opinion="Un témoignage rare de l'industrie locale.")
    reply = Post.objects.filter(thread_id=asked.opinion_thread_id).order_by("number").last()
    assert reply.number == 2 and reply.author == heritage_coordinator
    page = text_of(signed_in(cast.patrimoine_member).get(reverse("forums:thread", args=[asked.opinion_thread_id])))
    assert "Avis du collège Patrimoine, enregistré sur le fonds\xa0:" in page
    assert "Un témoignage rare de l'industrie locale." in page


@pytest.mark.parametrize(
    ("transfer", "language", "said", "not_said"),
    [
        (Transfer.GIFT, "fr", "acte de don enregistré", "convention de dépôt enregistrée"),
        (Transfer.GIFT, "en", "deed of gift recorded", "deposit agreement recorded"),
        (Transfer.DEPOSIT, "fr", "convention de dépôt enregistrée", "acte de don"),
        (Transfer.DEPOSIT, "en", "deposit agreement recorded", "deed of gift"),
    ],
)
def test_the_history_names_the_agreement_the_fonds_chose(cast, archivist, transfer, language, said, not_said):
    fonds = offer(cast.patrimoine_member)
    actions.assign_archivist(cast.staff, fonds=fonds, archivist=archivist)
    actions.finish_appraisal(archivist, fonds=appraised(fonds, archivist))
    actions.record_agreement(archivist, fonds=fonds, transfer=transfer, uses=[])
    for reader in (cast.patrimoine_member, cast.staff):  # the depositor and staff follow the history
        page = text_of(signed_in(speaking(reader, language)).get(reverse("archives:fonds", args=[fonds.pk])))
        assert said in page and not_said not in page


def test_more_lines_shows_no_error_for_a_line_half_typed(cast):
    client = signed_in(cast.patrimoine_member)
    half_typed = [REELS[0], {"title": "Usine de filature", "count": "0", "year_from": "1958"}]
    response = client.post(reverse("archives:offer"), offer_data(half_typed, more_lines="1"))
    assert response.status_code == 200 and not Fonds.objects.exists()
    page = response.content.decode()
    assert "Assurez-vous que cette valeur est supérieure ou égale à 1" not in page
    assert 'class="errorlist' not in page and 'aria-invalid="true"' not in page
    assert 'name="items-TOTAL_FORMS" value="8"' in page
    assert 'value="Usine de filature"' in page and 'name="items-1-count" value="0"' in page
    # Sent as it is, the same list is checked and says what is wrong.
    sent = client.post(reverse("archives:offer"), offer_data(half_typed))
    assert sent.status_code == 400 and "Assurez-vous que cette valeur est supérieure ou égale à 1" in text_of(sent)


def test_more_lines_keeps_what_was_typed_and_the_longer_list_is_sent_as_usual(cast):
    client = signed_in(cast.patrimoine_member)
    more = client.post(reverse("archives:offer"), offer_data(REELS[:1], more_lines="1"))
    assert 'name="items-TOTAL_FORMS" value="7"' in more.content.decode()
    assert 'value="Films de la famille Roussel"' in more.content.decode()
    data = offer_data(REELS) | {"items-TOTAL_FORMS": "7", "items-INITIAL_FORMS": "2"}
    data |= {f"items-{index}-sound": "unknown" for index in range(2, 7)}
    response = client.post(reverse("archives:offer"), data)
    assert response.status_code == 302
    assert list(Fonds.objects.get().items.values_list("title", flat=True)) == ["Fête au village", "Usine de filature"]
