"""Archive deposits, from a depositor's offer to a catalogued fonds: every branch of the process,
who may take each step, bad lists refused whole, and call numbers without gaps."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from forums.models import Thread
from intranet.exceptions import ActionRefused
from intranet.models import AuditEntry
from tests.archives import shelved, sign_agreement
from tests.concurrency import failures, run_together
from tests.factories import make_member, make_staff
from workflows.archives import actions, policies
from workflows.archives.flows import ArchiveFlow, step_permissions
from workflows.archives.items import ItemDraft
from workflows.archives.models import Fonds, FondsCounter, FondsStatus, Item, Transfer, Use

pytestmark = pytest.mark.django_db

REELS = [
    ItemDraft(title="Vacances à Étretat", format="super8", count=3, year_from=1972, place="Étretat", sound="silent"),
    ItemDraft(title="Mariage de Jeanne", format="8mm", count=1, year_from=1964, declared_condition="odeur de vinaigre"),
    ItemDraft(title="Communion", format="super8", count=2, year_from=1975, year_to=1976),
]


@pytest.fixture
def heritage_coordinator(cast):
    return make_member(actor=cast.staff, college="patrimoine", role="coordinator", email="coord.patrimoine@example.org")


def offer(member, items=REELS, **extra) -> Fonds:
    return actions.record_offer(member, title="Films de la famille Martin", items=items, depositor=member, **extra)


def waiting_steps(fonds: Fonds) -> list[str]:
    tasks = Task.objects.filter(process__archiveprocess__fonds=fonds, status__in=(STATUS.NEW, STATUS.ASSIGNED))
    return sorted(task.flow_task.name for task in tasks)


def appraised(fonds, archivist, *, retained=(True, False, True)) -> Fonds:
    for item, keep in zip(fonds.items.order_by("position"), retained, strict=True):
        actions.appraise_item(archivist, item=item, retained=keep, damages=["vinegar"] if not keep else [])
    return Fonds.objects.get(pk=fonds.pk)


def test_a_member_s_offer_goes_through_to_a_catalogued_fonds_with_call_numbers(cast, archivist):
    fonds = offer(cast.patrimoine_member)
    assert fonds.status == FondsStatus.OFFERED and fonds.depositor_name == cast.patrimoine_member.get_full_name()
    assert list(fonds.items.values_list("position", "title")) == [
        (1, "Vacances à Étretat"),
        (2, "Mariage de Jeanne"),
        (3, "Communion"),
    ]
    assert waiting_steps(fonds) == ["triage"]

    actions.assign_archivist(cast.staff, fonds=fonds, archivist=archivist)
    fonds.refresh_from_db()
    assert fonds.status == FondsStatus.IN_APPRAISAL and waiting_steps(fonds) == ["appraisal"]
    fonds = appraised(fonds, archivist)
    actions.finish_appraisal(archivist, fonds=fonds)
    fonds.refresh_from_db()
    assert fonds.status == FondsStatus.IN_AGREEMENT and waiting_steps(fonds) == ["agreement"]

    actions.record_agreement(archivist, fonds=fonds, transfer=Transfer.DEPOSIT, uses=[Use.ONLINE, Use.ON_SITE])
    fonds.refresh_from_db()
    assert fonds.uses == ["on_site", "online"] and waiting_steps(fonds) == ["intake"]
    sign_agreement(archivist, fonds)

    first, _refused, third = fonds.items.order_by("position")
    places = [actions.Placement(first.pk, "Magasin 2, étagère 4"), actions.Placement(third.pk, "Magasin 2")]
    actions.take_in(archivist, fonds=fonds, placements=places)
    fonds.refresh_from_db()
    year = timezone.localdate().year
    assert fonds.status == FondsStatus.CATALOGUED and fonds.call_number == f"FI-{year}-001"
    assert waiting_steps(fonds) == []
    numbers = dict(fonds.items.values_list("title", "call_number"))
    assert numbers == {
        "Vacances à Étretat": f"FI-{year}-001-001",
        "Mariage de Jeanne": None,  # not retained: no call number
        "Communion": f"FI-{year}-001-002",
    }
    assert Item.objects.get(pk=first.pk).location == "Magasin 2, étagère 4"
    entries = AuditEntry.objects.filter(target_type="fonds", target_id=str(fonds.pk)).order_by("pk")
    codes = list(entries.values_list("action", flat=True))
    assert codes[0] == "archive.offer_recorded" and codes[-1] == "archive.fonds_catalogued"


def test_fonds_numbers_follow_each_other_without_gaps_even_after_a_refused_intake(cast, archivist):
    year = timezone.localdate().year
    numbers = []
    for index in range(3):
        fonds = offer(cast.patrimoine_member)
        actions.assign_archivist(cast.staff, fonds=fonds, archivist=archivist)
        fonds = appraised(fonds, archivist)
        actions.finish_appraisal(archivist, fonds=fonds)
        actions.record_agreement(archivist, fonds=fonds, transfer=Transfer.GIFT, uses=[])
        fonds = sign_agreement(archivist, fonds)
        if index == 1:
            with pytest.raises(ActionRefused):
                actions.take_in(archivist, fonds=fonds, placements=[actions.Placement(1, "x" * 101)])
        numbers.append(actions.take_in(archivist, fonds=fonds, placements=shelved(fonds)).call_number)
    assert numbers == [f"FI-{year}-001", f"FI-{year}-002", f"FI-{year}-003"]


def test_the_collège_patrimoine_is_asked_in_its_forum_and_answers_before_the_appraisal_ends(
    cast, archivist, heritage_coordinator
):
    fonds = offer(cast.production_member)
    actions.assign_archivist(cast.staff, fonds=fonds, archivist=archivist)
    actions.ask_opinion(archivist, fonds=fonds, question="Un fonds de 40 bobines 16 mm d'une usine textile.")
    fonds.refresh_from_db()
    thread = Thread.objects.get(pk=fonds.opinion_thread_id)
    assert thread.forum.college.slug == "patrimoine" and "Films de la famille Martin" in thread.title
    assert waiting_steps(fonds) == ["opinion"]
    # The task is offered to the collège's coordinators, not to members or other collèges.
    task = Task.objects.get(process__archiveprocess__fonds=fonds, status=STATUS.NEW)
    assert task.owner_permission in step_permissions(heritage_coordinator)
    assert task.owner_permission not in step_permissions(cast.coordinator)
    assert policies.can_view_fonds(heritage_coordinator, fonds)
    with pytest.raises(PermissionDenied):
        actions.give_opinion(cast.patrimoine_member, fonds=fonds, opinion="Oui")
    fonds = appraised(fonds, archivist)
    with pytest.raises(ActionRefused, match="pas encore donné son avis"):
        actions.finish_appraisal(archivist, fonds=fonds)

    actions.give_opinion(heritage_coordinator, fonds=fonds, opinion="Intérêt régional majeur : à conserver.")
    fonds.refresh_from_db()
    assert waiting_steps(fonds) == ["appraisal"] and fonds.opinion_by == heritage_coordinator
    actions.finish_appraisal(archivist, fonds=Fonds.objects.get(pk=fonds.pk))
    assert Fonds.objects.get(pk=fonds.pk).status == FondsStatus.IN_AGREEMENT


def test_declined_not_retained_and_withdrawn_end_the_process_with_their_reason(cast, archivist):
    declined = offer(cast.patrimoine_member)
    with pytest.raises(ActionRefused):
        actions.decline_offer(cast.staff, fonds=declined, reason="  ")
    actions.decline_offer(cast.staff, fonds=declined, reason="Hors de la région.")
    declined.refresh_from_db()
    assert declined.status == FondsStatus.DECLINED and declined.end_reason == "Hors de la région."
    assert waiting_steps(declined) == []

    nothing_kept = offer(cast.patrimoine_member)
    actions.assign_archivist(cast.staff, fonds=nothing_kept, archivist=archivist)
    nothing_kept = appraised(nothing_kept, archivist, retained=(False, False, False))
    with pytest.raises(ActionRefused, match="dites pourquoi"):
        actions.finish_appraisal(archivist, fonds=nothing_kept)
    actions.finish_appraisal(archivist, fonds=nothing_kept, reason="Copies de films déjà conservés.")
    assert Fonds.objects.get(pk=nothing_kept.pk).status == FondsStatus.NOT_RETAINED

    withdrawn = offer(cast.patrimoine_member)
    actions.assign_archivist(cast.staff, fonds=withdrawn, archivist=archivist)
    with pytest.raises(PermissionDenied):
        actions.withdraw_offer(cast.production_member, fonds=withdrawn, reason="Erreur")  # not theirs, not visible
    actions.withdraw_offer(cast.patrimoine_member, fonds=withdrawn, reason="La famille garde les films.")
    withdrawn.refresh_from_db()
    assert withdrawn.status == FondsStatus.WITHDRAWN and waiting_steps(withdrawn) == []
    with pytest.raises(ActionRefused, match="ne peut plus être retiré"):
        actions.withdraw_offer(cast.patrimoine_member, fonds=withdrawn, reason="Encore")


def test_each_step_is_taken_only_by_whom_it_belongs_to(cast, archivist):
    fonds = offer(cast.patrimoine_member)
    with pytest.raises(PermissionDenied):
        actions.assign_archivist(cast.coordinator, fonds=fonds, archivist=archivist)
    with pytest.raises(ActionRefused, match="membre de l'équipe"):
        actions.assign_archivist(cast.staff, fonds=fonds, archivist=cast.patrimoine_member)
    actions.assign_archivist(cast.staff, fonds=fonds, archivist=archivist)
    item = fonds.items.first()
    for stranger in (cast.patrimoine_member, cast.coordinator, cast.president):
        with pytest.raises(PermissionDenied):
            actions.appraise_item(stranger, item=item, retained=True)
    # Staff act for an absent archivist; the step is then done by them.
    fonds = appraised(fonds, cast.staff)
    actions.finish_appraisal(cast.staff, fonds=fonds)
    with pytest.raises(PermissionDenied):
        actions.record_agreement(cast.patrimoine_member, fonds=fonds, transfer="gift", uses=[])


def test_two_staff_triaging_the_same_offer_one_wins_the_other_is_told(cast, archivist):
    fonds = offer(cast.patrimoine_member)
    seen_by_both = fonds.revision
    actions.assign_archivist(cast.staff, fonds=fonds, archivist=archivist, revision=seen_by_both)
    other_staff = make_staff(email="autre.equipe@example.org")
    with pytest.raises(ActionRefused, match="Quelqu'un d'autre"):
        actions.decline_offer(other_staff, fonds=fonds, reason="Doublon", revision=seen_by_both)
    assert Fonds.objects.get(pk=fonds.pk).status == FondsStatus.IN_APPRAISAL


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (ItemDraft(title="Bobine", format="", count=1), "Objet 2\xa0: choisissez son format"),
        (ItemDraft(title="Bobine", format="16mm", count=None), "Objet 2\xa0: le nombre de bobines"),
        (ItemDraft(title="Bobine", format="16mm", count=-2), "Objet 2\xa0: le nombre de bobines"),
        (ItemDraft(title="Bobine", format="16mm", count=1, year_from=2999), "Objet 2\xa0: une année est comprise"),
        (ItemDraft(title="Bobine", format="16mm", count=1, year_from=1980, year_to=1970), "Objet 2\xa0: la période"),
        (ItemDraft(title="  ", format="16mm", count=1), "Objet 2\xa0: indiquez son titre"),
    ],
)
def test_a_bad_line_refuses_the_whole_list_and_names_it(cast, bad, message):
    with pytest.raises(ActionRefused, match=message):
        offer(cast.patrimoine_member, items=[REELS[0], bad])
    assert not Fonds.objects.exists() and not Item.objects.exists()


def test_who_sees_a_fonds_and_its_depositor_and_its_files(cast, archivist):
    fonds = offer(cast.patrimoine_member)
    visible = lambda user: policies.can_view_fonds(user, fonds)  # noqa: E731
    assert visible(cast.patrimoine_member) and visible(cast.staff)
    assert not visible(cast.production_member) and not visible(cast.president)
    actions.assign_archivist(cast.staff, fonds=fonds, archivist=archivist)
    fonds = appraised(fonds, archivist)
    actions.finish_appraisal(archivist, fonds=fonds)
    actions.record_agreement(archivist, fonds=fonds, transfer=Transfer.DEPOSIT, uses=[Use.ON_SITE, Use.RESEARCH])
    actions.take_in(archivist, fonds=sign_agreement(archivist, fonds), placements=shelved(fonds))
    fonds.refresh_from_db()
    # Catalogued: every member reads the record, but not who deposited it nor, without online
    # publication, its files.
    assert visible(cast.production_member)
    assert not policies.can_see_depositor(cast.production_member, fonds)
    assert policies.can_see_depositor(cast.patrimoine_member, fonds) and policies.can_see_depositor(archivist, fonds)
    assert not policies.can_open_files(cast.production_member, fonds)
    assert policies.can_open_files(cast.patrimoine_member, fonds) and policies.can_open_files(cast.staff, fonds)
    Fonds.objects.filter(pk=fonds.pk).update(uses=[Use.ON_SITE, Use.ONLINE])
    assert policies.can_open_files(cast.production_member, Fonds.objects.get(pk=fonds.pk))


def test_the_process_diagram_has_every_step_and_end():
    names = {node.name for node in ArchiveFlow.instance.nodes()}
    assert {"triage", "appraisal", "opinion", "agreement", "intake", "declined", "not_retained", "catalogued"} <= names


def test_two_intakes_at_once_get_two_consecutive_numbers(association_bodies, cast, archivist):
    """Real connections (on PostgreSQL, rows locked): the counter hands out each number once."""
    ready = []
    for index in range(2):
        fonds = actions.record_offer(
            cast.patrimoine_member, title=f"Fonds {index}", items=REELS, depositor=cast.patrimoine_member
        )
        actions.assign_archivist(cast.staff, fonds=fonds, archivist=archivist)
        fonds = appraised(fonds, archivist)
        actions.finish_appraisal(archivist, fonds=fonds)
        actions.record_agreement(archivist, fonds=fonds, transfer=Transfer.GIFT, uses=[Use.ON_SITE])
        ready.append(sign_agreement(archivist, fonds))
    errors = failures(
        run_together(
            *[lambda fonds=fonds: actions.take_in(archivist, fonds=fonds, placements=shelved(fonds)) for fonds in ready]
        )
    )
    assert errors == []
    assert sorted(Fonds.objects.values_list("sequence", flat=True)) == [1, 2]
    assert Item.objects.filter(call_number__isnull=False).count() == 4


def test_one_intake_taken_twice_at_once_numbers_the_fonds_once(association_bodies, cast, archivist):
    fonds = actions.record_offer(cast.patrimoine_member, title="Fonds", items=REELS, depositor=cast.patrimoine_member)
    actions.assign_archivist(cast.staff, fonds=fonds, archivist=archivist)
    fonds = appraised(fonds, archivist)
    actions.finish_appraisal(archivist, fonds=fonds)
    actions.record_agreement(archivist, fonds=fonds, transfer=Transfer.GIFT, uses=[])
    fonds = sign_agreement(archivist, fonds)
    places = shelved(fonds)
    outcomes = run_together(
        *[lambda: actions.take_in(archivist, fonds=fonds, placements=places, revision=fonds.revision)] * 2
    )
    assert sum(isinstance(outcome, Fonds) for outcome in outcomes) == 1
    assert [type(outcome) for outcome in outcomes if isinstance(outcome, Exception)] in (
        [ActionRefused],
        [PermissionDenied],
    )
    assert FondsCounter.objects.get().last == 1 and Fonds.objects.get().call_number.endswith("-001")


def test_each_person_hears_of_their_step_and_the_depositor_of_each_move(cast, archivist, heritage_coordinator):
    from intranet.notifications.models import Notification

    def heard(person) -> list[str]:
        return list(Notification.objects.filter(recipient=person).order_by("pk").values_list("event", flat=True))

    fonds = offer(cast.patrimoine_member)
    assert heard(cast.staff) == ["archive_offered"] and heard(archivist) == ["archive_offered"]
    actions.assign_archivist(cast.staff, fonds=fonds, archivist=archivist)
    actions.ask_opinion(archivist, fonds=fonds, question="À garder ?")
    assert heard(heritage_coordinator)[-1] == "archive_opinion_asked"
    actions.give_opinion(heritage_coordinator, fonds=fonds, opinion="Oui.")
    fonds = appraised(fonds, archivist)
    actions.finish_appraisal(archivist, fonds=fonds)
    actions.record_agreement(archivist, fonds=fonds, transfer=Transfer.GIFT, uses=[])
    actions.take_in(archivist, fonds=sign_agreement(archivist, fonds), placements=shelved(fonds))
    # The opinion is also said in the thread the archivist opened (and follows).
    assert heard(archivist)[1:] == ["archive_assigned", "replied", "archive_opinion_given"]
    assert heard(cast.patrimoine_member) == [
        "archive_in_appraisal",
        "archive_in_agreement",
        "archive_in_intake",  # the agreement is recorded: the fonds is being taken in
        "archive_catalogued",
    ]
    assert heard(cast.production_member) == []  # nothing of another person's offer


def test_two_staff_assigning_the_same_offer_at_once_one_wins_the_other_is_told(association_bodies, cast, archivist):
    """Real connections (on PostgreSQL, rows locked): one assignment, one clear refusal, one task done."""
    fonds = offer(cast.patrimoine_member)
    other_staff = make_staff(email="autre.equipe@example.org")
    outcomes = run_together(
        lambda: actions.assign_archivist(cast.staff, fonds=fonds, archivist=archivist),
        lambda: actions.assign_archivist(other_staff, fonds=fonds, archivist=other_staff),
    )
    assert sum(isinstance(outcome, Fonds) for outcome in outcomes) == 1, failures(outcomes)
    refused = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert len(refused) == 1 and isinstance(refused[0], ActionRefused), failures(outcomes)
    assert "déjà été triée" in refused[0].message
    fonds.refresh_from_db()
    winner = next(outcome for outcome in outcomes if isinstance(outcome, Fonds))
    assert fonds.status == FondsStatus.IN_APPRAISAL and fonds.archivist_id == winner.archivist_id
    assert waiting_steps(fonds) == ["appraisal"]
    assigned = AuditEntry.objects.filter(
        target_type="fonds", target_id=str(fonds.pk), action="archive.archivist_assigned"
    )
    assert assigned.count() == 1


def test_a_notification_about_a_fonds_shows_only_to_who_may_open_it(cast, archivist):
    from intranet.notifications.targets import describe

    fonds = offer(cast.patrimoine_member)
    assert describe(cast.patrimoine_member, {("fonds", fonds.pk)})[("fonds", fonds.pk)].title == fonds.title
    assert describe(cast.production_member, {("fonds", fonds.pk)}) == {}


@pytest.mark.parametrize("engine_name", ["whoosh", "postgres"])
def test_search_finds_fonds_and_items_for_those_who_may_open_them(cast, archivist, engine_name, settings):
    from django.db import connection

    from intranet import search
    from tests.helpers import index_now

    if engine_name == "postgres" and connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL search engine needs DATABASE_URL on PostgreSQL (CI runs it there)")
    settings.SEARCH_BACKEND = engine_name
    fonds = offer(cast.patrimoine_member)
    index_now()

    def found(user, text) -> set[str]:
        # Only the archive's kinds: the cast's names are random and may match a word.
        return {hit.kind for hit in search.search(user, text).hits} & {"fonds", "archive_item"}

    assert found(cast.patrimoine_member, "Etretat") == {"archive_item"}  # their own offer
    assert found(cast.production_member, "Etretat") == set()  # someone else's offer
    assert found(cast.production_member, "famille Martin") == set()
    actions.assign_archivist(cast.staff, fonds=fonds, archivist=archivist)
    fonds = appraised(fonds, archivist, retained=(True, False, True))
    actions.finish_appraisal(archivist, fonds=fonds)
    actions.record_agreement(archivist, fonds=fonds, transfer=Transfer.GIFT, uses=[])
    actions.take_in(archivist, fonds=sign_agreement(archivist, fonds), placements=shelved(fonds))
    index_now()
    assert found(cast.production_member, "famille Martin") == {"fonds"}  # catalogued: every member
    assert found(cast.production_member, "Etretat") == {"archive_item"}
    assert found(cast.production_member, "Mariage Jeanne") == set()  # not retained: not searchable
