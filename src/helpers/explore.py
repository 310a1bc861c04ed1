"""Exploration helpers for notebooks 04 and 05: tables read tolerantly, events and states named
for people, aggregates by country and year, keyword in context and the evidence behind a figure.

Everything here aggregates with ``groupby`` over long tables; nothing builds a documents × terms
array, so memory grows with the number of rows, never with documents × categories.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from helpers.contract import COLUMNS, EXTRA_COLUMNS, read_table
from helpers.refdata import rows

# Separators used inside list cells (doc_ids, outlets, sources): "a; b", "a|b".
_LIST_SEP = re.compile(r"\s*[;|]\s*")
# A session label such as "HRC51" or "HRC 51"; the number orders sessions.
_SESSION = re.compile(r"^HRC\s?(\d+)")

_UNITS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
          "fourteen fifteen sixteen seventeen eighteen nineteen").split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
NUMBER_WORDS = {w: i for i, w in enumerate(_UNITS)} | {
    f"{t}{sep}{u}" if k else t: 20 + 10 * i + k
    for i, t in enumerate(_TENS) for k, u in enumerate(_UNITS[:10]) for sep in ("-", " ")}


# --------------------------------------------------------------------------- reading

def empty_table(table: str) -> pd.DataFrame:
    """An empty frame with the contract's (and the project's extra) columns for ``table``."""
    return pd.DataFrame(columns=COLUMNS[table] + EXTRA_COLUMNS.get(table, []))


def read_optional(out_dir: str | Path, table: str) -> tuple[pd.DataFrame, str | None]:
    """Read ``OUT/tables/<table>.csv``; when it is absent, an empty table and a message.

    Returns:
        ``(frame, message)``; ``message`` is None when the table was read.
    """
    path = Path(out_dir) / "tables" / f"{table}.csv"
    if not path.is_file():
        return empty_table(table), (f"tables/{table}.csv is not in this run folder "
                                    f"({Path(out_dir).name}); the charts built on it are drawn "
                                    "from what the other tables give.")
    return read_table(out_dir, table), None


def split_list(cell: object) -> list[str]:
    """``"a; b|c"`` → ``["a", "b", "c"]``; empty or missing → ``[]``."""
    if cell is None or (isinstance(cell, float) and cell != cell) or cell is pd.NA:
        return []
    return [p for p in _LIST_SEP.split(str(cell).strip()) if p]


class SentenceFile:
    """``sentences.csv`` of a run, read in chunks instead of held in memory.

    A run of 100,000 articles has about a million sentences (~210 MB of text); what notebooks
    04 and 05 do with them is a pass over every sentence (themes, keyword in context, the
    documents where terms occur) or the sentences of a few documents (evidence, dispersion),
    so a streaming pass with only the needed columns does. Functions that take sentences
    accept this or a DataFrame (see :func:`sentence_chunks`, :func:`sentences_of`).

    Attributes:
        path: the CSV file.
        chunksize: rows per chunk.
    """

    def __init__(self, path: str | Path, chunksize: int = 100_000) -> None:
        self.path = Path(path)
        self.chunksize = chunksize

    def __repr__(self) -> str:
        return f"SentenceFile({str(self.path)!r})"

    def chunks(self, columns: Sequence[str]) -> Iterable[pd.DataFrame]:
        """The rows, ``chunksize`` at a time, with only ``columns`` (compact dtypes)."""
        from helpers.contract import INTEGER_COLUMNS

        want = set(columns)
        dtype = {c: "Int32" if c in INTEGER_COLUMNS else str for c in columns}
        with pd.read_csv(self.path, usecols=lambda c: c in want, dtype=dtype,
                         keep_default_na=False, na_values=[""],
                         chunksize=self.chunksize) as reader:
            for chunk in reader:
                yield chunk[list(columns)]


def sentence_chunks(sentences: pd.DataFrame | SentenceFile | None,
                    columns: Sequence[str]) -> Iterable[pd.DataFrame]:
    """The sentences in chunks: a DataFrame as one chunk, a :class:`SentenceFile` streamed."""
    if isinstance(sentences, SentenceFile):
        yield from sentences.chunks(columns)
    elif sentences is not None and len(sentences):
        yield sentences


def sentences_of(sentences: pd.DataFrame | SentenceFile | None,
                 doc_ids: Iterable[str]) -> pd.DataFrame:
    """The sentences of the given documents (in file order), every column the source has."""
    docs = set(doc_ids)
    if isinstance(sentences, SentenceFile):
        parts = [c[c["doc_id"].isin(docs)] for c in sentences.chunks(_SENTENCE_COLUMNS)]
        return (pd.concat(parts, ignore_index=True) if parts
                else pd.DataFrame(columns=_SENTENCE_COLUMNS))
    if sentences is None or not len(sentences):
        return empty_table("sentences") if sentences is None else sentences
    return sentences[sentences["doc_id"].isin(docs)]


# sentences.csv larger than this is streamed (SentenceFile) by load_run(out, notebook)
SENTENCES_IN_MEMORY_BYTES = 64 << 20


# --------------------------------------------------------------------------- names

def country_name(code: object) -> str:
    """ISO3 → short English name (``KHM`` → ``Cambodia``); anything else is returned as text."""
    from helpers.lexicon import iso3_names

    if code is None or code is pd.NA or (isinstance(code, float) and code != code):
        return "country unknown"
    code = str(code)
    return iso3_names().get(code, code) if code else "country unknown"


def actor_name(actor: object, label: object = "") -> str:
    """A state by its name, a bloc by its own name (marked ◆ so it stands apart)."""
    if str(label) == "BLOC":
        return f"◆ {actor}"
    return country_name(actor)


def session_key(session: object) -> int:
    """Sort key of an HRC session label (unknown sessions last)."""
    m = _SESSION.match(str(session or ""))
    return int(m.group(1)) if m else 10_000


def _text(v: object) -> str:
    return "" if v is None or v is pd.NA or (isinstance(v, float) and v != v) else str(v)


def event_label(session: object, date: object, kind: object = "", *,
                country: object = "") -> str:
    """``"HRC51 · 2022-10-05"``; unknown parts said as such; a non-dialogue kind appended;
    the country under review prefixed when given."""
    s, d, k = _text(session), _text(date), _text(kind)
    parts = [s or "session ?", d or "date ?"]
    if k and k != "dialogue":
        parts.append(k.replace("_", " "))
    label = " · ".join(parts)
    return f"{country_name(country)} · {label}" if _text(country) else label


def label_events(summary: pd.DataFrame, *, with_country: bool = False) -> pd.Series:
    """Readable, unique labels for the rows of ``event_summary`` (index: event_id)."""
    labels = [event_label(s, d, k, country=c if with_country else "")
              if _text(s) or _text(d) else f"{_text(k).replace('_', ' ') or 'event'}, undated"
              for s, d, k, c, e in zip(summary["hrc_session"], summary["event_date"],
                                       summary["kind"], summary["subject_country"],
                                       summary["event_id"], strict=True)]
    out = pd.Series(labels, index=summary["event_id"].astype(str), dtype=object)
    seen: dict[str, int] = defaultdict(int)
    for i, lab in enumerate(out):
        seen[lab] += 1
        if seen[lab] > 1:
            out.iloc[i] = f"{lab} ({seen[lab]})"
    return out


def sort_events(summary: pd.DataFrame) -> pd.DataFrame:
    """Events in time order: by date, then session number; undated ones last."""
    if not len(summary):
        return summary
    key_d = summary["event_date"].fillna("").astype(str).replace("", "9999")
    key_s = summary["hrc_session"].map(session_key)
    return (summary.assign(_d=key_d, _s=key_s).sort_values(["_d", "_s", "event_id"])
            .drop(columns=["_d", "_s"]).reset_index(drop=True))


# --------------------------------------------------------------------------- fallbacks

def _doc_country(documents: pd.DataFrame | None) -> dict[str, str]:
    if documents is None or "subject_country" not in documents or not len(documents):
        return {}
    return {d: c for d, c in zip(documents["doc_id"], documents["subject_country"], strict=True)
            if isinstance(c, str) and c}


def event_summary_from_events(events: pd.DataFrame,
                              documents: pd.DataFrame | None = None) -> pd.DataFrame:
    """A stand-in for ``event_summary.csv`` when a run has none: each report its own event.

    Nothing is merged across documents (that is stage 03's job); ``agreement`` is ``single``.
    """
    if events is None or not len(events):
        return empty_table("event_summary")
    ctry = _doc_country(documents)
    outlets = {}
    if documents is not None and "outlet" in documents:
        outlets = dict(zip(documents["doc_id"], documents["outlet"], strict=True))
    ev = events.reset_index(drop=True)
    subj = [(_text(s) or ctry.get(d, "")) for s, d in
            zip(ev.get("subject_country", pd.Series([""] * len(ev))), ev["doc_id"], strict=True)]
    out = pd.DataFrame({
        "event_id": [f"{d}#{i}" for i, d in enumerate(ev["doc_id"])],
        "subject_country": subj,
        "kind": ev["kind"].fillna("") if "kind" in ev else "",
        "hrc_session": ev["hrc_session"], "event_date": ev["event_date"],
        "n_reports": 1, "doc_ids": ev["doc_id"],
        "outlets": [_text(outlets.get(d, "")) for d in ev["doc_id"]],
        "sources": ev["source"], "total": ev["total"], "favourable": ev["favourable"],
        "critical": ev["critical"], "neutral": ev["neutral"], "agreement": "single",
        "check": ev["check"], "official_speakers": pd.NA, "notes": "",
    })
    return out


def actor_record_from_stances(stances: pd.DataFrame,
                              documents: pd.DataFrame | None = None) -> tuple[pd.DataFrame,
                                                                              pd.DataFrame]:
    """A stand-in for ``actor_record.csv``: stances grouped by the document's own event
    (country under review, session, date from the documents table).

    Returns:
        ``(actor_record, summary)`` — the summary names the events the records point to.
    """
    if stances is None or not len(stances):
        return empty_table("actor_record"), empty_table("event_summary")
    docs = documents.set_index("doc_id") if documents is not None and len(documents) else None

    def doc_field(d: str, col: str) -> str:
        if docs is None or col not in docs.columns or d not in docs.index:
            return ""
        return _text(docs.at[d, col])

    st = stances.copy()
    st["subject_country"] = [_text(t) or doc_field(d, "subject_country")
                             for t, d in zip(st["target"], st["doc_id"], strict=True)]
    st["hrc_session"] = [doc_field(d, "hrc_session") for d in st["doc_id"]]
    st["event_date"] = [doc_field(d, "event_date") for d in st["doc_id"]]
    st["event_id"] = ["-".join(p for p in (c, s, e) if p) or f"doc-{d}" for c, s, e, d in
                      zip(st["subject_country"], st["hrc_session"], st["event_date"],
                          st["doc_id"], strict=True)]
    g = st.groupby(["actor", "actor_label", "subject_country", "event_id"], sort=True)
    rec = g.agg(stance=("stance", lambda v: v.mode().iloc[0] if v.nunique() == 1 else
                        "/".join(sorted(set(v)))),
                n_statements=("stance", "size"),
                doc_ids=("doc_id", lambda v: ";".join(sorted(set(v)))),
                conflict=("stance", lambda v: "yes" if v.nunique() > 1 else "")).reset_index()
    ev = st.drop_duplicates("event_id")[["event_id", "subject_country", "hrc_session",
                                          "event_date"]].assign(kind="", n_reports=pd.NA)
    return rec[COLUMNS["actor_record"]], ev


# --------------------------------------------------------------------------- aggregates

def doc_year(documents: pd.DataFrame) -> pd.Series:
    """Year of each document (event date, else publication date), index doc_id."""
    if documents is None or not len(documents):
        return pd.Series(dtype=object)
    date = documents["event_date"].fillna("").astype(str)
    pub = documents["published"].fillna("").astype(str)
    year = [(d or p)[:4] if (d or p)[:4].isdigit() else "year ?" for d, p in
            zip(date, pub, strict=True)]
    return pd.Series(year, index=documents["doc_id"].astype(str))


def doc_group(documents: pd.DataFrame) -> pd.Series:
    """``"Cambodia 2022"``: the country under review and the year of each document."""
    ctry = _doc_country(documents)
    years = doc_year(documents)
    return pd.Series([f"{country_name(ctry[d]) if d in ctry else 'country ?'} {y}"
                      for d, y in years.items()], index=years.index, dtype=object)


def mentions_by_group(entities: pd.DataFrame, documents: pd.DataFrame, *,
                      labels: Sequence[str] = ("COUNTRY", "BLOC", "PERSON", "ORG")
                      ) -> pd.DataFrame:
    """Mentions per entity and country-year group (long: ``entity, label, group, mentions``)."""
    cols = ["entity", "label", "group", "mentions"]
    if entities is None or not len(entities):
        return pd.DataFrame(columns=cols)
    e = entities[entities["label"].isin(labels)]
    if not len(e):
        return pd.DataFrame(columns=cols)
    grp = doc_group(documents)
    e = e.assign(group=map_values(e["doc_id"], grp, "country ? year ?"))
    out = (e.groupby(["canonical", "label", "group"], sort=True).size()
           .rename("mentions").reset_index().rename(columns={"canonical": "entity"}))
    out["entity"] = [country_name(c) if lab == "COUNTRY" else str(c)
                     for c, lab in zip(out["entity"], out["label"], strict=True)]
    return out[cols]


def map_values(values: pd.Series, mapping: pd.Series, missing: str) -> np.ndarray:
    """``values.map(mapping)`` with ``missing`` where there is no entry, as text; a category
    column is mapped once per category (no string per row is made)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        cats = pd.Series(values.cat.categories.astype(str)).map(mapping).fillna(missing)
        out = np.append(cats.to_numpy(dtype=object), missing)  # code -1 (missing) -> last
        return out[values.cat.codes.to_numpy()]
    return values.map(mapping).fillna(missing).to_numpy(dtype=object)


@lru_cache(maxsize=1)
def theme_dictionary() -> dict[str, re.Pattern[str]]:
    """``{theme: one compiled alternation of its patterns}`` from ``data/themes.csv``."""
    out: dict[str, list[str]] = defaultdict(list)
    for r in rows("themes.csv"):
        out[r["theme"]].append(_pattern_regex(r["pattern"]))
    return {k: re.compile(r"\b(?:" + "|".join(v) + r")\b", re.IGNORECASE)
            for k, v in out.items()}


def _pattern_regex(pattern: str) -> str:
    # "elect*" → elect[\w-]*, spaces → any whitespace; whole words only (\b added around)
    return re.escape(pattern.lower()).replace(r"\*", r"[\w-]*").replace(r"\ ", r"\s+")


# One run of word characters: the unit the theme index looks words up by.
_WORD_RUN = re.compile(r"\w+")


@lru_cache(maxsize=1)
def _theme_index() -> dict[str, tuple[frozenset[str], tuple[str, ...], frozenset[str]]]:
    """Per theme: whole words, word prefixes (``elect*``) and the first words of phrases.

    A pattern of one run of word characters matches a sentence exactly when one of the
    sentence's word runs equals it (or, for ``word*``, starts with it); a phrase or hyphenated
    pattern can only match where its first word run occurs, and is then confirmed by the regex.
    """
    out: dict[str, tuple[set[str], set[str], set[str]]] = defaultdict(lambda: (set(), set(),
                                                                                set()))
    for r in rows("themes.csv"):
        p = r["pattern"].lower().strip()
        words, prefixes, firsts = out[r["theme"]]
        if _WORD_RUN.fullmatch(p):
            words.add(p)
        elif p.endswith("*") and _WORD_RUN.fullmatch(p[:-1]):
            prefixes.add(p[:-1])
        else:
            firsts.add(_WORD_RUN.match(p).group(0) if _WORD_RUN.match(p) else p)
    return {k: (frozenset(w), tuple(sorted(pr)), frozenset(f)) for k, (w, pr, f) in out.items()}


@lru_cache(maxsize=1)
def _phrase_regex() -> dict[str, re.Pattern[str]]:
    """Per theme, one alternation of only its phrase (and hyphenated) patterns: what the
    word lookup of :func:`sentence_theme_matrix` leaves to confirm by regex."""
    out: dict[str, list[str]] = defaultdict(list)
    for r in rows("themes.csv"):
        p = r["pattern"].lower().strip()
        if not (_WORD_RUN.fullmatch(p) or (p.endswith("*") and _WORD_RUN.fullmatch(p[:-1]))):
            out[r["theme"]].append(_pattern_regex(r["pattern"]))
    return {k: re.compile(r"\b(?:" + "|".join(v) + r")\b", re.IGNORECASE)
            for k, v in out.items()}


def sentence_theme_matrix(texts: Sequence[str], themes: Sequence[str]) -> dict[str, np.ndarray]:
    """For each theme, whether each text touches it — the same answer as the theme's regex,
    found by looking the texts' words up once each in a vocabulary (fast on hundreds of
    thousands of sentences, where a regex scan per theme is not)."""
    index = _theme_index()
    regex = _phrase_regex()  # words are looked up; only phrases need a regex
    bit = {t: 1 << i for i, t in enumerate(themes)}
    memo: dict[str, tuple[int, int]] = {}

    def lookup(w: str) -> tuple[int, int]:
        hit = first = 0
        for t in themes:
            words, prefixes, firsts = index[t]
            if w in words or (prefixes and w.startswith(prefixes)):
                hit |= bit[t]
            if w in firsts:
                first |= bit[t]
        return hit, first

    known: set[str] = set()
    relevant: set[str] = set()  # words that touch a theme or start one of its phrases
    masks = np.zeros(len(texts), dtype=np.int64)
    for i, text in enumerate(texts):
        toks = set(_WORD_RUN.findall(text.lower()))
        if not toks <= known:
            new = toks - known
            for w in new:
                m = memo[w] = lookup(w)
                if m != (0, 0):
                    relevant.add(w)
            known |= new
        hit = first = 0
        for w in toks & relevant:
            m = memo[w]
            hit |= m[0]
            first |= m[1]
        todo = first & ~hit  # phrases whose first word occurs: confirm with the regex
        if todo:
            for t in themes:
                if todo & bit[t] and regex[t].search(text):
                    hit |= bit[t]
        masks[i] = hit
    return {t: (masks & bit[t]) != 0 for t in themes}


def sentence_themes(text: str) -> list[str]:
    """Themes a sentence touches (each at most once)."""
    return [t for t, pat in theme_dictionary().items() if pat.search(text)]


def _theme_matrices(sentences: pd.DataFrame | SentenceFile, themes: list[str]
                    ) -> Iterable[tuple[np.ndarray, dict[str, np.ndarray]]]:
    """``(doc_ids, sentence_theme_matrix)`` per chunk of the sentences, in file order. A
    streamed :class:`SentenceFile` (a large corpus) has its chunks matched in two forked
    processes while the next ones are read (the same matrices: each chunk is matched
    alone); a table in memory is matched here."""
    import multiprocessing as mp

    def prepared() -> Iterable[tuple[np.ndarray, list[str]]]:
        for chunk in sentence_chunks(sentences, ["doc_id", "text"]):
            chunk = chunk[chunk["doc_id"].notna()]
            yield (chunk["doc_id"].astype(str).to_numpy(),
                   chunk["text"].fillna("").astype(str).tolist())

    if not isinstance(sentences, SentenceFile) or "fork" not in mp.get_all_start_methods():
        for doc, text in prepared():
            yield doc, sentence_theme_matrix(text, themes)
        return
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=2, mp_context=mp.get_context("fork")) as pool:
        pending: deque[tuple[np.ndarray, Any]] = deque()
        for doc, text in prepared():
            pending.append((doc, pool.submit(sentence_theme_matrix, text, themes)))
            while len(pending) > 3:  # a few chunks in flight: memory stays bounded
                d, job = pending.popleft()
                yield d, job.result()
        while pending:
            d, job = pending.popleft()
            yield d, job.result()


