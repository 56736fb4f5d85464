"""Cells of the CSV exports (the register, an archive inventory): a spreadsheet runs a cell that
starts with one of ``FORMULA_STARTS`` as a formula, so such a cell is written as text."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text
