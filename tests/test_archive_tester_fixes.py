"""What a tester found on a fonds's page: the collège Patrimoine's thread written in the acting
staff member's language; the collège's opinion hidden from the coordinator who gave it and shown
to the depositor; and every step ending with a bare "Done."."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from forums.models import Post, Thread
from intranet.exceptions import ActionRefused
from tests.api import token_client
from tests.archives import shelved, sign_agreement
from tests.factories import make_member
from tests.helpers import signed_in, speaking, text_of
from workflows.archives import actions, policies
from workflows.archives.items import ItemDraft, clean_items
from workflows.archives.models import Fonds, FondsStatus, Format, Item

pytestmark = pytest.mark.django_db

OPINION = "Un témoignage rare de l'industrie locale : à garder en entier."
REELS = [
    ItemDraft(title="Fête au village", format="9.5mm", count=1, year_from=1974),
    ItemDraft(title="Usine de filature", format="16mm", count=5, year_from=1958, year_to=1962),
    ItemDraft(title="Communion", format="super8", count=2, year_from=1975),
]


@pytest.fixture
def heritage_coordinator(cast):
    return make_member(actor=cast.staff, college="patrimoine", role="coordinator", email="coord.patrimoine@example.org")


def offered(depositor) -> Fonds:
    return actions.record_offer(depositor, title="Films de la famille Roussel", items=REELS, depositor=depositor)


def in_appraisal(cast, archivist, depositor) -> Fonds:
    fonds = offered(depositor)
    actions.assign_archivist(cast.staff, fonds=fonds, archivist=archivist)
    return Fonds.objects.get(pk=fonds.pk)


def asked(cast, archivist, depositor) -> Fonds:
    fonds = in_appraisal(cast, archivist, depositor)
    actions.ask_opinion(archivist, fonds=fonds, question="Une usine textile : à garder ?")
    return Fonds.objects.get(pk=fonds.pk)


def fonds_page(user, fonds: Fonds) -> tuple[str, str]:
    """The fonds's page as ``user`` gets it: its HTML, and its text as read."""
    response = signed_in(user).get(reverse("archives:fonds", args=[fonds.pk]))
    assert response.status_code == 200
    return response.content.decode(), text_of(response)


def said_after(response) -> list[str]:
    """The messages the page shown after a step says (the redirect followed)."""
    assert response.status_code == 200, response.status_code
    return [str(message) for message in response.context["messages"]]


# 1. Shared places are written in the association's language ------------------------------------


def test_an_english_speaking_staff_member_asking_the_opinion_opens_a_french_thread(cast, archivist):
    fonds = in_appraisal(cast, archivist, cast.production_member)
    english = signed_in(speaking(archivist, "en"))
    response = english.post(reverse("archives:ask_opinion", args=[fonds.pk]), {"question": "Keep it all?"})
    assert response.status_code == 302
    thread = Thread.objects.get(pk=Fonds.objects.get(pk=fonds.pk).opinion_thread_id)
    assert " ".join(thread.title.split()) == "Proposition de dépôt : Films de la famille Roussel"  # spaces as kept
    first = Post.objects.get(thread=thread, number=1).body
    assert "**L'offre\xa0:**" in first and "la liste du déposant (3 objets)\xa0:" in first
    assert "9,5 mm, 1 bobine ou objet, 1974" in first and "16 mm, 5 bobines ou objets, 1958–1962" in first
    assert "La page du fonds est ouverte aux animateur·rices du collège et à l'équipe des archives." in first
    for english_words in ("Archive offer", "The offer", "depositor's list", "reel", "9.5 mm", "The fonds's page"):
        assert english_words not in thread.title + first
    assert first.startswith("Keep it all?")  # what the archivist typed stays as typed


