"""Search: French as people type it, only what the person may open, the indexer that loses and
doubles nothing, a damaged index rebuilt, and every bad input answered without a 500. The same
tests run on the PostgreSQL engine when the database is PostgreSQL."""

from __future__ import annotations

import logging
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import translation

from documents import actions as document_actions
from documents import extraction
from documents import selectors as document_selectors
from documents.models import Space
from documents.samples import pdf_bytes
from forums import actions as forum_actions
from forums.models import Forum
from intranet import search
from intranet.models import Profile, SearchChange
from intranet.search import indexer
from intranet.search.engine import Filters
from tests.factories import edit_profile, make_incoming, make_member, make_proposal
from tests.helpers import index_now


@pytest.fixture(params=["whoosh", "postgres"])
def engine_name(request, settings):
    if request.param == "postgres" and connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL search engine needs DATABASE_URL on PostgreSQL (CI runs it there)")
    settings.SEARCH_BACKEND = request.param
    return request.param


def found(user, text, **filters) -> list[str]:
    page = search.search(user, text, Filters(**filters))
    return [hit.display.title for hit in page.hits]


@pytest.fixture
def corpus(cast, engine_name):
    """A thread of Éducation, a PDF of Production, a proposal, and a colleague's profile."""
    education = Forum.objects.get(college__slug="education")
    thread = forum_actions.start_thread(
        cast.education_member,
        forum=education,
        title="Éducation à l'image pour les élèves",
        body="Des ateliers au lycée, avec une classe de seconde.",
    )
    root = document_selectors.root_folder(Space.objects.get(slug="college-production"))
    pdf, _version, _created = document_actions.upload_document(
        cast.production_member,
        folder=root,
        incoming=make_incoming("etude.pdf", pdf_bytes("Frequentation des cinemas de la region")),
    )
    extraction.extract_pending()  # what the extraction worker does after the upload
    proposal = make_proposal(cast.production_member, stage="in_review", title="Tournées de cinéma itinérant")
    edit_profile(
        cast.diffusion_member, organisation="Studio Pixel", trade="Réalisatrice", skills=["cinéma d'animation"]
    )
    index_now()
    return {"thread": thread, "pdf": pdf, "proposal": proposal}


def test_french_as_people_type_it_finds_every_kind(cast, corpus):
    page = search.search(cast.production_member, "eleve cinema")
    kinds = {group.kind for group in page.groups}
    # The Éducation thread is in a forum every member reads? Only if readable: check the reader.
    titles = [hit.display.title for hit in page.hits]
    assert "etude.pdf" in titles and "Tournées de cinéma itinérant" in titles
    assert cast.diffusion_member.get_full_name() in titles
    assert {"document", "proposal", "member"} <= kinds
    education_page = search.search(cast.education_member, "eleve cinema")
    assert "Éducation à l'image pour les élèves" in [hit.display.title for hit in education_page.hits]
    # Highlights mark the words as they are written.
    thread_hit = next(hit for hit in education_page.hits if hit.kind == "thread")
    assert "<mark>élèves</mark>" in thread_hit.title


def test_a_person_and_a_reply_are_shown_with_where_they_are(cast, corpus):
    colleague = cast.diffusion_member
    person = next(hit for hit in search.search(cast.production_member, "studio pixel").hits if hit.kind == "member")
    assert person.display.title == colleague.get_full_name()
    assert person.display.url == reverse("member_detail", args=[colleague.pk])
    assert person.display.context == colleague.college_memberships.get().college.name
    assert person.display.text.split("\n") == ["Réalisatrice", "Studio Pixel", "cinéma d'animation"]
    forum_actions.reply(cast.education_member, thread=corpus["thread"], body="Une sortie zygomatique au cinéma.")
    index_now()
    reply = next(hit for hit in search.search(cast.education_member, "zygomatique").hits if hit.kind == "post")
    assert reply.display.title == "Éducation à l'image pour les élèves"
    assert reply.display.url == reverse("forums:thread", args=[corpus["thread"].pk]) + "?page=1#post-2"
    assert reply.display.context == f"{corpus['thread'].forum.name} · {cast.education_member.get_full_name()}"
    # Deactivated since it was indexed: members no longer see the person, staff still do.
    colleague.is_active = False
    colleague.save(update_fields=["is_active"])
    assert colleague.get_full_name() not in found(cast.production_member, "studio pixel")
    assert colleague.get_full_name() in found(cast.staff, "studio pixel")


