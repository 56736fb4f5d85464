"""Snippets with the matching words marked, cut from the text the database holds (the index
stores no text). Words are compared as the index compares them: folded and stemmed."""

from __future__ import annotations

from functools import lru_cache

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

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
    # Only as far as the first match: a long document is not analysed whole for one snippet.
    # Each distinct word is compared once per search (a page of hits repeats its words).
    compared = parsed.compared_words
    first = None
    for match in WORD.finditer(text):
        word = match.group()
        matched = compared.get(word)
        if matched is None:
            matched = compared[word] = _matches(word, terms, prefixes)
        if matched:
            first = match.start()
            break
    begin = 0
    if first is not None:
        begin = max(0, first - SNIPPET_LENGTH // 3)
        while begin > 0 and not text[begin - 1].isspace():
            begin -= 1
    end = min(len(text), begin + SNIPPET_LENGTH)
    while end < len(text) and not text[end].isspace():
        end += 1
    pairs, position = [], begin
    for match in WORD.finditer(text, begin, end):
        word = match.group()
        matched = compared.get(word)
        if matched is None:
            matched = compared[word] = _matches(word, terms, prefixes)
        if matched:
            pairs.append((text[position : match.start()], match.group()))
            position = match.end()
    return format_html(
        "{}{}{}{}",
        "… " if begin > 0 else "",
        format_html_join("", "{}<mark>{}</mark>", pairs),
        text[position:end],
        " …" if end < len(text) else "",
    )
