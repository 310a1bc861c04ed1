"""Exploration helpers for notebook 04: keyword in context and theme dictionaries."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache

import pandas as pd

from helpers.refdata import rows


def kwic(sentences: pd.DataFrame, term: str, *, width: int = 60) -> pd.DataFrame:
    """Keyword in context: every occurrence of ``term`` (case-insensitive, word start).

    Returns one row per hit with ``doc_id``, ``sentence_id``, ``start`` (offset of the hit
    in the cleaned text, so a claim can be traced), ``left``, ``match`` and ``right``.
    """
    cols = ["doc_id", "sentence_id", "start", "left", "match", "right"]
    if not term:
        return pd.DataFrame(columns=cols)
    pat = re.compile(rf"\b{re.escape(term)}\w*", re.IGNORECASE)
    rows = []
    for r in sentences.itertuples():
        for m in pat.finditer(r.text):
            left = r.text[max(0, m.start() - width):m.start()]
            right = r.text[m.end():m.end() + width]
            rows.append({"doc_id": r.doc_id, "sentence_id": int(r.sentence_id),
                         "start": int(r.start) + m.start(),
                         "left": ("…" if m.start() > width else "") + left,
                         "match": m.group(0),
                         "right": right + ("…" if m.end() + width < len(r.text) else "")})
    return pd.DataFrame(rows, columns=cols)


@lru_cache(maxsize=1)
def theme_dictionary() -> dict[str, tuple[re.Pattern[str], ...]]:
    """``{theme: compiled patterns}`` from ``data/themes.csv``."""
    out: dict[str, list[re.Pattern[str]]] = defaultdict(list)
    for r in rows("themes.csv"):
        pat = re.escape(r["pattern"].lower()).replace(r"\*", r"[\w-]*").replace(r"\ ", r"\s+")
        out[r["theme"]].append(re.compile(rf"\b{pat}\b", re.IGNORECASE))
    return {k: tuple(v) for k, v in out.items()}


def sentence_themes(text: str) -> list[str]:
    """Themes a sentence touches (each at most once)."""
    return [t for t, pats in theme_dictionary().items() if any(p.search(text) for p in pats)]


def theme_shares(sentences: pd.DataFrame, themes: Iterable[str] | None = None) -> pd.DataFrame:
    """Share of each document's sentences that touch each theme (long format:
    ``doc_id, theme, sentences, matched, share``)."""
    themes = list(themes or theme_dictionary())
    rows = []
    for doc_id, g in sentences.groupby("doc_id", sort=True):
        hits = [set(sentence_themes(t)) for t in g["text"]]
        for th in themes:
            k = sum(th in h for h in hits)
            rows.append({"doc_id": doc_id, "theme": th, "sentences": len(g), "matched": k,
                         "share": round(k / len(g), 4) if len(g) else 0.0})
    return pd.DataFrame(rows, columns=["doc_id", "theme", "sentences", "matched", "share"])
