"""The appraisal of a fonds: the archivist's verdict on each item, the collège Patrimoine's
opinion asked and given in its forum, and the appraisal finished."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings as project_settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from forums import actions as forum_actions
from forums import policies as forum_policies
from forums.models import Forum, Thread
from intranet import search
from intranet.audit import record
from intranet.exceptions import ActionRefused
from intranet.models import User
from workflows.archives import notifications, policies
from workflows.archives.actions.common import ArchiveAction
from workflows.archives.flows import ArchiveFlow
from workflows.archives.items import clean_subjects
from workflows.archives.models import Damage, Fonds, FondsStatus, Item
from workflows.archives.opinion import opening_post, opinion_post
from workflows.archives.transitions import complete_step, locked, refuse_if_changed, save_fonds


def appraise_item(
    actor: User,
    *,
    item: Item,
    retained: bool,
    damages: Sequence[str] = (),
    condition_note: str = "",
    regional_interest: str = "",
    subjects: str | Sequence[str] | None = None,
) -> Item:
    """The archivist's verdict on one item; its subjects completed on the way (``None`` keeps
    those of the pre-deposit list)."""
    unknown = set(damages) - set(Damage.values)
    if unknown:
        raise ActionRefused(_("Unknown kind of damage: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    cleaned_subjects = clean_subjects(subjects) if subjects is not None else None
    with transaction.atomic():
        fonds = locked(item.fonds)
        if not policies.can_appraise(actor, fonds):
            raise PermissionDenied("Cannot appraise this fonds now.")
        item = Item.objects.select_for_update().get(pk=item.pk, fonds=fonds)
        item.retained = retained
        item.damages = sorted(set(damages))
        item.condition_note = condition_note.strip()
        item.regional_interest = regional_interest.strip()
        if cleaned_subjects is not None:
            item.subjects = cleaned_subjects
        item.appraised_by, item.appraised_at = actor, timezone.now()
        item.save()
        save_fonds(fonds)
        record(actor, ArchiveAction.ITEM_APPRAISED, fonds, item=item.position, retained=retained)
        search.record_change("archive_item", [item.pk])
        search.record_change("fonds", [fonds.pk])  # its entry holds its items' subjects
    return item


def ask_opinion(actor: User, *, fonds: Fonds, question: str) -> Fonds:
    """The collège Patrimoine is asked: a thread opens in its forum, its coordinators get the task."""
    question = question.strip()
    if not question:
        raise ActionRefused(_("Write what the collège is asked about this fonds."), field="question")
    with transaction.atomic():
        fonds = locked(fonds)
        if not policies.can_appraise(actor, fonds):
            raise PermissionDenied("Cannot appraise this fonds now.")
        if fonds.opinion_thread_id is not None:
            raise ActionRefused(_("The collège Patrimoine has already been asked about this fonds."))
        forum = Forum.objects.get(college__slug=policies.HERITAGE_COLLEGE)
        # The collège discusses what it sees: the question, a link to the fonds and its list; in
        # the association's language, as anything written in a shared place, whatever the actor's.
        with translation.override(project_settings.LANGUAGE_CODE):
            title = (_("Archive offer: %(title)s") % {"title": fonds.title})[:200]
            body = opening_post(fonds, question)
        thread = forum_actions.start_thread(actor, forum=forum, title=title, body=body)
        save_fonds(fonds, opinion_thread=thread)
        complete_step(actor, fonds, ArchiveFlow.appraisal)  # the flow waits for the opinion
        record(actor, ArchiveAction.OPINION_ASKED, fonds)
        notifications.opinion_asked(actor, fonds)
    return fonds


def give_opinion(actor: User, *, fonds: Fonds, opinion: str, revision: int | None = None) -> Fonds:
    """Recorded on the fonds, and said in the collège's thread (unless moderators locked it)."""
    given = opinion.strip()
    if not given:
        raise ActionRefused(_("Write the collège's opinion."), field="opinion")
    with transaction.atomic():
        fonds = locked(fonds)
        if not policies.can_give_opinion(actor, fonds):
            raise PermissionDenied("Not asked of this person.")
        refuse_if_changed(fonds, revision)
        save_fonds(fonds, opinion=given, opinion_by=actor)
        thread = Thread.objects.select_related("forum__college").filter(pk=fonds.opinion_thread_id).first()
        if thread is not None and forum_policies.can_reply(actor, thread):
            with translation.override(project_settings.LANGUAGE_CODE):  # the thread's language
                body = opinion_post(given)
            forum_actions.reply(actor, thread=thread, body=body)
        complete_step(actor, fonds, ArchiveFlow.opinion)  # back to the archivist
        record(actor, ArchiveAction.OPINION_GIVEN, fonds)
        notifications.opinion_given(actor, fonds)
    return fonds


def finish_appraisal(actor: User, *, fonds: Fonds, reason: str = "", revision: int | None = None) -> Fonds:
    """Every item appraised: on to the agreement, or the end if none is retained (with a reason
    the depositor will read)."""
    with transaction.atomic():
        fonds = locked(fonds)
        if not policies.can_appraise(actor, fonds):
            raise PermissionDenied("Cannot appraise this fonds now.")
        refuse_if_changed(fonds, revision)
        if policies.opinion_pending(fonds):
            raise ActionRefused(_("The collège Patrimoine has not given its opinion yet."))
        outcomes = list(fonds.items.values_list("retained", flat=True))
        if None in outcomes:
            raise ActionRefused(_("Appraise every item first: %(count)s left.") % {"count": outcomes.count(None)})
        if True in outcomes:
            save_fonds(fonds, status=FondsStatus.IN_AGREEMENT)
        else:
            if not reason.strip():
                raise ActionRefused(_("No item is retained: say why, the depositor will read it."), field="reason")
            save_fonds(fonds, status=FondsStatus.NOT_RETAINED, end_reason=reason.strip())
        complete_step(actor, fonds, ArchiveFlow.appraisal)
        record(actor, ArchiveAction.APPRAISAL_FINISHED, fonds, retained=outcomes.count(True))
        notifications.moved(actor, fonds)
    return fonds
