"""Demo fonds at every stage, from a family's Super 8 reels to a company's 16 mm films, through
the archive's own actions (so their history, tasks and notifications are real)."""

from __future__ import annotations

import struct
import zlib

from django.conf import settings
from django.db import transaction

from documents import actions as document_actions
from documents.uploads import IncomingFile
from intranet.models import College, CollegeMembership, CollegeRole, Territory, User
from workflows.archives import actions, files
from workflows.archives.agreement import agreement_odt
from workflows.archives.items import ItemDraft
from workflows.archives.models import Digitisation, Fonds, FondsStatus

S8, MM8, MM16, MM9, VHS, NEG, GLASS = "super8", "8mm", "16mm", "9.5mm", "vhs", "negatives", "glass_plates"

# (title, depositor outside or None for a member, stage, items as (title, format, count, year, place, subjects))
DEMO_FONDS = [
    ("Films de la famille Lenoir", None, FondsStatus.CATALOGUED, [
        ("Vacances à Royan", S8, 3, 1972, "Royan", "vacances, plage, famille"),
        ("Mariage de Jeanne et Paul", MM8, 1, 1964, "Saintes", "mariage, famille"),
        ("Fête de la Saint-Jean", S8, 2, 1976, "Cognac", "fête de village, feux de la Saint-Jean"),
    ]),
    ("Établissements Durand, films d'entreprise", "Société Durand et fils", FondsStatus.CATALOGUED, [
        ("La filature en 1958", MM16, 5, 1958, "Limoges", "industrie textile, filature, travail ouvrier"),
        ("Inauguration de l'usine neuve", MM16, 2, 1961, "Limoges", "industrie textile, inauguration, patronat"),
        ("Le personnel en congés payés", MM16, 1, 1962, "Arcachon", "congés payés, plage, travail ouvrier"),
        ("Publicité pour les draps Durand", MM16, 1, 1965, "", "publicité, industrie textile"),
    ]),
    ("Plaques de verre de l'abbé Martin", "Paroisse de Saint-Lô", FondsStatus.CATALOGUED, [
        ("Processions et ostensions", GLASS, 48, 1905, "Périgueux", "religion, procession, ostensions"),
        ("Moissons et vendanges", GLASS, 30, 1910, "Périgueux", "agriculture, moissons, vendanges, vie rurale"),
    ]),
    ("Ciné-club de Tulle, bobines 9,5 mm", None, FondsStatus.IN_INTAKE, [
        ("Charlot s'évade (copie Pathé-Baby)", MM9, 2, 1925, "", "cinéma burlesque, Charlie Chaplin"),
        ("Actualités régionales", MM9, 4, 1931, "Tulle", "actualités, vie locale"),
    ]),
    ("Reportages de Télé-Bocage", "Association Télé-Bocage", FondsStatus.IN_AGREEMENT, [
        ("La foire aux bestiaux", VHS, 6, 1988, "Guéret", "foire, élevage, vie rurale"),
        ("La fermeture de la laiterie", VHS, 2, 1991, "Aubusson", "industrie laitière, fermeture d'usine, emploi"),
    ]),
    ("Négatifs du studio Lefèvre", "Famille Lefèvre", FondsStatus.IN_APPRAISAL, [
        ("Portraits de communiantes", NEG, 400, 1950, "Niort", "portrait, communion, studio photographique"),
        ("Mariages", NEG, 650, 1955, "Niort", "mariage, studio photographique"),
    ]),
    ("Films de vacances de M. Hébert", None, FondsStatus.IN_APPRAISAL, [
        ("Tour de France à Bordeaux", S8, 1, 1970, "Bordeaux", "cyclisme, Tour de France"),
        ("La côte basque", S8, 1, 1973, "Biarritz", "vacances, plage, surf"),
    ]),
    ("Super 8 du lycée agricole", "Lycée agricole de Sées", FondsStatus.OFFERED, [
        ("Travaux pratiques de traite", S8, 3, 1979, "Agen", "enseignement agricole, élevage"),
    ]),
    ("Amateurs de l'aéro-club", None, FondsStatus.OFFERED, [
        ("Meeting aérien", MM8, 2, 1962, "Mérignac", "aviation, meeting aérien"),
    ]),
    ("Copies VHS de films du commerce", "Vidéo-club de Bergerac", FondsStatus.DECLINED, [
        ("Films de cinéma enregistrés à la télévision", VHS, 40, 1990, "", "télévision"),
    ]),
    ("Bobines moisies d'un grenier", "M. et Mme Caron", FondsStatus.NOT_RETAINED, [
        ("Bobines sans boîte", MM8, 6, 1960, "", ""),
    ]),
    ("Films du comité des fêtes", None, FondsStatus.WITHDRAWN, [
        ("Cavalcade", S8, 2, 1982, "Poitiers", "fête de village, cavalcade, carnaval"),
    ]),
]  # fmt: skip


