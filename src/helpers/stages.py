"""One function per notebook stage: read the previous stage's tables, write this stage's.

The notebooks call these and then show what they wrote, so every notebook is thin, any one
can be re-run alone, and the tests can run a stage without Jupyter.

Each stage is a chain of *map* phases — one call of a per-document function
(:func:`clean_doc`, :func:`split_doc`, :func:`entities_doc`, :func:`tallies_doc`; the only
places that call the extraction code) — and corpus-level *reductions* run here, in between:

* 01 clean: map ``clean_doc`` (read, decode, clean; MinHash signature) → reduce: duplicates
  (MinHash LSH + exact Jaccard), Punkt trained on a bounded sample → map ``split_doc``.
* 02 entities: reduce: the words the corpus uses in lower case → map ``entities_doc``.
* 03 tallies: map ``tallies_doc`` → reduce: corpus-level events (the events module's place).

Maps run on an :class:`helpers.engine.Engine` (``local`` processes or ``dask``), in document
order whatever the engine, so the tables are the same byte for byte. Each per-document result
is cached in ``OUT/cache`` under a key of everything it depends on (:mod:`helpers.cache`), so
a re-run redoes only what changed. Tables are read and written as streams, one document at a
time: memory does not grow with the corpus's text. An exception for one document becomes a
warnings.csv row and that document's rows for the stage are left out; the others go on.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import fields
from itertools import groupby
from pathlib import Path
from typing import Any

import pandas as pd

from helpers.cache import DocCache, base_version, digest
from helpers.contract import COLUMNS, EXTRA_COLUMNS, _cell, read_table, write_table
from helpers.engine import MISSING, Engine, Fault

STAGE_CLEAN, STAGE_SPLIT = "01_clean", "01_split"
STAGE_ENTITIES, STAGE_TALLIES = "02_entities", "03_tallies"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")  # a canonical that is a full ISO date
_YEAR = re.compile(r"^\d{4}")  # a year at the start of a date cell


def _text(value: object) -> str:
    """A table cell as text: empty cells (NA) become ""."""
    return value if isinstance(value, str) else ""


def _year_of(*cells: object) -> int | None:
    for c in cells:
        val = _text(c)
        if _YEAR.match(val):
            return int(val[:4])
    return None


# --------------------------------------------------------------------------- plumbing


def table_columns(table: str, extra: Iterable[str] = ()) -> list[str]:
    """The columns :func:`write_table` gives ``table`` for rows with ``extra`` keys."""
    base = COLUMNS[table] + EXTRA_COLUMNS.get(table, [])
    return base + [c for c in extra if c not in base]


def format_rows(columns: list[str], rows: Iterable[dict[str, Any]]) -> str:
    """Rows as CSV lines exactly as :func:`write_table` writes them (no header)."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([_cell(r.get(c)) for c in columns]
                                                    for r in rows)
    return buf.getvalue()


class TableStream:
    """Write ``OUT/tables/<table>.csv`` row by row, byte for byte as :func:`write_table` would
    (same columns, cells and quoting), into a temporary file renamed into place on success.

    Args:
        out_dir: the run folder.
        table: contract table name.
        extra: columns after the contract's and the project's own (in this order).
    """

    def __init__(self, out_dir: str | Path, table: str, extra: Iterable[str] = ()) -> None:
        self.columns = table_columns(table, extra)
        self.path = Path(out_dir) / "tables" / f"{table}.csv"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, self._tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp",
                                         dir=self.path.parent)
        self._fh = os.fdopen(fd, "w", encoding="utf-8", newline="")
        self._w = csv.writer(self._fh, lineterminator="\n")
        self._w.writerow(self.columns)

    def write(self, rows: Iterable[dict[str, Any]]) -> None:
        """Append rows (dicts; missing columns are empty)."""
        cols = self.columns
        self._w.writerows([_cell(r.get(c)) for c in cols] for r in rows)

    def write_text(self, lines: str) -> None:
        """Append CSV lines made by :func:`format_rows` with this table's columns."""
        self._fh.write(lines)

    def close(self) -> Path:
        """Finish the file and move it into place."""
        from helpers.contract import _UMASK

        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._fh.close()
        os.chmod(self._tmp, 0o666 & ~_UMASK)
        os.replace(self._tmp, self.path)
        return self.path

    def abort(self) -> None:
        """Drop the temporary file (the previous table, if any, stays)."""
        self._fh.close()
        Path(self._tmp).unlink(missing_ok=True)


