"""Names and descriptions the association starts with, shown in the reader's language.

They are stored in French, as staff may edit them. Each built-in text is declared with the
English it translates from (the French catalogue gives back the stored French), so a row still
holding its built-in text is shown in the reader's language and an edited one as staff wrote it.
Apps declare theirs in ``AppConfig.ready()``.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise

_TRANSLATIONS: dict[str, Promise] = {}


def register_builtin_texts(texts: dict[str, Promise]) -> None:
    """``{stored French text: gettext_lazy(English)}``."""
    _TRANSLATIONS.update(texts)


def builtin_text(stored: str) -> str:
    """The stored text in the reader's language if it is a built-in text, else as stored."""
    translated = _TRANSLATIONS.get(stored)
    return str(translated) if translated is not None else stored


def builtin_text_in_any_language(written: str) -> str | None:
    """A built-in text as it was written down in some language (a label a record kept), in the
    reader's language; None for any other text."""
    if written in _TRANSLATIONS:
        return str(_TRANSLATIONS[written])
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            found = next((text for text in _TRANSLATIONS.values() if str(text) == written), None)
        if found is not None:
            return str(found)  # in the reader's language, outside the override
    return None
