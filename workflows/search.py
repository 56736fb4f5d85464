"""Proposals and decisions as the search sees them: a proposal is readable by whoever may open
it (the workflow policy, at the moment of the search); decisions by every member."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from intranet import policies as core
from intranet.markdown import plain_text
from intranet.search.sources import EVERY_MEMBER, Display, Entry, Source, ids_in
from workflows import selectors
from workflows.models import Decision, Proposal


class ProposalSource(Source):
    kind = "proposal"
    position = 40
    label = _("Proposals")

    def entries(self, ids):
        proposals = Proposal.objects.filter(pk__in=ids).select_related("college")
        return {
            proposal.pk: Entry(
                kind=self.kind,
                object_id=proposal.pk,
                scope=f"proposal:{proposal.pk}",
                title=proposal.title,
                body=f"{proposal.summary}\n{proposal.body}",
                date=proposal.created_at,
                colleges=[proposal.college.slug],
                author_id=proposal.author_id,
            )
            for proposal in proposals
        }

    def all_ids(self):
        return Proposal.objects.order_by("pk").values_list("pk", flat=True).iterator()

    def allowed_scopes(self, user):
        return {f"proposal:{pk}" for pk in selectors.visible_proposals(user).values_list("pk", flat=True)}

    def allowed_ids(self, user):
        return "proposal", selectors.visible_proposals(user)

    def display(self, user, ids, scopes):
        allowed = ids_in(scopes, "proposal")
        proposals = Proposal.objects.filter(pk__in=[pk for pk in ids if pk in allowed]).select_related("college")
        return {
            proposal.pk: Display(
                title=proposal.title,
                url=reverse("proposals:detail", args=[proposal.pk]),
                text=f"{proposal.summary}\n{plain_text(proposal.body_html)}",
                context=f"{proposal.college.name} · {proposal.get_status_display()}",
                date=proposal.created_at,
            )
            for proposal in proposals
        }


class DecisionSource(Source):
    kind = "decision"
    position = 50
    label = _("Decisions")

    def entries(self, ids):
        decisions = Decision.objects.filter(pk__in=ids).select_related("proposal__college")
        return {
            decision.pk: Entry(
                kind=self.kind,
                object_id=decision.pk,
                scope=EVERY_MEMBER,
                title=f"{decision.number} {decision.title}",
                body=decision.text,
                date=decision.decided_at,
                colleges=[decision.proposal.college.slug],
                author_id=None,
            )
            for decision in decisions
        }

    def all_ids(self):
        return Decision.objects.order_by("pk").values_list("pk", flat=True).iterator()

    def allowed_scopes(self, user):
        return {EVERY_MEMBER} if core.is_member(user) else set()

    def display(self, user, ids, scopes):
        if EVERY_MEMBER not in scopes:
            return {}
        return {
            decision.pk: Display(
                title=f"{decision.number} — {decision.title}",
                url=reverse("workflows:decision", args=[decision.number]),
                text=decision.text,
                context=decision.get_outcome_display(),
                date=decision.decided_at,
            )
            for decision in Decision.objects.filter(pk__in=ids)
        }
