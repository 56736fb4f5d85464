"""Call numbers typed by hand at intake (a former inventory's numbering) are kept, and any that
would collide is refused clearly with nothing half-saved: the fonds waits for its intake, the
year's sequence does not move."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from intranet.exceptions import ActionRefused
from tests.archives import sign_agreement
from tests.test_archive_files import to_agreement
from workflows.archives import actions
from workflows.archives.models import FondsCounter, FondsStatus, Transfer, Use

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_intake(cast, archivist):
    def bring():
        fonds = to_agreement(cast, archivist)
        actions.record_agreement(archivist, fonds=fonds, transfer=Transfer.DEPOSIT, uses=[Use.ON_SITE])
        return sign_agreement(archivist, fonds)

    return bring


def retained_items(fonds):
    return list(fonds.items.filter(retained=True).order_by("position"))


def test_a_typed_call_number_is_kept_and_the_others_follow_the_archive_s_series(archivist, in_intake):
    fonds = in_intake()
    first, second = retained_items(fonds)
    placements = [actions.Placement(first.pk, "Magasin 1", " legs-12/b "), actions.Placement(second.pk, "Magasin 1")]
    actions.take_in(archivist, fonds=fonds, placements=placements)
    year = timezone.localdate().year
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.call_number == "LEGS-12/B"  # as typed, in capitals
    assert second.call_number == f"FI-{year}-001-002"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (["AB 12", ""], "n'est pas une cote"),
        (["FI-2020-001-001", ""], "sont données par les archives"),
        (["X-1", "x-1"], "est saisie pour deux objets"),
    ],
)
def test_a_malformed_reserved_or_repeated_typed_number_is_refused_before_anything_is_written(
    archivist, in_intake, typed, message
):
    fonds = in_intake()
    items = retained_items(fonds)
    placements = [actions.Placement(item.pk, "Magasin 1", number) for item, number in zip(items, typed, strict=True)]
    with pytest.raises(ActionRefused, match=message):
        actions.take_in(archivist, fonds=fonds, placements=placements)
    fonds.refresh_from_db()
    assert fonds.status == FondsStatus.IN_INTAKE and fonds.call_number is None


def test_a_typed_number_another_item_bears_is_refused_and_the_sequence_does_not_move(archivist, in_intake):
    earlier = in_intake()
    taken, other = retained_items(earlier)
    placements = [actions.Placement(taken.pk, "Magasin 1", "LEGS-7"), actions.Placement(other.pk, "Magasin 1")]
    actions.take_in(archivist, fonds=earlier, placements=placements)
    fonds = in_intake()
    counter_before = FondsCounter.objects.get().last
    with pytest.raises(ActionRefused, match="La cote LEGS-7 est déjà donnée à «\xa0Vacances à Étretat\xa0»"):
        first, second = retained_items(fonds)
        placements = [actions.Placement(first.pk, "Magasin 3", "legs-7"), actions.Placement(second.pk, "Magasin 3")]
        actions.take_in(archivist, fonds=fonds, placements=placements)
    fonds.refresh_from_db()
    assert fonds.status == FondsStatus.IN_INTAKE and fonds.call_number is None
    assert FondsCounter.objects.get().last == counter_before
    assert not fonds.items.filter(call_number__isnull=False).exists()
    assert not fonds.items.filter(location="Magasin 3").exists()


def test_the_intake_form_takes_a_typed_number_and_says_why_a_colliding_one_is_refused(
    cast, archivist, in_intake, login
):
    earlier = in_intake()
    earlier_first, earlier_second = retained_items(earlier)
    placements = [
        actions.Placement(earlier_first.pk, "Magasin 1", "LEGS-7"),
        actions.Placement(earlier_second.pk, "M2"),
    ]
    actions.take_in(archivist, fonds=earlier, placements=placements)
    fonds = in_intake()
    first, second = retained_items(fonds)
    client = login(archivist)
    page = client.get(reverse("archives:fonds", args=[fonds.pk])).content.decode()
    assert f'name="call_number_{first.pk}"' in page
    data = {"revision": fonds.revision, f"call_number_{first.pk}": "LEGS-7", f"location_{first.pk}": "Magasin 3"}
    data[f"location_{second.pk}"] = "Magasin 4"
    response = client.post(reverse("archives:intake", args=[fonds.pk]), data)
    assert response.status_code == 409
    text = response.content.decode()
    assert "La cote LEGS-7 est déjà donnée" in text and 'value="Magasin 3"' in text  # what was typed stays
    data[f"call_number_{first.pk}"] = "LEGS-8"
    assert client.post(reverse("archives:intake", args=[fonds.pk]), data).status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.call_number, first.location) == ("LEGS-8", "Magasin 3")
    assert second.call_number.endswith("-002")
