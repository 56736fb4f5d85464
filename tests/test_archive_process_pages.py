"""The life of a deposit through the pages, as people click it: a member's offer, triage,
appraisal with the collège Patrimoine's opinion, the agreement, intake; and the branches that
end it. A refused form keeps what was typed and says why."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.archives import make_archivist
from tests.factories import make_member, make_staff
from tests.helpers import signed_in, text_of
from tests.test_archive_files import send_signed
from tests.test_home_activity import home, section
from workflows.archives.models import Fonds, FondsStatus, Item

pytestmark = pytest.mark.django_db


def offer_data(lines: list[dict], **fields) -> dict:
    data = {"title": "Films de la famille Roussel", "description": "", "items-TOTAL_FORMS": str(len(lines) + 1)}
    data |= {"items-INITIAL_FORMS": "0", "items-MIN_NUM_FORMS": "0", "items-MAX_NUM_FORMS": "200"}
    for index, line in enumerate(lines):
        data |= {f"items-{index}-{name}": value for name, value in {"sound": "unknown", **line}.items()}
    data[f"items-{len(lines)}-sound"] = "unknown"  # an empty line, skipped
    return data | fields


REELS = [
    {"title": "Fête au village", "format": "super8", "count": "2", "year_from": "1974"},
    {"title": "Usine de filature", "format": "16mm", "count": "5", "year_from": "1958", "year_to": "1962"},
]


@pytest.fixture
def people(cast):
    return {
        "archivist": make_archivist(),
        "heritage": make_member(actor=cast.staff, college="patrimoine", role="coordinator", email="c.p@example.org"),
    }


def test_a_deposit_goes_from_the_member_s_offer_to_the_catalogue_through_the_pages(cast, people):
    member, archivist, staff = signed_in(cast.patrimoine_member), signed_in(people["archivist"]), signed_in(cast.staff)
    response = member.post(reverse("archives:offer"), offer_data(REELS))
    fonds = Fonds.objects.get()
    assert response.status_code == 302 and response.url == reverse("archives:fonds", args=[fonds.pk])
    assert list(fonds.items.values_list("title", flat=True)) == ["Fête au village", "Usine de filature"]
    assert fonds.depositor == cast.patrimoine_member

    page = reverse("archives:fonds", args=[fonds.pk])
    assert (
        "Tri" in text_of(staff.get(page))
        and 'action="' + reverse("archives:triage", args=[fonds.pk]) in staff.get(page).content.decode()
    )
    staff.post(
        reverse("archives:triage", args=[fonds.pk]),
        {"decision": "assign", "archivist": people["archivist"].pk, "revision": fonds.revision},
    )
    assert Fonds.objects.get().status == FondsStatus.IN_APPRAISAL

    archivist.post(reverse("archives:ask_opinion", args=[fonds.pk]), {"question": "Une usine textile : à garder ?"})
    heritage = signed_in(people["heritage"])
    assert "Donner l'avis" in text_of(heritage.get(page)) or "avis" in text_of(heritage.get(page))
    fonds.refresh_from_db()
    heritage.post(
        reverse("archives:give_opinion", args=[fonds.pk]),
        {"opinion": "Un témoignage rare de l'industrie locale.", "revision": fonds.revision},
    )
    first, second = Item.objects.order_by("position")
    archivist.post(
        reverse("archives:appraise", args=[fonds.pk, first.pk]),
        {f"item{first.pk}-retained": "no", f"item{first.pk}-damages": ["vinegar", "shrinkage"]},
    )
    archivist.post(
        reverse("archives:appraise", args=[fonds.pk, second.pk]),
        {f"item{second.pk}-retained": "yes", f"item{second.pk}-condition_note": "Bon état"},
    )
    assert Item.objects.get(pk=first.pk).damages == ["shrinkage", "vinegar"]
    fonds.refresh_from_db()
    archivist.post(reverse("archives:finish_appraisal", args=[fonds.pk]), {"reason": "", "revision": fonds.revision})
    fonds.refresh_from_db()
    assert fonds.status == FondsStatus.IN_AGREEMENT
    archivist.post(
        reverse("archives:agreement", args=[fonds.pk]),
        {"transfer": "gift", "uses": ["on_site", "research"], "revision": fonds.revision},
    )
    assert send_signed(archivist, fonds).status_code == 302
    fonds.refresh_from_db()
    response = archivist.post(
        reverse("archives:intake", args=[fonds.pk]),
        {f"location_{second.pk}": "Magasin 3", "revision": fonds.revision},
    )
    assert response.status_code == 302
    fonds.refresh_from_db()
    assert fonds.status == FondsStatus.CATALOGUED
    assert Item.objects.get(pk=second.pk).call_number == f"{fonds.call_number}-001"
    assert Item.objects.get(pk=second.pk).location == "Magasin 3"
    assert "Films de la famille Roussel" in text_of(signed_in(cast.diffusion_member).get(reverse("archives:catalogue")))


def test_a_bad_line_sends_the_form_back_with_everything_typed(cast):
    client = signed_in(cast.patrimoine_member)
    bad = [REELS[0], {"title": "Bobine", "format": "16mm", "count": "1", "year_from": "2999"}]
    response = client.post(reverse("archives:offer"), offer_data(bad))
    assert response.status_code == 400
    page = text_of(response)
    assert "Objet 2\xa0: une année est comprise" in page
    assert 'value="Fête au village"' in response.content.decode() and 'value="2999"' in response.content.decode()
    assert not Fonds.objects.exists()


def test_more_lines_keeps_what_was_typed_and_adds_five(cast):
    client = signed_in(cast.patrimoine_member)
    response = client.post(reverse("archives:offer"), offer_data(REELS, more_lines="1"))
    assert response.status_code == 200 and not Fonds.objects.exists()
    content = response.content.decode()
    assert 'name="items-TOTAL_FORMS" value="8"' in content and 'value="Usine de filature"' in content
    assert "Ce champ est obligatoire" not in content and "errorlist" not in content  # the new lines are blank


def test_more_lines_with_a_count_the_page_did_not_write_shows_the_form_again(cast):
    client = signed_in(cast.patrimoine_member)
    for count in ("abc", "1e3", "-4", "٣"):
        response = client.post(
            reverse("archives:offer"), offer_data(REELS, more_lines="1") | {"items-TOTAL_FORMS": count}
        )
        assert response.status_code == 200, count
        assert 'name="items-TOTAL_FORMS" value="5"' in response.content.decode()
        assert "Ce champ est obligatoire" not in response.content.decode()
    assert not Fonds.objects.exists()


def test_a_list_of_the_most_lines_the_form_takes_is_recorded_whole(cast):
    line = {
        "title": "Bobine",
        "format": "16mm",
        "count": "1",
        "year_from": "1960",
        "year_to": "1961",
        "author": "Jean Roussel",
        "place": "Tulle",
        "duration_minutes": "12",
        "declared_condition": "Odeur de vinaigre",
        "subjects": "fête, vendanges",
    }
    lines = [line | {"title": f"Bobine {number}"} for number in range(1, 201)]
    data = offer_data(lines) | {"items-TOTAL_FORMS": "200"}  # the 200 lines, without an empty one
    del data["items-200-sound"]
    assert len(data) > 2000  # more fields than Django takes by default
    response = signed_in(cast.patrimoine_member).post(reverse("archives:offer"), data)
    assert response.status_code == 302
    assert Item.objects.count() == 200


def test_a_count_or_a_duration_past_any_reel_is_refused_on_its_line(cast):
    client = signed_in(cast.patrimoine_member)
    for field, value in (("count", "99999999999999999999"), ("duration_minutes", "99999999999999")):
        line = {**REELS[0], field: value}
        response = client.post(reverse("archives:offer"), offer_data([line]))
        assert response.status_code == 400, field
        assert "100000" in text_of(response).replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    assert not Fonds.objects.exists()


def test_a_too_long_description_or_contact_is_refused_with_the_limit_and_kept(cast):
    staff = signed_in(cast.staff)
    too_long = "Bobines de famille. " * 300  # 6,000 characters
    response = staff.post(
        reverse("archives:offer"), offer_data(REELS, depositor_name="Famille Roussel", description=too_long)
    )
    assert response.status_code == 400 and not Fonds.objects.exists()
    assert "au plus 5000 caractères" in text_of(response) and 'value="Fête au village"' in response.content.decode()
    response = staff.post(
        reverse("archives:offer"), offer_data(REELS, depositor_name="Famille Roussel", depositor_contact="x" * 1001)
    )
    assert response.status_code == 400 and not Fonds.objects.exists()


def test_staff_record_an_offer_for_someone_outside_and_decline_it_with_a_reason(cast):
    staff = signed_in(cast.staff)
    response = staff.post(reverse("archives:offer"), offer_data(REELS[:1], depositor_name="Société Durand"))
    fonds = Fonds.objects.get()
    assert response.status_code == 302 and fonds.depositor is None and fonds.depositor_name == "Société Durand"
    refused = staff.post(reverse("archives:triage", args=[fonds.pk]), {"decision": "decline", "reason": " "})
    assert refused.status_code == 409 and "le déposant le lira" in text_of(refused)
    staff.post(reverse("archives:triage", args=[fonds.pk]), {"decision": "decline", "reason": "Hors région."})
    assert Fonds.objects.get().status == FondsStatus.DECLINED


def test_the_depositor_withdraws_and_nobody_else_sees_the_button(cast):
    client = signed_in(cast.patrimoine_member)
    client.post(reverse("archives:offer"), offer_data(REELS[:1]))
    fonds = Fonds.objects.get()
    withdraw = reverse("archives:withdraw", args=[fonds.pk])
    assert withdraw in client.get(reverse("archives:fonds", args=[fonds.pk])).content.decode()
    assert signed_in(cast.production_member).post(withdraw, {"reason": "Erreur"}).status_code == 404
    assert client.post(withdraw, {"reason": "Nous gardons les films."}).status_code == 302
    assert Fonds.objects.get().status == FondsStatus.WITHDRAWN
    assert withdraw not in client.get(reverse("archives:fonds", args=[fonds.pk])).content.decode()


def test_a_stale_triage_is_refused_and_says_so(cast, people):
    staff = signed_in(cast.patrimoine_member)
    staff.post(reverse("archives:offer"), offer_data(REELS[:1]))
    fonds = Fonds.objects.get()
    stale = fonds.revision
    signed_in(cast.staff).post(
        reverse("archives:triage", args=[fonds.pk]),
        {"decision": "assign", "archivist": people["archivist"].pk, "revision": stale},
    )
    other = signed_in(make_staff(email="autre@example.org"))
    response = other.post(
        reverse("archives:triage", args=[fonds.pk]), {"decision": "decline", "reason": "Non", "revision": stale}
    )
    assert response.status_code == 409 and "Quelqu'un d'autre a agi" in text_of(response)


def test_the_home_lists_the_fonds_waiting_for_each_person(cast, people):
    signed_in(cast.patrimoine_member).post(reverse("archives:offer"), offer_data(REELS[:1]))
    fonds = Fonds.objects.get()

    def waiting(user) -> str:
        return section(home(signed_in(user)), "waiting-title")

    assert "Films de la famille Roussel" in waiting(cast.staff) and "— Tri" in waiting(cast.staff)
    assert "Films de la famille Roussel" not in waiting(cast.patrimoine_member)  # the depositor has nothing to do
    signed_in(cast.staff).post(
        reverse("archives:triage", args=[fonds.pk]), {"decision": "assign", "archivist": people["archivist"].pk}
    )
    assert "— Expertise" in waiting(people["archivist"])
    assert "Films de la famille Roussel" not in waiting(cast.staff)


def test_my_tasks_lists_the_fonds_waiting_for_each_person_and_counts_them(cast, people):
    offer = signed_in(cast.patrimoine_member)
    offer.post(reverse("archives:offer"), offer_data(REELS[:1]))
    fonds = Fonds.objects.get()
    tasks = reverse("proposals:tasks")

    def waiting(user) -> str:
        return re.sub(r"<[^>]+>", "", text_of(signed_in(user).get(tasks)))

    assert "Films de la famille Roussel — Tri" in waiting(cast.staff)
    assert "Films de la famille Roussel" not in waiting(cast.patrimoine_member)
    signed_in(cast.staff).post(
        reverse("archives:triage", args=[fonds.pk]), {"decision": "assign", "archivist": people["archivist"].pk}
    )
    assert "Films de la famille Roussel" not in waiting(cast.staff)
    page = waiting(people["archivist"])
    assert "Films de la famille Roussel — Expertise" in page and "Mes tâches 1" in page  # the navigation's count
    signed_in(people["archivist"]).post(reverse("archives:ask_opinion", args=[fonds.pk]), {"question": "À garder ?"})
    assert "Films de la famille Roussel" not in waiting(people["archivist"])
    assert "Films de la famille Roussel — Avis du collège Patrimoine" in waiting(people["heritage"])
    assert "Films de la famille Roussel" not in waiting(cast.coordinator)  # coordinator of Production


def test_the_depositor_and_staff_see_the_deposit_s_process_drawn_with_its_current_step(cast, people):
    signed_in(cast.patrimoine_member).post(reverse("archives:offer"), offer_data(REELS[:1]))
    fonds = Fonds.objects.get()
    page = signed_in(cast.patrimoine_member).get(reverse("archives:fonds", args=[fonds.pk])).content.decode()
    assert "Le processus du dépôt" in page and 'data-step="triage"' in page
    assert "Offre refusée" in page and "Refusée par le collège" not in page  # staff decline at triage
    assert re.search(r'process-diagram__step--current" data-step="triage"', page)
    assert re.search(r'process-diagram__step--done" data-step="start"', page)
    signed_in(cast.patrimoine_member).post(reverse("archives:withdraw", args=[fonds.pk]), {"reason": "Gardés."})
    stopped = text_of(signed_in(cast.staff).get(reverse("archives:fonds", args=[fonds.pk])))
    assert "l'offre de dépôt a été retirée" in stopped
    # Members who read the catalogue do not follow someone else's deposit.
    assert signed_in(cast.diffusion_member).get(reverse("archives:fonds", args=[fonds.pk])).status_code == 404


def test_the_archivist_downloads_the_agreement_written_from_the_retained_items_and_the_rights(cast, people):
    import io
    import zipfile

    signed_in(cast.patrimoine_member).post(reverse("archives:offer"), offer_data(REELS))
    fonds = Fonds.objects.get()
    archivist = signed_in(people["archivist"])
    signed_in(cast.staff).post(
        reverse("archives:triage", args=[fonds.pk]), {"decision": "assign", "archivist": people["archivist"].pk}
    )
    first, second = Item.objects.order_by("position")
    archivist.post(reverse("archives:appraise", args=[fonds.pk, first.pk]), {f"item{first.pk}-retained": "no"})
    archivist.post(reverse("archives:appraise", args=[fonds.pk, second.pk]), {f"item{second.pk}-retained": "yes"})
    archivist.post(reverse("archives:finish_appraisal", args=[fonds.pk]), {"reason": ""})
    document = reverse("archives:agreement_document", args=[fonds.pk])
    assert 'formaction="' + document in archivist.get(reverse("archives:fonds", args=[fonds.pk])).content.decode()

    response = archivist.post(document, {"transfer": "gift", "uses": ["research", "online"]})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.oasis.opendocument.text"
    assert response["Content-Disposition"].startswith('attachment; filename="acte-de-don-')
    text = zipfile.ZipFile(io.BytesIO(response.content)).read("content.xml").decode()
    assert "Acte de don" in text and cast.patrimoine_member.get_full_name() in text
    assert "Usine de filature" in text and "Fête au village" not in text  # only what is retained
    assert "recherche" in text and "diffusion en ligne" in text and "consultation sur place" not in text
    # The depositor reads their fonds but the agreement is the archive's to write.
    assert signed_in(cast.patrimoine_member).post(document, {"transfer": "gift"}).status_code == 403
    assert signed_in(cast.production_member).get(document).status_code == 404


def test_staff_move_a_catalogued_item_through_the_digitisation_queue(cast, people):
    signed_in(cast.patrimoine_member).post(reverse("archives:offer"), offer_data(REELS[:1]))
    fonds = Fonds.objects.get()
    staff = signed_in(cast.staff)
    staff.post(reverse("archives:triage", args=[fonds.pk]), {"decision": "assign", "archivist": cast.staff.pk})
    item = Item.objects.get()
    staff.post(reverse("archives:appraise", args=[fonds.pk, item.pk]), {f"item{item.pk}-retained": "yes"})
    staff.post(reverse("archives:finish_appraisal", args=[fonds.pk]), {"reason": ""})
    staff.post(reverse("archives:agreement", args=[fonds.pk]), {"transfer": "deposit", "uses": ["online"]})
    route = reverse("archives:digitisation", args=[fonds.pk, item.pk])
    assert staff.post(route, {f"digitise{item.pk}-digitisation": "digitised"}).status_code == 409  # not catalogued yet
    send_signed(staff, fonds)
    staff.post(reverse("archives:intake", args=[fonds.pk]), {f"location_{item.pk}": "Magasin 1"})
    assert route in staff.get(reverse("archives:fonds", args=[fonds.pk])).content.decode()
    assert staff.post(route, {f"digitise{item.pk}-digitisation": "digitised"}).status_code == 302
    assert Item.objects.get().digitisation == "digitised"
    assert staff.post(route, {f"digitise{item.pk}-digitisation": "colorised"}).status_code == 400
    member_page = text_of(signed_in(cast.diffusion_member).get(reverse("archives:fonds", args=[fonds.pk])))
    assert "numérisé" in member_page and route not in member_page
    assert (
        signed_in(cast.patrimoine_member).post(route, {f"digitise{item.pk}-digitisation": "restored"}).status_code
        == 403
    )
    history = text_of(signed_in(cast.patrimoine_member).get(reverse("archives:fonds", args=[fonds.pk])))
    assert "numérisation d'un objet avancée" in history


def test_a_step_posted_again_after_it_was_taken_says_the_fonds_moved_on(cast, people):
    member, archivist = signed_in(cast.patrimoine_member), signed_in(people["archivist"])
    member.post(reverse("archives:offer"), offer_data(REELS[:1]))
    fonds = Fonds.objects.get()
    signed_in(cast.staff).post(
        reverse("archives:triage", args=[fonds.pk]),
        {"decision": "assign", "archivist": people["archivist"].pk, "revision": fonds.revision},
    )
    item = fonds.items.get()
    archivist.post(reverse("archives:appraise", args=[fonds.pk, item.pk]), {f"item{item.pk}-retained": "yes"})
    fonds.refresh_from_db()
    finish = {"reason": "", "revision": fonds.revision}
    assert archivist.post(reverse("archives:finish_appraisal", args=[fonds.pk]), finish).status_code == 302
    again = archivist.post(reverse("archives:finish_appraisal", args=[fonds.pk]), finish)
    assert again.status_code == 409
    assert "Cette étape n'est pas ouverte à ce stade" in text_of(again) and "convention" in text_of(again).lower()
    late = archivist.post(reverse("archives:appraise", args=[fonds.pk, item.pk]), {f"item{item.pk}-retained": "no"})
    assert late.status_code == 409 and Fonds.objects.get().items.get().retained is True
    member.post(reverse("archives:withdraw", args=[fonds.pk]), {"reason": "Je garde les bobines."})
    assert member.post(reverse("archives:withdraw", args=[fonds.pk]), {"reason": "Encore"}).status_code == 409


def test_someone_else_s_step_answers_alike_for_any_line_of_the_fonds(cast, people):
    """The step is refused before its line is looked up: no telling which lines exist."""
    signed_in(cast.patrimoine_member).post(reverse("archives:offer"), offer_data(REELS))
    fonds = Fonds.objects.get()
    signed_in(cast.staff).post(
        reverse("archives:triage", args=[fonds.pk]),
        {"decision": "assign", "archivist": people["archivist"].pk, "revision": fonds.revision},
    )
    depositor = signed_in(cast.patrimoine_member)
    existing, missing = fonds.items.first().pk, 999_999
    answers = {
        depositor.post(reverse("archives:appraise", args=[fonds.pk, item_id]), {}).status_code
        for item_id in (existing, missing)
    }
    assert answers == {403}


def test_a_member_with_five_offers_waiting_for_triage_is_asked_to_wait(cast):
    from tests.api import token_client

    member = signed_in(cast.patrimoine_member)
    for number in range(5):
        assert member.post(reverse("archives:offer"), offer_data(REELS, title=f"Bobines {number}")).status_code == 302
    refused = member.post(reverse("archives:offer"), offer_data(REELS, title="Bobines 6"))
    assert refused.status_code == 400 and "5 offres de dépôt en attente du tri" in text_of(refused)
    assert 'value="Bobines 6"' in refused.content.decode() and Fonds.objects.count() == 5
    api = token_client(cast.patrimoine_member).post(
        "/api/v1/archives/fonds/",
        {"title": "Bobines 7", "items": [{"title": "Fête", "format": "super8", "count": 1}]},
        format="json",
    )
    assert api.status_code == 400 and api.json()["code"] == "refused" and Fonds.objects.count() == 5
    # Staff record offers of people outside, as many as come.
    staff = signed_in(cast.staff)
    assert staff.post(reverse("archives:offer"), offer_data(REELS, depositor_name="Famille Roussel")).status_code == 302
