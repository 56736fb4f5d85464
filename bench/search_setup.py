"""Fill a migrated, empty database for ``bench/search.py``, with bulk inserts (not the actions):

- people [2,000]: 5 staff, the others each in one collège (10 % in two), a few coordinators per
  collège, a profile each (trade, organisation, territory-free bio of ~40 words);
- forum posts [100,000] in threads of 1 to 19 posts (≈ 10), the threads spread evenly over the
  four collège forums and the general forum, each post ~80 words long, written by readers of the
  forum, dates spread over 2 years;
- folders [400] in the four collège spaces (a random tree at most 4 deep, 5 % restricted to the
  collège's coordinators) and documents [10,000] spread over them, each with one current
  ``DocumentVersion`` whose ``extracted_text`` is ~1,400 words (``extraction_status="done"``;
  fake stored names, no files on disk).

The text is French-like: words drawn from a vocabulary of ~3,000 French words (Faker's French
word list, words of the federation's trade, and their plurals; accents included), French stop
words for a third of the words, a few numbers; the word frequencies follow a Zipf–Mandelbrot law
whose most frequent content word is in ~15 % of the posts. On top of that, the benchmark's query
words are placed on purpose:

- ``projet`` — the very common word: 0.5 % of all words, so in ~1/3 of the posts (and in nearly
  every 1,400-word document);
- ``cinéma`` (rank 100), ``tournage`` (rank 40), ``subvention`` (rank 600) — ordinary words;
- ``assemblée générale`` — a set phrase, 0.04 % of the words (~3 % of the posts); ``assemblée``
  and ``générale`` also occur on their own, so that the phrase query must check positions.
"""

from __future__ import annotations

import html
import itertools
import random
from dataclasses import dataclass, field
from datetime import timedelta


def _words(text: str) -> list[str]:
    return text.split()


BATCH = 2000
STAFF_COUNT = 5
COORDINATORS_PER_COLLEGE = 5
MAX_DEPTH = 4
POST_WORDS = 80
DOCUMENT_WORDS = 1400
UNUSABLE_PASSWORD = "!bench-search-unusable"  # noqa: S105 - starts with "!": never a valid hash

COMMON_WORD = "projet"
PHRASE = "assemblée générale"
PLACED = {"tournage": 40, "cinéma": 100, "subvention": 600, "assemblée": 250, "générale": 350}
COMMON_RATE = 0.005
PHRASE_RATE = 0.0004
STOP_RATE = 0.33
NUMBER_RATE = 0.02
ZIPF_OFFSET = 150  # Zipf–Mandelbrot: weight of rank k is 1 / (k + ZIPF_OFFSET)

TRADE_WORDS = _words("""
cinéma cinémas film films tournage réalisateur réalisatrice réalisation scénario scénariste
producteur productrice production diffusion distribution distributeur exploitant exploitation
salle salles séance séances projection projectionniste festival festivals programmation
programmateur programmatrice patrimoine archive archives restauration numérisation pellicule
bobine copie copies éducation élève élèves lycée collège enseignant enseignante atelier ateliers
médiation médiateur médiatrice public publics spectateur spectatrice spectateurs billetterie
subvention subventions budget budgets financement financements dossier dossiers convention
conventions partenaire partenaires partenariat région département commune association adhérent
adhérente adhérents bénévole bénévoles salarié salariée réunion réunions assemblée générale
conseil bureau trésorier trésorière secrétaire présidente président compte rendu ordre
calendrier planning tournée tournées court métrage long documentaire animation fiction
sous-titrage doublage étalonnage montage monteur monteuse mixage son image caméra lumière
décor costume casting comédien comédienne interprète musique affiche bande annonce sortie
première avant-première rétrospective hommage débat rencontre invité invitée catalogue
résidence écriture développement aide aides fonds commission jury sélection prix palmarès
droits auteur autrice contrat contrats facture factures devis paiement rémunération
cotisation cotisations inscription inscriptions formation formations stage stagiaire
médiathèque cinémathèque laboratoire numérique équipement équipements projecteur écran
accessibilité audiodescription handicap territoire territoires rural itinérant itinérante
""")

STOP_WORDS = _words("""
de la le et les des en un une du est pour que qui dans sur pas au avec ce il nous vous sont
par on mais plus ou se ne leur cette son sa ses nos aux été être fait comme tout aussi très
""")

TRADES = [
    "réalisatrice",
    "réalisateur",
    "monteuse",
    "monteur",
    "projectionniste",
    "programmatrice",
    "médiateur culturel",
    "archiviste",
    "productrice",
    "exploitant de salle",
    "chargée de diffusion",
    "enseignant",
]


