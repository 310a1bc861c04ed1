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

import copy
import csv
import hashlib
import io
import os
import re
import sys
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import fields
from functools import lru_cache, partial
from itertools import groupby
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from helpers.cache import DocCache, base_version, digest, file_signature, settled
from helpers.contract import COLUMNS, EXTRA_COLUMNS, _cell, read_table, write_table
from helpers.engine import MISSING, Engine, Fault

STAGE_CLEAN, STAGE_SPLIT, STAGE_PUNKT = "01_clean", "01_split", "01_punkt"
# 01's other cache entries: a file as read (without its text), a cleaned text, a text file
# written to OUT/texts
STAGE_READ, STAGE_CLEAN_TEXT, STAGE_TEXT_FILE = "01_read", "01_clean_text", "01_text_file"
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

    Rows are checked against the contract (:func:`helpers.contract.validate`) in batches
    of :attr:`BATCH_ROWS`, wherever they stand in the table, except rows written as
    ``cached`` — a document's rows reused from the cache, which passed the same check under
    the same code and data before they were stored — so a re-run does not read its whole
    table back to check it. A violation raises :class:`helpers.contract.ContractError`
    naming the row as numbered in the whole table; the previous table stays.

    Args:
        out_dir: the run folder.
        table: contract table name.
        extra: columns after the contract's and the project's own (in this order).
    """

    BATCH_ROWS = 50_000  # unchecked rows held before they are checked

    def __init__(self, out_dir: str | Path, table: str, extra: Iterable[str] = ()) -> None:
        self.table = table
        self.columns = table_columns(table, extra)
        self.path = Path(out_dir) / "tables" / f"{table}.csv"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, self._tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp",
                                         dir=self.path.parent)
        self._fh = os.fdopen(fd, "w", encoding="utf-8", newline="")
        self._w = csv.writer(self._fh, lineterminator="\n")
        self._w.writerow(self.columns)
        self.rows = 0  # rows written so far
        self._unchecked: list[str] = []  # CSV lines of rows not yet checked
        self._unchecked_rows = 0
        self._unchecked_at: list[tuple[int, int]] = []  # (first row's number, rows) of each
        self._then: list[Callable[[], Any]] = []  # to call once the held rows pass

    def write_text(self, lines: str, n_rows: int, *, cached: bool = False,
                   then: Callable[[], Any] | None = None) -> None:
        """Append ``n_rows`` rows as CSV lines made by :func:`format_rows` with this table's
        columns.

        Args:
            lines: the rows' CSV lines.
            n_rows: how many rows they are.
            cached: they are a cached result's, checked when first written (see the class).
            then: called once these rows passed the check (storing the result in the cache).
        """
        if not cached:
            self._unchecked.append(lines)
            self._unchecked_at.append((self.rows, n_rows))
            self._unchecked_rows += n_rows
            if then is not None:
                self._then.append(then)
        self._fh.write(lines)
        self.rows += n_rows
        if self._unchecked_rows >= self.BATCH_ROWS:
            self._check()

    def _check(self) -> None:
        """Check the rows held unchecked (numbered as in the whole table in messages)."""
        from helpers.contract import validate

        if not self._unchecked_rows:  # only empty fragments held: nothing to read
            self._unchecked.clear()
            self._unchecked_at.clear()
            self._run_then()
            return
        head = io.StringIO()
        csv.writer(head, lineterminator="\n").writerow(self.columns)
        df = pd.read_csv(io.StringIO(head.getvalue() + "".join(self._unchecked)), dtype=str,
                         keep_default_na=False)
        numbers = [first + i for first, n in self._unchecked_at for i in range(n)]
        validate(self.table, df, as_text=True, row_numbers=numbers)
        self._unchecked.clear()
        self._unchecked_at.clear()
        self._unchecked_rows = 0
        self._run_then()

    def _run_then(self) -> None:
        then, self._then = self._then, []
        for fn in then:
            fn()

    def close(self) -> Path:
        """Check what is left to check, finish the file and move it into place (a violation
        raises and the previous table stays)."""
        from helpers.contract import _UMASK, validate

        try:
            validate(self.table, pd.DataFrame(columns=self.columns))  # the header
            self._check()
        except BaseException:
            self.abort()
            raise
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._fh.close()
        os.chmod(self._tmp, 0o666 & ~_UMASK)
        os.replace(self._tmp, self.path)
        return self.path

    def abort(self) -> None:
        """Drop the temporary file (the previous table, if any, stays)."""
        if not self._fh.closed:
            self._fh.close()
        Path(self._tmp).unlink(missing_ok=True)


def _groups(path: Path, parse) -> Iterator[tuple[str, list[Any]]]:
    """``(doc_id, [parsed rows])`` of a table sorted by doc_id, one document at a time."""
    for doc_id, idx, rows in _raw_groups(path):
        yield doc_id, [parse(r, idx) for r in rows]


def _raw_groups(path: Path) -> Iterator[tuple[str, dict[str, int], list[list[str]]]]:
    """``(doc_id, {column: index}, [rows as cell texts])`` of a table sorted by doc_id, one
    document at a time, nothing parsed (a cached document's rows are only hashed)."""
    if not path.exists():
        return
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header is None:
            return
        idx = {c: i for i, c in enumerate(header)}
        for doc_id, rows in groupby(reader, key=lambda r: r[0]):
            yield doc_id, idx, list(rows)


def _rows_digest(rows: list[list[str]]) -> str:
    """A hash of a document's rows as read (cells joined by U+001F, rows by U+001E: control
    characters that :func:`helpers.clean.clean_text` removes from every text a row holds,
    so no two row lists join alike)."""
    joined = "\x1e".join(["\x1f".join(r) for r in rows])
    return hashlib.sha256(joined.encode("utf-8", "surrogatepass")).hexdigest()


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
                *, context: Any, label: str, total: int, progress: bool,
                still_valid=None) -> Iterator[tuple[str, Any]]:
    """Map ``fn`` over ``(doc_id, key, payload_fn)`` entries, reusing cached results.

    Yields ``(doc_id, result or Fault, store)`` in entry order: ``store`` is None for a
    result taken from the cache (or a failure, never cached) and otherwise stores the new
    result when called — after its rows passed the contract check (see
    :class:`TableStream`), so that a cached result's rows are known to pass. When done,
    records ``<label>: N documents cached, M to process`` for the runner (and prints it when
    ``progress``). ``still_valid(value)``, if given, must also hold for a cached value to be
    reused (for what the key cannot hold).
    """
    counts = {"hit": 0, "miss": 0}

    def items() -> Iterator[tuple[str, Any, Any]]:
        for doc_id, key, payload_fn in entries:
            got = cache.get(stage, doc_id, key)
            if got is not None and (still_valid is None or still_valid(got)):
                counts["hit"] += 1
                yield doc_id, None, got
            else:
                counts["miss"] += 1
                yield doc_id, (key, payload_fn()), MISSING

    for doc_id, res, was_cached in eng.map_cached(fn, items(), context=context, stage=stage,
                                                  total=total, desc=label, progress=progress):
        if was_cached or isinstance(res, Fault):  # a failure is never cached
            yield doc_id, res, None
            continue
        key, value = res
        yield doc_id, value, partial(cache.put, stage, doc_id, key, value)
    cache.flush()
    line = f"{label}: {counts['hit']} documents cached, {counts['miss']} to process"
    if progress:
        print(line)
    cache.note(label.split(":")[0][:2], line)