def _groups(path: Path, parse) -> Iterator[tuple[str, list[Any]]]:
    """``(doc_id, [parsed rows])`` of a table sorted by doc_id, one document at a time."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header is None:
            return
        idx = {c: i for i, c in enumerate(header)}
        for doc_id, rows in groupby(reader, key=lambda r: r[0]):
            yield doc_id, [parse(r, idx) for r in rows]


def _n_split(docs: pd.DataFrame) -> int:
    """How many documents sentences.csv holds (for progress bars; no extra pass over it)."""
    return int(((docs["status"] == "ok") & (docs["n_sentences"].fillna(0) > 0)).sum())


def _sentence_row(r: list[str], idx: dict[str, int]) -> tuple[int, int, str, int]:
    return (int(r[idx["sentence_id"]]), int(r[idx["start"]]), r[idx["text"]],
            int(r[idx["paragraph_id"]]))


def _entity_row(r: list[str], idx: dict[str, int]) -> tuple[int, int, int, str, str, str]:
    return (int(r[idx["sentence_id"]]), int(r[idx["start"]]), int(r[idx["end"]]),
            r[idx["text"]], r[idx["label"]], r[idx["canonical"]])


def _cached_map(eng: Engine, cache: DocCache, stage: str, fn, entries: Iterable[tuple],
                *, context: Any, label: str, total: int,
                progress: bool) -> Iterator[tuple[str, Any]]:
    """Map ``fn`` over ``(doc_id, key, payload_fn)`` entries, reusing cached results.

    Yields ``(doc_id, result or Fault)`` in entry order; stores new results; prints
    ``<label>: N documents cached, M to process`` when done.
    """
    counts = {"hit": 0, "miss": 0}

    def items() -> Iterator[tuple[str, Any, Any]]:
        for doc_id, key, payload_fn in entries:
            got = cache.get(stage, doc_id, key)
            if got is not None:
                counts["hit"] += 1
                yield doc_id, None, got
            else:
                counts["miss"] += 1
                yield doc_id, (key, payload_fn()), MISSING

    for doc_id, res, was_cached in eng.map_cached(fn, items(), context=context, stage=stage,
                                                  total=total, desc=label, progress=progress):
        if was_cached or isinstance(res, Fault):  # a failure is never cached
            yield doc_id, res
            continue
        key, value = res
        cache.put(stage, doc_id, key, value)
        yield doc_id, value
    cache.flush()
    line = f"{label}: {counts['hit']} documents cached, {counts['miss']} to process"
    print(line)
    cache.note(label.split(":")[0][:2], line)


class _Keyed:
    """Wrap a per-document function so its cache key travels with its result (picklable)."""

    def __init__(self, fn) -> None:
        self.fn = fn

    def __call__(self, doc_id: str, payload: tuple[str, Any], context: Any) -> tuple[str, Any]:
        key, inner = payload
        return key, self.fn(doc_id, inner, context)


def _append_warnings(out: Path, stage: str, rows: list[dict[str, str]]) -> None:
    """Replace this stage's rows in warnings.csv with ``rows`` (other stages' rows kept)."""
    path = out / "tables" / "warnings.csv"
    old: list[dict[str, str]] = []
    if path.exists():
        with path.open(encoding="utf-8", newline="") as fh:
            old = [r for r in csv.DictReader(fh) if r.get("stage") != stage]
    if rows or path.exists():
        write_table(out, "warnings", old + rows)


def _fault_row(stage: str, doc_id: str, source_file: str, fault: Fault) -> dict[str, str]:
    return {"stage": stage, "doc_id": doc_id, "source_file": source_file,
            "message": fault.describe(stage)}


def _write_text(path: Path, text: str) -> None:
    """Write a cleaned text unless the file already holds exactly it (re-runs rewrite nothing)."""
    data = text.encode("utf-8")
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return
    except OSError:
        pass
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    from helpers.contract import _UMASK

    os.chmod(tmp, 0o666 & ~_UMASK)
    os.replace(tmp, path)


# --------------------------------------------------------------------------- 01 clean


def clean_doc(doc_id: str, payload: dict[str, Any], context: Any) -> dict[str, Any]:
    """Stage 01, one file: decode and clean its bytes (the read itself happens in the caller).

    Args:
        doc_id: the document.
        payload: ``{"data": bytes, "need_subject": bool}``.
        context: unused.

    Returns:
        ``{"fields": {documents.csv fields}, "doc": CleanedDocument or None, "text_sha",
        "signature", "subject"}``; ``fields["status"]`` is ``ok`` or ``rejected: ...``.
    """
    from helpers.clean import clean_text, decode_bytes, minhash_signature, normalise_text

    data: bytes = payload["data"]
    fields_: dict[str, Any] = {"status": "ok"}
    out: dict[str, Any] = {"fields": fields_, "doc": None, "text_sha": "", "signature": None,
                           "subject": ""}
    # -- intake: mirrors clean.clean_corpus for one file (decode → reject → clean) --------
    dec = decode_bytes(data)
    fields_["encoding"] = dec.encoding
    notes = list(dec.notes)
    if dec.text is None:
        fields_["status"] = dec.status
        return out
    if "\ufffd" in dec.text:
        notes.append(f"{dec.text.count(chr(0xFFFD))} U+FFFD replacement character(s) removed")
    try:
        cd = clean_text(dec.text) if dec.text.strip() else None
    except Exception as exc:  # defensive: record and go on
        cd, error = None, exc
    else:
        error = None
    # normalising again only when cleaning left nothing (it costs as much as cleaning)
    if (cd is None or not cd.text.strip()) and (not dec.text.strip()
                                                or not normalise_text(dec.text).strip()):
        fields_["status"] = "rejected: whitespace only"
        fields_["notes"] = "; ".join(notes)
        return out
    if cd is None:
        fields_["status"] = f"rejected: cleaning failed ({type(error).__name__}: {error})"
        return out
    if cd.fmt == "html":
        notes.append("HTML page: article text extracted")
    fields_.update({"dateline": cd.dateline, "n_chars": len(cd.text),
                    "boilerplate_chars": cd.boilerplate_chars, "title": cd.title,
                    "format": cd.fmt, "notes": "; ".join(notes)})
    if not cd.text.strip():
        fields_["status"] = "rejected: no article text after cleaning"
        return out
    # -- what the corpus-level reductions need from this document -------------------------
    out["doc"] = cd
    out["text_sha"] = hashlib.sha256(cd.text.encode("utf-8")).hexdigest()
    out["signature"] = minhash_signature(cd.text)
    if payload.get("need_subject"):
        from helpers.entities import infer_subject_country

        out["subject"] = infer_subject_country([cd.text])
    return out


def split_doc(doc_id: str, doc: Any, splitter: Any) -> list[dict[str, Any]]:
    """Stage 01, one document: its sentences.csv rows."""
    from helpers.clean import split_sentences

    return [{"doc_id": doc_id, "sentence_id": i, "paragraph_id": pi + 1, "start": s, "end": e,
             "text": doc.text[s:e]}
            for i, (pi, s, e) in enumerate(split_sentences(doc, splitter), start=1)]


def _split_csv(doc_id: str, doc: Any, splitter: Any) -> tuple[int, str]:
    rows = split_doc(doc_id, doc, splitter)
    return len(rows), format_rows(table_columns("sentences"), rows)


def _sha256_file(path: Path) -> str:
    digest_ = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest_.update(chunk)
    return digest_.hexdigest()


def run_clean(corpus_dir: str | Path, out_dir: str | Path, *, subject_country: str = "",
              max_file_bytes: int = 2_000_000, near_duplicate_jaccard: float = 0.9,
              engine: str = "local", workers: int = 0, scheduler: str = "",
              progress: bool = True) -> dict[str, pd.DataFrame]:
    """Stage 01: documents.csv, sentences.csv, warnings.csv and ``OUT/texts/<doc_id>.txt``.

    The country under review (``documents.subject_country``) is, in order: the parameter,
    a ``subject_country`` column of metadata.csv, or the state the document names most.

    Args:
        corpus_dir: folder of ``.txt`` articles (``metadata.csv`` optional).
        out_dir: the run folder.
        subject_country: ISO3 for every document, or "".
        max_file_bytes: files larger than this are rejected unread.
        near_duplicate_jaccard: word 5-gram Jaccard at or above which a file is a near
            duplicate of an earlier one.
        engine: ``local`` or ``dask`` (see :mod:`helpers.engine`).
        workers: worker processes (0: all cores; 1: in this process).
        scheduler: ``dask`` only: a scheduler address; "" starts a LocalCluster.
        progress: show progress bars.
    """
    from helpers.clean import (
        METADATA_FIELDS,
        DuplicateFinder,
        list_corpus,
        punkt_fingerprint,
        punkt_sample,
        read_metadata,
        train_sentence_splitter,
    )

    corpus_dir, out = Path(corpus_dir), Path(out_dir)
    files = list_corpus(corpus_dir)
    meta, meta_warnings = read_metadata(corpus_dir / "metadata.csv", [p.stem for p in files])
    warnings = [{"stage": STAGE_CLEAN, "doc_id": d, "source_file": "metadata.csv",
                 "message": w} for d, w in meta_warnings]
    base = base_version()
    docs: dict[str, dict[str, Any]] = {}
    info: dict[str, dict[str, Any]] = {}  # per usable document: key, text_sha, n_chars, ...
    todo: list[tuple[str, str, Path, bool]] = []
    for path in files:
        doc_id = path.stem
        row: dict[str, Any] = {"doc_id": doc_id, "source_file": path.name, "sha256": "",
                               "encoding": "", "status": "ok", "dateline": "",
                               "n_chars": 0, "n_sentences": 0, "boilerplate_chars": 0,
                               "title": "", "format": "", "notes": ""}
        for col in METADATA_FIELDS:
            row[col] = meta.get(doc_id, {}).get(col, "")
        for col, val in meta.get(doc_id, {}).items():
            if col not in row:
                row[col] = val
        docs[doc_id] = row
        try:
            size = path.stat().st_size
            if size > max_file_bytes:
                row["status"] = (f"rejected: too large ({size:,} bytes > limit "
                                 f"{max_file_bytes:,})")
                row["sha256"] = _sha256_file(path)
                continue
            row["sha256"] = _sha256_file(path)
        except OSError as exc:
            row["status"] = f"rejected: unreadable ({exc.strerror or exc})"
            continue
        given = subject_country or str(meta.get(doc_id, {}).get("subject_country") or "")
        todo.append((doc_id, row["sha256"], path, not given))

    with DocCache(out) as cache, Engine(engine, workers, scheduler) as eng:
        # -- map 1: read, decode, clean --------------------------------------------------
        def read(path: Path, need: bool):
            return lambda: {"data": path.read_bytes(), "need_subject": need}

        entries = ((d, digest(base, STAGE_CLEAN, sha, need), read(p, need))
                   for d, sha, p, need in todo)
        keys: dict[str, str] = {}
        for (doc_id, sha, _p, need), (_d, res) in zip(
                todo, _cached_map(eng, cache, STAGE_CLEAN, _Keyed(clean_doc), entries,
                                  context=None, label="01 clean", total=len(todo),
                                  progress=progress), strict=True):
            row = docs[doc_id]
            if isinstance(res, Fault):
                row["status"] = f"rejected: cleaning failed ({res.error_type}: {res.message})"
                continue
            row.update(res["fields"])
            if res["doc"] is not None:
                keys[doc_id] = digest(base, STAGE_CLEAN, sha, need)
                info[doc_id] = {"text_sha": res["text_sha"], "n_chars": len(res["doc"].text),
                                "signature": res["signature"], "subject": res["subject"]}

        def cleaned(doc_id: str):
            return cache.get(STAGE_CLEAN, doc_id, keys[doc_id])["doc"]

        # -- reduce: duplicates, then Punkt on a bounded sample of the originals ----------
        finder = DuplicateFinder(near_duplicate_jaccard, lambda d: cleaned(d).text)
        dup: dict[str, str] = {}
        for doc_id in sorted(info):
            st = finder.add(doc_id, info[doc_id]["text_sha"], info[doc_id].pop("signature"))
            if st:
                dup[doc_id] = docs[doc_id]["status"] = st
        del finder
        sample = punkt_sample((d, i["text_sha"], i["n_chars"]) for d, i in info.items()
                              if d not in dup)
        splitter = train_sentence_splitter(cleaned(d).text for d in sample)
        fingerprint = punkt_fingerprint(splitter)

        # -- map 2: sentences -------------------------------------------------------------
        ordered = sorted(info)
        entries = ((d, digest(base, STAGE_SPLIT, info[d]["text_sha"], fingerprint),
                    (lambda d=d: cleaned(d))) for d in ordered)
        (out / "texts").mkdir(parents=True, exist_ok=True)
        sent_table = TableStream(out, "sentences")
        try:
            for doc_id, res in _cached_map(eng, cache, STAGE_SPLIT, _Keyed(_split_csv),
                                             entries, context=splitter,
                                             label="01 clean: sentences", total=len(ordered),
                                             progress=progress):
                row = docs[doc_id]
                if isinstance(res, Fault):
                    row["status"] = (f"rejected: sentence splitting failed "
                                     f"({res.error_type}: {res.message})")
                    continue
                row["n_sentences"] = res[0]
                if doc_id in dup:
                    continue
                _write_text(out / "texts" / f"{doc_id}.txt", cleaned(doc_id).text)
                sent_table.write_text(res[1])
        except BaseException:
            sent_table.abort()
            raise
        sent_table.close()
        # texts of documents a previous run kept and this one does not (removed, duplicate)
        keep = {f"{d}.txt" for d in ordered if d not in dup and docs[d]["status"] == "ok"}
        for p in (out / "texts").glob("*.txt"):
            if p.name not in keep:
                p.unlink(missing_ok=True)

    for doc_id, row in docs.items():
        given = subject_country or str(row.get("subject_country") or "")
        usable = row["status"] == "ok"
        row["subject_country"] = given or (info[doc_id]["subject"] if usable else "")
        if row["status"] != "ok":
            warnings.append({"stage": STAGE_CLEAN, "doc_id": doc_id,
                             "source_file": str(row["source_file"]),
                             "message": str(row["status"])})
    write_table(out, "documents", [docs[d] for d in sorted(docs)])
    write_table(out, "warnings", warnings)
    return {t: read_table(out, t) for t in ("documents", "sentences", "warnings")}


# --------------------------------------------------------------------------- 02 entities


def entities_doc(doc_id: str, payload: dict[str, Any], context: Any) -> list[tuple]:
    """Stage 02, one document: entity rows ``(doc_id, sentence_id, start, end, text, label,
    canonical)`` sorted by offset.

    Args:
        doc_id: the document.
        payload: ``{"sentences": [(sentence_id, start, text)], "subject": ISO3 or "",
            "year": int or None, "common": the corpus's common words found in this document}``.
        context: unused.
    """
    from helpers.entities import EntityTagger, infer_subject_country

    sents = payload["sentences"]
    subject = payload["subject"] or infer_subject_country(t for _, _, t in sents)
    tagger = EntityTagger(subject_country=subject, common=payload["common"])
    return [(m.doc_id, m.sentence_id, m.start, m.end, m.text, m.label, m.canonical)
            for m in tagger.tag(doc_id, sents, year=payload["year"])]


def _entities_csv(doc_id: str, payload: dict[str, Any], context: Any) -> str:
    return format_rows(COLUMNS["entities"],
                       [dict(zip(COLUMNS["entities"], r, strict=True))
                        for r in entities_doc(doc_id, payload, context)])


def _doc_words(joined: str) -> set[str]:
    """The lower-cased tokens of a document (its sentences joined by newlines, which no token
    crosses), as the tagger compares them with common words."""
    from helpers.entities import TOKEN_RE

    return {w.lower().replace("’", "'") for w in set(TOKEN_RE.findall(joined))}


def run_entities(out_dir: str | Path, *, subject_country: str = "", engine: str = "local",
                 workers: int = 0, scheduler: str = "", progress: bool = True) -> pd.DataFrame:
    """Stage 02: entities.csv from sentences.csv (and documents.csv for subject and year).

    The corpus-level step — the words the corpus uses in lower case, which are never a
    person's name alone — is a reduction over sentences.csv before the per-document map;
    each document's cache key holds only the common words that occur in it, so a new word
    redoes only the documents that contain it.
    """
    from helpers.entities import common_words

    out = Path(out_dir)
    docs = read_table(out, "documents")
    subjects = {r.doc_id: r.subject_country for r in docs.itertuples()
                if _text(r.subject_country)}
    years = {r.doc_id: y for r in docs.itertuples()
             if (y := _year_of(getattr(r, "event_date", None), getattr(r, "published", None)))}
    source = {r.doc_id: _text(r.source_file) for r in docs.itertuples()}
    sent_path = out / "tables" / "sentences.csv"
    # one string per document: the words' regex cannot match across the newlines
    common = common_words("\n".join(t for _, _, t, _ in rows)
                          for _, rows in _groups(sent_path, _sentence_row))
    base = base_version()
    n_docs = _n_split(docs)

    def entries() -> Iterator[tuple]:
        for doc_id, rows in _groups(sent_path, _sentence_row):
            sents = [(sid, st, tx) for sid, st, tx, _ in rows]
            payload = {"sentences": sents,
                       "subject": subject_country or subjects.get(doc_id, ""),
                       "year": years.get(doc_id),
                       "common": frozenset(common.intersection(_doc_words(
                           "\n".join(t for _, _, t in sents))))}
            key = digest(base, STAGE_ENTITIES, doc_id, payload["subject"], payload["year"],
                         sents, sorted(payload["common"]))
            yield doc_id, key, (lambda p=payload: p)

    faults: list[dict[str, str]] = []
    table = TableStream(out, "entities")
    try:
        with DocCache(out) as cache, Engine(engine, workers, scheduler) as eng:
            for doc_id, rows in _cached_map(eng, cache, STAGE_ENTITIES, _Keyed(_entities_csv),
                                            entries(), context=None, label="02 entities",
                                            total=n_docs, progress=progress):
                if isinstance(rows, Fault):
                    faults.append(_fault_row(STAGE_ENTITIES, doc_id, source.get(doc_id, ""),
                                             rows))
                    continue
                table.write_text(rows)
    except BaseException:
        table.abort()
        raise
    table.close()
    _append_warnings(out, STAGE_ENTITIES, faults)
    return read_table(out, "entities")


# --------------------------------------------------------------------------- 03 tallies


def person_roles(entities: pd.DataFrame, sentences: pd.DataFrame) -> dict[str, dict[str, str]]:
    """``{doc_id: {person: context}}``: the words around each person's mentions, so a figure
    attributed to a person can be traced to the office they speak for."""
    text = {(r.doc_id, r.sentence_id): (r.start, r.text) for r in sentences.itertuples()}
    out: dict[str, dict[str, str]] = defaultdict(dict)
    for r in entities[entities["label"] == "PERSON"].itertuples():
        start, sent = text.get((r.doc_id, r.sentence_id), (0, ""))
        a, b = int(r.start) - int(start), int(r.end) - int(start)
        ctx = sent[max(0, a - 90):b + 60]
        prev = out[r.doc_id].get(r.canonical, "")
        out[r.doc_id][r.canonical] = (prev + " | " + ctx) if prev else ctx
    return out


def _doc_person_roles(sents: list[tuple[int, int, str, int]],
                      ents: list[tuple[int, int, int, str, str, str]]) -> dict[str, str]:
    """:func:`person_roles` for one document."""
    text = {sid: (st, tx) for sid, st, tx, _ in sents}
    out: dict[str, str] = {}
    for sid, start, end, _t, label, canonical in ents:
        if label != "PERSON":
            continue
        s0, sent = text.get(sid, (0, ""))
        a, b = start - s0, end - s0
        ctx = sent[max(0, a - 90):b + 60]
        prev = out.get(canonical, "")
        out[canonical] = (prev + " | " + ctx) if prev else ctx
    return out


_STANCE_FIELDS: tuple[str, ...] = ()


def tallies_doc(doc_id: str, payload: dict[str, Any], context: Any
                ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Stage 03, one document: its tallies, events and stances rows.

    Args:
        doc_id: the document.
        payload: ``{"sentences": [(sentence_id, start, text, paragraph_id)], "entities":
            [(sentence_id, start, end, text, label, canonical)], "meta": {subject,
            hrc_session, event_date, outlet}}``.
        context: unused.
    """
    global _STANCE_FIELDS
    from helpers.entities import Mention
    from helpers.stances import Stance, extract_stances
    from helpers.tallies import extract_tallies, session_from_text, summarise_events

    if not _STANCE_FIELDS:
        _STANCE_FIELDS = tuple(f.name for f in fields(Stance))
    sents, ents, m = payload["sentences"], payload["entities"], payload["meta"]
    subject = m["subject"]
    tallies = extract_tallies(doc_id, [(sid, tx) for sid, _st, tx, _p in sents],
                              subject_country=subject,
                              persons_roles=_doc_person_roles(sents, ents))
    tally_rows = [{"doc_id": t.doc_id, "sentence_id": t.sentence_id, "subject": t.subject,
                   "stance": t.stance, "count": t.count, "total": t.total, "source": t.source,
                   "evidence": t.evidence, "cue": t.cue} for t in tallies]
    # -- events of this document (the events module's per-document call goes here) ---------
    events = summarise_events(tallies)
    session = m["hrc_session"] or session_from_text(tx for _, _, tx, _ in sents)
    dates = [(sid, canonical) for sid, _s, _e, _t, label, canonical in ents if label == "DATE"]
    event_rows = []
    for e in events:
        event_date = m["event_date"]
        if not event_date or len(events) > 1:
            ids = set(e.sentence_ids)
            iso = [c for sid, c in dates if sid in ids and _ISO_DATE.match(c)]
            event_date = iso[0] if iso else event_date
        check_ok = e.check == "ok"
        event_rows.append({
            "doc_id": doc_id, "hrc_session": session, "event_date": event_date,
            "total": e.total,
            **{st: e.parts.get(st, 0 if check_ok else None)
               for st in ("favourable", "critical", "neutral")},
            "check": e.check, "source": e.source, "event_id": e.event_id,
            "sentence_ids": ";".join(map(str, e.sentence_ids)), "notes": e.notes,
            "outlet": m["outlet"]})
    # -- stances -----------------------------------------------------------------------------
    mentions = [Mention(doc_id, sid, s, e, tx, label, canonical)
                for sid, s, e, tx, label, canonical in ents]
    stance_rows = [{f: getattr(s, f) for f in _STANCE_FIELDS}
                   for s in extract_stances(doc_id, sents, mentions, subject_country=subject)]
    return tally_rows, event_rows, stance_rows


def _tallies_csv(doc_id: str, payload: dict[str, Any], context: Any) -> tuple[str, str, str]:
    from helpers.stances import Stance

    res = tallies_doc(doc_id, payload, context)
    cols = (table_columns("tallies"), table_columns("events"),
            table_columns("stances", [f.name for f in fields(Stance)]))
    return tuple(format_rows(c, rows) for c, rows in zip(cols, res, strict=True))


def run_tallies(out_dir: str | Path, *, subject_country: str = "", engine: str = "local",
                workers: int = 0, scheduler: str = "",
                progress: bool = True) -> dict[str, pd.DataFrame]:
    """Stage 03: tallies.csv, events.csv and stances.csv, one document at a time."""
    from helpers.stances import Stance

    out = Path(out_dir)
    docs = read_table(out, "documents")
    meta = {r.doc_id: r for r in docs.itertuples() if r.status == "ok"}
    sent_path = out / "tables" / "sentences.csv"
    ent_path = out / "tables" / "entities.csv"
    base = base_version()
    n_docs = _n_split(docs)

    def entries() -> Iterator[tuple]:
        ent_groups = _groups(ent_path, _entity_row) if ent_path.exists() else iter(())
        pending = next(ent_groups, None)
        for doc_id, sents in _groups(sent_path, _sentence_row):
            while pending is not None and pending[0] < doc_id:
                pending = next(ent_groups, None)
            ents: list[Any] = []
            if pending is not None and pending[0] == doc_id:
                ents = pending[1]
                pending = next(ent_groups, None)
            r = meta.get(doc_id)
            if r is None:
                continue
            m = {"subject": subject_country or _text(r.subject_country),
                 "hrc_session": _text(r.hrc_session), "event_date": _text(r.event_date),
                 "outlet": _text(getattr(r, "outlet", None))}
            payload = {"sentences": sents, "entities": ents, "meta": m}
            key = digest(base, STAGE_TALLIES, doc_id, m, sents, ents)
            yield doc_id, key, (lambda p=payload: p)

    faults: list[dict[str, str]] = []
    tables = {"tallies": TableStream(out, "tallies"), "events": TableStream(out, "events"),
              "stances": TableStream(out, "stances",
                                     extra=[f.name for f in fields(Stance)])}
    try:
        with DocCache(out) as cache, Engine(engine, workers, scheduler) as eng:
            for doc_id, res in _cached_map(eng, cache, STAGE_TALLIES, _Keyed(_tallies_csv),
                                           entries(), context=None, label="03 tallies",
                                           total=n_docs, progress=progress):
                if isinstance(res, Fault):
                    faults.append(_fault_row(STAGE_TALLIES, doc_id,
                                             _text(meta[doc_id].source_file), res))
                    continue
                for name, lines in zip(("tallies", "events", "stances"), res, strict=True):
                    tables[name].write_text(lines)
    except BaseException:
        for t in tables.values():
            t.abort()
        raise
    for t in tables.values():
        t.close()
    _append_warnings(out, STAGE_TALLIES, faults)
    # -- corpus-level events (the events module's reduction over all documents goes here) ----
    return {t: read_table(out, t) for t in ("tallies", "events", "stances")}


def engine_summary(engine: str = "local", workers: int = 0, scheduler: str = "") -> str:
    """One line saying where the per-document work runs (for the notebooks)."""
    return Engine(engine, workers, scheduler).describe()