def test_a_member_of_another_college_finds_none_of_its_private_items(cast, corpus):
    titles = found(cast.patrimoine_member, "eleve cinema etude tournees")
    assert "Éducation à l'image pour les élèves" not in titles  # Éducation's forum
    assert "etude.pdf" not in titles  # Production's space
    assert "Tournées de cinéma itinérant" not in titles  # in review in Production
    assert cast.diffusion_member.get_full_name() in titles  # profiles are for every member


def test_a_restricted_folder_s_document_vanishes_for_outsiders_right_away(cast, engine_name):
    root = document_selectors.root_folder(Space.objects.get(slug="college-production"))
    budget = document_actions.create_folder(cast.coordinator, parent=root, name="Budget")
    document_actions.upload_document(
        cast.coordinator, folder=budget, incoming=make_incoming("previsionnel.pdf", pdf_bytes("x"))
    )
    index_now()
    assert "previsionnel.pdf" in found(cast.production_member, "previsionnel")
    budget = document_actions.set_folder_restricted(cast.coordinator, folder=budget, restricted=True)
    membership_group = budget.space.college.members_group
    document_actions.revoke_folder_access(cast.coordinator, folder=budget, group=membership_group)
    # No reindexing happened: the filter is asked of the folder selector at the search.
    assert SearchChange.objects.count() == 0
    # Several words and phrases are walked with the scopes on Whoosh: the same answer.
    for text in ("previsionnel", "previsionnel pdf", '"previsionnel pdf"'):
        assert "previsionnel.pdf" not in found(cast.production_member, text), text
        assert "previsionnel.pdf" in found(cast.coordinator, text), text


def test_prefix_phrase_exclusion_and_filters(cast, corpus):
    member = cast.education_member
    assert "Éducation à l'image pour les élèves" in found(member, "educ*")
    assert "Éducation à l'image pour les élèves" in found(member, '"éducation à l\'image"')
    assert "Éducation à l'image pour les élèves" not in found(member, '"image éducation"')
    assert "Éducation à l'image pour les élèves" not in found(member, "eleves -lycee")
    assert found(member, "eleves", kinds=("member",)) == []
    assert found(member, "eleves", college="production") == []
    assert "Éducation à l'image pour les élèves" in found(member, "eleves", college="education")
    assert "Éducation à l'image pour les élèves" in found(member, "eleves", author_id=cast.education_member.pk)
    assert found(member, "eleves", author_id=cast.staff.pk) == []


def test_new_content_is_found_once_the_indexer_ran_and_edits_and_hiding_follow(cast, corpus):
    thread = corpus["thread"]
    post = forum_actions.reply(cast.education_member, thread=thread, body="Le projectionniste viendra mardi.")
    assert found(cast.education_member, "projectionniste") == []  # not yet applied
    index_now()
    assert found(cast.education_member, "projectionniste") == [thread.title]
    post = forum_actions.edit_post(cast.education_member, post=post, body="La projectionniste viendra jeudi.")
    index_now()
    assert found(cast.education_member, "mardi") == []  # the searcher kept open sees the edit
    assert found(cast.education_member, "jeudi") == [thread.title]
    forum_actions.hide_post(cast.staff, post=post, reason="Hors sujet")
    index_now()
    assert found(cast.education_member, "projectionniste") == []