TERRITORY_OF = {
    "Royan": "17", "Saintes": "17", "Cognac": "16", "Limoges": "87", "Arcachon": "33", "Bordeaux": "33",
    "Mérignac": "33", "Périgueux": "24", "Tulle": "19", "Guéret": "23", "Aubusson": "23", "Niort": "79",
    "Biarritz": "64", "Agen": "47", "Poitiers": "86",
}  # fmt: skip


def _territory(place: str) -> int | None:
    code = TERRITORY_OF.get(place)
    return Territory.objects.filter(code=code).values_list("pk", flat=True).first() if code else None


def seed_archive_demo() -> int:
    """Create the demo fonds if there are none yet; return how many were created."""
    if Fonds.objects.exists():
        return 0
    staff = User.objects.filter(is_staff=True, is_active=True).order_by("pk").first()
    heritage = College.objects.filter(slug="patrimoine").first()
    members = list(
        CollegeMembership.objects.filter(college=heritage, role=CollegeRole.MEMBER, user__is_active=True)
        .select_related("user")
        .order_by("pk")
    )
    if staff is None or not members:
        return 0
    with transaction.atomic():
        for index, (title, outside, stage, lines) in enumerate(DEMO_FONDS):
            items = [
                ItemDraft(
                    title=t, format=f, count=c, year_from=y, place=p, territory_id=_territory(p), subjects=subjects
                )
                for t, f, c, y, p, subjects in lines
            ]
            member = members[index % len(members)].user
            if outside is None:
                fonds = actions.record_offer(member, title=title, items=items, depositor=member)
            else:
                fonds = actions.record_offer(staff, title=title, items=items, depositor_name=outside)
            _bring_to(stage, fonds, staff, member if outside is None else staff)
    return len(DEMO_FONDS)


def _bring_to(stage: str, fonds: Fonds, staff: User, depositor: User) -> None:
    if stage == FondsStatus.OFFERED:
        return
    if stage == FondsStatus.WITHDRAWN:
        actions.withdraw_offer(depositor, fonds=fonds, reason="La famille préfère garder les films.")
        return
    if stage == FondsStatus.DECLINED:
        actions.decline_offer(staff, fonds=fonds, reason="Copies de films du commerce : hors du champ des archives.")
        return
    actions.assign_archivist(staff, fonds=fonds, archivist=staff)
    if stage == FondsStatus.IN_APPRAISAL:
        return
    keep = stage != FondsStatus.NOT_RETAINED
    for position, item in enumerate(fonds.items.order_by("position")):
        retained = keep and position < 3  # the fourth reel of a fonds is a duplicate
        damages = [] if retained else ["mould"]
        actions.appraise_item(
            staff, item=item, retained=retained, damages=damages, condition_note="Vu à la visionneuse."
        )
    reason = "" if keep else "Bobines trop dégradées (moisissures), sans intérêt régional identifié."
    actions.finish_appraisal(staff, fonds=Fonds.objects.get(pk=fonds.pk), reason=reason)
    if stage == FondsStatus.NOT_RETAINED or stage == FondsStatus.IN_AGREEMENT:
        return
    actions.record_agreement(staff, fonds=fonds, transfer="deposit", uses=["on_site", "research", "online"])
    # The signed copy, as scanned back: intake waits for it.
    fonds = Fonds.objects.get(pk=fonds.pk)
    signed = agreement_odt(fonds, transfer=fonds.transfer, uses=fonds.uses, association=settings.ASSOCIATION_NAME)
    files.attach_signed_agreement(staff, fonds=fonds, incoming=IncomingFile.from_bytes("convention-signee.odt", signed))
    if stage == FondsStatus.IN_INTAKE:
        return
    placements = [
        actions.Placement(item.pk, f"Magasin {1 + item.pk % 3}, travée {item.position}")
        for item in fonds.items.filter(retained=True)
    ]
    actions.take_in(staff, fonds=fonds, placements=placements)
    _digitise_first_item(staff, Fonds.objects.get(pk=fonds.pk))


def _digitise_first_item(staff: User, fonds: Fonds) -> None:
    """A still of the first item, as the digitisation bench would leave it in the fonds's files;
    the next item on the bench (the digitisation queue shows both of its states)."""
    first_two = list(fonds.items.filter(retained=True).order_by("number")[:2])
    if not first_two or fonds.folder is None:
        return
    item, *others = first_two
    still = IncomingFile.from_bytes(f"{item.call_number} - photogramme.png", _sepia_still(seed=item.pk))
    document_actions.upload_document(staff, folder=fonds.folder, incoming=still, description=item.title)
    actions.set_digitisation(staff, item=item, state=Digitisation.DIGITISED)
    for on_the_bench in others:
        actions.set_digitisation(staff, item=on_the_bench, state=Digitisation.IN_PROGRESS)


def _sepia_still(*, seed: int, width: int = 160, height: int = 120) -> bytes:
    """A small sepia gradient as a PNG: enough to show a still, without an imaging library."""
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # no filter on this row
        for x in range(width):
            light = (x * 3 + y * 2 + seed * 17) % 256
            rows += bytes((min(255, light + 40), min(255, light + 20), light))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(rows))) + chunk(b"IEND", b"")
    )
