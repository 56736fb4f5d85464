"""What people type, made into a query every engine understands — never an error.

Any of the words may match, what has every one of them comes first; "quoted words" must
follow each other, as must the parts of a reference with digits (`FI-2026-001-002`); `cin*`
matches words that start with `cin`; `-word` excludes. Anything else that looks like syntax
(lone operators, unbalanced quotes, brackets, field prefixes) is read as plain words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from intranet.search.analysis import STOP_WORDS, fold, stem, terms_of

MAX_QUERY_LENGTH = 300
MAX_CLAUSES = 12
MIN_PREFIX = 2

_TOKEN = re.compile(r'(-?)"([^"]*)"|(-?)(\S+)')
_WORD_CHARS = re.compile(r"[^\w*']+", re.UNICODE)
# A reference typed whole (a call number FI-2026-001-002, a date 2026-11-26): its parts follow
# each other, as if quoted, rather than each finding everything that shares one of them.
_REFERENCE = re.compile(r"(?=\S*\d)\w+(?:[-./]\w+)+", re.UNICODE)


@dataclass
class Clause:
    raw: str  # the word(s) as typed, folded: what an engine with its own analyser reads
    terms: list[str]  # analysed terms, as in the index (for a prefix: its stem, which may be shorter)
    kind: str  # "word", "prefix" or "phrase"
    excluded: bool = False


@dataclass
class ParsedQuery:
    clauses: list[Clause] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Words of the texts shown, as written, already compared with the query (highlighting).
    compared_words: dict[str, bool] = field(default_factory=dict, repr=False, compare=False)

    @property
    def required(self) -> list[Clause]:
        return [clause for clause in self.clauses if not clause.excluded]

    @property
    def excluded(self) -> list[Clause]:
        return [clause for clause in self.clauses if clause.excluded]

    @property
    def is_empty(self) -> bool:
        return not self.required

    @property
    def highlight_terms(self) -> set[str]:
        return {term for clause in self.required for term in clause.terms}

    @property
    def highlight_prefixes(self) -> set[str]:
        return {clause.raw for clause in self.required if clause.kind == "prefix"}


def parse(text: str) -> ParsedQuery:
    parsed = ParsedQuery()
    text = (text or "").strip()
    if len(text) > MAX_QUERY_LENGTH:
        text = text[:MAX_QUERY_LENGTH]
        parsed.notes.append(
            _("Your search was long: only its first %(count)s characters were used.") % {"count": MAX_QUERY_LENGTH}
        )
    if text.count('"') % 2:
        text = text[: text.rfind('"')] + text[text.rfind('"') + 1 :]  # the quote left open is dropped
    for match in _TOKEN.finditer(text):
        minus_phrase, phrase, minus_word, word = match.groups()
        if phrase is not None:
            terms = terms_of(phrase)
            if terms:
                kind = "phrase" if len(terms) > 1 else "word"
                parsed.clauses.append(Clause(" ".join(fold(phrase).split()), terms, kind, bool(minus_phrase)))
            continue
        if _REFERENCE.fullmatch(word) and len(terms_of(word)) > 1:
            parts = " ".join(_WORD_CHARS.sub(" ", fold(word)).split())
            parsed.clauses.append(Clause(parts, terms_of(word), "phrase", bool(minus_word)))
            continue
        for piece in _WORD_CHARS.sub(" ", word).split():
            _add_word(parsed, piece, excluded=bool(minus_word))
    if len(parsed.clauses) > MAX_CLAUSES:
        parsed.clauses = parsed.clauses[:MAX_CLAUSES]
        parsed.notes.append(_("Only the first %(count)s words of your search were used.") % {"count": MAX_CLAUSES})
    if parsed.clauses and parsed.is_empty:
        parsed.notes.append(_("Say what you are looking for, not only what to leave out."))
    return parsed


def _add_word(parsed: ParsedQuery, piece: str, *, excluded: bool) -> None:
    if piece.upper() in {"AND", "OR", "NOT", "ET", "OU"}:
        return  # operators are not words (all words must match anyway)
    if piece.endswith("*"):
        start = fold(piece.rstrip("*").split("*")[0].replace("'", ""))
        if len(start) >= MIN_PREFIX:
            # "cinema*" must find "cinémas", indexed as the stem "cinem": both are tried.
            parsed.clauses.append(Clause(start, [stem(start) or start], "prefix", excluded))
        return
    piece = piece.replace("*", "")
    for term_text in piece.split("'"):
        terms = terms_of(term_text)
        if terms and fold(term_text) not in STOP_WORDS:
            parsed.clauses.append(Clause(fold(term_text), terms, "word", excluded))
