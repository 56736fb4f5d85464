"""Nothing enters the stores without a place: an intake leaving a retained item without its
storage location is refused, naming the item, in the reader's language, on the page (with what
was typed kept), in the API and in the action itself; the fonds waits, its number untaken."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from intranet.exceptions import ActionRefused
from tests.api import token_client
from tests.archives import sign_agreement
from tests.helpers import signed_in, speaking, text_of
from tests.test_archive_files import to_agreement
from workflows.archives import actions
from workflows.archives.models import Fonds, FondsCounter, FondsStatus, Transfer, Use

pytestmark = pytest.mark.django_db

MISSING_FR = "L'objet 3, «\xa0Communion\xa0», n'a pas d'emplacement de rangement\xa0: dites où il est conservé."
MISSING_EN = "Item 3, “Communion”, has no storage location: say where it is kept."


@pytest.fixture
def in_intake(cast, archivist) -> Fonds:
    """Items 1 (“Vacances à Étretat”) and 3 (“Communion”) retained, the agreement signed."""
    fonds = to_agreement(cast, archivist)
    actions.record_agreement(archivist, fonds=fonds, transfer=Transfer.DEPOSIT, uses=[Use.ON_SITE])
    return sign_agreement(archivist, fonds)


def retained(fonds: Fonds):
    return list(fonds.items.filter(retained=True).order_by("position"))


def assert_still_waiting(fonds: Fonds) -> None:
    fonds.refresh_from_db()
    assert fonds.status == FondsStatus.IN_INTAKE and fonds.call_number is None
    assert not fonds.items.filter(call_number__isnull=False).exists()
    assert not FondsCounter.objects.filter(last__gt=0).exists()


@pytest.mark.parametrize(("language", "message"), [("fr", MISSING_FR), ("en", MISSING_EN)])
def test_the_intake_form_refuses_an_item_without_a_place_naming_it_and_keeps_what_was_typed(
    archivist, in_intake, language, message
):
    first, third = retained(in_intake)
    client = signed_in(speaking(archivist, language))
    data = {
        "revision": in_intake.revision,
        f"location_{first.pk}": "Magasin 2, travée 4",
        f"call_number_{first.pk}": "LEGS-12",
        f"location_{third.pk}": "   ",
    }
    response = client.post(reverse("archives:intake", args=[in_intake.pk]), data)
    assert response.status_code == 400
    assert message in text_of(response)
    page = response.content.decode()
    assert 'value="Magasin 2, travée 4"' in page and 'value="LEGS-12"' in page  # nothing to type again
    assert_still_waiting(in_intake)
    data[f"location_{third.pk}"] = "Magasin 2, travée 5"
    assert client.post(reverse("archives:intake", args=[in_intake.pk]), data).status_code == 302
    third.refresh_from_db()
    assert third.location == "Magasin 2, travée 5" and third.call_number.endswith("-002")


def test_the_action_refuses_an_intake_leaving_items_without_a_place(archivist, in_intake):
    first, _third = retained(in_intake)
    with translation.override("fr"):  # as the archivist's French page would
        with pytest.raises(ActionRefused, match="L'objet 3, «\xa0Communion\xa0», n'a pas d'emplacement"):
            actions.take_in(archivist, fonds=in_intake, placements=[actions.Placement(first.pk, "Magasin 1")])
        with pytest.raises(ActionRefused, match="2 objets retenus n'ont pas d'emplacement") as refused:
            actions.take_in(archivist, fonds=in_intake)
    assert "1. «\xa0Vacances à Étretat\xa0», 3. «\xa0Communion\xa0»" in refused.value.message
    assert_still_waiting(in_intake)


@pytest.mark.parametrize(("language", "message"), [("fr", MISSING_FR), ("en", MISSING_EN)])
def test_the_api_intake_refuses_an_item_without_a_place_naming_it(archivist, in_intake, language, message):
    first, third = retained(in_intake)
    placements = [{"item": first.pk, "location": "Magasin 1"}, {"item": third.pk, "location": ""}]
    client = token_client(archivist)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language  # a token's request speaks the chosen language
    response = client.post(f"/api/v1/archives/fonds/{in_intake.pk}/intake/", {"placements": placements}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == message and response.json()["errors"] == {"placements": [message]}
    assert_still_waiting(in_intake)