def test_an_english_speaking_coordinator_giving_the_opinion_says_it_in_french_in_the_thread(
    cast, archivist, heritage_coordinator
):
    fonds = asked(cast, archivist, cast.production_member)
    english = signed_in(speaking(heritage_coordinator, "en"))
    data = {"opinion": OPINION, "revision": fonds.revision}
    assert english.post(reverse("archives:give_opinion", args=[fonds.pk]), data).status_code == 302
    reply = Post.objects.filter(thread_id=fonds.opinion_thread_id).order_by("number").last()
    assert reply.number == 2
    assert reply.body.startswith("**Avis du collège Patrimoine, enregistré sur le fonds\xa0:**")
    assert "Opinion of the collège" not in reply.body and OPINION in reply.body


# 2. Who reads the collège's opinion -----------------------------------------------------------


def test_the_coordinator_who_gave_the_opinion_still_reads_it_and_its_thread_on_the_fonds_page(
    cast, archivist, heritage_coordinator
):
    fonds = asked(cast, archivist, cast.production_member)
    thread_url = reverse("forums:thread", args=[fonds.opinion_thread_id])
    coordinator = signed_in(heritage_coordinator)
    data = {"opinion": OPINION, "revision": fonds.revision}
    assert coordinator.post(reverse("archives:give_opinion", args=[fonds.pk]), data).status_code == 302
    fonds.refresh_from_db()
    for reader in (heritage_coordinator, archivist, cast.staff):
        page, text = fonds_page(reader, fonds)
        assert "Avis du collège Patrimoine" in text and OPINION in text
        assert f'href="{thread_url}"' in page and "La discussion dans le forum du collège" in text


@pytest.mark.parametrize("depositor_role", ["production_member", "patrimoine_member"])
def test_the_depositor_is_told_the_opinion_was_asked_but_does_not_read_it(
    cast, archivist, heritage_coordinator, depositor_role
):
    """A plain member, of another collège or of the collège Patrimoine itself (who may read its
    forum): the opinion is the archive's working note, the fonds's page does not show it."""
    depositor = getattr(cast, depositor_role)
    fonds = asked(cast, archivist, depositor)
    thread_url = reverse("forums:thread", args=[fonds.opinion_thread_id])
    actions.give_opinion(heritage_coordinator, fonds=fonds, opinion=OPINION)
    page, text = fonds_page(depositor, fonds)
    assert "Avis du collège Patrimoine" in text  # asked and given, as the history also says
    assert OPINION not in text and "industrie locale" not in text
    assert thread_url not in page and "La discussion dans le forum du collège" not in text


def test_the_opinion_is_for_staff_the_archivist_and_the_collège_s_coordinators_only(
    cast, archivist, heritage_coordinator
):
    fonds = in_appraisal(cast, archivist, cast.patrimoine_member)
    assert not policies.can_see_opinion(cast.staff, fonds)  # nothing asked yet
    fonds = asked(cast, archivist, cast.patrimoine_member)
    allowed = {heritage_coordinator, archivist, cast.staff}
    for person in (*allowed, cast.patrimoine_member, cast.production_member, cast.coordinator, cast.outsider):
        assert policies.can_see_opinion(person, fonds) == (person in allowed), person


def test_the_api_shows_the_opinion_to_the_same_readers_as_the_page(cast, archivist, heritage_coordinator):
    fonds = asked(cast, archivist, cast.production_member)
    actions.give_opinion(heritage_coordinator, fonds=fonds, opinion=OPINION)
    fonds.refresh_from_db()
    url = f"/api/v1/archives/fonds/{fonds.pk}/"
    for reader in (heritage_coordinator, archivist, cast.staff):
        data = token_client(reader).get(url).json()
        assert data["opinion_asked"] and data["opinion"] == OPINION
        assert data["opinion_thread"] == fonds.opinion_thread_id
    depositor = token_client(cast.production_member).get(url).json()
    assert depositor["opinion_asked"] and depositor["opinion"] == "" and depositor["opinion_thread"] is None


# 3. Each step says what was done --------------------------------------------------------------


