"""Demo folder trees and a few real documents in every space, with one restricted folder."""

from __future__ import annotations

from django.db import transaction

from documents import actions, selectors
from documents.models import AccessLevel, Folder, Space
from documents.samples import docx_bytes, odt_bytes, pdf_bytes
from documents.uploads import IncomingFile
from intranet.groups import BOARD_GROUP, system_group
from intranet.models import CollegeMembership, CollegeRole, User


def _text(*lines: str) -> bytes:
    return "\n".join(lines).encode()


# space slug → folder path → [(file name, content, description)]
DEMO_TREES = {
    "association": {
        "Statuts et règlement": [
            (
                "Statuts 2024.pdf",
                pdf_bytes("Statuts de la fédération", "Article 1 : objet", "Article 2 : collèges"),
                "Statuts adoptés en AG extraordinaire.",
            ),
            (
                "Règlement intérieur.odt",
                odt_bytes("Règlement intérieur", "Le conseil d'administration se réunit chaque mois."),
                "",
            ),
        ],
        "Conseil d'administration": [
            (
                "Composition du CA.md",
                _text(
                    "# Composition du conseil d'administration",
                    "",
                    "- Présidente : Isabelle Garnier",
                    "- Secrétaire : Thomas Roux",
                ),
                "",
            ),
        ],
        "Formulaires": [
            (
                "Formulaire de dépôt d'un fonds.docx",
                docx_bytes(
                    "Formulaire de dépôt d'un fonds d'archives", "Déposant :", "Nature des films et photographies :"
                ),
                "À remplir pour déposer un fonds à la cinémathèque régionale.",
            ),
        ],
    },
    "college-production": {
        "Comptes rendus": [
            (
                "CR réunion septembre.md",
                _text("# Réunion du collège Production", "", "Tournages en région, aides à l'écriture, résidences."),
                "",
            ),
            (
                "CR réunion octobre.pdf",
                pdf_bytes("Réunion d'octobre", "Bilan du fonds d'aide et calendrier des commissions."),
                "",
            ),
        ],
        "Aides à la production": [
            (
                "Guide des aides.docx",
                docx_bytes("Guide des aides à la production", "Court métrage, documentaire, animation."),
                "",
            ),
        ],
        "Budget prévisionnel": [
            (
                "Budget 2027.pdf",
                pdf_bytes("Budget prévisionnel 2027", "Document de travail : réservé au CA et à l'animation."),
                "Réservé au CA.",
            ),
        ],
    },
    "college-diffusion": {
        "Circulation des films": [
            (
                "Catalogue 2026.csv",
                _text("titre;réalisation;durée", "La rivière;A. Dupuis;52", "Les vendanges;M. Leroy;18"),
                "",
            ),
        ],
        "Salles partenaires": [
            (
                "Liste des salles.md",
                _text("# Salles partenaires", "", "- Cinéma Le Rex", "- Ciné-club de la vallée"),
                "",
            ),
        ],
    },
    "college-education": {
        "Éducation à l'image/Ateliers élèves": [
            (
                "Fiche atelier.odt",
                odt_bytes("Éducation à l'image pour les élèves", "Atelier d'analyse de film au cinéma de quartier."),
                "",
            ),
        ],
    },
    "college-patrimoine": {
        "Fonds d'archives": [
            ("Inventaire des fonds.csv", _text("cote;fonds;films;photographies", "F001;Famille Martin;42;1200"), ""),
        ],
        "Numérisation": [
            (
                "Cahier des charges numérisation.pdf",
                pdf_bytes("Numérisation des films 16 mm et 9,5 mm", "Cahier des charges."),
                "",
            ),
        ],
    },
    "conseil-d-administration": {
        "Séances 2026": [
            (
                "Ordre du jour novembre.pdf",
                pdf_bytes("Conseil d'administration de novembre", "1. Budget 2027", "2. Adhésions"),
                "",
            ),
        ],
        "Finances": [
            ("Comptes 2025.pdf", pdf_bytes("Comptes annuels 2025"), ""),
        ],
    },
}
RESTRICTED_TO_BOARD = ("college-production", "Budget prévisionnel")


def _actor_for(space: Space) -> User:
    if space.college_id:
        membership = (
            CollegeMembership.objects.filter(
                college_id=space.college_id, role=CollegeRole.COORDINATOR, user__is_active=True
            )
            .select_related("user")
            .first()
        )
        if membership:
            return membership.user
    return User.objects.filter(is_staff=True, is_active=True).order_by("pk").first()


def _folder(actor: User, root: Folder, path: str) -> Folder:
    folder = root
    for name in path.split("/"):
        existing = Folder.objects.filter(parent=folder, name=name, deleted_at__isnull=True).first()
        folder = existing or actions.create_folder(actor, parent=folder, name=name)
    return folder


def seed_document_demo() -> int:
    """Create the demo folders and documents of every space still empty; return the documents created."""
    created = 0
    with transaction.atomic():
        for slug, tree in DEMO_TREES.items():
            space = Space.objects.filter(slug=slug).first()
            if space is None:
                continue
            root = selectors.root_folder(space)
            actor = _actor_for(space)
            if actor is None or Folder.objects.filter(parent=root).exists():
                continue
            for path, files in tree.items():
                folder = _folder(actor, root, path)
                for name, content, description in files:
                    incoming = IncomingFile.from_bytes(name, content)
                    actions.upload_document(actor, folder=folder, incoming=incoming, description=description)
                    created += 1
                if (slug, path) == RESTRICTED_TO_BOARD:
                    _restrict_to_board_and_coordinators(actor, folder)
    return created


def _restrict_to_board_and_coordinators(actor: User, folder: Folder) -> None:
    folder = actions.set_folder_restricted(actor, folder=folder, restricted=True)
    members_group = folder.space.college.members_group
    actions.revoke_folder_access(actor, folder=folder, group=members_group)
    actions.grant_folder_access(actor, folder=folder, group=system_group(BOARD_GROUP), level=AccessLevel.VIEW)