def theme_shares(sentences: pd.DataFrame | SentenceFile,
                 themes: Iterable[str] | None = None) -> pd.DataFrame:
    """Share of each document's sentences that touch each theme (long format:
    ``doc_id, theme, sentences, matched, share``). A :class:`SentenceFile` is read in chunks."""
    cols = ["doc_id", "theme", "sentences", "matched", "share"]
    themes = list(themes or theme_dictionary())
    n: pd.Series | None = None
    k: dict[str, pd.Series] = {}
    for doc, matrix in _theme_matrices(sentences, themes):
        c_n = pd.Series(1, index=doc).groupby(level=0, sort=True).sum()
        n = c_n if n is None else n.add(c_n, fill_value=0)
        for th in themes:
            c_k = pd.Series(matrix[th], index=doc).groupby(level=0, sort=True).sum()
            k[th] = c_k if th not in k else k[th].add(c_k, fill_value=0)
    if n is None or not len(n):
        return pd.DataFrame(columns=cols)
    n = n.sort_index()
    parts = []
    for th in themes:
        matched = k[th].reindex(n.index, fill_value=0)
        parts.append(pd.DataFrame({"doc_id": n.index.to_numpy(), "theme": th,
                                   "sentences": n.to_numpy().astype(int),
                                   "matched": matched.to_numpy().astype(int)}))
    out = pd.concat(parts, ignore_index=True)
    out["share"] = (out["matched"] / out["sentences"]).round(4)
    return out.sort_values(["doc_id", "theme"], kind="mergesort").reset_index(drop=True)[cols]


