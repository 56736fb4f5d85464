"""Demo proposals at every step, and a few decisions already in the register."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from documents import actions as document_actions
from documents.samples import pdf_bytes
from documents.uploads import IncomingFile
from intranet.models import BoardMembership, BoardRole, College, CollegeMembership, CollegeRole, User
from workflows import actions
from workflows.models import Proposal

DEMO_PROPOSALS = [
    # (collège, step, title, summary, body)
    ("production", "draft", "Résidence d'écriture en Creuse",
     "Accueillir deux auteur·rices de documentaire par an.",
     "Le collège propose une résidence de **six semaines** avec un accompagnement à l'écriture."),
    ("production", "in_review", "Fonds d'aide au court métrage : nouveau règlement",
     "Simplifier le dossier de demande et ouvrir une session d'automne.",
     "Le règlement actuel impose trois pièces redondantes ; nous proposons un dossier unique."),
    ("diffusion", "returned", "Circuit itinérant dans les communes rurales",
     "Vingt projections par an dans les salles des fêtes.",
     "Un circuit de projections avec un projecteur mobile et une médiation."),
    ("diffusion", "on_agenda", "Adhésion au réseau national des salles de proximité",
     "Rejoindre le réseau pour mutualiser la programmation.",
     "L'adhésion coûte 450 € par an et ouvre l'accès au catalogue commun."),
    ("education", "on_agenda", "Festival des films d'élèves : quatrième édition",
     "Soutenir la quatrième édition du festival régional des films d'élèves.",
     "Une subvention de 1 200 € pour la salle, les copies et l'accueil des classes lauréates."),
    ("education", "voting", "Ateliers d'éducation à l'image dans les lycées agricoles",
     "Dix ateliers de pratique dans cinq lycées.",
     "Les élèves réalisent un court film sur leur territoire avec un·e cinéaste."),
    ("patrimoine", "adopted", "Campagne de numérisation des films amateurs 9,5 mm",
     "Numériser 300 bobines des fonds familiaux.",
     "Priorité aux bobines en mauvais état ; convention avec le laboratoire régional."),
    ("patrimoine", "rejected", "Vente de copies numériques aux particuliers",
     "Proposer des copies payantes des films des fonds.",
     "Une boutique en ligne de copies, avec l'accord des déposants."),
]  # fmt: skip


def _people(college: College) -> tuple[User, User]:
    memberships = CollegeMembership.objects.filter(college=college, user__is_active=True).select_related("user")
    coordinator = next(m.user for m in memberships if m.role == CollegeRole.COORDINATOR)
    author = next((m.user for m in memberships if m.role == CollegeRole.MEMBER), coordinator)
    return author, coordinator


def _board() -> tuple[User, list[User]]:
    memberships = list(BoardMembership.objects.filter(user__is_active=True).select_related("user"))
    secretary = next(m.user for m in memberships if m.role == BoardRole.SECRETARY)
    return secretary, [m.user for m in memberships]


def seed_proposal_demo() -> int:
    """Create the demo proposals if there are none yet; return how many were created."""
    if Proposal.objects.exists():
        return 0
    secretary, board = _board()
    with transaction.atomic():
        for slug, step, title, summary, body in DEMO_PROPOSALS:
            college = College.objects.get(slug=slug)
            author, coordinator = _people(college)
            proposal = actions.create_proposal(author, college=college, title=title, summary=summary, body=body)
            if step in ("on_agenda", "adopted"):
                # A budget in the proposal's own folder: it opens to the board, then to everyone.
                folder = actions.proposal_folder(author, proposal=proposal)
                budget = pdf_bytes(f"Budget prévisionnel — {title}", "Total : 12 000 €")
                document_actions.upload_document(
                    author, folder=folder, incoming=IncomingFile.from_bytes("Budget prévisionnel.pdf", budget)
                )
            if step == "draft":
                continue
            actions.submit_proposal(author, proposal=proposal)
            if step == "in_review":
                continue
            if step == "returned":
                actions.return_proposal(coordinator, proposal=proposal, note="Précisez le budget et le calendrier.")
                continue
            actions.forward_proposal(coordinator, proposal=proposal, recommendation="Avis favorable du collège.")
            if step == "on_agenda":
                continue
            vote = actions.open_board_vote(secretary, proposal=proposal, deadline=timezone.now() + timedelta(days=5))
            if step == "voting":
                actions.cast_ballot(board[0], vote=vote, choice="for", comment="Très bonne idée.")
                continue
            choice = "for" if step == "adopted" else "against"
            for member in board[:-1]:
                actions.cast_ballot(member, vote=vote, choice=choice)
            actions.close_board_vote(secretary, vote=vote)
    return len(DEMO_PROPOSALS)
