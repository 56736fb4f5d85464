"""French text analysis shared by every search engine: how words are cut, folded and stemmed,
so that `eleve` finds `élèves` and `cinema` finds `cinémas`, in the index, in queries and in
the highlights alike."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from whoosh.analysis import (
    CharsetFilter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
    SubstitutionFilter,
    Token,
    Tokenizer,
)
from whoosh.lang import stopwords_for_language
from whoosh.lang.snowball.french import FrenchStemmer
from whoosh.support.charset import accent_map

WORD = re.compile(r"\w+(?:[-']\w+)*", re.UNICODE)


LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss"})


def fold(text: str) -> str:
    """Lower case without accents or ligatures: "Éducation" → "education", "œuvre" → "oeuvre"."""
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(LIGATURES))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


STOP_WORDS = frozenset(fold(word) for word in stopwords_for_language("fr")) | {
    "les",
    "a",
    "d",
    "l",
    "qu",
    "c",
    "j",
    "s",
    "n",
    "m",
    "t",
}
_stemmer = FrenchStemmer()


def stem(word: str) -> str:
    return _stemmer.stem(word)


@lru_cache(maxsize=1)
def reference_analyzer():
    """Whoosh's chain, word by word: words (elisions split: "l'image" → "l", "image"), lower
    case, accents folded, French stop words dropped, French stems. What ``FrenchTokenizer``
    computes once per distinct word, and what the tests compare it with."""
    return (
        RegexTokenizer(r"\w+", gaps=False)
        | LowercaseFilter()
        | SubstitutionFilter("œ", "oe")
        | SubstitutionFilter("æ", "ae")
        | CharsetFilter(accent_map)
        | StopFilter(stoplist=STOP_WORDS, minsize=1)
        | StemFilter(stemfn=stem, lang=None, cachesize=-1)
    )


_RAW_WORD = re.compile(r"\w+")
_STOPPED = ""  # the cached term of a word the chain drops
_terms_cache: dict[str, str] = {}
TERMS_CACHE_SIZE = 500_000  # distinct words as written (case and accents included)


def _term(word: str) -> str:
    """The term of one word as written (``_STOPPED`` for a stop word), cached: a text repeats
    its words, and the chain costs a Token and a method call per filter per word."""
    term = _terms_cache.get(word)
    if term is None:
        if len(_terms_cache) >= TERMS_CACHE_SIZE:
            _terms_cache.clear()
        found = [token.text for token in reference_analyzer()(word)]
        term = _terms_cache[word] = found[0] if found else _STOPPED
    return term


class FrenchTokenizer(Tokenizer):
    """The French analysis as one Whoosh tokenizer: the words of the text are found with one
    regular expression and each is mapped to its term through a cache, with one Token reused.
    Same terms and positions as ``reference_analyzer()``;
    the rarer calls (stop words kept, untokenized values) go through the reference chain."""

    def __eq__(self, other):
        return other.__class__ is self.__class__

    def __hash__(self):
        return hash(self.__class__)

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        if not removestops or not tokenize or keeporiginal:
            yield from reference_analyzer()(
                value,
                positions=positions,
                chars=chars,
                keeporiginal=keeporiginal,
                removestops=removestops,
                start_pos=start_pos,
                start_char=start_char,
                tokenize=tokenize,
                mode=mode,
                **kwargs,
            )
            return
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        cache = _terms_cache
        position = None
        for index, match in enumerate(_RAW_WORD.finditer(value), start_pos):
            word = match.group()
            term = cache.get(word)
            if term is None:
                term = _term(word)
            if not term:
                continue
            token.text = term
            token.boost = 1.0
            token.stopped = False
            if positions:
                # As Whoosh's StopFilter numbers them: the first kept word keeps its place,
                # the next ones follow it without gaps.
                position = index if position is None else position + 1
                token.pos = position
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            yield token


@lru_cache(maxsize=1)
def french_analyzer():
    """The analyzer of the index's text fields."""
    return FrenchTokenizer()


def terms_of(text: str) -> list[str]:
    """The index terms of ``text`` (as the analyzer makes them), for highlighting and engines
    that do not run Whoosh's analyzer."""
    cache = _terms_cache
    terms = []
    for word in _RAW_WORD.findall(text):
        term = cache.get(word)
        if term is None:
            term = _term(word)
        if term:
            terms.append(term)
    return terms