def themes_by_group(shares: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """Share of sentences touching each theme per country-year group (long format:
    ``theme, group, sentences, matched, share``)."""
    cols = ["theme", "group", "sentences", "matched", "share"]
    if shares is None or not len(shares):
        return pd.DataFrame(columns=cols)
    grp = doc_group(documents)
    s = shares.assign(group=shares["doc_id"].map(grp).fillna("country ? year ?"))
    out = s.groupby(["theme", "group"], sort=True)[["sentences", "matched"]].sum().reset_index()
    out["share"] = (out["matched"] / out["sentences"].where(out["sentences"] > 0)).fillna(0)
    return out[cols]


# --------------------------------------------------------------------------- text

def kwic(sentences: pd.DataFrame | SentenceFile, term: str, *, width: int = 60,
         limit: int | None = None) -> pd.DataFrame:
    """Keyword in context: every occurrence of ``term`` (case-insensitive, word start).

    Returns one row per hit with ``doc_id``, ``sentence_id``, ``start`` (offset of the hit
    in the cleaned text, so a claim can be traced), ``left``, ``match`` and ``right``;
    at most ``limit`` rows when given.
    """
    cols = ["doc_id", "sentence_id", "start", "left", "match", "right"]
    if not term:
        return pd.DataFrame(columns=cols)
    pat = re.compile(rf"\b{re.escape(term)}\w*", re.IGNORECASE)  # the term as a word start
    out = []
    for r in (r for chunk in sentence_chunks(sentences, ["doc_id", "sentence_id", "start",
                                                          "text"])
              for r in chunk[chunk["text"].fillna("").str.contains(pat)].itertuples()):
        for m in pat.finditer(r.text):
            left = r.text[max(0, m.start() - width):m.start()]
            right = r.text[m.end():m.end() + width]
            out.append({"doc_id": r.doc_id, "sentence_id": int(r.sentence_id),
                        "start": int(r.start) + m.start(),
                        "left": ("…" if m.start() > width else "") + left,
                        "match": m.group(0),
                        "right": right + ("…" if m.end() + width < len(r.text) else "")})
            if limit is not None and len(out) >= limit:
                return pd.DataFrame(out, columns=cols)
    return pd.DataFrame(out, columns=cols)


def number_spans(text: str, count: object) -> list[tuple[int, int]]:
    """Where ``count`` is written in ``text``, as digits or as a number word."""
    try:
        n = int(count)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return []
    words = [w for w, v in NUMBER_WORDS.items() if v == n]
    alts = [re.escape(str(n)), *words]
    # the figure as a whole word (not the "39" in "139" or in "2039")
    pat = re.compile(r"(?<![\w.,-])(?:" + "|".join(alts) + r")(?![\w-])", re.IGNORECASE)
    return [(m.start(), m.end()) for m in pat.finditer(text)]


def cue_spans(text: str, cue: object) -> list[tuple[int, int]]:
    """Where the cue phrase occurs in ``text`` (case-insensitive)."""
    c = _text(cue).strip()
    if not c or len(c) > 60:
        return []
    return [(m.start(), m.end()) for m in re.finditer(re.escape(c), text, re.IGNORECASE)]


def highlight_html(text: str, numbers: Iterable[tuple[int, int]] = (),
                   cues: Iterable[tuple[int, int]] = ()) -> str:
    """The sentence as HTML with numbers in <mark class="num"> and cues in <mark class="cue">.

    Overlapping spans keep the first (numbers before cues).
    """
    spans = sorted([(s, e, "num") for s, e in numbers] + [(s, e, "cue") for s, e in cues])
    style = {"num": "background:#F0E442;font-weight:bold",
             "cue": "background:#56B4E9;color:black"}
    out, pos = [], 0
    for s, e, kind in spans:
        if s < pos:
            continue
        out.append(html.escape(text[pos:s]))
        out.append(f'<mark class="{kind}" style="{style[kind]}">{html.escape(text[s:e])}</mark>')
        pos = e
    out.append(html.escape(text[pos:]))
    return "".join(out)


def event_evidence(event_id: str, summary: pd.DataFrame, tallies: pd.DataFrame,
                   sentences: pd.DataFrame | SentenceFile,
                   stances: pd.DataFrame | None = None) -> pd.DataFrame:
    """The sentences behind one event's figures and positions, with the marks to show.

    Returns:
        ``doc_id, sentence_id, what, text, html`` — ``what`` says which figure or stance the
        sentence gives; ``html`` has the number and the cue marked.
    """
    cols = ["doc_id", "sentence_id", "what", "text", "html"]
    row = summary[summary["event_id"].astype(str) == str(event_id)]
    if not len(row):
        return pd.DataFrame(columns=cols)
    docs = set(split_list(row["doc_ids"].iloc[0]))
    sub = sentences_of(sentences, docs)
    keys = zip(sub["doc_id"], sub["sentence_id"], strict=True)
    sent = dict(zip(keys, sub["text"], strict=True))
    out = []
    t = tallies[tallies["doc_id"].isin(docs)] if tallies is not None and len(tallies) else None
    if t is not None and "subject" in t:
        t = t[t["subject"] == "delegations"]
    for r in ([] if t is None else t.itertuples()):
        key = (r.doc_id, r.sentence_id)
        if key not in sent:
            continue
        text = str(sent[key])
        out.append({"doc_id": r.doc_id, "sentence_id": int(r.sentence_id),
                    "what": (f"total {r.count}" if r.stance == "all" else
                             f"{r.stance} {r.count}" + (f" of {r.total}" if pd.notna(r.total)
                                                        else "")),
                    "text": text,
                    "html": highlight_html(text, number_spans(text, r.count),
                                           cue_spans(text, getattr(r, "cue", "")))})
    s = stances[stances["doc_id"].isin(docs)] if stances is not None and len(stances) else None
    for r in ([] if s is None else s.itertuples()):
        key = (r.doc_id, r.sentence_id)
        if key not in sent:
            continue
        text = str(sent[key])
        out.append({"doc_id": r.doc_id, "sentence_id": int(r.sentence_id),
                    "what": f"{actor_name(r.actor, r.actor_label)}: {r.stance}", "text": text,
                    "html": highlight_html(text, (), cue_spans(text, r.cue))})
    df = pd.DataFrame(out, columns=cols)
    return df.sort_values(["doc_id", "sentence_id"], kind="mergesort").reset_index(drop=True)


def state_record(actor: str, actor_record: pd.DataFrame,
                 summary: pd.DataFrame) -> pd.DataFrame:
    """One state's or bloc's stance at every event, in time order, events named for people."""
    cols = ["event", "country under review", "stance", "n_statements", "conflict", "doc_ids"]
    rec = actor_record[actor_record["actor"] == actor] if len(actor_record) else actor_record
    if not len(rec):
        return pd.DataFrame(columns=cols)
    ev = sort_events(summary[summary["event_id"].isin(set(rec["event_id"]))])
    labels = label_events(ev) if len(ev) else pd.Series(dtype=object)
    order = {e: i for i, e in enumerate(ev["event_id"])}
    rec = rec.assign(_o=rec["event_id"].map(order).fillna(len(order))).sort_values("_o")
    return pd.DataFrame({
        "event": [labels.get(e, str(e)) for e in rec["event_id"]],
        "country under review": [country_name(c) for c in rec["subject_country"]],
        "stance": rec["stance"].to_numpy(), "n_statements": rec["n_statements"].to_numpy(),
        "conflict": rec["conflict"].fillna("").to_numpy(), "doc_ids": rec["doc_ids"].to_numpy(),
    })[cols]


def term_counter(terms: Sequence[str]) -> Callable[[str], int]:
    """How many times any of ``terms`` occurs at a word start in a text, case ignored.

    An ASCII text is lower-cased and searched with the lower-cased terms, without the
    case-blind pattern (half again as fast, the same count: for ASCII letters ignoring case
    is lowering them); other texts, or terms that are not ASCII, use the case-blind pattern.
    """
    pat = re.compile(r"\b(?:" + "|".join(re.escape(t) for t in terms) + ")", re.IGNORECASE)
    if not all(t.isascii() for t in terms):
        return lambda text: len(pat.findall(text))
    low = re.compile(r"\b(?:" + "|".join(re.escape(t.lower()) for t in terms) + ")")

    def count(text: str) -> int:
        return len(low.findall(text.lower()) if text.isascii() else pat.findall(text))

    return count


def documents_for_terms(sentences: pd.DataFrame | SentenceFile, terms: Sequence[str], *,
                        n: int = 5
                        ) -> list[str]:
    """The ``n`` documents where the terms occur most (ties by doc_id), for a dispersion plot."""
    terms = [t for t in terms if t]
    if not terms:
        return []
    count = term_counter(terms)
    per_doc = pd.Series(dtype="int64")
    for chunk in sentence_chunks(sentences, ["doc_id", "text"]):
        hits = pd.Series([count(t) for t in chunk["text"].fillna("").tolist()],
                         index=chunk["doc_id"].astype(str).to_numpy(), dtype="int64")
        per_doc = per_doc.add(hits[hits > 0].groupby(level=0).sum(), fill_value=0)
    per_doc = per_doc[per_doc > 0]
    return sorted(per_doc.index, key=lambda d: (-per_doc[d], d))[:n]


# What each notebook reads: table -> columns (None: every column). Tables and columns left out
# are never read, so a run of 100,000 articles (sentences.csv ~210 MB, stances.csv ~300 MB)
# does not have to fit in memory as text. events.csv and stances.csv stand in for
# event_summary.csv and actor_record.csv when those are missing (see load_run).
_DOCUMENT_COLUMNS = ["doc_id", "status", "outlet", "published", "hrc_session", "event_date",
                     "subject_country"]
_SENTENCE_COLUMNS = ["doc_id", "sentence_id", "start", "end", "text"]
_STANCE_COLUMNS = ["doc_id", "sentence_id", "actor", "actor_label", "stance", "target", "cue"]
NOTEBOOK_TABLES: dict[str, dict[str, list[str] | None]] = {
    "04": {"documents": _DOCUMENT_COLUMNS, "sentences": _SENTENCE_COLUMNS,
           "entities": ["doc_id", "label", "canonical"], "event_summary": None,
           "actor_record": COLUMNS["actor_record"]},
    "05": {"documents": _DOCUMENT_COLUMNS, "sentences": _SENTENCE_COLUMNS,
           "tallies": ["doc_id", "sentence_id", "subject", "stance", "count", "total", "cue"],
           "stances": _STANCE_COLUMNS, "event_summary": None,
           "actor_record": COLUMNS["actor_record"]},
}
# Columns with few distinct values, read as pandas categories (an int8/int16 code per row
# instead of a Python string); the integer columns of the contract are read as Int32.
CATEGORY_COLUMNS = frozenset({"label", "canonical", "subject", "stance", "actor", "actor_label",
                              "target", "status", "outlet", "kind", "cue", "subject_country"})
# Per table, more columns read as categories: the document of each of millions of rows, and
# the event of each state's record.
TABLE_CATEGORY_COLUMNS = {"entities": {"doc_id"}, "tallies": {"doc_id"},
                          "stances": {"doc_id"}, "actor_record": {"event_id"}}
# Columns kept as text even where CATEGORY_COLUMNS says otherwise: the charts fill their
# missing cells with "" (which a category column would refuse).
TABLE_TEXT_COLUMNS = {"actor_record": {"subject_country"}}


def read_columns(out_dir: str | Path, table: str, columns: Sequence[str] | None = None,
                 ) -> tuple[pd.DataFrame, str | None]:
    """Read only ``columns`` of ``OUT/tables/<table>.csv``, with compact dtypes.

    Low-cardinality text columns (:data:`CATEGORY_COLUMNS`) become categories and integer
    columns ``Int32``; the other columns stay text, empty cells ``NA`` (as
    :func:`helpers.contract.read_table`). Columns the file lacks are added empty.

    Returns:
        ``(frame, message)`` as :func:`read_optional`.
    """
    from helpers.contract import INTEGER_COLUMNS

    if columns is None:
        return read_optional(out_dir, table)
    path = Path(out_dir) / "tables" / f"{table}.csv"
    if not path.is_file():
        df, msg = read_optional(out_dir, table)
        return df.reindex(columns=list(columns)), msg
    cats = ((CATEGORY_COLUMNS | TABLE_CATEGORY_COLUMNS.get(table, set()))
            - TABLE_TEXT_COLUMNS.get(table, set()))
    dtype = {c: ("Int32" if c in INTEGER_COLUMNS else "category" if c in cats else str)
             for c in columns}
    df = read_table(out_dir, table, columns=columns, dtypes=dtype)
    for c in columns:
        if c not in df:
            df[c] = pd.Series(pd.NA, index=df.index, dtype=dtype[c] if dtype[c] is not str
                              else object)
    return df[list(columns)], None


def load_run(out_dir: str | Path, notebook: str | None = None,
             ) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """The tables notebooks 04 and 05 use, with stand-ins for the cross-document tables.

    A run folder written before ``event_summary.csv`` / ``actor_record.csv`` / ``speakers.csv``
    existed still draws: events then stand for themselves (one per report) and states' records
    are grouped by each document's own session and date. Each stand-in is announced.

    Args:
        out_dir: the run folder.
        notebook: ``"04"`` or ``"05"``: read only the tables and columns that notebook uses
            (:data:`NOTEBOOK_TABLES`), with compact dtypes; the others are empty frames.
            None: every table, every column (as :func:`helpers.contract.read_table`).

    Returns:
        ``(tables, messages)``.
    """
    names = ("documents", "sentences", "entities", "tallies", "events", "stances",
             "event_summary", "actor_record", "speakers")
    wanted: dict[str, list[str] | None] = ({n: None for n in names} if notebook is None
                                           else NOTEBOOK_TABLES[notebook])
    tables: dict[str, pd.DataFrame] = {}
    messages: list[str] = []
    for name in names:
        if name not in wanted:
            tables[name] = empty_table(name)
            continue
        path = Path(out_dir) / "tables" / f"{name}.csv"
        if (name == "sentences" and notebook is not None and path.is_file()
                and path.stat().st_size > SENTENCES_IN_MEMORY_BYTES):
            tables[name] = SentenceFile(path)  # type: ignore[assignment]
            continue
        df, msg = read_columns(out_dir, name, wanted[name])
        tables[name] = df
        if msg:
            messages.append(msg)
    if not len(tables["event_summary"]):
        if notebook is not None and "events" not in wanted:  # the stand-in needs events.csv
            tables["events"], _ = read_optional(out_dir, "events")
        if len(tables["events"]):
            tables["event_summary"] = event_summary_from_events(tables["events"],
                                                                tables["documents"])
            messages.append("event_summary.csv is missing or empty: each report in events.csv "
                            "is drawn as its own event (nothing merged across documents).")
    if not len(tables["actor_record"]) and notebook is not None and "stances" not in wanted:
        tables["stances"], _ = read_columns(out_dir, "stances", _STANCE_COLUMNS)
    if not len(tables["actor_record"]) and len(tables["stances"]):
        rec, ev = actor_record_from_stances(tables["stances"], tables["documents"])
        tables["actor_record"] = rec
        known = set(tables["event_summary"]["event_id"].astype(str))
        extra = ev[~ev["event_id"].isin(known)]
        tables["stance_events"] = pd.concat([tables["event_summary"], extra],
                                            ignore_index=True)
        messages.append("actor_record.csv is missing or empty: positions are grouped by each "
                        "document's country under review, session and date.")
    else:
        tables["stance_events"] = tables["event_summary"]
    return tables, messages


# --------------------------------------------------------------------------- explorer (05)

def default_selection(tables: dict[str, pd.DataFrame], *, country: str = "", event: str = "",
                      state: str = "") -> dict[str, str]:
    """Fill what the user left empty: the most reported country under review, its latest
    event with a count, and the state or bloc with a position at most of its events."""
    summary = tables["event_summary"]
    rec = tables["actor_record"]
    if not country and event and len(summary):
        row = summary[summary["event_id"].astype(str) == event]
        country = _text(row["subject_country"].iloc[0]) if len(row) else ""
    if not country:
        pool = summary["subject_country"] if len(summary) else rec.get("subject_country",
                                                                       pd.Series(dtype=str))
        counts = pool.fillna("").astype(str).value_counts()
        country = sorted(counts.index, key=lambda k: (-counts[k], k))[0] if len(counts) else ""
    if not event and len(summary):
        ev = sort_events(summary[summary["subject_country"].fillna("") == country])
        counted = ev[ev["total"].notna() | ev["favourable"].notna()]
        pick = counted if len(counted) else ev
        event = str(pick["event_id"].iloc[-1]) if len(pick) else ""
    if not state and len(rec):
        r = rec[rec["subject_country"].fillna("") == country] if country else rec
        r = r if len(r) else rec
        n = r.groupby("actor")["event_id"].nunique()
        state = sorted(n.index, key=lambda k: (-n[k], k))[0]
    return {"country": country, "event": event, "state": state}


def country_options(tables: dict[str, pd.DataFrame]) -> list[tuple[str, str]]:
    """``(name, ISO3)`` of every country under review, by name."""
    codes = set(tables["event_summary"]["subject_country"].dropna().astype(str))
    codes |= set(tables["actor_record"]["subject_country"].dropna().astype(str))
    return sorted(((country_name(c), c) for c in codes if c), key=lambda x: x[0])


def event_options(tables: dict[str, pd.DataFrame], country: str) -> list[tuple[str, str]]:
    """``(label, event_id)`` of the country's events, newest first."""
    s = tables["event_summary"]
    ev = sort_events(s[s["subject_country"].fillna("") == country]) if len(s) else s
    if not len(ev):
        return []
    labels = label_events(ev)
    return [(labels[e], e) for e in reversed(list(ev["event_id"].astype(str)))]


def state_options(tables: dict[str, pd.DataFrame], country: str = "") -> list[tuple[str, str]]:
    """``(name, actor)`` of the states and blocs with a stated position (toward ``country``)."""
    rec = tables["actor_record"]
    if country and len(rec):
        rec = rec[rec["subject_country"].fillna("") == country]
    pairs = rec[["actor", "actor_label"]].drop_duplicates() if len(rec) else rec
    return sorted(((actor_name(a, lab), a) for a, lab in
                   zip(pairs.get("actor", []), pairs.get("actor_label", []), strict=True)),
                  key=lambda x: x[0])


def event_card_html(tables: dict[str, pd.DataFrame], event_id: str) -> str:
    """One event's figures as HTML: who reports it, the counts, agreement, official speakers."""
    s = tables["event_summary"]
    row = s[s["event_id"].astype(str) == str(event_id)] if len(s) else s
    if not len(row):
        return "<p>No event selected (this corpus has no events with counts).</p>"
    r = row.iloc[0]
    label = label_events(row).iloc[0]
    fields = [("country under review", country_name(r["subject_country"])),
              ("kind", _text(r["kind"]) or "not stated"),
              ("reports", f"{_text(r['n_reports']) or '?'} ({_text(r['outlets'])})"),
              ("source of the figures", _text(r["sources"]) or "not named"),
              ("total · favourable · critical · neutral",
               " · ".join(_text(r[c]) or "–" for c in ("total", "favourable", "critical",
                                                        "neutral"))),
              ("check", _text(r["check"])), ("agreement", _text(r["agreement"])),
              ("official speakers", _text(r["official_speakers"]) or "no official record"),
              ("notes", _text(r.get("notes", "")))]
    rows_html = "".join(f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
                        f"<td style='text-align:left'>{html.escape(v)}</td></tr>"
                        for k, v in fields if v)
    return f"<h4>{html.escape(label)}</h4><table>{rows_html}</table>"


def evidence_html(evidence: pd.DataFrame, *, limit: int = 40) -> str:
    """The evidence rows as an HTML table (number and cue already marked)."""
    if not len(evidence):
        return "<p>No sentence in the tables gives this event's figures or positions.</p>"
    body = "".join(f"<tr><td>{html.escape(str(r.doc_id))}</td><td>{r.sentence_id}</td>"
                   f"<td>{html.escape(str(r.what))}</td>"
                   f"<td style='text-align:left'>{r.html}</td></tr>"
                   for r in evidence.head(limit).itertuples())
    more = (f"<p>{len(evidence) - limit} more not shown.</p>" if len(evidence) > limit else "")
    return ("<table><tr><th>document</th><th>sentence</th><th>gives</th><th>text "
            "(<mark style='background:#F0E442'>number</mark>, "
            "<mark style='background:#56B4E9'>cue</mark>)</th></tr>" + body + "</table>" + more)


def kwic_html(sentences: pd.DataFrame, term: str, *, limit: int = 50) -> str:
    """Keyword in context as HTML, the hit marked, with document, sentence and offset."""
    k = kwic(sentences, term, limit=limit)
    if not term:
        return "<p>Type a word to search.</p>"
    if not len(k):
        return f"<p>'{html.escape(term)}' does not occur in this corpus.</p>"
    body = "".join(f"<tr><td>{html.escape(str(r.doc_id))}</td><td>{r.sentence_id}</td>"
                   f"<td>{r.start}</td><td style='text-align:right'>{html.escape(r.left)}</td>"
                   f"<td><mark style='background:#F0E442'>{html.escape(r.match)}</mark></td>"
                   f"<td style='text-align:left'>{html.escape(r.right)}</td></tr>"
                   for r in k.itertuples())
    return ("<table><tr><th>document</th><th>sentence</th><th>offset</th><th></th><th>hit</th>"
            "<th></th></tr>" + body + "</table>"
            + (f"<p>First {limit} hits.</p>" if len(k) >= limit else ""))


def show_selection(tables: dict[str, pd.DataFrame], selection: dict[str, str],
                   keyword: str = "") -> None:
    """Display the selection's figures, evidence, state record and KWIC (no widgets: what a
    headless run shows, and what each widget redraws)."""
    import matplotlib.pyplot as plt
    from IPython.display import HTML, Markdown, display

    from helpers import charts

    c, e, a = selection["country"], selection["event"], selection["state"]
    display(Markdown(f"### {country_name(c) if c else 'No country under review found'}"))
    for fig in (charts.delegations_by_event(tables["event_summary"], country=c),
                charts.stance_heatmap(tables["actor_record"], tables["stance_events"],
                                      country=c)):
        display(fig)
        plt.close(fig)
    display(Markdown("### The event and the sentences its figures come from"))
    show_event(tables, e)
    display(Markdown(f"### {actor_name(a, _label_of(tables, a)) if a else 'No state'}"
                     " across events"))
    display(state_record(a, tables["actor_record"], tables["stance_events"]))
    if keyword:
        display(Markdown(f"### Keyword in context: '{keyword}'"))
        display(HTML(kwic_html(tables["sentences"], keyword)))


def show_event(tables: dict[str, pd.DataFrame], event_id: str) -> None:
    """Display one event's card and its evidence."""
    from IPython.display import HTML, display

    display(HTML(event_card_html(tables, event_id)))
    ev = event_evidence(event_id, tables["event_summary"], tables["tallies"],
                        tables["sentences"], tables["stances"])
    display(HTML(evidence_html(ev)))


def _label_of(tables: dict[str, pd.DataFrame], actor: str) -> str:
    rec = tables["actor_record"]
    hit = rec[rec["actor"] == actor]["actor_label"] if len(rec) else []
    return str(hit.iloc[0]) if len(hit) else ""


def _png(fig) -> bytes:
    import io

    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    plt.close(fig)
    return buf.getvalue()


def explorer(tables: dict[str, pd.DataFrame], selection: dict[str, str], keyword: str = ""):
    """The interactive explorer: country, event and state pickers and a keyword box, each
    redrawing its own part. Returns an ipywidgets box (display it in JupyterLab).

    Parts are Image and HTML widgets whose values are replaced (no Output widgets capturing
    prints), so a headless run stores the box without waiting on any output capture.
    """
    import ipywidgets as w

    from helpers import charts

    country = w.Dropdown(options=country_options(tables), value=selection["country"] or None,
                         description="Country")
    event = w.Dropdown(options=event_options(tables, selection["country"]),
                       value=selection["event"] or None, description="Event")
    state = w.Dropdown(options=state_options(tables), value=selection["state"] or None,
                       description="State")
    word = w.Text(value=keyword, description="Keyword", continuous_update=False)
    fig_a, fig_b = w.Image(format="png"), w.Image(format="png")
    event_html, state_html, kwic_box = w.HTML(), w.HTML(), w.HTML()

    def draw_country(*_):
        c = country.value or ""
        fig_a.value = _png(charts.delegations_by_event(tables["event_summary"], country=c))
        fig_b.value = _png(charts.stance_heatmap(tables["actor_record"],
                                                 tables["stance_events"], country=c))

    def on_country(change):
        event.options = event_options(tables, change["new"] or "")
        draw_country()

    def draw_event(*_):
        e = event.value or ""
        ev = event_evidence(e, tables["event_summary"], tables["tallies"], tables["sentences"],
                            tables["stances"])
        event_html.value = event_card_html(tables, e) + evidence_html(ev)

    def draw_state(*_):
        rec = state_record(state.value or "", tables["actor_record"], tables["stance_events"])
        state_html.value = (rec.to_html(index=False, escape=True) if len(rec)
                            else "<p>No stated positions for this selection.</p>")

    def draw_kwic(*_):
        kwic_box.value = kwic_html(tables["sentences"], word.value)

    country.observe(on_country, names="value")
    event.observe(draw_event, names="value")
    state.observe(draw_state, names="value")
    word.observe(draw_kwic, names="value")
    for f in (draw_country, draw_event, draw_state, draw_kwic):
        f()
    return w.VBox([w.HBox([country, event]), fig_a, fig_b, event_html, w.HBox([state]),
                   state_html, word, kwic_box])
