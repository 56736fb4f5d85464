"""Whoosh's codec and BM25F scoring, the same files and scores, with each segment's field
lengths read at once instead of one file read per document (``intranet.search.whoosh_engine``)."""

from __future__ import annotations

import logging

from whoosh import scoring
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3Codec, W3PerDocReader, _lenfield
from whoosh.util.numeric import byte_to_length

logger = logging.getLogger("intranet.search")
# Segments whose lengths are kept; a rebuild forgets them all.
CACHED_SEGMENTS = 200

_lengths_cache: dict[tuple[str, str], list | None] = {}


def _read_lengths(perdoc, fieldname: str) -> list | None:
    """Every document's length in ``fieldname`` (as ``doc_field_length`` gives it) for one
    segment, read from its column at once. None when the column is absent or not laid out as
    expected (then Whoosh is asked as usual)."""
    try:
        column = W3PerDocReader._cached_reader(perdoc, _lenfield(fieldname), LENGTHS_COLUMN)
        if column is None or column._fixedlen != 1:
            return None
        table = [byte_to_length(byte) if byte else None for byte in range(256)]
        lengths = [table[byte] for byte in column._dbfile.get(column._basepos, column._count)]
        lengths += [None] * (perdoc._doccount + 1 - len(lengths))
    except Exception:  # another version of Whoosh: its own lookups
        logger.debug("field lengths not read at once", exc_info=True)
        return None
    return lengths


class _PerDocReader(W3PerDocReader):
    """Whoosh's reader of per-document values, with each field's lengths read at once and the
    absence of a column remembered: writing a segment asks the length of every posting's
    document (a file read each, and a file system look-up for fields without lengths)."""

    _no_lengths = object()

    def __init__(self, storage, segment):
        super().__init__(storage, segment)
        self._lengths: dict[str, list | None] = {}
        self._columns_present: dict[str, bool] = {}

    def has_column(self, fieldname):
        present = self._columns_present.get(fieldname)
        if present is None:
            present = self._columns_present[fieldname] = super().has_column(fieldname)
        return present

    def doc_field_length(self, docnum, fieldname, default=0):
        lengths = self._lengths.get(fieldname, self._no_lengths)
        if lengths is self._no_lengths:
            lengths = self._lengths[fieldname] = _read_lengths(self, fieldname)
        if lengths is None or docnum >= len(lengths):
            return super().doc_field_length(docnum, fieldname, default)
        return lengths[docnum]


class Codec(W3Codec):
    """Whoosh's codec (the same files), with the quicker per-document reader above."""

    def per_document_reader(self, storage, segment):
        return _PerDocReader(storage, segment)


def _field_lengths(reader, fieldname: str) -> list | None:
    """Every document's length in ``fieldname`` for one segment, read once: BM25 asks it of
    each document it scores."""
    key = (reader.segment().segment_id(), fieldname)
    if key not in _lengths_cache:
        if len(_lengths_cache) > CACHED_SEGMENTS:
            _lengths_cache.clear()
        lengths = _read_lengths(reader._perdoc, fieldname) if hasattr(reader, "_perdoc") else None
        if lengths is not None:
            sample = range(0, reader.doc_count_all(), max(1, reader.doc_count_all() // 7))
            if any(lengths[docnum] != reader.doc_field_length(docnum, fieldname, 1) for docnum in sample):
                lengths = None
        _lengths_cache[key] = lengths
    return _lengths_cache[key]


class BM25F(scoring.BM25F):
    """Whoosh's BM25F, the same scores, with each segment's field lengths read once."""

    def scorer(self, searcher, fieldname, text, qf=1):
        scorer = super().scorer(searcher, fieldname, text, qf=qf)
        reader = searcher.reader()
        if isinstance(scorer, scoring.BM25FScorer) and hasattr(reader, "segment"):
            lengths = _field_lengths(reader, fieldname)
            if lengths is not None:
                scorer.dfl = lengths.__getitem__
        return scorer


def forget() -> None:
    """The index was rebuilt: its segments are new."""
    _lengths_cache.clear()
