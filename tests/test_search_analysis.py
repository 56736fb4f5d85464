"""French as people type it: the analysis the index, the queries and the highlights share."""

from __future__ import annotations

import pytest

from intranet.search.analysis import french_analyzer, reference_analyzer, terms_of
from intranet.search.highlight import snippet
from intranet.search.query import parse

SAME_WORD = [
    ("eleve", "élèves"),
    ("cinema", "cinémas"),
    ("Cinéma", "CINÉMA"),
    ("education", "Éducation"),
    ("realisatrice", "réalisatrices"),
    ("festival", "festivals"),
    ("numerisation", "numérisations"),
    ("image", "l'image"),
    ("oeuvre", "œuvres"),
]


@pytest.mark.parametrize(("typed", "written"), SAME_WORD)
def test_what_is_typed_finds_what_is_written(typed, written):
    assert terms_of(typed) and set(terms_of(typed)) <= set(terms_of(written))


@pytest.mark.parametrize("word", ["les", "des", "pour", "avec", "à", "le", "et", "l'", "d'"])
def test_french_stop_words_are_not_searched(word):
    assert terms_of(word) == []


def test_different_words_stay_different():
    assert terms_of("salle") != terms_of("sale")
    assert terms_of("film") != terms_of("filmographie")


def test_the_query_reads_phrases_prefixes_and_exclusions():
    parsed = parse('"éducation à l\'image" cin* -lycée les')
    kinds = [(clause.kind, clause.excluded) for clause in parsed.clauses]
    assert kinds == [("phrase", False), ("prefix", False), ("word", True)]
    assert parsed.clauses[0].terms == ["educ", "imag"]


@pytest.mark.parametrize("typed", ['"', "AND OR", "-", "*", "()", "les des", "-cinema"])
def test_input_with_nothing_to_search_says_so_or_is_empty(typed):
    parsed = parse(typed)
    assert parsed.is_empty


def test_a_very_long_query_is_cut_and_says_so():
    parsed = parse("cinéma " * 2000)
    assert not parsed.is_empty and parsed.notes


def test_highlights_mark_the_words_as_written_and_escape_the_rest():
    text = "<script>alert(1)</script> Les élèves vont au Cinéma"
    marked = snippet(text, parse("eleve cinema"))
    assert "<mark>élèves</mark>" in marked and "<mark>Cinéma</mark>" in marked
    assert "<script>" not in marked and "&lt;script&gt;" in marked


def test_the_snippet_of_a_long_text_is_cut_around_the_first_match():
    text = "Préambule sans rapport. " * 400 + "Les élèves du lycée agricole. " + "Suite. " * 50
    marked = snippet(text, parse("eleve"))
    assert marked.startswith("… ") and marked.endswith(" …")
    assert "<mark>élèves</mark>" in marked and len(marked) < 400


def test_every_match_in_the_snippet_is_marked_and_none_after_its_end():
    text = "Début. " * 100 + "Un élève & une élève <b>. " + "Rien. " * 30 + "Encore des élèves."
    marked = snippet(text, parse("eleve"))
    assert marked.count("<mark>") == 2 and "<mark>élève</mark> &amp; une <mark>élève</mark> &lt;b&gt;" in marked
    assert "Encore" not in marked and marked.endswith(" …")


VARIED_FRENCH = (
    "L'éducation à l'image pour les élèves : des ateliers au lycée, c'est-à-dire qu'on y voit "
    "des œuvres d'Æsope et des CINÉMAS itinérants. Ça commence à 14h30, salle n°3 (3,5 m²) ; "
    "l'association — dite « Ciné-Club » — reçoit 1 200 € de la Région. Naïve, déçue, garçon, "
    "Noël, maïs, aïeul, coût, où, straße, ÉLÈVE, Élève, élèves, _tiret_bas_, 2026-11-26, "
    "pré-production, post-production, aujourd'hui, jusqu'à, lorsqu'il, quelqu'un."
)


@pytest.mark.parametrize(
    "options",
    [{}, {"positions": True}, {"positions": True, "chars": True, "start_pos": 5, "start_char": 9}, {"mode": "query"}],
)
def test_the_index_analyzer_gives_the_terms_and_positions_of_the_reference_chain(options):
    def tokens(analyzer):
        return [
            (token.text, *(getattr(token, name, None) for name in ("pos", "startchar", "endchar")))
            for token in analyzer(VARIED_FRENCH * 2, **options)
        ]

    expected = tokens(reference_analyzer())
    assert expected and tokens(french_analyzer()) == expected
    assert terms_of(VARIED_FRENCH * 2) == [text for text, *_rest in expected]