def test_the_indexer_loses_nothing_and_applies_nothing_twice_across_a_crash(cast, engine_name, monkeypatch):
    index_now()
    forum = Forum.objects.get(college__slug="production")
    thread = forum_actions.start_thread(cast.production_member, forum=forum, title="Projet de ciné-club", body="x")
    applied = []
    source = search.sources()["thread"]
    original_entries = source.entries
    monkeypatch.setattr(source, "entries", lambda ids: applied.extend(ids) or original_entries(ids))
    if engine_name == "whoosh":

        def crash(change_ids):
            raise RuntimeError("the indexer was killed here")

        monkeypatch.setattr(indexer, "_forget", crash)
        with pytest.raises(RuntimeError):
            indexer.apply_pending()
        assert SearchChange.objects.filter(kind="thread", object_id=thread.pk).exists()  # survived the crash
        monkeypatch.undo()
        monkeypatch.setattr(source, "entries", lambda ids: applied.extend(ids) or original_entries(ids))
    index_now()  # the restart
    assert applied.count(thread.pk) == 1 and not SearchChange.objects.exists()
    assert found(cast.production_member, "cine-club") == ["Projet de ciné-club"]


@pytest.mark.parametrize("damage", ["garbled", "deleted"])
def test_a_damaged_or_missing_whoosh_index_is_rebuilt_with_a_log_line(cast, settings, caplog, damage):
    import shutil

    settings.SEARCH_BACKEND = "whoosh"
    forum = Forum.objects.get(college__slug="production")
    forum_actions.start_thread(cast.production_member, forum=forum, title="Tournage en Creuse", body="x")
    index_now()
    if damage == "garbled":
        for path in [*settings.SEARCH_INDEX_DIR.glob("*.seg"), *settings.SEARCH_INDEX_DIR.glob("_MAIN_*.toc")]:
            path.write_bytes(b"not an index")
        page = search.search(cast.production_member, "creuse")
        assert page.unavailable and "reconstruction" in " ".join(page.notes)
    else:
        shutil.rmtree(settings.SEARCH_INDEX_DIR)
    with caplog.at_level(logging.WARNING, logger="intranet.search"):
        indexer.apply_pending()
    assert "rebuilding" in caplog.text
    assert found(cast.production_member, "creuse") == ["Tournage en Creuse"]


BAD_INPUTS = [
    "", "   ", '"', '"unbalanced quote', "AND", "OR NOT", "-", "*", "-cinema", "(", ")", "[a TO b]",
    "title:cinema", "cinema^3", "cin~2", "{}", "\\", "%", "'", "a" * 5000, "cinéma " * 1000, "\x00", "e*",
]  # fmt: skip


@pytest.mark.parametrize("text", BAD_INPUTS)
def test_bad_input_never_breaks_the_search_page(cast, login, text, settings):
    client = login(cast.production_member)
    response = client.get(reverse("search"), {"q": text})
    assert response.status_code == 200
    page = response.content.decode()
    # Either a best-effort search (its hits) or a message saying what to do.
    assert "message--info" in page or 'class="search-hits"' in page


def test_the_results_page_groups_by_kind_and_works_without_javascript(cast, corpus, login):
    client = login(cast.production_member)
    page = client.get(reverse("search"), {"q": "cinema"}).content.decode()
    assert 'role="search"' in page and 'id="site-search"' in page
    assert re.search(r'<h2 id="group-document">Documents</h2>', page)
    assert "<mark>" in page
    only_documents = client.get(reverse("search"), {"q": "cinema", "kind": "document"}).content.decode()
    assert "etude.pdf" in only_documents and "Tournées de cinéma itinérant" not in only_documents
    refused = client.get(reverse("search"), {"q": "cinema", "author": "@personne-inconnue", "since": "pas une date"})
    assert refused.status_code == 400 and "personne-inconnue" in refused.content.decode()


