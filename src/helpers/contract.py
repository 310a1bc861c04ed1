"""The run contract: table names, their columns, and atomic, reproducible writers.

Other tools read these tables; the column names are binding (see DESIGN.md). Extra columns
may follow the contract's own, never replace them.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, NoReturn

import pandas as pd

COLUMNS: dict[str, list[str]] = {
    "documents": [
        "doc_id", "source_file", "sha256", "encoding", "status", "outlet", "url", "published",
        "hrc_session", "event_date", "dateline", "n_chars", "n_sentences", "boilerplate_chars",
    ],
    "sentences": ["doc_id", "sentence_id", "paragraph_id", "start", "end", "text"],
    "entities": ["doc_id", "sentence_id", "start", "end", "text", "label", "canonical"],
    "tallies": [
        "doc_id", "sentence_id", "subject", "stance", "count", "total", "source", "evidence",
        "kind", "vote",
    ],
    "events": [
        "doc_id", "hrc_session", "event_date", "total", "favourable", "critical", "neutral",
        "check", "source", "kind", "event_id",
    ],
    "stances": [
        "doc_id", "sentence_id", "actor", "actor_label", "stance", "target", "cue", "evidence",
    ],
    "event_summary": [
        "event_id", "subject_country", "kind", "hrc_session", "event_date", "n_reports",
        "doc_ids", "outlets", "sources", "total", "favourable", "critical", "neutral",
        "agreement", "check", "official_speakers",
    ],
    "actor_record": [
        "actor", "actor_label", "subject_country", "event_id", "stance", "n_statements",
        "doc_ids", "conflict",
    ],
    "speakers": ["event_id", "doc_id", "sentence_id", "speaker", "speaker_label", "on_behalf_of"],
    # Not part of the contract, but part of every run's records.
    "warnings": ["stage", "doc_id", "source_file", "message"],
    "themes": ["doc_id", "theme", "sentences", "matched", "share"],
}

# A sentence may be one huge line (a 1 MB paragraph without a full stop): let the csv module
# read fields of any size this process can hold.
csv.field_size_limit(2**31 - 1)

_UMASK = os.umask(0)
os.umask(_UMASK)

# Columns the project adds after the contract's own; always present, even in an empty table.
EXTRA_COLUMNS: dict[str, list[str]] = {
    "documents": ["title", "format", "notes", "subject_country"],
    "tallies": ["cue"],
    "events": ["sentence_ids", "notes", "outlet", "subject_country"],
    "event_summary": ["notes"],
    "actor_record": ["stances"],
    "speakers": ["speaker_text"],
    "stances": ["bloc_members"],
}

# --------------------------------------------------------------------------- validation
# What every table must satisfy on write (DESIGN.md vocabularies). ``None`` in a vocabulary
# allows an empty cell.
KINDS = ("dialogue", "vote", "joint_statement", "review", "other")
VOCABULARIES: dict[str, dict[str, tuple[str | None, ...]]] = {
    "entities": {"label": ("COUNTRY", "BLOC", "PERSON", "ORG", "ROLE", "DATE")},
    "tallies": {"stance": ("all", "favourable", "critical", "neutral", "unspecified"),
                "kind": KINDS, "vote": ("yes", "no", "abstain", None)},
    "events": {"check": ("ok", "mismatch", "incomplete"), "kind": KINDS},
    "stances": {"stance": ("supportive", "critical", "neutral"),
                "actor_label": ("COUNTRY", "BLOC")},
    "event_summary": {"agreement": ("single", "agree", "disagree"),
                      "check": ("ok", "mismatch", "incomplete"), "kind": KINDS},
    "actor_record": {"stance": ("supportive", "critical", "neutral", "mixed"),
                     "actor_label": ("COUNTRY", "BLOC"), "conflict": ("yes", "no")},
    "speakers": {"speaker_label": ("COUNTRY", "BLOC", "ORG", "OTHER")},
}
# Columns that must hold a value in every row.
REQUIRED: dict[str, tuple[str, ...]] = {
    "documents": ("doc_id", "source_file", "status"),
    "sentences": ("doc_id", "sentence_id", "paragraph_id", "start", "end"),
    "entities": ("doc_id", "sentence_id", "start", "end", "text", "canonical"),
    "tallies": ("doc_id", "sentence_id", "subject", "count", "evidence"),
    "events": ("doc_id", "event_id"),
    "stances": ("doc_id", "sentence_id", "actor", "target", "evidence"),
    "event_summary": ("event_id", "n_reports", "doc_ids"),
    "actor_record": ("actor", "event_id", "n_statements", "doc_ids"),
    "speakers": ("doc_id", "sentence_id", "speaker"),
}
# Columns holding non-negative integers (or empty).
INTEGER_COLUMNS = frozenset({
    "sentence_id", "paragraph_id", "start", "end", "n_chars", "n_sentences",
    "boilerplate_chars", "count", "total", "favourable", "critical", "neutral", "n_reports",
    "official_speakers", "n_statements"})
# documents.status: ok, or why the file was not used.
_DIGIT_LINES = re.compile(r"[\d\n]*")  # integer cells joined by newlines
_STATUS = re.compile(r"^(?:ok|rejected: .+|duplicate of .+|near-duplicate of .+)$")


def _all_digits(cells: list[str]) -> bool:
    """Whether every cell is digits or empty: one match over the cells joined by newlines
    (a cell holding a newline itself makes one line too many, and fails)."""
    joined = "\n".join(cells)
    return bool(_DIGIT_LINES.fullmatch(joined)) and joined.count("\n") == max(0, len(cells) - 1)


class ContractError(ValueError):
    """A table about to be written breaks the contract; the message names the table, the row
    and the rule."""


def validate(table: str, df: pd.DataFrame, *, offset: int = 0,
             as_text: bool = False, row_numbers: Sequence[int] | None = None) -> None:
    """Check a table against the contract before it is written.

    Rules: the contract's columns come first, in order; required cells are filled; integer
    columns hold non-negative integers; vocabulary columns hold a listed value;
    ``documents.status`` is ``ok`` or a reason; sentence and mention offsets span their text
    (``end - start == len(text)``).

    Args:
        table: contract table name (other names are not checked).
        df: the rows.
        offset: the row number of ``df``'s first row in the whole table (for messages).
        as_text: every cell is already its CSV text (a table read back with ``dtype=str``).
        row_numbers: each row's number in the whole table, when ``df`` holds rows from
            several places of it (instead of ``offset``).

    Raises:
        ContractError: naming the table, the first offending row (0-based, as written,
            counting from ``offset``) and the rule.
    """
    if table not in COLUMNS:
        return
    cols = COLUMNS[table]
    if list(df.columns[:len(cols)]) != cols:
        raise ContractError(f"{table}.csv: columns must start with {cols}, got "
                            f"{list(df.columns[:len(cols)])}")

    def fail(mask: pd.Series, rule: str) -> None:
        if mask.any():
            fail_at(int(mask.to_numpy().nonzero()[0][0]), rule)

    def fail_at(i: int, rule: str) -> NoReturn:
        rec = {k: df.iloc[i][k] for k in cols[:4]}
        n = row_numbers[i] if row_numbers is not None else offset + i
        raise ContractError(f"{table}.csv row {n} {rec}: {rule}")

    texts: dict[str, pd.Series] = {}

    def text(col: str) -> pd.Series:
        """The column as written: every cell as its CSV text (read back: already text)."""
        if col not in texts:
            texts[col] = df[col] if as_text else df[col].map(_cell)
        return texts[col]

    for col in REQUIRED.get(table, ()):
        fail(text(col) == "", f"'{col}' must not be empty")
    for col in df.columns:
        if col in INTEGER_COLUMNS and col in cols and not _all_digits(text(col).tolist()):
            fail(~text(col).str.fullmatch(r"\d*").astype(bool),
                 f"'{col}' must be a non-negative integer")
    for col, allowed in VOCABULARIES.get(table, {}).items():
        ok = text(col).isin([a for a in allowed if a is not None])
        if None in allowed:
            ok |= text(col) == ""
        fail(~ok, f"'{col}' must be one of {[a for a in allowed if a]}")
    if table == "documents" and len(df):
        fail(~text("status").str.match(_STATUS).astype(bool),
             "'status' must be ok or a reason")
    if table in ("sentences", "entities") and len(df):
        for i, (a, b, t) in enumerate(zip(text("start").tolist(), text("end").tolist(),
                                          text("text").tolist(), strict=True)):
            try:
                start, end = int(a), int(b)
            except ValueError:  # an empty offset spans nothing
                fail_at(i, "offsets must span the text ('end' - 'start' == len(text))")
            if end < start:
                fail_at(i, "'end' must not come before 'start'")
            if end - start != len(t):
                fail_at(i, "offsets must span the text ('end' - 'start' == len(text))")


CONTRACT_TABLES = ("documents", "sentences", "entities", "tallies", "events", "stances",
                   "event_summary", "actor_record", "speakers")


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half.

    Args:
        path: destination file; its folder is created if needed.
        data: the bytes to write.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; outputs follow the user's umask
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """UTF-8 text version of :func:`atomic_write_bytes`."""
    atomic_write_bytes(path, text.encode("utf-8"))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        if value.is_integer():
            return str(int(value))
        return repr(round(value, 6))
    if value is pd.NA or value is pd.NaT:
        return ""
    return str(value)


def frame(table: str, rows: Iterable[Mapping[str, Any]] | pd.DataFrame) -> pd.DataFrame:
    """Build a DataFrame whose first columns are exactly the contract's for ``table``.

    Missing contract columns are added empty; extra columns are kept after them.
    """
    df = rows.copy() if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    cols = COLUMNS[table] + EXTRA_COLUMNS.get(table, [])
    for c in cols:
        if c not in df.columns:
            df[c] = None
    extra = [c for c in df.columns if c not in cols]
    return df[cols + extra]


def write_table(out_dir: str | os.PathLike[str], table: str,
                rows: Iterable[Mapping[str, Any]] | pd.DataFrame) -> Path:
    """Write ``OUT/tables/<table>.csv`` atomically, byte-for-byte reproducible.

    UTF-8, ``\\n`` line ends, minimal quoting, integers without ``.0``; rows are written in
    the order given (callers sort them). The table is checked first (:func:`validate`): one
    that breaks the contract raises :class:`ContractError` and nothing is written.

    Returns:
        The path written.
    """
    df = frame(table, rows)
    validate(table, df)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(list(df.columns))
    for rec in df.itertuples(index=False, name=None):
        writer.writerow([_cell(v) for v in rec])
    path = Path(out_dir) / "tables" / f"{table}.csv"
    atomic_write_text(path, buf.getvalue())
    return path


def read_table(out_dir: str | os.PathLike[str], table: str, *,
               columns: Iterable[str] | None = None, nrows: int | None = None,
               categories: bool = False, dtypes: Mapping[str, Any] | None = None,
               ) -> pd.DataFrame:
    """Read a table written by :func:`write_table`; empty cells are ``NA``, ids stay strings.

    Args:
        out_dir: the run folder.
        table: the table's name (``OUT/tables/<table>.csv``).
        columns: read only these columns, in this order (those the file has); all when None.
        nrows: read only the first ``nrows`` rows (a preview).
        categories: text columns as ``category`` (a large table's repeated ids and labels
            then take a fraction of the memory).
        dtypes: a dtype for some columns (``"category"``, ``"Int32"`` ...), kept as given;
            the others are read as above.
    """
    path = Path(out_dir) / "tables" / f"{table}.csv"
    wanted = None if columns is None else set(columns)
    base: Any = "category" if categories else str
    dtype: Any = defaultdict(lambda: base, dtypes) if dtypes else base
    df = pd.read_csv(path, dtype=dtype, keep_default_na=False, na_values=[""], nrows=nrows,
                     usecols=(lambda c: c in wanted) if wanted is not None else None)
    if columns is not None:
        df = df[[c for c in columns if c in df.columns]]
    return typed(df, keep=dtypes or ())


def typed(df: pd.DataFrame, keep: Iterable[str] = ()) -> pd.DataFrame:
    """A table read as text with its integer columns (:data:`INTEGER_COLUMNS`) as ``Int64``;
    the columns in ``keep`` are left as they are."""
    keep = set(keep)
    for col in df.columns:
        if col in INTEGER_COLUMNS and col not in keep:
            values = df[col].astype(str) if isinstance(df[col].dtype, pd.CategoricalDtype) \
                else df[col]
            df[col] = pd.to_numeric(values, errors="coerce").astype("Int64")
    return df


# --------------------------------------------------------------------------- event ids


def make_event_id(subject: str, session: str, date: str, kind: str) -> str:
    """``KHM-HRC51-2022-10-05-dialogue``: subject, session, date and kind; unknown parts are
    left out; spaces in a session name are dropped (``HRC S-35`` → ``HRCS-35``)."""
    parts = [subject, re.sub(r"\s+", "", session or ""), date, kind]
    return "-".join(p for p in parts if p)


# The parts of an event id, in order, each optional (the inverse of make_event_id).
_EVENT_ID = re.compile(r"^(?P<subject>[A-Z]{3})?-?(?P<session>(?:HRC|UPR)(?:S-)?\d+)?-?"
                       r"(?P<date>\d{4}(?:-\d{2}){0,2})?-?"
                       r"(?P<kind>dialogue|vote|joint_statement|review|other)?$")


def parse_event_id(event_id: str) -> dict[str, str]:
    """``{"subject", "hrc_session", "event_date", "kind"}`` read back from an event id (empty
    parts where the id leaves them out; ``HRCS-35`` → ``HRC S-35``)."""
    m = _EVENT_ID.match(event_id or "")
    if not m:
        return {"subject": "", "hrc_session": "", "event_date": "", "kind": ""}
    session = (m.group("session") or "").replace("HRCS-", "HRC S-")
    return {"subject": m.group("subject") or "", "hrc_session": session,
            "event_date": m.group("date") or "", "kind": m.group("kind") or ""}