def _after_both(store: Callable[[], Any] | None) -> Callable[[], Any] | None:
    """``store`` to be called on the second call of the result (a result whose rows go to
    two tables is stored once both checked them); None stays None."""
    if store is None:
        return None
    calls = [0]

    def call() -> None:
        calls[0] += 1
        if calls[0] == 2:
            store()
    return call


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


def _text_sha(text: str) -> str:
    """sha256 of a decoded text (the key of its cleaning)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


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
    """Stage 01, one document: clean its decoded text (reading and decoding happen in
    :mod:`helpers.readers`, in the caller).

    Args:
        doc_id: the document.
        payload: ``{"text": str, "need_subject": bool}``.
        context: unused.

    Returns:
        ``{"fields": {documents.csv fields}, "doc": CleanedDocument or None, "text_sha",
        "signature", "subject", "notes"}``; ``fields["status"]`` is ``ok`` or
        ``rejected: ...``.
    """
    from helpers.clean import clean_text, minhash_signature, normalise_text

    text: str = payload["text"]
    fields_: dict[str, Any] = {"status": "ok"}
    out: dict[str, Any] = {"fields": fields_, "doc": None, "text_sha": "", "signature": None,
                           "subject": "", "notes": []}
    if "\ufffd" in text:
        out["notes"].append(f"{text.count(chr(0xFFFD))} U+FFFD replacement character(s) "
                            "removed")
    try:
        cd = clean_text(text) if text.strip() else None
    except Exception as exc:  # defensive: record and go on
        cd, error = None, exc
    else:
        error = None
    # normalising again only when cleaning left nothing (it costs as much as cleaning)
    if (cd is None or not cd.text.strip()) and (not text.strip()
                                                or not normalise_text(text).strip()):
        fields_["status"] = "rejected: whitespace only"
        return out
    if cd is None:
        fields_["status"] = f"rejected: cleaning failed ({type(error).__name__}: {error})"
        return out
    fields_.update({"dateline": cd.dateline, "n_chars": len(cd.text),
                    "boilerplate_chars": cd.boilerplate_chars, "title": cd.title,
                    "format": cd.fmt})
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


def _sentence_rows(doc_id: str, doc: Any,
                   spans: list[tuple[int, int, int]]) -> list[dict[str, Any]]:
    return [{"doc_id": doc_id, "sentence_id": i, "paragraph_id": pi + 1, "start": s, "end": e,
             "text": doc.text[s:e]} for i, (pi, s, e) in enumerate(spans, start=1)]


def split_doc(doc_id: str, doc: Any, splitter: Any) -> list[dict[str, Any]]:
    """Stage 01, one document: its sentences.csv rows."""
    from helpers.clean import split_sentences

    return _sentence_rows(doc_id, doc, split_sentences(doc, splitter))


def _split_csv(doc_id: str, doc: Any, splitter: Any
               ) -> tuple[int, str, tuple[tuple[str, Any], ...], str]:
    """Sentence rows as CSV text, with the parameter look-ups the splitter made and the
    digest of its answers (what a later run checks before reusing the result)."""
    from helpers.clean import split_traced

    spans, seen = split_traced(doc, splitter)
    rows = _sentence_rows(doc_id, doc, spans)
    return len(rows), format_rows(table_columns("sentences"), rows), seen, \
        splitter.lookups(seen)


def run_clean(corpus_dir: str | Path, out_dir: str | Path, *, subject_country: str = "",
              max_file_bytes: int = 2_000_000, near_duplicate_jaccard: float = 0.9,
              engine: str = "local", workers: int = 0, scheduler: str = "",
              progress: bool = True, max_container_bytes: int = 50_000_000,
              max_table_bytes: int = 2_000_000_000) -> dict[str, int]:
    """Stage 01: documents.csv, sentences.csv, warnings.csv and ``OUT/texts/<doc_id>.txt``.

    The country under review (``documents.subject_country``) is, in order: the parameter,
    a ``subject_country`` column of metadata.csv, or the state the document names most.
    Returns the rows written per table (the notebook reads what it shows: at 100,000
    articles the tables do not fit in memory as one frame each).

    Args:
        corpus_dir: folder of articles — ``.txt``, ``.html``, ``.pdf``, ``.docx``, ``.csv`` or
            ``.jsonl`` exports (:mod:`helpers.readers`); ``metadata.csv`` optional.
        out_dir: the run folder.
        subject_country: ISO3 for every document, or "".
        max_file_bytes: files larger than this are rejected unread.
        near_duplicate_jaccard: word 5-gram Jaccard at or above which a file is a near
            duplicate of an earlier one.
        engine: ``local`` or ``dask`` (see :mod:`helpers.engine`).
        workers: worker processes (0: all cores; 1: in this process).
        scheduler: ``dask`` only: a scheduler address; "" starts a LocalCluster.
        progress: show progress bars.
        max_container_bytes: ``.pdf``/``.docx`` files larger than this are rejected unread.
        max_table_bytes: ``.csv``/``.jsonl`` exports larger than this are rejected unread.
    """
    from helpers.clean import (
        METADATA_FIELDS,
        MINHASH_PERMUTATIONS,
        find_near_duplicates,
        punkt_sample,
        train_sentence_splitter,
    )
    from helpers.readers import (
        PendingDocument,
        config_file,
        list_inputs,
        plan_input,
        read_columns,
        read_metadata,
        unique_ids,
    )

    corpus_dir, out = Path(corpus_dir), Path(out_dir)
    files, skipped = list_inputs(corpus_dir)
    columns, column_warnings = read_columns(config_file(corpus_dir, "columns.json"))
    warnings = [{"stage": STAGE_CLEAN, "doc_id": "", "source_file": name, "message": msg}
                for name, msg in skipped]
    warnings += [{"stage": STAGE_CLEAN, "doc_id": "", "source_file": "columns.json",
                  "message": msg} for msg in column_warnings]
    # one-document files are listed here and read one at a time as the map asks for them
    # (overlapping with the workers' cleaning; never every text in memory at once); tables
    # are read now, since their rows' ids are in them
    limits = {"max_bytes": max_file_bytes, "max_container_bytes": max_container_bytes,
              "max_table_bytes": max_table_bytes, "columns": columns}
    raws: deque[Any] = deque()
    for path in files:
        raws.extend(plan_input(path, **limits))
    warnings += [{"stage": STAGE_CLEAN, "doc_id": d, "source_file": "", "message": m}
                 for d, m in unique_ids(raws)]
    meta, meta_warnings = read_metadata(
        config_file(corpus_dir, "metadata.csv"), [r.doc_id for r in raws],
        expect_rows=[r.doc_id for r in raws if r.fmt not in ("csv", "jsonl")])
    warnings += [{"stage": STAGE_CLEAN, "doc_id": d, "source_file": "metadata.csv",
                  "message": w} for d, w in meta_warnings]
    base = base_version()
    docs: dict[str, dict[str, Any]] = {}
    info: dict[str, dict[str, Any]] = {}  # per usable document: key, text_sha, n_chars, ...
    todo: deque[tuple[str, str, Any]] = deque()  # (doc_id, key, raw): read, awaiting result
    n_raws = len(raws)

    read_limits = (max_file_bytes, max_container_bytes)

    def given_of(raw: Any, doc_id: str) -> dict[str, Any]:
        """The metadata a document has: its own, under metadata.csv's non-empty cells."""
        return {**raw.metadata, **{k: v for k, v in meta.get(doc_id, {}).items() if v}}

    def clean_key(text_sha: str, given: dict[str, Any]) -> tuple[str, bool]:
        """The cleaning's cache key, and whether the country under review is inferred."""
        need = not (subject_country or str(given.get("subject_country") or ""))
        return digest(base, STAGE_CLEAN, text_sha, need), need

    def read_pending(p: PendingDocument) -> tuple[Any, str | None, bool]:
        """``(RawDocument, sha256 of its text or None, whether its text was left unread)``.
        A file whose device, inode, size and modification time are those recorded when it
        was last read (the way git's index notices a changed file) is not read again: its
        record stands in for it — unless its cleaned result is not cached, when the text is
        needed after all."""
        sig = file_signature(p.path)
        # the name, not the folder: the same files hard-linked into another folder (a copy
        # with a few files changed) are not read again
        rkey = digest(base, STAGE_READ, p.path.name, sig, read_limits)
        got = cache.get(STAGE_READ, p.doc_id, rkey) if sig is not None else None
        if got is not None:
            raw, text_sha = got
            raw.doc_id = p.doc_id
            if cache.has(STAGE_CLEAN, p.doc_id, clean_key(text_sha, given_of(raw, p.doc_id))[0]):
                return raw, text_sha, True
        raw = p.read(**limits)
        text_sha = None if raw.text is None else _text_sha(raw.text)
        # a file that could not be read is not recorded: permissions, say, change without
        # touching the modification time
        if raw.status == "ok" and sig is not None and settled(sig):
            record = copy.copy(raw)
            record.text = None
            cache.put(STAGE_READ, p.doc_id, rkey, (record, text_sha))
        return raw, text_sha, False

    def read_all() -> Iterator[tuple[str, str, Any]]:
        """Read each document in turn, give it its documents.csv row and its warnings, and
        yield the map's entry for it when it has text."""
        while raws:
            raw = raws.popleft()
            text_sha, unread = None, False
            if isinstance(raw, PendingDocument):
                pending = raw
                raw, text_sha, unread = read_pending(pending)
            elif raw.text is not None:
                text_sha = _text_sha(raw.text)
            doc_id = raw.doc_id
            given = given_of(raw, doc_id)
            row: dict[str, Any] = {"doc_id": doc_id, "source_file": raw.source_file,
                                   "sha256": raw.sha256, "encoding": raw.encoding,
                                   "status": raw.status, "dateline": "", "n_chars": 0,
                                   "n_sentences": 0, "boilerplate_chars": 0,
                                   "title": given.get("title", ""), "format": raw.fmt,
                                   "notes": "; ".join(raw.notes)}
            for col in METADATA_FIELDS:
                row[col] = given.get(col, "")
            for col, val in given.items():
                if col not in row:
                    row[col] = val
            docs[doc_id] = row
            warnings.extend({"stage": STAGE_CLEAN, "doc_id": doc_id,
                             "source_file": raw.source_file, "message": m}
                            for m in raw.warnings)
            if text_sha is None:
                continue
            key, need = clean_key(text_sha, given)
            todo.append((doc_id, key, raw))
            if unread:  # cached (checked above): the text is read only if it is not after all
                yield doc_id, key, (lambda p=pending, n=need: {
                    "text": p.read(**limits).text, "need_subject": n})
            else:
                payload = {"text": raw.text, "need_subject": need}
                yield doc_id, key, (lambda p=payload: p)

    with DocCache(out) as cache, Engine(engine, workers, scheduler) as eng:
        # -- map 1: read, decode, clean --------------------------------------------------
        keys: dict[str, str] = {}
        for _d, res, store in _cached_map(eng, cache, STAGE_CLEAN, _Keyed(clean_doc),
                                          read_all(), context=None, label="01 clean",
                                          total=n_raws, progress=progress):
            doc_id, key, raw = todo.popleft()
            row = docs[doc_id]
            if store is not None:  # no table of its own: stored now (the reductions read it)
                doc = res.pop("doc")  # the text apart: most re-runs need only the rest
                res.update(usable=doc is not None, n_chars=len(doc.text) if doc else 0)
                store()
                if doc is not None:
                    cache.put(STAGE_CLEAN_TEXT, doc_id, key, doc)
            if isinstance(res, Fault):
                row["status"] = f"rejected: cleaning failed ({res.error_type}: {res.message})"
                continue
            fields_ = dict(res["fields"])
            notes = [n for n in (row["notes"], *res["notes"]) if n]
            if fields_.get("format") == "html" and raw.fmt != "html":
                notes.append("HTML page: article text extracted")
            if "boilerplate_chars" in fields_:
                fields_["boilerplate_chars"] += raw.removed_chars
            if "format" in fields_ and raw.fmt != "text":
                fields_["format"] = raw.fmt
            if row.get("title"):
                fields_.pop("title", None)  # a title given by the input or metadata wins
            row.update(fields_)
            row["notes"] = "; ".join(notes)
            if res["usable"]:
                keys[doc_id] = key
                info[doc_id] = {"text_sha": res["text_sha"], "n_chars": res["n_chars"],
                                "signature": res["signature"], "subject": res["subject"]}

        @lru_cache(maxsize=1024)  # a document's text is wanted twice a few hundred apart:
        def cleaned(doc_id: str):  # as the splitter's input, then for OUT/texts
            return cache.get(STAGE_CLEAN_TEXT, doc_id, keys[doc_id])

        # -- reduce: duplicates, then Punkt on a bounded sample of the originals ----------
        ids = sorted(info)
        signatures = np.empty((len(ids), MINHASH_PERMUTATIONS),
                              dtype=info[ids[0]]["signature"].dtype if ids else np.uint32)
        for i, doc_id in enumerate(ids):
            signatures[i] = info[doc_id].pop("signature")
        dup = find_near_duplicates(ids, [info[d]["text_sha"] for d in ids], signatures,
                                   near_duplicate_jaccard, lambda d: cleaned(d).text)
        del signatures
        for doc_id, st in dup.items():
            docs[doc_id]["status"] = st
        sample = punkt_sample((d, i["text_sha"], i["n_chars"]) for d, i in info.items()
                              if d not in dup)
        # the trained splitter is cached under its sample (ids and texts): a re-run whose
        # sample did not change does not train again
        punkt_key = digest(base, STAGE_PUNKT, [(d, info[d]["text_sha"]) for d in sample])
        splitter = cache.get(STAGE_PUNKT, "", punkt_key)
        if splitter is None:
            splitter = train_sentence_splitter(cleaned(d).text for d in sample)
            cache.put(STAGE_PUNKT, "", punkt_key, splitter)

        # -- map 2: sentences -------------------------------------------------------------
        # A document's sentences are kept while the splitter answers the look-ups its
        # splitting made the same: a retrained splitter that moved on other words (the
        # sample took in a new article) does not re-split the whole corpus.
        def split_still_valid(got: tuple) -> bool:
            return splitter.lookups(got[2]) == got[3]

        def text_file(doc_id: str) -> None:
            """``OUT/texts/<doc_id>.txt``, written unless its device, inode, size and
            modification time are those recorded when this text was last written there."""
            path, sha = out / "texts" / f"{doc_id}.txt", info[doc_id]["text_sha"]
            sig = file_signature(path)
            if sig is not None and cache.get(STAGE_TEXT_FILE, doc_id, sha) == sig:
                return
            _write_text(path, cleaned(doc_id).text)
            if (sig := file_signature(path)) is not None:
                cache.put(STAGE_TEXT_FILE, doc_id, sha, sig)

        ordered = sorted(info)
        entries = ((d, digest(base, STAGE_SPLIT, info[d]["text_sha"]),
                    (lambda d=d: cleaned(d))) for d in ordered)
        (out / "texts").mkdir(parents=True, exist_ok=True)
        sent_table = TableStream(out, "sentences")
        try:
            for doc_id, res, store in _cached_map(eng, cache, STAGE_SPLIT,
                                                  _Keyed(_split_csv), entries,
                                                  context=splitter,
                                                  label="01 clean: sentences",
                                                  total=len(ordered), progress=progress,
                                                  still_valid=split_still_valid):
                row = docs[doc_id]
                if isinstance(res, Fault):
                    row["status"] = (f"rejected: sentence splitting failed "
                                     f"({res.error_type}: {res.message})")
                    continue
                row["n_sentences"] = res[0]
                if doc_id in dup:  # no rows written, none checked: not stored either
                    continue
                text_file(doc_id)
                sent_table.write_text(res[1], res[0], cached=store is None, then=store)
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
    return {"documents": len(docs), "sentences": sent_table.rows, "warnings": len(warnings)}