def test_each_step_on_the_fonds_page_says_which_step_was_taken(cast, archivist, heritage_coordinator):
    staff = signed_in(speaking(cast.staff, "en"))
    working = signed_in(speaking(archivist, "en"))
    fonds = offered(cast.production_member)

    def step(client, name, data, *args):
        fonds.refresh_from_db()
        url = reverse(f"archives:{name}", args=[fonds.pk, *args])
        return said_after(client.post(url, {"revision": fonds.revision, **data}, follow=True))

    said = step(staff, "triage", {"decision": "assign", "archivist": archivist.pk})
    assert said == ["The offer is accepted for appraisal: Armelle Archive is its archivist."]
    said = step(working, "ask_opinion", {"question": "Keep it all?"})
    assert said == ["The collège Patrimoine's opinion is asked: a thread is open in its forum."]
    said = step(signed_in(speaking(heritage_coordinator, "en")), "give_opinion", {"opinion": OPINION})
    assert said == ["The collège's opinion is recorded on the fonds; the archivist is notified."]
    items = list(fonds.items.order_by("position"))
    for item, keep in zip(items, ("yes", "no", "yes"), strict=True):
        said = step(working, "appraise", {f"item{item.pk}-retained": keep}, item.pk)
        assert said == [f"The appraisal of “{item.title}” is recorded."]
    said = step(working, "finish_appraisal", {"reason": ""})
    assert said == ["The appraisal is finished: on to the rights and the agreement."]
    said = step(working, "agreement", {"transfer": "gift", "uses": ["research"]})
    assert said == ["The deed of gift is recorded: on to the intake."]
    sign_agreement(archivist, fonds)
    locations = {f"location_{placement.item_id}": placement.location for placement in shelved(fonds)}
    said = step(working, "intake", locations)
    fonds.refresh_from_db()
    assert fonds.status == FondsStatus.CATALOGUED
    assert said == [f"The fonds is taken in and catalogued under the call number {fonds.call_number}."]
    kept = Item.objects.filter(fonds=fonds, retained=True).order_by("position").first()
    said = step(staff, "digitisation", {f"digitise{kept.pk}-digitisation": "in_progress"}, kept.pk)
    assert said == [f"{kept.call_number}: digitisation in progress."]


def test_the_steps_that_end_an_offer_say_how_it_ended(cast, archivist):
    staff = signed_in(speaking(cast.staff, "en"))
    declined = offered(cast.production_member)
    response = staff.post(
        reverse("archives:triage", args=[declined.pk]), {"decision": "decline", "reason": "Hors région."}, follow=True
    )
    assert said_after(response) == ["The offer is declined, with the reason the depositor will read."]

    withdrawn = offered(cast.production_member)
    depositor = signed_in(speaking(cast.production_member, "en"))
    response = depositor.post(reverse("archives:withdraw", args=[withdrawn.pk]), {"reason": "Gardés."}, follow=True)
    assert said_after(response) == ["The offer is withdrawn."]

    none_kept = in_appraisal(cast, archivist, cast.production_member)
    for item in none_kept.items.all():
        actions.appraise_item(archivist, item=item, retained=False)
    response = signed_in(speaking(archivist, "en")).post(
        reverse("archives:finish_appraisal", args=[none_kept.pk]), {"reason": "Rien de régional."}, follow=True
    )
    assert said_after(response) == ["The appraisal is finished: no item is retained, the offer ends here."]


def test_every_line_of_a_pre_deposit_list_says_its_problem_at_once():
    good = ItemDraft(title="Vendanges", format=Format.SUPER8, count=1, year_from=1974)
    drafts = [
        ItemDraft(title="Fête", format=Format.SUPER8, count=1, year_from=1990, year_to=1970),
        good,
        ItemDraft(title="Mariage", format=Format.SUPER8, count=1, year_from=3000),
        ItemDraft(title="", format=Format.SUPER8, count=1),
    ]
    with translation.override("en"), pytest.raises(ActionRefused) as refused:
        clean_items(drafts)
    message = refused.value.message
    assert "Item 1: the period ends after it starts." in message
    assert "Item 2" not in message
    assert "Item 3: a year is between" in message and "Item 4: give its title or subject." in message
    assert clean_items([good])[0]["title"] == "Vendanges"
