"""Per-document cache for incremental re-runs: ``OUT/cache/cache.sqlite``.

Each stage stores, per document, the result of its per-document function under a *key*: a
hash of everything that result depends on — the input (the file's sha256, or the document's
sentences and entities), the code version (all of ``src/helpers/*.py``), the ``data/`` version
(reference lists; the gold annotations and the devset are left out) and the stage's
parameters. What a document reads of a corpus-level reduction is checked beside the key: the
trained sentence splitter's answers to the look-ups its splitting made, the corpus's common
words that occur in it (a stage's ``still_valid``). A re-run reuses a result only when its key
is the same and those still hold, so its tables equal a fresh full run's byte for byte, and a
document is redone only when something it depends on changed.

One row per ``(stage, doc_id)``: a changed document replaces its entry, so the cache does not
grow with re-runs. Only the calling process reads and writes the database; workers never see
it, which is what lets a remote Dask cluster use it too.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sqlite3
import time
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from helpers import data_dir

SCHEMA = 1
# A file modified this recently (ns) is not remembered by its stat: it may change again within
# the same clock tick, unseen (git's "racily clean" files).
RACY_NS = 2_000_000_000
_SKIP_DATA = ("gold", "devset", "heldout")  # evaluation data: never read by the stages


def stat_signature(st: os.stat_result) -> tuple[int, int, int, int]:
    """``(device, inode, size, modification time in ns)``: what tells that a file changed
    without reading it (the way git's index does)."""
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


def file_signature(path: Path) -> tuple[int, int, int, int] | None:
    """:func:`stat_signature` of a file, or None when it cannot be stat'ed."""
    try:
        return stat_signature(path.stat())
    except OSError:
        return None


def settled(signature: tuple[int, int, int, int]) -> bool:
    """Whether a file with this signature was last modified long enough ago (:data:`RACY_NS`)
    for the signature to be remembered."""
    return time.time_ns() - signature[3] > RACY_NS


def digest(*parts: object) -> str:
    """A stable sha256 over ``parts`` (their ``repr``; strings and bytes as they are)."""
    h = hashlib.sha256()
    for p in parts:
        if isinstance(p, bytes):
            b = p
        elif isinstance(p, str):
            b = p.encode("utf-8", "surrogatepass")
        else:
            b = repr(p).encode("utf-8", "surrogatepass")
        h.update(type(p).__name__.encode())
        h.update(len(b).to_bytes(8, "little"))
        h.update(b)
    return h.hexdigest()


def _hash_files(files: Iterable[Path], root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(files):
        h.update(str(p.relative_to(root)).encode())
        h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


@lru_cache(maxsize=1)
def code_version() -> str:
    """Hash of the package's source files (any change to the helpers invalidates the cache)."""
    pkg = Path(__file__).resolve().parent
    return _hash_files(pkg.glob("*.py"), pkg)


@lru_cache(maxsize=1)
def data_version() -> str:
    """Hash of the reference data under ``data/`` (without gold annotations and the devset)."""
    root = data_dir()
    if not root.is_dir():
        return ""
    files = [p for p in root.rglob("*") if p.is_file()
             and p.relative_to(root).parts[0] not in _SKIP_DATA
             and not p.name.startswith(".")]
    return _hash_files(files, root)


def base_version() -> str:
    """Code and data version together: part of every key."""
    return digest(SCHEMA, code_version(), data_version())


class DocCache:
    """The per-document cache of one run folder.

    Args:
        out_dir: the run folder; the database is ``out_dir/cache/cache.sqlite``.
        enabled: when False nothing is read or written (every document is processed).
    """

    def __init__(self, out_dir: str | Path, enabled: bool = True) -> None:
        self.enabled = enabled
        self._db: sqlite3.Connection | None = None
        self._pending: list[tuple[str, str, str, bytes]] = []
        self._noted: set[str] = set()
        self.folder = Path(out_dir) / "cache"
        if enabled:
            path = self.folder / "cache.sqlite"
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                self._db = self._open(path)
            except sqlite3.DatabaseError:  # a corrupt cache is only a slower run
                path.unlink(missing_ok=True)
                self._db = self._open(path)

    @staticmethod
    def _open(path: Path) -> sqlite3.Connection:
        db = sqlite3.connect(path, timeout=60)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("CREATE TABLE IF NOT EXISTS entries (stage TEXT, doc_id TEXT, key TEXT, "
                   "value BLOB, PRIMARY KEY (stage, doc_id))")
        return db

    def __enter__(self) -> DocCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, stage: str, doc_id: str, key: str) -> Any | None:
        """The cached result for ``doc_id`` if it was stored under ``key``; else None."""
        if self._db is None:
            return None
        row = self._db.execute("SELECT key, value FROM entries WHERE stage=? AND doc_id=?",
                               (stage, doc_id)).fetchone()
        if row is None or row[0] != key:
            return None
        try:
            return pickle.loads(row[1])
        except Exception:  # unreadable entry: recompute
            return None

    def has(self, stage: str, doc_id: str, key: str) -> bool:
        """Whether a result for ``doc_id`` is stored under ``key`` (without loading it; like
        :meth:`get`, results not yet flushed are not seen)."""
        if self._db is None:
            return False
        row = self._db.execute("SELECT key FROM entries WHERE stage=? AND doc_id=?",
                               (stage, doc_id)).fetchone()
        return row is not None and row[0] == key

    def put(self, stage: str, doc_id: str, key: str, value: Any) -> None:
        """Store a result (written in batches; :meth:`flush` or :meth:`close` commits)."""
        if self._db is None:
            return
        self._pending.append((stage, doc_id, key,
                              pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)))
        if len(self._pending) >= 500:
            self.flush()

    def flush(self) -> None:
        """Commit the stored results."""
        if self._db is None or not self._pending:
            return
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?)",
                                 self._pending)
        self._pending.clear()

    def note(self, stage: str, line: str) -> None:
        """Record what a stage reused and redid (``OUT/cache/summary-<stage>.txt``; the first
        note of a run of the stage replaces the previous run's), for the runner to print."""
        if self._db is None:
            return
        path = self.folder / f"summary-{stage}.txt"
        mode = "a" if stage in self._noted else "w"
        self._noted.add(stage)
        with path.open(mode, encoding="utf-8") as fh:
            fh.write(line + "\n")

    def close(self) -> None:
        """Commit and close."""
        if self._db is not None:
            self.flush()
            self._db.close()
            self._db = None