def check_sentence_offsets(out_dir: str | Path, *, max_docs: int = 500) -> dict[str, Any]:
    """Check that every sentence's ``start``/``end`` cut its ``text`` out of the document's
    cleaned text (``OUT/texts/<doc_id>.txt``), one document at a time (bounded memory).

    Args:
        out_dir: the run folder.
        max_docs: check at most this many documents, spread evenly over the corpus
            (0: all); a corpus this size or smaller is checked whole.

    Returns:
        ``{"documents": documents checked, "of": documents with sentences, "sentences":
        sentences checked, "mismatches": [(doc_id, sentence_id), ...]}``.
    """
    out = Path(out_dir)
    docs = read_table(out, "documents", columns=["status", "n_sentences"])
    total = _n_split(docs)
    step = max(1, -(-total // max_docs)) if max_docs else 1
    checked, n_sent, bad = 0, 0, []
    path = out / "tables" / "sentences.csv"
    for i, (doc_id, rows) in enumerate(_groups(path, _sentence_row)):
        if i % step:
            continue
        text = (out / "texts" / f"{doc_id}.txt").read_text(encoding="utf-8")
        checked += 1
        for sid, start, stext, _p in rows:
            n_sent += 1
            if text[start:start + len(stext)] != stext:
                bad.append((doc_id, sid))
    return {"documents": checked, "of": total, "sentences": n_sent, "mismatches": bad}


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
    return _tag_sentences(doc_id, _doc_sentences(payload), payload, payload["common"])


def _doc_sentences(payload: dict[str, Any]) -> list[Any]:
    """The :class:`helpers.text.Sentence` of a stage-02 payload's ``(id, start, text)``."""
    from helpers.text import Sentence

    return [Sentence(sid, st, tx) for sid, st, tx in payload["sentences"]]


def _tag_sentences(doc_id: str, sentences: list[Any], payload: dict[str, Any],
                   common: frozenset[str]) -> list[tuple]:
    """:func:`entities_doc` on sentences tokenised already."""
    from helpers.entities import EntityTagger, infer_subject_country

    subject = payload["subject"] or infer_subject_country(s.text for s in sentences)
    tagger = EntityTagger(subject_country=subject, common=common)
    return [(m.doc_id, m.sentence_id, m.start, m.end, m.text, m.label, m.canonical)
            for m in tagger.tag(doc_id, sentences, year=payload["year"])]


def _entities_csv(doc_id: str, payload: dict[str, Any], context: Any) -> dict[str, Any]:
    """:func:`entities_doc` in a worker: ``context`` is the corpus's common words (sent once
    per worker); the document gets those it contains. Returns the CSV lines, the document's
    words and the common words it used (a cached result is reused only while the corpus's
    common words among its words are the same)."""
    sentences = _doc_sentences(payload)
    words = doc_words(sentences)
    used = frozenset(context.intersection(words))
    rows = _tag_sentences(doc_id, sentences, payload, used)
    return {"csv": format_rows(COLUMNS["entities"],
                               [dict(zip(COLUMNS["entities"], r, strict=True)) for r in rows]),
            "n": len(rows), "words": frozenset(words), "used": used}


def doc_words(sentences: Iterable[Any]) -> set[str]:
    """The lower-cased, apostrophe-normalised tokens of a document's sentences, as the
    tagger compares them with common words (the sentences' own ``lkeys``: the document is
    tokenised once)."""
    words: set[str] = set()
    for s in sentences:
        words.update(s.lkeys)
    return words


def run_entities(out_dir: str | Path, *, subject_country: str = "", engine: str = "local",
                 workers: int = 0, scheduler: str = "", progress: bool = True) -> dict[str, int]:
    """Stage 02: entities.csv from sentences.csv (and documents.csv for subject and year).

    The corpus-level step — the words the corpus uses in lower case, which are never a
    person's name alone — is a reduction over sentences.csv before the per-document map,
    whose workers receive it once. A document's cached result records its words and the
    common words among them; it is reused only while those common words are the same, so a
    new common word redoes only the documents that contain it. Returns the rows written.
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
    common = common_words("\n".join([r[idx["text"]] for r in rows])
                          for _, idx, rows in _raw_groups(sent_path))
    base = base_version()
    n_docs = _n_split(docs)

    def payload(rows: list[list[str]], idx: dict[str, int], subject: str,
                year: int | None) -> dict[str, Any]:
        return {"sentences": [_sentence_row(r, idx)[:3] for r in rows], "subject": subject,
                "year": year}

    def entries() -> Iterator[tuple]:
        for doc_id, idx, rows in _raw_groups(sent_path):
            subject, year = subject_country or subjects.get(doc_id, ""), years.get(doc_id)
            key = digest(base, STAGE_ENTITIES, doc_id, subject, year, _rows_digest(rows))
            yield doc_id, key, partial(payload, rows, idx, subject, year)

    def still_valid(cached: dict[str, Any]) -> bool:
        return common.intersection(cached["words"]) == cached["used"]

    faults: list[dict[str, str]] = []
    table = TableStream(out, "entities")
    try:
        with DocCache(out) as cache, Engine(engine, workers, scheduler) as eng:
            for doc_id, res, store in _cached_map(eng, cache, STAGE_ENTITIES,
                                                  _Keyed(_entities_csv), entries(),
                                                  context=common, label="02 entities",
                                                  total=n_docs, progress=progress,
                                                  still_valid=still_valid):
                if isinstance(res, Fault):
                    faults.append(_fault_row(STAGE_ENTITIES, doc_id, source.get(doc_id, ""),
                                             res))
                    continue
                table.write_text(res["csv"], res["n"], cached=store is None, then=store)
            table.close()  # stores the results whose rows passed the check
    except BaseException:
        table.abort()
        raise
    _append_warnings(out, STAGE_ENTITIES, faults)
    return {"entities": table.rows, "warnings": len(faults)}


# --------------------------------------------------------------------------- 03 tallies


def _doc_person_roles(sents: list[tuple[int, int, str, int]],
                      ents: list[tuple[int, int, int, str, str, str]]) -> dict[str, str]:
    """:func:`person_roles` for one document."""
    text = {sid: (st, tx) for sid, st, tx, _ in sents}
    out: dict[str, str] = {}
    for sid, start, end, written, label, canonical in ents:
        if label != "PERSON":
            continue
        s0, sent = text.get(sid, (0, ""))
        a, b = start - s0, end - s0
        ctx = sent[max(0, a - 90):b + 60]
        for name in dict.fromkeys((canonical, written)):
            prev = out.get(name, "")
            out[name] = (prev + " | " + ctx) if prev else ctx
    return out


@lru_cache(maxsize=1)
def _stance_fields() -> tuple[str, ...]:
    """The fields of a :class:`helpers.stances.Stance`: stances.csv's columns, in order."""
    from helpers.stances import Stance

    return tuple(f.name for f in fields(Stance))


# What a Tally contributes to tallies.csv: the contract's columns and the cue.
TALLY_COLUMNS = (*COLUMNS["tallies"], *EXTRA_COLUMNS["tallies"])
# What actor_record needs of a stance (the rest stays in stances.csv).
_STANCE_KEYS = ("doc_id", "sentence_id", "actor", "actor_label", "stance", "target")


def _intern(value: Any) -> Any:
    """A text value interned (one object for every equal text); anything else as it is."""
    return sys.intern(value) if isinstance(value, str) else value


def _interned(row: dict[str, Any]) -> dict[str, Any]:
    """The row with its text values interned: the corpus reduction holds every document's
    event rows, whose ids, codes and empty cells repeat across thousands of rows."""
    return {k: _intern(v) for k, v in row.items()}


class RowTuples(Sequence[dict[str, Any]]):
    """Many rows with the same keys, kept as tuples of interned values (a dict per row costs
    three to four times as much: at 100,000 articles the stances' keys alone would take
    hundreds of megabytes), read back one dict at a time.

    Args:
        keys: the rows' keys, in order.
    """

    def __init__(self, keys: Sequence[str]) -> None:
        self.keys = tuple(keys)
        self._rows: list[tuple[Any, ...]] = []

    def add(self, values: Iterable[Any]) -> None:
        """Append one row given as its values, in ``keys`` order."""
        self._rows.append(tuple(map(_intern, values)))

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [dict(zip(self.keys, r, strict=True)) for r in self._rows[i]]
        return dict(zip(self.keys, self._rows[i], strict=True))

    def __iter__(self) -> Iterator[dict[str, Any]]:
        keys = self.keys
        return (dict(zip(keys, r, strict=True)) for r in self._rows)


def tallies_doc(doc_id: str, payload: dict[str, Any], context: Any) -> dict[str, Any]:
    """Stage 03, one document: its tallies, events and stances rows, and what it gives the
    corpus tables (:func:`helpers.events.doc_record_parts`).

    Args:
        doc_id: the document.
        payload: ``{"sentences": [(sentence_id, start, text, paragraph_id)], "entities":
            [(sentence_id, start, end, text, label, canonical)], "meta": its documents.csv
            row (strings), "subject": ISO3}``.
        context: unused.

    Returns:
        ``{"tallies": rows, "events": rows, "stances": rows, "parts": ...}``.
    """
    from helpers.events import doc_event_rows, doc_record_parts
    from helpers.stances import extract_stances
    from helpers.tallies import extract_tallies, summarise_events
    from helpers.text import Mention, Sentence

    sents, ents, meta = payload["sentences"], payload["entities"], payload["meta"]
    subject = payload["subject"]
    sentences = [Sentence(sid, st, tx, p) for sid, st, tx, p in sents]
    tallies = extract_tallies(doc_id, sentences, subject_country=subject,
                              persons_roles=_doc_person_roles(sents, ents))
    tally_rows = [{c: getattr(t, c, "") for c in TALLY_COLUMNS} for t in tallies]
    dates = [(sid, tx, canonical) for sid, _s, _e, tx, label, canonical in ents
             if label == "DATE"]
    event_rows = doc_event_rows(doc_id, summarise_events(tallies), sentences, dates, meta,
                                subject=subject)
    mentions = [Mention(doc_id, sid, s, e, tx, label, canonical)
                for sid, s, e, tx, label, canonical in ents]
    stance_rows = [{f: getattr(s, f) for f in _stance_fields()}
                   for s in extract_stances(doc_id, sentences, mentions,
                                            subject_country=subject)]
    geo = [{"sentence_id": sid, "start": s, "end": e, "label": label, "canonical": canonical}
           for sid, s, e, _tx, label, canonical in ents if label in ("COUNTRY", "BLOC", "ORG")]
    parts = doc_record_parts(doc_id, sentences, geo, meta, event_rows, subject=subject)
    return {"tallies": tally_rows, "events": event_rows, "stances": stance_rows,
            "parts": parts}


_WARM_UP_TEXT = ("Council hears report on Ruritania\n\nGENEVA, 3 March 2023 - At the Human "
                 "Rights Council, Ambassador Jane Doe of France said 12 delegations spoke in "
                 "favour and 9 against. The resolution was adopted by 20 votes to 10, with 5 "
                 "abstentions; Cuba, speaking on behalf of the Like-Minded Group, voted no.\n")


def warm_up(names: Sequence[str] = ()) -> None:
    """Run a made-up document through the per-document steps of stages 01-03, in this
    process, and throw the results away: the stage modules are imported and their reference
    tables (gazetteers, phrase indexes, rule tables) built, so worker processes forked from
    here start with them instead of each loading them again. The runner calls this in the
    kernel it starts ahead of a notebook that imports this module, with the names the
    notebook imports from it (``run_entities`` warms stage 02 only; none: every stage); only
    caches of pure functions are filled, so no result changes (tested)."""
    from helpers.clean import SentenceSplitter, clean_text, train_sentence_splitter

    wanted = {n for n in names if n in ("run_clean", "run_entities", "run_tallies")} or {
        "run_clean", "run_entities", "run_tallies"}
    if "run_clean" in wanted:
        doc = clean_doc("warm-up", {"text": _WARM_UP_TEXT, "need_subject": True}, None)["doc"]
        splitter = train_sentence_splitter([doc.text])
    else:
        doc, splitter = clean_text(_WARM_UP_TEXT), SentenceSplitter()
    spans = split_doc("warm-up", doc, splitter)
    sents = [(r["sentence_id"], r["start"], r["text"]) for r in spans]
    if wanted == {"run_clean"}:
        return
    ents = entities_doc("warm-up", {"sentences": sents, "subject": "", "year": 2023,
                                    "common": frozenset()}, None)
    if "run_tallies" not in wanted:
        return
    meta = {c: "" for c in table_columns("documents")} | {"doc_id": "warm-up"}
    tallies_doc("warm-up", {"sentences": [(*s, r["paragraph_id"]) for s, r in
                                          zip(sents, spans, strict=True)],
                            "entities": [e[1:] for e in ents], "meta": meta,
                            "subject": "FRA"}, None)


def _tallies_csv(doc_id: str, payload: dict[str, Any], context: Any) -> dict[str, Any]:
    """:func:`tallies_doc` with the streamed tables formatted as CSV lines in the worker."""
    res = tallies_doc(doc_id, payload, context)
    return {"tallies": format_rows(table_columns("tallies"), res["tallies"]),
            "n_tallies": len(res["tallies"]),
            "stances": format_rows(table_columns("stances", _stance_fields()),
                                   res["stances"]),
            "stance_keys": [tuple(r[k] for k in _STANCE_KEYS) for r in res["stances"]],
            "events": res["events"], "parts": res["parts"]}


def run_tallies(out_dir: str | Path, *, subject_country: str = "", engine: str = "local",
                workers: int = 0, scheduler: str = "",
                progress: bool = True) -> dict[str, int]:
    """Stage 03: tallies.csv and stances.csv one document at a time, then the corpus-level
    reduction (:func:`helpers.events.corpus_tables`): events.csv with linked event ids,
    event_summary.csv, actor_record.csv and speakers.csv. Returns the rows written per
    table."""
    from helpers.events import corpus_tables

    out = Path(out_dir)
    docs = read_table(out, "documents")
    meta = {r["doc_id"]: {k: _text(v) for k, v in r.items()}
            for r in docs[docs["status"] == "ok"].to_dict("records")}
    sent_path = out / "tables" / "sentences.csv"
    ent_path = out / "tables" / "entities.csv"
    base = base_version()
    n_docs = _n_split(docs)

    def payload(sents: list[list[str]], s_idx: dict[str, int], ents: list[list[str]],
                e_idx: dict[str, int], m: dict[str, str], subject: str) -> dict[str, Any]:
        return {"sentences": [_sentence_row(r, s_idx) for r in sents],
                "entities": [_entity_row(r, e_idx) for r in ents], "meta": m,
                "subject": subject}

    def entries() -> Iterator[tuple]:
        ent_groups = _raw_groups(ent_path)
        pending = next(ent_groups, None)
        for doc_id, s_idx, sents in _raw_groups(sent_path):
            while pending is not None and pending[0] < doc_id:
                pending = next(ent_groups, None)
            ents: list[list[str]] = []
            e_idx: dict[str, int] = {}
            if pending is not None and pending[0] == doc_id:
                _, e_idx, ents = pending
                pending = next(ent_groups, None)
            m = meta.get(doc_id)
            if m is None:
                continue
            subject = subject_country or m.get("subject_country", "")
            key = digest(base, STAGE_TALLIES, doc_id, sorted(m.items()), subject,
                         _rows_digest(sents), _rows_digest(ents))
            yield doc_id, key, partial(payload, sents, s_idx, ents, e_idx, m, subject)

    faults: list[dict[str, str]] = []
    tables = {"tallies": TableStream(out, "tallies"),
              "stances": TableStream(out, "stances", extra=_stance_fields())}
    event_rows: list[dict[str, Any]] = []
    stance_keys = RowTuples(_STANCE_KEYS)
    parts: dict[str, Any] = {}
    try:
        with DocCache(out) as cache, Engine(engine, workers, scheduler) as eng:
            for doc_id, res, store in _cached_map(eng, cache, STAGE_TALLIES,
                                                  _Keyed(_tallies_csv), entries(),
                                                  context=None, label="03 tallies",
                                                  total=n_docs, progress=progress):
                if isinstance(res, Fault):
                    faults.append(_fault_row(STAGE_TALLIES, doc_id,
                                             meta[doc_id].get("source_file", ""), res))
                    continue
                hit, store = store is None, _after_both(store)
                tables["tallies"].write_text(res["tallies"], res["n_tallies"], cached=hit,
                                             then=store)
                tables["stances"].write_text(res["stances"], len(res["stance_keys"]),
                                             cached=hit, then=store)
                event_rows += [_interned(r) for r in res["events"]]
                for values in res["stance_keys"]:
                    stance_keys.add(values)
                parts[doc_id] = {**res["parts"], "main": _interned(res["parts"]["main"])}
            for t in tables.values():  # stores the results whose rows passed the checks
                t.close()
    except BaseException:
        for t in tables.values():
            t.abort()
        raise
    _append_warnings(out, STAGE_TALLIES, faults)
    # -- corpus-level reduction: events across documents, actors' records, speakers ---------
    corpus = corpus_tables(event_rows, stance_keys, parts,
                           {d: m.get("outlet", "") for d, m in meta.items()})
    for name, rows in corpus.items():
        write_table(out, name, rows)
    return {"tallies": tables["tallies"].rows, "stances": tables["stances"].rows,
            **{name: len(rows) for name, rows in corpus.items()}, "warnings": len(faults)}


def engine_summary(engine: str = "local", workers: int = 0, scheduler: str = "") -> str:
    """One line saying where the per-document work runs (for the notebooks)."""
    return Engine(engine, workers, scheduler).describe()