@pytest.mark.parametrize("number", ["abc", "-1", "0", "1.5", "²"])
def test_a_page_number_that_is_not_one_shows_the_first_page(cast, corpus, login, number):
    client = login(cast.production_member)
    response = client.get(reverse("search"), {"q": "cinema", "page": number})
    assert response.status_code == 200 and "etude.pdf" in response.content.decode()


def test_a_page_past_the_last_results_says_so_and_leads_back(cast, corpus, login):
    client = login(cast.production_member)
    page = client.get(reverse("search"), {"q": "cinema", "page": 999}).content.decode()
    assert "Il n’y a plus de résultats après cette page." in page
    assert 'href="?q=cinema"' in page and "Rien de ce que vous pouvez ouvrir" not in page
    assert 'rel="prev"' not in page


def test_the_filters_help_is_what_the_author_field_points_to(cast, login):
    page = login(cast.production_member).get(reverse("search")).content.decode()
    described_by = re.search(r'name="author"[^>]*aria-describedby="([^"]+)"', page).group(1)
    assert f'id="{described_by}"' in page


def test_commands_rebuild_with_its_rate_and_show_the_status(cast, corpus, capsys):
    call_command("search_index", "rebuild")
    output = capsys.readouterr().out
    assert re.search(r"\d+ documents indexed in [\d.]+ s \(\d+ documents/s\)", output)
    call_command("search_index", "status")
    output = capsys.readouterr().out
    assert re.search(r"Documents: \d+", output) and "Pending entries: 0" in output


def test_the_demo_is_searchable_once_the_indexer_ran(db, settings):
    from django.core.management import call_command

    from intranet.models import User

    call_command("seed_demo")
    index_now()
    member = User.objects.filter(college_memberships__college__slug="patrimoine", is_staff=False).first()
    page = search.search(member, "numérisation")
    assert "Campagne de numérisation des films amateurs 9,5 mm" in [hit.display.title for hit in page.hits]


def test_a_hidden_opening_message_is_neither_found_nor_shown(cast, engine_name):
    forum = Forum.objects.get(college__slug="production")
    thread = forum_actions.start_thread(
        cast.production_member, forum=forum, title="Réunion de rentrée", body="Le code du local est zanzibar."
    )
    index_now()
    forum_actions.hide_post(cast.staff, post=thread.posts.get(number=1), reason="Information privée")
    index_now()
    assert found(cast.production_member, "zanzibar") == []
    page = search.search(cast.production_member, "rentrée")
    assert [hit.display.title for hit in page.hits] == ["Réunion de rentrée"]
    assert "zanzibar" not in page.hits[0].snippet


def test_a_word_typed_whole_with_a_star_still_finds_it(cast, corpus):
    for typed in ("cinema*", "cinéma*", "cinem*", "itinerant*"):
        assert "Tournées de cinéma itinérant" in found(cast.production_member, typed), typed


def test_the_date_filter_counts_days_as_they_are_in_france(cast, engine_name):
    from datetime import date, datetime, time, timedelta
    from zoneinfo import ZoneInfo

    from forums.models import Thread

    forum = Forum.objects.get(college__slug="production")
    thread = forum_actions.start_thread(cast.production_member, forum=forum, title="Séance de minuit", body="x")
    half_past_midnight = datetime.combine(date(2026, 6, 11), time(0, 30), tzinfo=ZoneInfo("Europe/Paris"))
    Thread.objects.filter(pk=thread.pk).update(created_at=half_past_midnight)
    search.record_change("thread", [thread.pk])
    index_now()

    def day(d):
        return {
            "since": datetime.combine(d, time.min, tzinfo=ZoneInfo("Europe/Paris")),
            "until": datetime.combine(d, time.max, tzinfo=ZoneInfo("Europe/Paris")),
        }

    assert found(cast.production_member, "minuit", **day(date(2026, 6, 11))) == ["Séance de minuit"]
    assert found(cast.production_member, "minuit", **day(date(2026, 6, 11) - timedelta(days=1))) == []


