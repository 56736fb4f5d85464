"""How a deposit ends or waits: a withdrawal says why and tells the archivist and the depositor;
a declined or not-retained offer is told to its depositor; the intake waits for the signed
agreement; and an offer at any step stays a 404 for someone outside it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from intranet.exceptions import ActionRefused
from intranet.notifications.models import Notification
from tests.api import token_client
from tests.archives import shelved, sign_agreement
from tests.factories import make_member
from tests.helpers import signed_in, text_of
from tests.test_archive_files import send_signed
from workflows.archives import actions, selectors
from workflows.archives.items import ItemDraft
from workflows.archives.models import Fonds, FondsCounter, FondsStatus, Transfer

pytestmark = pytest.mark.django_db

REEL = [ItemDraft(title="Vacances à Royan", format="super8", count=3, year_from=1972)]
NO_REASON_FR = "Dites pourquoi la proposition est retirée\xa0: les archives en gardent le motif."
NO_REASON_EN = "Say why the offer is withdrawn: the archive keeps the reason."
NOT_SIGNED_FR = "La convention signée n'est pas encore jointe au fonds\xa0: ajoutez-la avant l'entrée."


def heard(person) -> list[str]:
    return list(Notification.objects.filter(recipient=person).order_by("pk").values_list("event", flat=True))


def offer(cast, title="Films de la famille Martin") -> Fonds:
    return actions.record_offer(cast.patrimoine_member, title=title, items=REEL, depositor=cast.patrimoine_member)


def in_appraisal(cast, archivist, **kwargs) -> Fonds:
    fonds = offer(cast, **kwargs)
    actions.assign_archivist(cast.staff, fonds=fonds, archivist=archivist)
    return Fonds.objects.get(pk=fonds.pk)


def in_intake(cast, archivist, **kwargs) -> Fonds:
    fonds = in_appraisal(cast, archivist, **kwargs)
    actions.appraise_item(archivist, item=fonds.items.get(), retained=True)
    actions.finish_appraisal(archivist, fonds=fonds)
    actions.record_agreement(archivist, fonds=fonds, transfer=Transfer.GIFT, uses=[])
    return Fonds.objects.get(pk=fonds.pk)


# --- Withdrawal ------------------------------------------------------------------------------


def test_a_withdrawal_without_a_reason_is_refused_in_french_and_in_english(cast, archivist):
    fonds = in_appraisal(cast, archivist)
    with pytest.raises(ActionRefused, match=NO_REASON_FR):
        actions.withdraw_offer(cast.patrimoine_member, fonds=fonds, reason="  ")
    with translation.override("en"), pytest.raises(ActionRefused, match=NO_REASON_EN):
        actions.withdraw_offer(cast.staff, fonds=fonds, reason="")
    assert Fonds.objects.get(pk=fonds.pk).status == FondsStatus.IN_APPRAISAL
    actions.withdraw_offer(cast.patrimoine_member, fonds=fonds, reason=" La famille garde les films. ")
    fonds.refresh_from_db()
    assert fonds.status == FondsStatus.WITHDRAWN and fonds.end_reason == "La famille garde les films."


def test_the_withdraw_form_asks_for_a_reason_and_says_so_when_it_is_empty(cast, archivist):
    fonds = in_appraisal(cast, archivist)
    depositor = signed_in(cast.patrimoine_member)
    page = depositor.get(reverse("archives:fonds", args=[fonds.pk])).content.decode()
    assert re.search(r'<textarea name="reason"[^>]*required', page)
    response = depositor.post(reverse("archives:withdraw", args=[fonds.pk]), {"reason": " "})
    assert response.status_code == 400 and NO_REASON_FR in text_of(response)
    assert Fonds.objects.get(pk=fonds.pk).status == FondsStatus.IN_APPRAISAL


def test_the_api_refuses_a_withdrawal_without_a_reason(cast, archivist):
    fonds = in_appraisal(cast, archivist)
    response = token_client(cast.patrimoine_member).post(
        f"/api/v1/archives/fonds/{fonds.pk}/withdraw/", {"reason": ""}, format="json"
    )
    assert response.status_code == 400 and response.json()["detail"] == NO_REASON_FR
    assert Fonds.objects.get(pk=fonds.pk).status == FondsStatus.IN_APPRAISAL


def test_staff_recording_a_withdrawal_tell_the_archivist_whose_task_goes_and_the_depositor(cast, archivist):
    fonds = in_appraisal(cast, archivist)
    assert [waiting.fonds.pk for waiting in selectors.waiting_fonds(archivist)] == [fonds.pk]
    actions.withdraw_offer(cast.staff, fonds=fonds, reason="La famille a appelé : elle garde les films.")
    assert selectors.waiting_fonds(archivist) == []
    assert heard(archivist)[-1] == "archive_withdrawn_task"
    assert heard(cast.patrimoine_member)[-1] == "archive_withdrawn"
    sentence = text_of(signed_in(archivist).get(reverse("notifications:list")))
    assert "Estelle Équipe a retiré la proposition de dépôt «\xa0Films de la famille Martin\xa0»" in sentence


def test_a_depositor_withdrawing_tells_the_archivist_and_hears_nothing_of_their_own_act(cast, archivist):
    fonds = in_appraisal(cast, archivist)
    before = heard(cast.patrimoine_member)
    actions.withdraw_offer(cast.patrimoine_member, fonds=fonds, reason="Nous gardons les films.")
    assert heard(archivist)[-1] == "archive_withdrawn_task"
    assert heard(cast.patrimoine_member) == before


def test_an_offer_withdrawn_in_triage_tells_its_depositor_when_staff_record_it(cast):
    fonds = offer(cast)
    actions.withdraw_offer(cast.staff, fonds=fonds, reason="Retirée par téléphone.")
    assert heard(cast.patrimoine_member) == ["archive_withdrawn"]


# --- The other endings, told to the depositor ----------------------------------------------------


def test_the_depositor_hears_that_their_offer_is_declined(cast):
    fonds = offer(cast)
    actions.decline_offer(cast.staff, fonds=fonds, reason="Hors de la région.")
    assert heard(cast.patrimoine_member) == ["archive_declined"]


def test_the_depositor_hears_that_nothing_of_their_offer_is_retained(cast, archivist):
    fonds = in_appraisal(cast, archivist)
    actions.appraise_item(archivist, item=fonds.items.get(), retained=False)
    actions.finish_appraisal(archivist, fonds=fonds, reason="Copies du commerce.")
    assert heard(cast.patrimoine_member) == ["archive_in_appraisal", "archive_not_retained"]


# --- Intake waits for the signed agreement ----------------------------------------------------


def test_the_intake_is_refused_until_the_signed_agreement_is_kept(cast, archivist):
    fonds = in_intake(cast, archivist)
    with pytest.raises(ActionRefused, match=NOT_SIGNED_FR):
        actions.take_in(archivist, fonds=fonds)
    fonds.refresh_from_db()
    assert fonds.status == FondsStatus.IN_INTAKE and fonds.call_number is None
    assert not FondsCounter.objects.filter(last__gt=0).exists()  # no number taken
    fonds = actions.take_in(archivist, fonds=sign_agreement(archivist, fonds), placements=shelved(fonds))
    assert fonds.status == FondsStatus.CATALOGUED and fonds.call_number.endswith("-001")


def test_the_intake_page_says_the_signed_agreement_is_missing_and_takes_the_fonds_in_once_it_is_kept(cast, archivist):
    fonds = in_intake(cast, archivist)
    client = signed_in(archivist)
    assert NOT_SIGNED_FR in text_of(client.get(reverse("archives:fonds", args=[fonds.pk])))
    placed = {f"location_{fonds.items.get().pk}": "Magasin 1"}
    refused = client.post(reverse("archives:intake", args=[fonds.pk]), {"revision": fonds.revision, **placed})
    assert refused.status_code == 409 and NOT_SIGNED_FR in text_of(refused)
    assert Fonds.objects.get(pk=fonds.pk).status == FondsStatus.IN_INTAKE
    assert send_signed(client, fonds).status_code == 302
    fonds.refresh_from_db()
    assert NOT_SIGNED_FR not in text_of(client.get(reverse("archives:fonds", args=[fonds.pk])))
    taken_in = client.post(reverse("archives:intake", args=[fonds.pk]), {"revision": fonds.revision, **placed})
    assert taken_in.status_code == 302
    assert Fonds.objects.get(pk=fonds.pk).status == FondsStatus.CATALOGUED


def test_the_api_intake_is_refused_until_the_signed_agreement_is_kept(cast, archivist):
    fonds = in_intake(cast, archivist)
    response = token_client(archivist).post(f"/api/v1/archives/fonds/{fonds.pk}/intake/", {}, format="json")
    assert response.status_code == 400 and response.json()["detail"] == NOT_SIGNED_FR


# --- Someone outside never sees an offer, whatever its step -------------------------------------


def test_an_offer_at_each_step_is_a_404_for_an_outsider(cast, archivist):
    heritage = make_member(actor=cast.staff, college="patrimoine", role="coordinator", email="c.p@example.org")
    offered = offer(cast, title="Offerte")
    appraising = in_appraisal(cast, archivist, title="En expertise")
    asked = in_appraisal(cast, archivist, title="Avis demandé")
    actions.ask_opinion(archivist, fonds=asked, question="À garder ?")
    agreeing = in_appraisal(cast, archivist, title="En convention")
    actions.appraise_item(archivist, item=agreeing.items.get(), retained=True)
    actions.finish_appraisal(archivist, fonds=agreeing)
    intake = in_intake(cast, archivist, title="En entrée")
    declined = offer(cast, title="Déclinée")
    actions.decline_offer(cast.staff, fonds=declined, reason="Hors région.")
    withdrawn = in_appraisal(cast, archivist, title="Retirée")
    actions.withdraw_offer(cast.patrimoine_member, fonds=withdrawn, reason="Gardés.")
    nothing_kept = in_appraisal(cast, archivist, title="Non retenue")
    actions.appraise_item(archivist, item=nothing_kept.items.get(), retained=False)
    actions.finish_appraisal(archivist, fonds=nothing_kept, reason="Copies du commerce.")
    steps = [offered, appraising, asked, agreeing, intake, declined, withdrawn, nothing_kept]
    statuses = {Fonds.objects.get(pk=fonds.pk).status for fonds in steps}
    assert statuses == set(FondsStatus.values) - {FondsStatus.CATALOGUED}  # every step but the catalogue
    for fonds in steps:
        for stranger in (cast.outsider, cast.diffusion_member):
            client = signed_in(stranger)
            for name in ("archives:fonds", "archives:fonds_print", "archives:fonds_csv"):
                assert client.get(reverse(name, args=[fonds.pk])).status_code == 404, (fonds.title, name)
            api = token_client(stranger).get(f"/api/v1/archives/fonds/{fonds.pk}/")
            assert api.status_code == 404, fonds.title
    # The collège Patrimoine's coordinators see the fonds whose opinion they were asked, no other.
    assert signed_in(heritage).get(reverse("archives:fonds", args=[asked.pk])).status_code == 200
    assert signed_in(heritage).get(reverse("archives:fonds", args=[appraising.pk])).status_code == 404
