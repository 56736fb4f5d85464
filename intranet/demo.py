"""Demo data: the people of a plausible regional federation, created through the actions.

``seed_demo`` is idempotent: people are found by e-mail address, and only what is missing is
added, so running it twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.text import slugify

from intranet import actions
from intranet.groups import sync_user_groups
from intranet.models import BoardMembership, College, CollegeMembership, Profile, Territory, User

DEMO_PASSWORD = "demo-intranet-2026"
DEMO_DOMAIN = "demo.federation.example"


@dataclass(frozen=True)
class DemoPerson:
    first_name: str
    last_name: str
    trade: str
    organisation: str
    territory: str
    skills: tuple[str, ...]
    colleges: tuple[tuple[str, str], ...] = ()
    board_role: str = ""
    staff: bool = False
    bio: str = ""
    show_phone: bool = False
    phone: str = ""

    @property
    def email(self) -> str:
        return f"{_ascii(self.first_name)}.{_ascii(self.last_name)}@{DEMO_DOMAIN}"


def _ascii(text: str) -> str:
    return slugify(text).replace("-", "")


M, C = "member", "coordinator"

PEOPLE: list[DemoPerson] = [
    # Staff (équipe salariée)
    DemoPerson(
        "Claire",
        "Moreau",
        "Déléguée générale",
        "Fédération régionale",
        "33",
        ("gestion associative", "politiques culturelles"),
        staff=True,
        bio="Coordonne l'équipe salariée et les instances de la fédération.",
    ),
    DemoPerson(
        "Julien",
        "Lefèvre",
        "Chargé des archives",
        "Fédération régionale",
        "33",
        ("archives filmiques", "numérisation", "catalogage"),
        staff=True,
    ),
    # Board (conseil d'administration)
    DemoPerson(
        "Isabelle",
        "Garnier",
        "Productrice",
        "Les Films du Marais",
        "17",
        ("production documentaire", "financement"),
        (("production", M),),
        board_role="president",
        bio="Produit des documentaires de création depuis vingt ans.",
    ),
    DemoPerson(
        "Thomas",
        "Roux",
        "Exploitant de salle",
        "Cinéma Le Rex",
        "24",
        ("exploitation", "programmation", "cinéma art et essai"),
        (("diffusion", M),),
        board_role="secretary",
    ),
    DemoPerson(
        "Nathalie",
        "Fournier",
        "Directrice de festival",
        "Festival des Landes",
        "40",
        ("festival", "programmation", "médiation"),
        (("diffusion", M),),
        board_role="treasurer",
    ),
    DemoPerson(
        "Philippe",
        "Girard",
        "Archiviste",
        "Cinémathèque régionale",
        "87",
        ("archives filmiques", "restauration"),
        (("patrimoine", M),),
        board_role="member",
    ),
    DemoPerson(
        "Sophie",
        "Bonnet",
        "Enseignante en cinéma",
        "Lycée Bertran-de-Born",
        "24",
        ("éducation à l'image", "lycéens et apprentis au cinéma"),
        (("education", M),),
        board_role="member",
    ),
    # Coordinators
    DemoPerson(
        "Camille",
        "Martin",
        "Réalisatrice",
        "Atelier Camille Martin",
        "33",
        ("cinéma d'animation", "réalisation", "écriture de scénario"),
        (("production", C),),
        show_phone=True,
        phone="05 56 00 00 01",
    ),
    DemoPerson(
        "Antoine",
        "Dubois",
        "Programmateur",
        "Réseau des salles de Gironde",
        "33",
        ("programmation", "circulation des films"),
        (("diffusion", C),),
    ),
    DemoPerson(
        "Élise",
        "Lambert",
        "Médiatrice culturelle",
        "Les Yeux Ouverts",
        "86",
        ("éducation à l'image", "ateliers", "médiation"),
        (("education", C),),
    ),
    DemoPerson(
        "Hugo",
        "Fontaine",
        "Documentaliste",
        "Centre de ressources",
        "16",
        ("fonds photographiques", "catalogage", "archives filmiques"),
        (("patrimoine", C),),
    ),
    # Members
    DemoPerson(
        "Léa",
        "Mercier",
        "Productrice",
        "Mer Productions",
        "64",
        ("production de fiction", "coproduction"),
        (("production", M),),
    ),
    DemoPerson(
        "Nicolas", "Blanc", "Chef opérateur", "Indépendant", "33", ("image", "étalonnage"), (("production", M),)
    ),
    DemoPerson("Manon", "Guerin", "Monteuse", "Indépendante", "87", ("montage", "montage son"), (("production", M),)),
    DemoPerson(
        "Lucas", "Boyer", "Ingénieur du son", "Studio Boyer", "47", ("prise de son", "mixage"), (("production", M),)
    ),
    DemoPerson(
        "Chloé",
        "Chevalier",
        "Scénariste",
        "Indépendante",
        "79",
        ("écriture de scénario", "développement"),
        (("production", M), ("education", M)),
    ),
    DemoPerson(
        "Maxime",
        "François",
        "Réalisateur",
        "Collectif Image Sud",
        "64",
        ("cinéma d'animation", "réalisation"),
        (("production", M),),
    ),
    DemoPerson(
        "Emma",
        "Robin",
        "Directrice de production",
        "Garonne Films",
        "47",
        ("direction de production", "financement"),
        (("production", M),),
    ),
    DemoPerson(
        "Alexandre",
        "Gauthier",
        "Producteur",
        "Pic Productions",
        "19",
        ("production documentaire",),
        (("production", M),),
    ),
    DemoPerson(
        "Pauline",
        "Perrin",
        "Exploitante de salle",
        "Cinéma L'Odyssée",
        "23",
        ("exploitation", "cinéma itinérant"),
        (("diffusion", M),),
    ),
    DemoPerson(
        "Romain",
        "Morin",
        "Projectionniste",
        "Ciné-club de Tulle",
        "19",
        ("projection", "cinéma itinérant"),
        (("diffusion", M),),
    ),
    DemoPerson(
        "Julie",
        "Rousseau",
        "Distributrice",
        "Atlantique Distribution",
        "17",
        ("distribution", "circulation des films"),
        (("diffusion", M),),
    ),
    DemoPerson(
        "Quentin",
        "Vincent",
        "Chargé de programmation",
        "Festival du court métrage",
        "86",
        ("festival", "court métrage"),
        (("diffusion", M),),
    ),
    DemoPerson(
        "Laura",
        "Muller",
        "Directrice de salle",
        "Cinéma Jean-Vigo",
        "33",
        ("exploitation", "jeune public"),
        (("diffusion", M), ("education", M)),
    ),
    DemoPerson(
        "Mathieu",
        "Lefebvre",
        "Animateur de ciné-club",
        "Association Plan Large",
        "79",
        ("médiation", "jeune public"),
        (("diffusion", M),),
    ),
    DemoPerson(
        "Sarah",
        "Faure",
        "Professeure des écoles",
        "École Jules-Ferry",
        "40",
        ("école et cinéma", "éducation à l'image"),
        (("education", M),),
    ),
    DemoPerson(
        "Benjamin",
        "André",
        "Intervenant cinéma",
        "Indépendant",
        "16",
        ("ateliers", "réalisation avec des élèves"),
        (("education", M),),
    ),
    DemoPerson(
        "Marion",
        "Mercier",
        "Chargée d'éducation à l'image",
        "Pôle image régional",
        "87",
        ("éducation à l'image", "formation des enseignants"),
        (("education", M),),
    ),
    DemoPerson(
        "Kevin",
        "Legrand",
        "Animateur jeunesse",
        "Maison des jeunes",
        "47",
        ("ateliers", "jeune public"),
        (("education", M),),
    ),
    DemoPerson(
        "Anaïs",
        "Garcia",
        "Enseignante",
        "Collège Montaigne",
        "24",
        ("collège au cinéma", "éducation à l'image"),
        (("education", M),),
    ),
    DemoPerson(
        "Guillaume",
        "Roussel",
        "Restaurateur de films",
        "Laboratoire Argentique",
        "86",
        ("restauration", "numérisation", "pellicule"),
        (("patrimoine", M),),
    ),
    DemoPerson(
        "Céline",
        "Henry",
        "Historienne du cinéma",
        "Université de Poitiers",
        "86",
        ("histoire du cinéma", "recherche"),
        (("patrimoine", M),),
    ),
    DemoPerson(
        "Olivier",
        "Masson",
        "Collectionneur",
        "Fonds Masson",
        "23",
        ("films amateurs", "collecte"),
        (("patrimoine", M),),
    ),
    DemoPerson(
        "Aurélie",
        "Nicolas",
        "Photographe",
        "Indépendante",
        "64",
        ("fonds photographiques", "photographie"),
        (("patrimoine", M),),
    ),
    DemoPerson(
        "Vincent",
        "Duval",
        "Chargé de valorisation",
        "Archives départementales",
        "17",
        ("valorisation", "archives filmiques"),
        (("patrimoine", M),),
    ),
    DemoPerson(
        "Margaux",
        "Brunet",
        "Réalisatrice",
        "Films de l'Estuaire",
        "33",
        ("réalisation", "production documentaire"),
        (("production", M), ("patrimoine", M)),
    ),
    DemoPerson("Paul", "Schmitt", "Technicien vidéo", "Indépendant", "40", ("captation", "image"), ()),
    DemoPerson(
        "Inès",
        "Colin",
        "Chargée de communication",
        "Cinéma Le Lux",
        "16",
        ("communication", "jeune public"),
        (("diffusion", M),),
    ),
    DemoPerson(
        "Louis",
        "Arnaud",
        "Producteur",
        "Landes Images",
        "40",
        ("production de fiction", "coproduction"),
        (("production", M),),
    ),
    DemoPerson(
        "Zoé",
        "Lemaire",
        "Doctorante",
        "Université Bordeaux Montaigne",
        "33",
        ("histoire du cinéma", "archives filmiques"),
        (("patrimoine", M), ("education", M)),
    ),
    DemoPerson("Bastien", "Renaud", "Bénévole", "Ciné-club de Mont-de-Marsan", "40", ("projection",), ()),
]

# Logins printed by `make run`: one per kind of person the product serves.
DEMO_LOGINS = [
    ("Claire.Moreau", "staff"),
    ("Isabelle.Garnier", "board president, collège Production"),
    ("Thomas.Roux", "board secretary, collège Diffusion"),
    ("Camille.Martin", "coordinator, collège Production"),
    ("Sarah.Faure", "member, collège Éducation"),
    ("Paul.Schmitt", "member without collège"),
]


def demo_login_lines() -> list[str]:
    people = {f"{p.first_name}.{p.last_name}": p for p in PEOPLE}
    existing = set(User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").values_list("email", flat=True))
    lines = []
    for key, description in DEMO_LOGINS:
        email = people[key].email
        if email in existing:
            lines.append(f"  {email:<48} {description}")
    return lines


def seed_demo() -> dict[str, int]:
    """Create whatever of the demo association is missing; return what was created."""
    created = {"people": 0, "memberships": 0, "board": 0}
    with transaction.atomic():
        staff_people = [p for p in PEOPLE if p.staff]
        actor = None
        for person in staff_people:
            user, was_created = _ensure_person(person)
            created["people"] += was_created
            if not user.is_staff:
                user.is_staff = True
                user.save(update_fields=["is_staff"])
            sync_user_groups(user)
            actor = actor or user
        colleges = {college.slug: college for college in College.objects.all()}
        for person in PEOPLE:
            user, was_created = (
                (User.objects.get(email=person.email), False) if person.staff else _ensure_person(person)
            )
            created["people"] += was_created
            for slug, role in person.colleges:
                college = colleges.get(slug)
                if college and not CollegeMembership.objects.filter(user=user, college=college).exists():
                    actions.add_college_member(actor, college=college, user=user, role=role)
                    created["memberships"] += 1
            if person.board_role and not BoardMembership.objects.filter(user=user, role=person.board_role).exists():
                actions.set_board_role(actor, user=user, role=person.board_role)
                created["board"] += 1
    return created


def _ensure_person(person: DemoPerson) -> tuple[User, bool]:
    user = User.objects.filter(email=person.email).first()
    if user is not None:
        return user, False
    user = User.objects.create_user(
        email=person.email, password=DEMO_PASSWORD, first_name=person.first_name, last_name=person.last_name
    )
    profile = Profile.objects.get(user=user)
    profile.trade = person.trade
    profile.organisation = person.organisation
    profile.territory = Territory.objects.filter(code=person.territory).first()
    profile.bio = person.bio
    profile.phone = person.phone
    profile.show_phone = person.show_phone
    profile.save()
    profile.skills.set(actions.ensure_skills(list(person.skills)))
    sync_user_groups(user)
    return user, True