def test_an_index_built_with_other_fields_is_rebuilt(cast, settings, caplog):
    from whoosh import fields, index

    settings.SEARCH_BACKEND = "whoosh"
    forum = Forum.objects.get(college__slug="production")
    forum_actions.start_thread(cast.production_member, forum=forum, title="Ciné-goûter", body="x")
    settings.SEARCH_INDEX_DIR.mkdir(parents=True)
    index.create_in(str(settings.SEARCH_INDEX_DIR), fields.Schema(key=fields.ID(unique=True), text=fields.TEXT))
    with caplog.at_level(logging.WARNING, logger="intranet.search"):
        index_now()
    assert "other fields" in caplog.text
    assert found(cast.production_member, "gouter") == ["Ciné-goûter"]


def test_what_has_every_word_comes_first_then_what_has_some_page_after_page(cast, engine_name, monkeypatch):
    forum = Forum.objects.get(college__slug="production")
    both = {f"Tournage {n}" for n in range(3)}
    some = {"Subvention régionale", "Subvention, subvention et subvention"}
    for title in both:
        forum_actions.start_thread(cast.production_member, forum=forum, title=title, body="Demande de subvention.")
    for title in some:
        forum_actions.start_thread(cast.production_member, forum=forum, title=title, body="Dossier.")
    index_now()
    assert set(found(cast.production_member, "tournage subvention")[:3]) == both
    monkeypatch.setattr(search, "PER_PAGE", 2)
    pages = [search.search(cast.production_member, "tournage subvention", page=n) for n in (1, 2, 3)]
    titles = [[hit.display.title for hit in page.hits] for page in pages]
    assert [len(page) for page in titles] == [2, 2, 1]
    assert set(titles[0]) < both and set(titles[0] + titles[1][:1]) == both
    assert set(titles[1][1:] + titles[2]) == some
    assert [page.has_next for page in pages] == [True, True, False]


def test_an_english_reader_sees_where_a_hit_is_in_english(cast, engine_name):
    """The context line of a hit names the built-in forum or space in the reader's language."""
    general = Forum.objects.get(kind="general")
    forum_actions.start_thread(cast.production_member, forum=general, title="Fête du court métrage", body="Programme.")
    board_root = document_selectors.root_folder(Space.objects.get(slug="conseil-d-administration"))
    document_actions.upload_document(
        cast.staff, folder=board_root, incoming=make_incoming("court-metrage.txt", b"Fete du court metrage")
    )
    extraction.extract_pending()
    index_now()
    english = cast.staff
    english.language = "en"
    english.save(update_fields=["language"])
    with translation.override("en"):
        contexts = {hit.kind: hit.display.context for hit in search.search(english, "fete court metrage").hits}
    assert contexts["thread"] == "General forum"
    assert contexts["document"].startswith("Board of directors › ")
    assert "Forum général" not in contexts.values()


def test_the_search_page_costs_the_same_queries_for_more_people_found(cast, login, django_assert_max_num_queries):
    """People found come with their skills and collèges in a fixed number of queries, and a
    member who coordinates no collège costs no question about the archive's opinions."""

    def people(count: int, college: str) -> None:
        for _number in range(count):
            member = make_member(actor=cast.staff, college=college)
            profile = Profile.objects.get(user=member)
            profile.trade = "Étalonneuse"
            profile.save()
        index_now()

    def found(client) -> str:
        return client.get(reverse("search"), {"q": "etalonneuse"}).content.decode()

    people(1, "production")
    client = login(cast.production_member)
    found(client)  # the first page after a change of roles recounts the navigation's counts
    with django_assert_max_num_queries(11):
        assert found(client).count("Étalonneuse") == 1
    people(3, "diffusion")
    people(3, "education")
    found(client)
    with django_assert_max_num_queries(11):
        page = found(client)
    assert page.count("Étalonneuse") == 7 and "Éducation" in page
