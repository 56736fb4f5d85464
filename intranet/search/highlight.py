"""Snippets with the matching words marked, cut from the text the database holds (the index
stores no text). Words are compared as the index compares them: folded and stemmed."""

from __future__ import annotations

from functools import lru_cache
from html import escape

from django.utils.safestring import SafeString, mark_safe

from intranet.search.analysis import WORD, fold, terms_of
from intranet.search.query import ParsedQuery

SNIPPET_LENGTH = 240
SCAN_LIMIT = 20000  # characters of a long document looked through for the first match


@lru_cache(maxsize=50000)
def _terms(word: str) -> tuple[str, ...]:
    return tuple(terms_of(word))


def _matches(word: str, terms: set[str], prefixes: set[str]) -> bool:
    return any(term in terms for term in _terms(word)) or any(fold(word).startswith(prefix) for prefix in prefixes)


def snippet(text: str, parsed: ParsedQuery) -> SafeString:
    text = " ".join((text or "")[:SCAN_LIMIT].split())
    terms, prefixes = parsed.highlight_terms, parsed.highlight_prefixes
    # Each distinct word is compared once per search (a page of hits repeats its words), and
    # a long document is read only as far as its first match and the snippet's end.
    compared = parsed.compared_words
    words = WORD.finditer(text)
    first = None
    for match in words:
        word = match.group()
        matched = compared.get(word)
        if matched is None:
            matched = compared[word] = _matches(word, terms, prefixes)
        if matched:
            first = match
            break
    begin = 0
    if first is not None:
        begin = max(0, first.start() - SNIPPET_LENGTH // 3)
        while begin > 0 and not text[begin - 1].isspace():
            begin -= 1
    end = min(len(text), begin + SNIPPET_LENGTH)
    while end < len(text) and not text[end].isspace():
        end += 1
    marks = []
    if first is not None:  # the words before the first match are known not to match
        marks.append(first.span())
        for match in words:
            if match.start() >= end:
                break
            word = match.group()
            matched = compared.get(word)
            if matched is None:
                matched = compared[word] = _matches(word, terms, prefixes)
            if matched:
                marks.append(match.span())
    parts, position = ["… "] if begin > 0 else [], begin
    for start, stop in marks:
        parts += (escape(text[position:start]), "<mark>", escape(text[start:stop]), "</mark>")
        position = stop
    parts.append(escape(text[position:end]))
    if end < len(text):
        parts.append(" …")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of the text is escaped above
