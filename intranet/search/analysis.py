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
def french_analyzer():
    """Whoosh's chain: words (elisions split: "l'image" → "l", "image"), lower case, accents
    folded, French stop words dropped, French stems. The stemmer's cache is unbounded: a real
    vocabulary thrashes the default one."""
    return (
        RegexTokenizer(r"\w+", gaps=False)
        | LowercaseFilter()
        | SubstitutionFilter("œ", "oe")
        | SubstitutionFilter("æ", "ae")
        | CharsetFilter(accent_map)
        | StopFilter(stoplist=STOP_WORDS, minsize=1)
        | StemFilter(stemfn=stem, lang=None, cachesize=-1)
    )


def terms_of(text: str) -> list[str]:
    """The index terms of ``text`` (as the analyzer makes them), for highlighting and engines
    that do not run Whoosh's analyzer."""
    return [token.text for token in french_analyzer()(text)]
