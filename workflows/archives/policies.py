"""Who may do what with archive deposits and the catalogue. Pages, actions, the API, search and
the flow's steps ask here.

Staff run the archive: they triage offers, and any of them may act for the assigned archivist.
The archivist appraises, prepares the agreement and takes the fonds in. The collège Patrimoine's
coordinators give their opinion when it is asked, and read it with staff (the depositor is told
it was asked, not what it says). A member sees their own offers, and the catalogued fonds; their
files only where the depositor allowed online publication, since the intranet is online. A
depositor's identity is for staff and the depositor alone.
"""

from __future__ import annotations

from django.db.models import Q

from intranet import policies as core
from workflows.archives.models import OPEN_STATUSES, Fonds, FondsStatus, Use

HERITAGE_COLLEGE = "patrimoine"  # the collège whose opinion the archivist may ask


def can_record_offer(user) -> bool:
    """Any member offers their own archives; staff record an offer for someone outside."""
    return core.is_member(user)


def can_record_offer_for_others(user) -> bool:
    return core.can_manage_association(user)


def can_triage(user) -> bool:
    return core.can_manage_association(user)


def can_be_archivist(user) -> bool:
    return core.can_manage_association(user)


def _runs(user, fonds: Fonds) -> bool:
    """The assigned archivist, or any staff member acting for them."""
    return core.is_member(user) and (fonds.archivist_id == user.pk or core.can_manage_association(user))


# Whether the fonds is at a step, whoever may take it: the steps' pages tell someone whose step
# it is not (403) from someone who comes after it was taken, or before (409).
def at_appraisal(fonds: Fonds) -> bool:
    return fonds.status == FondsStatus.IN_APPRAISAL


def at_opinion(fonds: Fonds) -> bool:
    return at_appraisal(fonds) and opinion_pending(fonds)


def at_agreement(fonds: Fonds) -> bool:
    return fonds.status == FondsStatus.IN_AGREEMENT


def at_intake(fonds: Fonds) -> bool:
    return fonds.status == FondsStatus.IN_INTAKE


def at_digitisation(fonds: Fonds) -> bool:
    return fonds.status == FondsStatus.CATALOGUED


def still_open(fonds: Fonds) -> bool:
    """Offered and not yet catalogued, declined or withdrawn: the depositor may still withdraw."""
    return fonds.status in OPEN_STATUSES


def can_appraise(user, fonds: Fonds) -> bool:
    return at_appraisal(fonds) and _runs(user, fonds)


def coordinates_heritage(user) -> bool:
    return core.coordinates_active_college(user, HERITAGE_COLLEGE)


def opinion_pending(fonds: Fonds) -> bool:
    return fonds.opinion_thread_id is not None and not fonds.opinion


def can_give_opinion(user, fonds: Fonds) -> bool:
    return at_opinion(fonds) and coordinates_heritage(user)


def can_prepare_agreement(user, fonds: Fonds) -> bool:
    return at_agreement(fonds) and _runs(user, fonds)


def can_write_agreement(user, fonds: Fonds) -> bool:
    """The agreement document: while it is prepared, and afterwards for the archive's files."""
    after_appraisal = (FondsStatus.IN_AGREEMENT, FondsStatus.IN_INTAKE, FondsStatus.CATALOGUED)
    return fonds.status in after_appraisal and _runs(user, fonds)


def can_take_in(user, fonds: Fonds) -> bool:
    """The step is the archivist's; the action also wants the signed agreement kept first."""
    return at_intake(fonds) and _runs(user, fonds)


def can_follow_digitisation(user, fonds: Fonds) -> bool:
    """Staff move a catalogued fonds's items through the digitisation queue."""
    return at_digitisation(fonds) and core.can_manage_association(user)


def can_follow_digitisation_queue(user) -> bool:
    """The queue of every catalogued fonds's items waiting to be digitised: staff's work list.
    Anybody else gets the 404 of a missing page."""
    return core.can_manage_association(user)


def can_withdraw(user, fonds: Fonds) -> bool:
    """The depositor (a member) withdraws their offer until it is catalogued; staff record a
    withdrawal told by an outside depositor."""
    if not still_open(fonds) or not core.is_member(user):
        return False
    return fonds.depositor_id == user.pk or core.can_manage_association(user)


def can_see_depositor(user, fonds: Fonds) -> bool:
    return core.can_manage_association(user) or (core.is_member(user) and fonds.depositor_id == user.pk)


def can_see_declared_condition(user, fonds: Fonds) -> bool:
    """The condition the depositor declared: theirs to read again, and the archive's to appraise."""
    return can_see_depositor(user, fonds) or _runs(user, fonds)


def can_see_appraisal(user, fonds: Fonds) -> bool:
    """Damage found, physical state and regional interest: the archive's working notes, for staff
    and the fonds's archivist."""
    return _runs(user, fonds)


def can_see_opinion(user, fonds: Fonds) -> bool:
    """The collège Patrimoine's opinion, once asked, and the link to its thread: a working note of
    the appraisal, for staff and the archivist, and for the collège's coordinators, who give it.
    Not for the depositor as such: the archive tells them its decision, not the collège's views."""
    if fonds.opinion_thread_id is None and not fonds.opinion:  # never asked
        return False
    return can_see_appraisal(user, fonds) or coordinates_heritage(user)


def can_see_storage(user) -> bool:
    """Where the material sits in the stores: staff only."""
    return core.can_manage_association(user)


def can_open_files(user, fonds: Fonds) -> bool:
    """Scans, excerpts and condition photos: staff always; members once catalogued and where the
    depositor allowed online publication; the depositor their own."""
    if core.can_manage_association(user):
        return True
    if not core.is_member(user):
        return False
    if fonds.depositor_id == user.pk:
        return True
    return fonds.status == FondsStatus.CATALOGUED and Use.ONLINE in (fonds.uses or [])


def visible_fonds_q(user) -> Q:
    """The fonds ``user`` may open: staff all; a member the catalogue and their own offers; the
    collège Patrimoine's coordinators also the fonds whose opinion was asked of them."""
    if not core.is_member(user):
        return Q(pk__in=[])
    if core.can_manage_association(user):
        return Q()
    visible = Q(status=FondsStatus.CATALOGUED) | Q(depositor=user)
    if coordinates_heritage(user):
        visible |= Q(opinion_thread__isnull=False)
    return visible


def can_view_fonds(user, fonds: Fonds) -> bool:
    return Fonds.objects.filter(visible_fonds_q(user), pk=fonds.pk).exists()