@dataclass
class Built:
    """What the benchmark needs to know about the data it measures."""

    users: int = 0
    threads: int = 0
    posts: int = 0
    folders: int = 0
    documents: int = 0
    vocabulary: int = 0  # surface forms
    post_characters: int = 0
    document_characters: int = 0
    # Per collège slug: plain members in exactly that one collège (not coordinators).
    single_college_members: dict[str, list[int]] = field(default_factory=dict)
    # Per forum id: a few thread ids (for the freshness replies).
    threads_of_forum: dict[int, list[int]] = field(default_factory=dict)


class Text:
    """French-like words, drawn fast (``random.choices`` over cumulative weights)."""

    def __init__(self, rng: random.Random):
        from faker.providers.lorem.fr_FR import Provider

        self.rng = rng
        base: list[str] = []
        for entry in list(Provider.word_list) + TRADE_WORDS:
            for word in entry.split():
                if word not in base and word not in STOP_WORDS:
                    base.append(word)
        # Plurals and a few verb forms: the few thousand forms of an everyday vocabulary.
        forms = list(base)
        for word in base:
            if len(word) <= 3 or word[-1] in "sxz" or word.endswith("ment"):
                continue
            if word.endswith("er"):
                forms.append(word[:-2] + rng.choice(["é", "ée", "ons", "ez", "ent", "ait"]))
            elif not word.endswith(("ir", "oir", "re")) and rng.random() < 0.8:
                forms.append(word + ("x" if word.endswith(("eau", "au")) else "s"))
        forms = sorted(set(forms) - {COMMON_WORD, COMMON_WORD + "s"} - set(PLACED))
        rng.shuffle(forms)
        for word, rank in sorted(PLACED.items(), key=lambda item: item[1]):
            forms.insert(rank - 1, word)
        self.content = forms
        numbers = [str(n) for n in range(1, 400)] + [str(year) for year in range(1950, 2031)]
        content_mass = 1 - STOP_RATE - NUMBER_RATE - COMMON_RATE - PHRASE_RATE
        zipf = [1 / (rank + ZIPF_OFFSET) for rank in range(1, len(forms) + 1)]
        stop = [1 / rank for rank in range(1, len(STOP_WORDS) + 1)]
        tokens = (
            [(word, content_mass * weight / sum(zipf)) for word, weight in zip(forms, zipf, strict=True)]
            + [(word, STOP_RATE * weight / sum(stop)) for word, weight in zip(STOP_WORDS, stop, strict=True)]
            + [(number, NUMBER_RATE / len(numbers)) for number in numbers]
            + [(COMMON_WORD, COMMON_RATE), (PHRASE, PHRASE_RATE)]
        )
        self.tokens = [token for token, _weight in tokens]
        self.cumulative = list(itertools.accumulate(weight for _token, weight in tokens))
        self.vocabulary = len(forms) + len(STOP_WORDS) + len(numbers) + 1

    def words(self, count: int) -> list[str]:
        return self.rng.choices(self.tokens, cum_weights=self.cumulative, k=count)

    def sentences(self, count: int) -> str:
        """About ``count`` words in sentences of 6 to 18 words."""
        words = self.words(max(1, round(count * self.rng.uniform(0.85, 1.15))))
        out, start = [], 0
        while start < len(words):
            length = self.rng.randint(6, 18)
            sentence = words[start : start + length]
            sentence[0] = sentence[0][:1].upper() + sentence[0][1:]
            out.append(" ".join(sentence) + ".")
            start += length
        return " ".join(out)

    def paragraphs(self, count: int, per_paragraph: int = 120) -> str:
        parts = [self.sentences(per_paragraph) for _index in range(max(1, count // per_paragraph))]
        return "\n\n".join(parts)

    def title(self, low: int = 3, high: int = 8) -> str:
        words = self.rng.choices(self.content[:2000], k=self.rng.randint(low, high))
        return (words[0][:1].upper() + words[0][1:] + " " + " ".join(words[1:])).strip()


def _next_id(model) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


def _html(body: str) -> str:
    return "".join(f"<p>{html.escape(paragraph)}</p>" for paragraph in body.split("\n\n"))


def build(*, users: int, posts: int, folders: int, documents: int, seed: int = 20261126) -> Built:
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.utils import timezone

    from documents.models import Document, DocumentVersion, ExtractionStatus, Folder, FolderGroupPermission, Space
    from forums.models import Forum, ForumKind, Post, Thread
    from intranet.groups import ALL_MEMBERS_GROUP, STAFF_GROUP, system_group
    from intranet.models import College, CollegeMembership, CollegeRole, Profile, User

    rng = random.Random(seed)  # noqa: S311 - reproducible data, not secrets
    text = Text(rng)
    built = Built(vocabulary=text.vocabulary)
    now = timezone.now()
    two_years = 2 * 365 * 24 * 3600
    colleges = list(College.objects.order_by("position").select_related("members_group", "coordinators_group"))
    UserGroup = User.groups.through

    with transaction.atomic():
        # --- People ------------------------------------------------------------------------------
        all_members, staff_group = system_group(ALL_MEMBERS_GROUP), system_group(STAFF_GROUP)
        first_user = _next_id(User)
        people, profiles, memberships, user_groups = [], [], [], []
        readers: dict[int, list[int]] = {college.pk: [] for college in colleges}  # collège id → people
        coordinators: dict[int, int] = dict.fromkeys(readers, 0)
        for index in range(users):
            pk = first_user + index
            is_staff = index < STAFF_COUNT
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            people.append(
                User(
                    pk=pk,
                    email=f"banc.rech{index:05d}@example.org",
                    first_name=first,
                    last_name=f"{last}-{index:04d}",
                    handle=f"banc.rech{index:05d}",
                    password=UNUSABLE_PASSWORD,
                    is_staff=is_staff,
                    date_joined=now - timedelta(seconds=rng.randrange(two_years)),
                )
            )
            profiles.append(
                Profile(
                    user_id=pk,
                    trade=rng.choice(TRADES),
                    organisation=f"Association {text.title(1, 3)}",
                    bio=text.sentences(40),
                )
            )
            user_groups.append(UserGroup(user_id=pk, group_id=all_members.pk))
            if is_staff:
                user_groups.append(UserGroup(user_id=pk, group_id=staff_group.pk))
                continue
            own = [colleges[index % len(colleges)]]
            if index % 10 == 0:
                own.append(colleges[(index + 1) % len(colleges)])
            for college in own:
                readers[college.pk].append(pk)
                coordinator = coordinators[college.pk] < COORDINATORS_PER_COLLEGE and len(own) == 1
                coordinators[college.pk] += coordinator
                memberships.append(
                    CollegeMembership(
                        user_id=pk,
                        college=college,
                        role=CollegeRole.COORDINATOR if coordinator else CollegeRole.MEMBER,
                    )
                )
                user_groups.append(UserGroup(user_id=pk, group_id=college.members_group_id))
                if coordinator:
                    user_groups.append(UserGroup(user_id=pk, group_id=college.coordinators_group_id))
                elif len(own) == 1:
                    built.single_college_members.setdefault(college.slug, []).append(pk)
        User.objects.bulk_create(people, batch_size=BATCH)
        Profile.objects.bulk_create(profiles, batch_size=BATCH)
        CollegeMembership.objects.bulk_create(memberships, batch_size=BATCH)
        UserGroup.objects.bulk_create(user_groups, batch_size=BATCH)
        built.users = users
        everyone = [person.pk for person in people]

        # --- Threads and posts ------------------------------------------------------------------
        forums = list(Forum.objects.filter(kind__in=[ForumKind.COLLEGE, ForumKind.GENERAL]).order_by("pk"))
        writers = {forum.pk: readers.get(forum.college_id) or everyone for forum in forums}
        first_thread, first_post = _next_id(Thread), _next_id(Post)
        thread_rows, post_rows = [], []
        thread_pk, post_pk, written = first_thread, first_post, 0

        def flush(final: bool = False) -> None:
            nonlocal thread_rows, post_rows
            if thread_rows and (final or len(post_rows) >= BATCH * 2):
                Thread.objects.bulk_create(thread_rows, batch_size=BATCH)
                Post.objects.bulk_create(post_rows, batch_size=BATCH)
                thread_rows, post_rows = [], []

        while written < posts:
            forum = forums[(thread_pk - first_thread) % len(forums)]
            count = min(rng.randint(1, 19), posts - written)
            started = now - timedelta(seconds=rng.randrange(60, two_years))
            authors = writers[forum.pk]
            thread_rows.append(
                Thread(
                    pk=thread_pk,
                    forum_id=forum.pk,
                    title=text.title(),
                    author_id=rng.choice(authors),
                    created_at=started,
                    last_activity_at=started,
                    post_count=count,
                )
            )
            when = started
            for number in range(1, count + 1):
                body = text.sentences(POST_WORDS)
                built.post_characters += len(body)
                post_rows.append(
                    Post(
                        pk=post_pk,
                        thread_id=thread_pk,
                        number=number,
                        author_id=thread_rows[-1].author_id if number == 1 else rng.choice(authors),
                        body=body,
                        body_html=_html(body),
                        created_at=when,
                    )
                )
                post_pk += 1
                when = min(now, when + timedelta(seconds=rng.randrange(60, 3 * 24 * 3600)))
            thread_rows[-1].last_activity_at = when
            seen = built.threads_of_forum.setdefault(forum.pk, [])
            if len(seen) < 20:
                seen.append(thread_pk)
            thread_pk += 1
            written += count
            flush()
        flush(final=True)
        built.threads, built.posts = thread_pk - first_thread, written

        # --- Folders ------------------------------------------------------------------------------
        spaces = {space.college_id: space for space in Space.objects.filter(college__in=colleges)}
        roots = {folder.space_id: folder for folder in Folder.objects.filter(parent__isnull=True)}
        manage = (
            FolderGroupPermission._meta.get_field("permission")
            .related_model.objects.get(content_type__app_label="documents", codename="manage_folder")
            .pk
        )
        next_folder = _next_id(Folder)
        folder_rows, grants, depth = [], [], {}
        per_space = [folders // len(colleges) + (1 if i < folders % len(colleges) else 0) for i in range(len(colleges))]
        for college, count in zip(colleges, per_space, strict=True):
            root = roots[spaces[college.pk].pk]
            depth[root.pk] = 0
            parents = [root]
            for index in range(count):
                parent = rng.choice(parents)
                restricted = rng.random() < 0.05
                folder = Folder(
                    pk=next_folder,
                    space_id=root.space_id,
                    parent_id=parent.pk,
                    name=f"{text.title(1, 4)} {index:04d}",
                    path=f"{parent.path}{next_folder}/",
                    access_root_id=next_folder if restricted else parent.access_root_id,
                    restricted=restricted,
                    created_at=now,
                )
                depth[folder.pk] = depth[parent.pk] + 1
                if depth[folder.pk] < MAX_DEPTH:
                    parents.append(folder)
                if restricted:
                    grants.append(
                        FolderGroupPermission(
                            group_id=college.coordinators_group_id, permission_id=manage, content_object_id=folder.pk
                        )
                    )
                folder_rows.append(folder)
                next_folder += 1
        Folder.objects.bulk_create(folder_rows, batch_size=BATCH)
        FolderGroupPermission.objects.bulk_create(grants, batch_size=BATCH)
        built.folders = len(folder_rows)

        # --- Documents, one current version each -----------------------------------------------
        first_document, first_version = _next_id(Document), _next_id(DocumentVersion)
        folder_ids = [folder.pk for folder in folder_rows] or [root.pk for root in roots.values()]
        batch = 200  # ~10 kB of text each
        for start in range(0, documents, batch):
            docs, versions = [], []
            for index in range(start, min(documents, start + batch)):
                folder_id = folder_ids[index % len(folder_ids)]
                name = f"{text.title(2, 6)} {index:05d}.pdf"
                author = rng.choice(everyone)
                extracted = text.paragraphs(DOCUMENT_WORDS)
                description = text.sentences(20) if rng.random() < 0.5 else ""
                built.document_characters += len(extracted) + len(description) + len(name)
                docs.append(
                    Document(
                        pk=first_document + index,
                        folder_id=folder_id,
                        name=name,
                        description=description,
                        current_version_id=first_version + index,
                        created_by_id=author,
                    )
                )
                versions.append(
                    DocumentVersion(
                        pk=first_version + index,
                        document_id=first_document + index,
                        number=1,
                        stored_name=f"be/nc/{index:032x}",
                        original_name=name,
                        size=rng.randrange(20_000, 5_000_000),
                        content_type="application/pdf",
                        sha256=f"{index:064x}",
                        uploaded_by_id=author,
                        extraction_status=ExtractionStatus.DONE,
                        extracted_text=extracted,
                    )
                )
            # Both tables reference each other: the foreign keys are checked at commit.
            Document.objects.bulk_create(docs, batch_size=batch)
            DocumentVersion.objects.bulk_create(versions, batch_size=batch)
        built.documents = documents

        # Explicit keys leave PostgreSQL's sequences behind: the replies must get fresh ids.
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(
                no_style(), [User, Profile, CollegeMembership, Thread, Post, Folder, Document, DocumentVersion]
            ):
                cursor.execute(statement)

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return built


FIRST_NAMES = _words("""
Camille Léa Chloé Manon Inès Jade Louise Zoé Lina Élise Anaïs Clémence Hélène Margaux Céline
Lucas Hugo Louis Gabriel Arthur Jules Léo Raphaël Maël Noé Théo Benoît Jérôme Cédric Rémi Aurélien
""")
LAST_NAMES = _words("""
Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefèvre Michel
Garcia David Bertrand Roux Vincent Fournier Morel Girard André Lefèbvre Mercier Dupont Lambert
Bonnet François Martinez Légaré Bézier Chénier Gaillard Brunet Blanchard Guérin Faure Rousseau
""")
