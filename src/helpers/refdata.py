"""Reference data kept under ``data/``: word lists (one entry a line) and small CSV tables.

Lines starting with ``#`` are comments in both kinds of file, so every list carries a note
on what it is for and where it comes from.
"""

from __future__ import annotations

import csv

from helpers import data_dir


def _lines(name: str) -> list[str]:
    text = (data_dir() / name).read_text(encoding="utf-8")
    return [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]


def words(name: str) -> list[str]:
    """Entries of a word list in ``data/`` (trimmed, comments and blank lines skipped)."""
    return [ln.strip() for ln in _lines(name)]


def rows(name: str) -> list[dict[str, str]]:
    """Rows of a CSV table in ``data/`` (header row first; comment lines skipped)."""
    return list(csv.DictReader(_lines(name)))
