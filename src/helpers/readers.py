"""Stage 01 intake: turn each file of a corpus folder into zero or more raw documents.

A corpus is held the way researchers have it: saved pages, PDFs, Word files and exports with
one article per row. Every reader returns :class:`RawDocument` objects (decoded text plus
metadata, or a ``rejected: ...`` status); :func:`helpers.clean.clean_corpus` cleans them.

=============================  ==========  ==================================================
file                           ``format``  how it is read
=============================  ==========  ==================================================
``.txt``                       ``text``    bytes → :func:`decode_bytes` (BOM, UTF-8,
                                           charset-normalizer); an HTML page saved as
                                           ``.txt`` is still recognised (``html``), and a
                                           PDF or DOCX under a text name is read as such
``.html`` / ``.htm``           ``html``    decoded, then the article is extracted with
                                           BeautifulSoup (:func:`helpers.clean.html_to_text`)
``.pdf``                       ``pdf``     pypdf, page by page; page numbers and running
                                           heads/feet repeated on most pages dropped; lines
                                           re-joined into paragraphs. No extractable text →
                                           ``rejected: no text layer``
``.docx``                      ``docx``    python-docx: body paragraphs and table cells in
                                           document order (headers/footers left out)
``.csv`` / ``.tsv``            ``csv``     one article per row (delimiter sniffed from the
                                           header: ``,`` ``;`` tab or ``|``)
``.jsonl`` / ``.ndjson``       ``jsonl``   one JSON object per line
=============================  ==========  ==================================================

Tabular exports (``csv``, ``jsonl``) need a ``text`` column; ``id``, ``title``, ``url``,
``published``, ``outlet``, ``hrc_session``, ``event_date`` and ``subject_country`` are read
when present. Columns with other names are mapped by a ``columns.json`` in the corpus folder
(for every table) or ``<file stem>.columns.json`` (for one file), each mapping the project's
field to the export's column::

    {"text": "body", "title": "headline", "published": "date", "id": "article_no"}

A row becomes the document ``<file stem>-<row id>``: the row id is the ``id`` (else
``doc_id``) column when there is one, else the 1-based row number; ``source_file`` says
``file.jsonl#row=3`` (the third record; blank JSONL lines are not counted). A given title is
put before the text (as the headline of a ``.txt`` article is), so the text is cleaned the
same way. ``metadata.csv`` and ``*columns.json`` are configuration, never corpus files.

Nothing here raises on bad input: folders, broken links, unreadable and oversized files
(rejected from ``stat``, never read), undecodable bytes, broken PDFs/DOCX and broken table
rows each get their own status, and other documents are unaffected.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import logging
import os
import re
import stat
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

DEFAULT_MAX_BYTES = 2_000_000
"""Limit for a ``.txt``/``.html`` file and for the text of any one document (a table row)."""
DEFAULT_MAX_CONTAINER_BYTES = 50_000_000
"""Limit for a ``.pdf`` or ``.docx`` file (read whole into memory to parse)."""
DEFAULT_MAX_TABLE_BYTES = 2_000_000_000
"""Limit for a ``.csv``/``.jsonl`` export (streamed row by row, never read whole)."""

FORMATS: dict[str, str] = {
    ".txt": "text", ".html": "html", ".htm": "html", ".pdf": "pdf", ".docx": "docx",
    ".csv": "csv", ".tsv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl",
}
TABLE_FIELDS = ("title", "url", "published", "outlet", "hrc_session", "event_date",
                "subject_country")
METADATA_FIELDS = ("outlet", "url", "published", "hrc_session", "event_date")
CONFIG_FILES = frozenset({"metadata.csv", "columns.json"})

# --------------------------------------------------------------------------- decoding

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive (or DOCX/XLSX)"),
    (b"\x1f\x8b", "gzip archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "MS Office document"),
    (b"RIFF", "RIFF media (WEBP/WAV/AVI)"),
    (b"\x7fELF", "executable"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-zip archive"),
    (b"II*\x00", "TIFF image"),
    (b"MM\x00*", "TIFF image"),
)

_WESTERN_SINGLE_BYTE = {
    "cp1252", "windows-1252", "latin_1", "iso8859_1", "iso-8859-1", "iso8859_15", "cp1250",
    "cp1254", "cp1257", "iso8859_2", "iso8859_9", "iso8859_13", "mac_roman", "cp850", "cp437",
    "mac_latin2", "cp858", "iso8859_3", "iso8859_4", "iso8859_10", "iso8859_14", "iso8859_16",
    "cp775", "cp852", "cp1258", "cp860", "cp863", "cp865",
}

# A text with a few stray NUL bytes (a damaged copy) is kept with the NULs dropped; more than
# this share of NULs (and not UTF-16) means a binary file.
STRAY_NUL_SHARE = 0.01


@dataclass
class Decoded:
    """Result of :func:`decode_bytes`. ``text`` is ``None`` when the file is rejected."""

    text: str | None
    encoding: str
    status: str = "ok"
    notes: list[str] = field(default_factory=list)


def _control_ratio(text: str) -> float:
    if not text:
        return 0.0
    # each distinct character is classified once, then counted
    bad = sum(text.count(ch) for ch in set(text)
              if unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn")
              and ch not in "\n\r\t\f\v")
    return bad / len(text)


def _utf8_errors(data: bytes) -> tuple[str, int]:
    errors = 0

    def handler(exc: UnicodeDecodeError) -> tuple[str, int]:
        nonlocal errors
        errors += 1
        return ("", exc.end)

    name = f"tallybook-count-{id(handler)}"
    codecs.register_error(name, handler)
    text = data.decode("utf-8", errors=name)
    return text, errors


def decode_bytes(data: bytes) -> Decoded:
    """Decode a file's bytes, or say why they cannot be text.

    Order: byte-order marks (UTF-8, UTF-16, UTF-32); known binary signatures; UTF-16 without
    a BOM (NUL bytes in alternate positions); a few stray NUL bytes (dropped and reported);
    strict UTF-8; UTF-8 with a handful of stray bytes (dropped and reported); otherwise
    charset-normalizer. Among the Western single-byte code pages, bytes 0x80–0x9F decide
    between cp1252 (curly quotes, dashes) and latin-1.

    Returns:
        A :class:`Decoded`; ``status`` is ``ok`` or starts with ``rejected:``.
    """
    if not data:
        return Decoded(None, "", "rejected: empty file")
    for bom, enc in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                     (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return Decoded(data.decode(enc), enc)
            except UnicodeDecodeError:
                break
    for sig, kind in _SIGNATURES:
        if data.startswith(sig):
            return Decoded(None, "", f"rejected: binary file ({kind})")
    if b"\x00" in data[:65536]:
        head = data[:65536]
        even, odd = head[0::2], head[1::2]
        even_nul = even.count(0) / max(len(even), 1)
        odd_nul = odd.count(0) / max(len(odd), 1)
        enc = None
        if odd_nul > 0.3 and even_nul < 0.05:
            enc = "utf-16-le"
        elif even_nul > 0.3 and odd_nul < 0.05:
            enc = "utf-16-be"
        if enc:
            try:
                text = data.decode(enc)
                if _control_ratio(text) < 0.01:
                    return Decoded(text, enc)
            except UnicodeDecodeError:
                pass
        nuls = data.count(0)
        if nuls > max(8, len(data) * STRAY_NUL_SHARE):
            return Decoded(None, "", "rejected: binary file (contains NUL bytes)")
    nuls = data.count(0)
    if nuls:
        inner = decode_bytes(data.replace(b"\x00", b""))
        inner.notes.insert(0, f"{nuls} NUL byte(s) removed")
        return inner
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if _control_ratio(text) > 0.05:
            return Decoded(None, "", "rejected: binary file (control characters)")
        return Decoded(text, "utf-8")
    # Mostly UTF-8 with a few broken bytes: keep it, drop the bytes, say so.
    text, errors = _utf8_errors(data)
    multibyte = sum(1 for ch in text if ord(ch) > 0x7F)
    if multibyte >= 3 * errors and errors <= max(3, len(data) // 1000):
        return Decoded(text, "utf-8", notes=[f"{errors} undecodable byte(s) dropped"])
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data))
    if not matches:
        return Decoded(None, "", "rejected: undecodable bytes (no text encoding fits)")
    best = matches[0]
    # Short English texts with a few accented letters or curly quotes leave the detector
    # torn between single-byte code pages (cp775 vs cp1252 ...). Among the plausible
    # candidates, a Western one wins; bytes 0x80-0x9F then decide cp1252 over latin-1.
    plausible = [m for m in matches if m.percent_chaos <= best.percent_chaos + 1.0]
    names = {n.lower() for m in plausible for n in (m.encoding, *m.could_be_from_charset)}
    if names & _WESTERN_SINGLE_BYTE:
        has_c1 = any(0x80 <= b <= 0x9F for b in data)
        enc = "cp1252" if has_c1 else "latin-1"
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            enc, text = "latin-1", data.decode("latin-1")
    else:
        enc, text = best.encoding.lower(), str(best)
    if _control_ratio(text) > 0.01:
        return Decoded(None, "", "rejected: undecodable bytes (decodes only to control characters)")
    return Decoded(text, enc)


# --------------------------------------------------------------------------- raw documents


@dataclass
class RawDocument:
    """One document as read from the corpus, before cleaning.

    Attributes:
        doc_id: stable id (file stem, or ``<stem>-<row id>`` for a table row).
        source_file: file name, with ``#row=N`` for a table row.
        fmt: ``text``, ``html``, ``pdf``, ``docx``, ``csv`` or ``jsonl``.
        text: decoded text ready for :func:`helpers.clean.clean_text`; ``None`` if rejected.
        status: ``ok`` or ``rejected: <why>``.
        encoding: the text encoding read (empty for PDF/DOCX and rejected files).
        sha256: hash of the file's bytes (of the row's text for a table row).
        notes: what reading changed or noticed, for ``documents.notes``.
        warnings: problems worth a row in warnings.csv even though the document is kept.
        metadata: fields the file itself gives (a table row's ``title``, ``url``, ...).
        removed_chars: page furniture already removed while reading (PDF running heads).
    """

    doc_id: str
    source_file: str
    fmt: str
    text: str | None = None
    status: str = "ok"
    encoding: str = ""
    sha256: str = ""
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)
    removed_chars: int = 0


def display_name(name: str) -> str:
    """A file name safe to write into UTF-8 tables: NFC, undecodable bytes as U+FFFD."""
    raw = os.fsencode(name)
    return unicodedata.normalize("NFC", raw.decode("utf-8", errors="replace"))


_UNSAFE_ID = re.compile(r"[\\/\x00-\x1f\x7f]+")  # path separators and controls in an id


MAX_ID_BYTES = 120  # ids become file names (OUT/texts/<doc_id>.txt; 255 bytes at most)


def safe_id(value: str, *, max_bytes: int = MAX_ID_BYTES) -> str:
    """A doc_id usable as a file name under ``OUT/texts``: NFC, no slashes or controls,
    at most ``max_bytes`` UTF-8 bytes (a longer one keeps its start plus a short hash)."""
    value = _UNSAFE_ID.sub("_", unicodedata.normalize("NFC", value).strip())
    value = value.lstrip(".") or "_"
    if len(value.encode("utf-8", "surrogatepass")) > max_bytes:
        digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:10]
        head = value.encode("utf-8", "surrogatepass")[:max_bytes - 11]
        value = f"{head.decode('utf-8', 'ignore')}-{digest}"
    return value


def is_config_file(name: str) -> bool:
    """``metadata.csv``, ``columns.json`` and ``<stem>.columns.json`` are not articles."""
    low = name.lower()
    return low in CONFIG_FILES or low.endswith(".columns.json")


def config_file(corpus_dir: Path, name: str) -> Path:
    """``corpus_dir/name``, or the one entry whose name differs only in case
    (``Metadata.CSV``); the exact name when there is none."""
    exact = corpus_dir / name
    if exact.exists():
        return exact
    try:
        found = sorted(p for p in corpus_dir.iterdir() if p.name.lower() == name)
    except OSError:
        found = []
    return found[0] if found else exact


def list_inputs(corpus_dir: Path) -> tuple[list[Path], list[tuple[str, str]]]:
    """Entries of a corpus folder that stage 01 reads, sorted by name (not recursive).

    Every entry with a supported extension is returned, whatever it is (a folder named
    ``x.txt`` or a broken link gets its own rejected document). Hidden entries and the
    configuration files are skipped silently; other files and sub-folders give a warning.

    Returns:
        ``(paths, warnings)``; each warning is ``(file name, message)``.
    """
    paths: list[Path] = []
    warnings: list[tuple[str, str]] = []
    with os.scandir(corpus_dir) as it:
        entries = sorted(it, key=lambda e: e.name)
    for e in entries:
        name = display_name(e.name)
        if e.name.startswith(".") or is_config_file(e.name):
            continue
        if Path(e.name).suffix.lower() in FORMATS:
            paths.append(Path(e.path))
            continue
        try:
            is_dir = e.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            warnings.append((name, f"{name}/: sub-folder not read (the corpus folder is read "
                                   "without its sub-folders)"))
        else:
            warnings.append((name, f"{name}: not read: unsupported file type (supported: "
                                   f"{', '.join(sorted(FORMATS))})"))
    return paths, warnings


def list_corpus(corpus_dir: Path) -> list[Path]:
    """The regular ``.txt`` files of a corpus folder, sorted by name (for benchmarks)."""
    return [p for p in list_inputs(corpus_dir)[0]
            if p.suffix.lower() == ".txt" and p.is_file()]


def _file_status(path: Path, limit: int) -> tuple[str, int]:
    """``("ok", size)`` or ``("rejected: ...", size)`` from ``lstat``/``stat`` alone."""
    try:
        lst = path.lstat()
    except OSError as exc:
        return f"rejected: unreadable ({exc.strerror or exc})", 0
    if stat.S_ISLNK(lst.st_mode):
        try:
            st = path.stat()
        except FileNotFoundError:
            return f"rejected: broken symbolic link (to {display_name(os.readlink(path))})", 0
        except OSError as exc:
            return f"rejected: unreadable link ({exc.strerror or exc})", 0
    else:
        st = lst
    if stat.S_ISDIR(st.st_mode):
        return "rejected: a folder, not a file", 0
    if not stat.S_ISREG(st.st_mode):
        return "rejected: not a regular file (a pipe, socket or device)", 0
    if st.st_size > limit:
        return f"rejected: too large ({st.st_size:,} bytes > limit {limit:,})", st.st_size
    return "ok", st.st_size


def _read_bytes(path: Path, limit: int) -> bytes:
    """Read at most ``limit + 1`` bytes (a file growing after ``stat`` is still bounded).

    The first read asks for the file's size and one byte more, not for ``limit + 1`` bytes
    (Python would allocate a buffer of the limit's size for every small file); a file that
    grew since is read on, up to the limit."""
    with path.open("rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        data = fh.read(min(limit, size) + 1)
        if size < len(data) <= limit:  # it grew: the rest, still bounded
            data += fh.read(limit + 1 - len(data))
    if len(data) > limit:
        raise _TooLarge(len(data))
    return data


class _TooLarge(Exception):
    pass


@dataclass
class PendingDocument:
    """A one-document file listed but not read yet (:func:`plan_input`): its id, name and
    format are known from the file name alone, so the corpus's ids can be checked before any
    text is held in memory. :meth:`read` reads it."""

    doc_id: str
    source_file: str
    fmt: str
    path: Path

    def read(self, **limits: Any) -> RawDocument:
        """The document, read as :func:`read_input` reads it (keeping this ``doc_id``, which
        :func:`unique_ids` may have changed)."""
        doc = read_input(self.path, **limits)[0]
        doc.doc_id = self.doc_id
        return doc


def _identity(path: Path) -> tuple[str, str, str]:
    """``(doc_id, source_file, format)`` of a corpus entry, from its name alone."""
    return (safe_id(display_name(path.stem)), display_name(path.name),
            FORMATS.get(path.suffix.lower(), "text"))


def plan_input(path: Path, **limits: Any) -> list[RawDocument | PendingDocument]:
    """What :func:`read_input` would give, with one-document files left unread
    (:class:`PendingDocument`); tables (``.csv``/``.jsonl``) are read now, since their rows'
    ids are in them."""
    doc_id, name, fmt = _identity(path)
    if fmt in ("csv", "jsonl"):
        return list(read_input(path, **limits))
    return [PendingDocument(doc_id, name, fmt, path)]


def read_input(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES,
               max_container_bytes: int = DEFAULT_MAX_CONTAINER_BYTES,
               max_table_bytes: int = DEFAULT_MAX_TABLE_BYTES,
               columns: dict[str, str] | None = None) -> list[RawDocument]:
    """Read one corpus entry into raw documents; never raises.

    Args:
        path: the file (or whatever the entry is).
        max_bytes: limit for ``.txt``/``.html`` files and for one document's text.
        max_container_bytes: limit for ``.pdf``/``.docx`` files.
        max_table_bytes: limit for ``.csv``/``.jsonl`` exports (streamed).
        columns: field → column name for tables (from ``columns.json``); a
            ``<stem>.columns.json`` beside the file is merged over it.

    Returns:
        One document per file, or one per row for a table; a rejected file gives one
        document with the reason in ``status``.
    """
    doc_id, name, fmt = _identity(path)
    limit = {"pdf": max_container_bytes, "docx": max_container_bytes, "csv": max_table_bytes,
             "jsonl": max_table_bytes}.get(fmt, max_bytes)
    status, _size = _file_status(path, limit)
    if status != "ok":
        return [RawDocument(doc_id, name, fmt, status=status)]
    try:
        if fmt in ("csv", "jsonl"):
            cols, col_warnings = read_columns(path.with_name(f"{path.stem}.columns.json"))
            docs = list(read_table_file(path, fmt, columns={**(columns or {}), **cols},
                                        max_bytes=max_bytes))
            if docs and col_warnings:
                docs[0].warnings.extend(col_warnings)
            return docs
        data = _read_bytes(path, limit)
        sha = hashlib.sha256(data).hexdigest()
        misnamed = _sniff_container(data) if fmt in ("text", "html") else ""
        if fmt == "pdf" or misnamed == "pdf":
            doc = read_pdf(data)
        elif fmt == "docx" or misnamed == "docx":
            doc = read_docx(data)
        else:
            doc = read_text(data, html=(fmt == "html"))
        if misnamed:
            doc.notes.insert(0, f"a {misnamed.upper()} file named {path.suffix}: read as "
                                f"{misnamed.upper()}")
        doc.doc_id, doc.source_file, doc.sha256 = doc_id, name, sha
        if doc.text is not None and len(doc.text) > max_bytes:
            doc.text, doc.status = None, (f"rejected: too much text ({len(doc.text):,} "
                                          f"characters > limit {max_bytes:,})")
        return [doc]
    except _TooLarge as exc:
        status = f"rejected: too large (grew to over {exc.args[0] - 1:,} bytes while read)"
    except PermissionError as exc:
        status = f"rejected: unreadable (permission denied: {exc.strerror or exc})"
    except OSError as exc:
        status = f"rejected: unreadable ({exc.strerror or exc})"
    except Exception as exc:  # defensive: a reader bug must not stop the run
        status = f"rejected: could not be read ({type(exc).__name__}: {exc})"
    return [RawDocument(doc_id, name, fmt, status=status)]


def _sniff_container(data: bytes) -> str:
    """``pdf`` or ``docx`` when a file's bytes are one of those whatever its name, else ``""``."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04") and b"word/" in data[:65536]:
        return "docx"
    return ""


def read_text(data: bytes, *, html: bool = False) -> RawDocument:
    """A ``.txt`` or ``.html`` file's bytes → decoded text (HTML: the extracted article)."""
    dec = decode_bytes(data)
    doc = RawDocument("", "", "html" if html else "text", encoding=dec.encoding,
                      notes=list(dec.notes))
    if dec.text is None:
        doc.status = dec.status
        return doc
    if html and dec.text.strip():
        from helpers.clean import html_to_text

        doc.text = html_to_text(dec.text)
        doc.notes.append("HTML page: article text extracted")
    else:
        doc.text = dec.text
    return doc


# --------------------------------------------------------------------------- PDF

# A line holding only a page number: "3", "- 3 -", "Page 3", "Page 3 of 10", "3/10".
_PAGE_NUMBER = re.compile(r"(?:page\s+)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?|[-–—]\s*\d{1,4}\s*[-–—]",
                          re.IGNORECASE)
# A sentence end at the end of a line: the paragraph may end there.
_LINE_END_SENTENCE = re.compile(r"[.!?…:][\"'”’)\]]*$")
# A word broken by a hyphen at the end of a line, continued in lower case on the next.
_HYPHEN_END = re.compile(r"[^\W\d_]-$")
# The word before such a hyphen.
_LAST_WORD = re.compile(r"[^\W\d_]+$")


@lru_cache(maxsize=1)
def hyphen_prefixes() -> frozenset[str]:
    """Words that keep their hyphen across a PDF line break (``data/hyphen_prefixes.txt``)."""
    from helpers.refdata import words

    return frozenset(w.lower() for w in words("hyphen_prefixes.txt"))


def _furniture_key(line: str) -> str:
    """Short lines (running heads, "GE.22-123 3") match across pages whatever their numbers."""
    if len(line.split()) <= 8 and not _LINE_END_SENTENCE.search(line):
        return re.sub(r"\d+", "#", line)
    return line


def _page_furniture(pages: list[list[str]]) -> set[str]:
    """Lines repeated at the top or bottom of at least half the pages (2+): running heads."""
    if len(pages) < 2:
        return set()
    counts: dict[str, int] = {}
    for lines in pages:
        edge = {ln for ln in lines[:3] + lines[-3:] if ln}
        for ln in edge:
            key = _furniture_key(ln)
            counts[key] = counts.get(key, 0) + 1
    return {k for k, n in counts.items() if n >= max(2, (len(pages) + 1) // 2)}


def pdf_pages_to_text(pages: list[str]) -> tuple[str, int]:
    """Join the text of PDF pages into paragraphs.

    Page numbers and running heads/feet are dropped; a line joins the previous one unless the
    previous one ends a sentence or is much shorter than the page's full lines (a heading or
    a paragraph's last line); ``word-`` + lower-case continuation is de-hyphenated.

    Returns:
        The text (paragraphs separated by a blank line) and the characters removed.
    """
    split = [[" ".join(ln.split()) for ln in p.splitlines()] for p in pages]
    furniture = _page_furniture([[ln for ln in p if ln] for p in split])
    removed = 0
    lines: list[str] = []
    for p in split:
        body = [ln for ln in p if ln]
        for i, ln in enumerate(body):
            at_edge = i < 2 or i >= len(body) - 2
            if (at_edge and _PAGE_NUMBER.fullmatch(ln)) or _furniture_key(ln) in furniture:
                removed += len(ln)
                continue
            lines.append(ln)
        lines.append("")  # page end: may still continue the paragraph (decided below)
    full = sorted(len(ln) for ln in lines if ln)
    width = full[int(len(full) * 0.9)] if full else 0
    paragraphs: list[str] = []
    current, last = "", ""  # the paragraph so far and its last physical line
    for ln in lines:
        if not ln:
            continue
        if not current:
            current = ln
        elif _HYPHEN_END.search(current) and ln[:1].islower():
            word = _LAST_WORD.search(current[:-1])
            keep = word is not None and word.group(0).lower() in hyphen_prefixes()
            current = (current if keep else current[:-1]) + ln
        elif _LINE_END_SENTENCE.search(current) or len(last) < 0.6 * width:
            paragraphs.append(current)
            current = ln
        else:
            current = f"{current} {ln}"
        last = ln
    if current:
        paragraphs.append(current)
    return "\n\n".join(paragraphs), removed


def read_pdf(data: bytes) -> RawDocument:
    """A PDF's bytes → its text layer (pypdf); status when it has none or is broken."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    # pypdf logs every repair it makes ("EOF marker not found"); the status says enough.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    doc = RawDocument("", "", "pdf")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception:
                ok = 0
            if not ok:
                doc.status = "rejected: encrypted PDF (needs a password)"
                return doc
        pages = []
        failed = 0
        for page in reader.pages:
            try:
                pages.append(page.extract_text() or "")
            except Exception:
                failed += 1
                pages.append("")
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            RecursionError) as exc:
        doc.status = f"rejected: unreadable PDF ({type(exc).__name__}: {exc})"
        return doc
    n = len(pages)
    if not any(p.strip() for p in pages):
        doc.status = (f"rejected: no text layer ({n} page{'s' if n != 1 else ''} without "
                      "extractable text; a scanned PDF needs OCR first)")
        return doc
    if failed:
        doc.notes.append(f"{failed} of {n} PDF page(s) could not be read")
    empty = sum(1 for p in pages if not p.strip()) - failed
    if empty > 0:
        doc.notes.append(f"{empty} of {n} PDF page(s) without a text layer")
    doc.text, doc.removed_chars = pdf_pages_to_text(pages)
    doc.notes.append(f"PDF: {n} page(s), text layer read")
    return doc


# --------------------------------------------------------------------------- DOCX


def read_docx(data: bytes) -> RawDocument:
    """A Word ``.docx`` file's bytes → its body paragraphs (and table cells) in order."""
    import docx
    from docx.table import Table

    doc = RawDocument("", "", "docx")
    try:
        d = docx.Document(io.BytesIO(data))
        blocks: list[str] = []

        def walk(items: Iterable[Any]) -> None:
            for item in items:
                if isinstance(item, Table):
                    for row in item.rows:
                        seen: set[int] = set()
                        for cell in row.cells:
                            if id(cell._tc) in seen:  # a merged cell repeats
                                continue
                            seen.add(id(cell._tc))
                            walk(cell.iter_inner_content())
                else:
                    text = item.text.strip()
                    if text:
                        blocks.append(text)

        walk(d.iter_inner_content())
    except Exception as exc:  # zipfile.BadZipFile, KeyError, lxml errors ...
        doc.status = f"rejected: unreadable DOCX ({type(exc).__name__}: {exc})"
        return doc
    if not blocks:
        doc.status = "rejected: DOCX without text"
        return doc
    doc.text = "\n\n".join(blocks)
    return doc


# --------------------------------------------------------------------------- tables


def read_columns(path: Path) -> tuple[dict[str, str], list[str]]:
    """Read a ``columns.json`` (field → column name); missing file → ``{}``; never raises."""
    if not path.exists():
        return {}, []
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as exc:
        return {}, [f"{path.name} could not be read ({exc}); column names not mapped"]
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        return {}, [f'{path.name} must be one JSON object like {{"text": "body"}}; ignored']
    known = {"text", "id", *TABLE_FIELDS}
    unknown = sorted(set(data) - known)
    out = {k: _norm_header(v) for k, v in data.items() if k in known}
    warnings = ([f"{path.name}: unknown field(s) {', '.join(unknown)} ignored (known: "
                 f"{', '.join(sorted(known))})"] if unknown else [])
    return out, warnings


def _norm_header(h: str) -> str:
    return h.replace("\ufeff", "").strip().lower().replace(" ", "_")


def sniff_delimiter(header_line: str) -> str:
    """The delimiter of a CSV header line: the most frequent of ``,`` ``;`` tab ``|``."""
    counts = {d: header_line.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


_ISO_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ]\d{1,2}:\d{2}")  # 2022-10-05T08:00:00Z


def _clean_fields(rec: dict[str, str], where: str) -> tuple[dict[str, str], list[str]]:
    """Normalise session and dates of a metadata record; bad values left empty, with notes."""
    notes: list[str] = []
    sess = rec.get("hrc_session", "")
    if sess:
        norm = normalise_session(sess)
        if norm is None:
            notes.append(f"{where}: hrc_session {sess!r} is not a session number; left empty")
        rec["hrc_session"] = norm or ""
    for col, full in (("event_date", True), ("published", False)):
        val = rec.get(col, "")
        if m := _ISO_DATETIME.match(val):
            val = rec[col] = m.group(1)
        if val and not _valid_date(val, full):
            want = "YYYY-MM-DD" if full else "YYYY, YYYY-MM or YYYY-MM-DD"
            notes.append(f"{where}: {col} {val!r} is not {want}; left empty")
            rec[col] = ""
    return rec, notes


def _row_document(stem: str, name: str, fmt: str, n: int, rec: dict[str, str], *,
                  text_col: str, id_col: str | None, columns: dict[str, str], encoding: str,
                  max_bytes: int) -> RawDocument:
    given = rec.get(id_col, "").strip() if id_col else ""
    row_id = safe_id(given, max_bytes=60) if given else str(n)
    doc = RawDocument(f"{stem}-{row_id}", f"{name}#row={n}", fmt, encoding=encoding)
    meta = {f: rec.get(columns.get(f, f), "").strip() for f in TABLE_FIELDS}
    meta, notes = _clean_fields(meta, f"row {n}")
    doc.metadata = {k: v for k, v in meta.items() if v}
    doc.warnings.extend(notes)
    text = rec.get(text_col, "")
    doc.sha256 = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    if "\ufffd" in text:
        doc.notes.append("undecodable bytes in this row replaced")
    if not text.strip():
        doc.status = f"rejected: row {n} has no text in column {text_col!r}"
        return doc
    if len(text) > max_bytes:
        doc.status = (f"rejected: row {n} text too large ({len(text):,} characters > limit "
                      f"{max_bytes:,})")
        return doc
    title = meta.get("title", "")
    if title and not text.lstrip().startswith(title):
        text = f"{title}\n\n{text}"
        doc.notes.append("title column put before the text as its headline")
    doc.text = text
    return doc


def _pick_columns(header: list[str], columns: dict[str, str]) -> tuple[str | None, str | None]:
    text_col = columns.get("text", "text")
    if text_col not in header:
        return None, None
    id_col = columns.get("id") or next((c for c in ("id", "doc_id") if c in header), None)
    return text_col, (id_col if id_col in header else None)


def read_table_file(path: Path, fmt: str, *, columns: dict[str, str],
                    max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[RawDocument]:
    """Stream the rows of a ``.csv``/``.tsv`` or ``.jsonl``/``.ndjson`` export as documents.

    A broken row gets its own rejected document; a file without a text column (or that
    cannot be decoded) gives one rejected document named after the file.
    """
    name = display_name(path.name)
    stem = safe_id(display_name(path.stem))
    if fmt == "jsonl":
        yield from _read_jsonl(path, name, stem, columns, max_bytes)
    else:
        yield from _read_csv(path, name, stem, columns, max_bytes)


def _read_csv(path: Path, name: str, stem: str, columns: dict[str, str],
              max_bytes: int) -> Iterator[RawDocument]:
    with path.open("rb") as fh:
        head = fh.read(65536)
    dec = decode_bytes(head)
    for cut in range(4):  # a UTF-8 character cut at 64 KiB is still UTF-8
        try:
            head[:len(head) - cut].decode("utf-8")
        except UnicodeDecodeError:
            continue
        if ((dec.text is not None and not dec.encoding.startswith("utf"))
                or dec.status.startswith("rejected: undecodable")):
            dec = Decoded("", "utf-8")
        break
    if dec.text is None:
        yield RawDocument(stem, name, "csv", status=dec.status)
        return
    enc = dec.encoding
    csv.field_size_limit(max(csv.field_size_limit(), max_bytes * 4 + 1))
    with path.open(encoding=enc, errors="replace", newline="") as fh:
        first = fh.readline()
        delim = "\t" if path.suffix.lower() == ".tsv" else sniff_delimiter(first)
        reader = csv.reader(io.StringIO(first), delimiter=delim)
        header = [_norm_header(h) for h in next(reader, [])]
        text_col, id_col = _pick_columns(header, columns)
        if text_col is None:
            want = columns.get("text", "text")
            yield RawDocument(stem, name, "csv", encoding=enc, status=(
                f"rejected: no {want!r} column (columns: {', '.join(header) or 'none'}); name "
                "the text column in columns.json"))
            return
        rows = csv.reader(fh, delimiter=delim)
        n = 0
        errors = 0
        while True:
            try:
                row = next(rows)
            except StopIteration:
                break
            except csv.Error as exc:
                n += 1
                errors += 1
                yield RawDocument(f"{stem}-{n}", f"{name}#row={n}", "csv", encoding=enc,
                                  status=f"rejected: row {n} is not valid CSV ({exc})")
                if errors >= 100:
                    yield RawDocument(f"{stem}-rest", name, "csv", encoding=enc, status=(
                        "rejected: 100 broken CSV rows; rest of the file not read"))
                    return
                continue
            if not any(c.strip() for c in row):
                continue
            n += 1
            if len(row) > len(header):
                yield RawDocument(f"{stem}-{n}", f"{name}#row={n}", "csv", encoding=enc,
                                  status=(f"rejected: row {n} has {len(row)} fields but the "
                                          f"header has {len(header)}"))
                continue
            rec = dict(zip(header, row + [""] * (len(header) - len(row)), strict=True))
            doc = _row_document(stem, name, "csv", n, rec, text_col=text_col, id_col=id_col,
                                columns=columns, encoding=enc, max_bytes=max_bytes)
            if len(row) < len(header):
                doc.notes.append(f"{len(row)} fields but the header has {len(header)}; "
                                 "missing fields left empty")
            yield doc
    if n == 0:
        yield RawDocument(stem, name, "csv", encoding=enc, status="rejected: no rows")


def _read_jsonl(path: Path, name: str, stem: str, columns: dict[str, str],
                max_bytes: int) -> Iterator[RawDocument]:
    n = 0
    limit = max_bytes * 4 + 1024  # a row's JSON (escapes, metadata) may exceed its text
    with path.open("rb") as fh:
        lineno = 0
        while True:
            line = fh.readline(limit + 1)
            if not line:
                break
            lineno += 1
            too_long = len(line) > limit and not line.endswith(b"\n")
            if too_long:  # skip the rest of the line without holding it
                while (chunk := fh.readline(1 << 20)) and not chunk.endswith(b"\n"):
                    pass
            if lineno == 1:
                line = line.removeprefix(codecs.BOM_UTF8)
            if not line.strip():
                continue
            n += 1
            doc_id, src = f"{stem}-{n}", f"{name}#row={n}"
            if too_long:
                yield RawDocument(doc_id, src, "jsonl", status=(
                    f"rejected: row {n} (line {lineno}) longer than {limit:,} bytes"))
                continue
            try:
                obj = json.loads(line.decode("utf-8", errors="replace").replace("\x00", ""))
            except ValueError as exc:
                yield RawDocument(doc_id, src, "jsonl", encoding="utf-8", status=(
                    f"rejected: row {n} (line {lineno}) is not valid JSON ({exc})"))
                continue
            if not isinstance(obj, dict):
                yield RawDocument(doc_id, src, "jsonl", encoding="utf-8", status=(
                    f"rejected: row {n} (line {lineno}) is a JSON {type(obj).__name__}, not "
                    "an object"))
                continue
            rec = {_norm_header(str(k)): _json_value(v) for k, v in obj.items()}
            text_col, id_col = _pick_columns(list(rec), columns)
            if text_col is None:
                want = columns.get("text", "text")
                yield RawDocument(doc_id, src, "jsonl", encoding="utf-8", status=(
                    f"rejected: row {n} (line {lineno}) has no {want!r} field (fields: "
                    f"{', '.join(rec) or 'none'})"))
                continue
            yield _row_document(stem, name, "jsonl", n, rec, text_col=text_col,
                                id_col=id_col, columns=columns, encoding="utf-8",
                                max_bytes=max_bytes)
    if n == 0:
        yield RawDocument(stem, name, "jsonl", status="rejected: no rows")


def _json_value(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, list):
        return "; ".join(_json_value(x) for x in v)
    if isinstance(v, bool | int | float):
        return str(v)
    return json.dumps(v, ensure_ascii=False)


def unique_ids(docs: Iterable[RawDocument | PendingDocument]) -> list[tuple[str, str]]:
    """Give repeated doc_ids a ``~2``, ``~3`` ... suffix in reading order (in place).

    Returns:
        Warnings ``(doc_id, message)`` naming both sources.
    """
    seen: dict[str, str] = {}
    warnings: list[tuple[str, str]] = []
    for d in docs:
        if d.doc_id in seen:
            k = 2
            while f"{d.doc_id}~{k}" in seen:
                k += 1
            new = f"{d.doc_id}~{k}"
            warnings.append((new, f"doc_id {d.doc_id!r} is already used by "
                                  f"{seen[d.doc_id]}; {d.source_file} is {new!r}"))
            d.doc_id = new
        seen[d.doc_id] = d.source_file
    return warnings


# --------------------------------------------------------------------------- metadata.csv

_SESSION = re.compile(r"^\s*(?:HRC)?\s*-?\s*(\d{1,3})(?:st|nd|rd|th)?\s*(?:session)?\s*$",
                      re.IGNORECASE)
_DATE_FULL = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATE_PARTIAL = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
# A doc_id written with its file's extension ("a.txt", "report.pdf").
_ID_SUFFIX = re.compile(r"\.(?:txt|html?|pdf|docx)$", re.IGNORECASE)


# special sessions ("HRC S-35", "S-35") and UPR Working Group sessions ("UPR32")
_SESSION_OTHER = re.compile(r"^\s*(?:HRC\s*-?\s*)?(S)\s*-?\s*(\d{1,2})\s*$"
                            r"|^\s*(UPR)\s*-?\s*(\d{1,2})\s*$", re.IGNORECASE)


def normalise_session(value: str) -> str | None:
    """``"HRC49"``, ``"HRC 49"``, ``"49"``, ``"49th session"`` → ``"HRC49"``; ``"HRC S-35"``
    → ``"HRC S-35"``; ``"UPR32"`` → ``"UPR32"``; else None."""
    m = _SESSION.match(value or "")
    if m:
        return f"HRC{int(m.group(1))}"
    m = _SESSION_OTHER.match(value or "")
    if m:
        return f"HRC S-{int(m.group(2))}" if m.group(1) else f"UPR{int(m.group(4))}"
    return None


def _valid_date(value: str, full: bool) -> bool:
    import datetime as dt

    if not (_DATE_FULL if full else _DATE_PARTIAL).match(value):
        return False
    parts = [int(x) for x in value.split("-")]
    try:
        dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        return False
    return True


def read_metadata(path: Path, doc_ids: Iterable[str], *,
                  expect_rows: Iterable[str] | None = None,
                  ) -> tuple[dict[str, dict[str, str]], list[tuple[str, str]]]:
    """Read an optional ``metadata.csv`` joined on ``doc_id``; never raises.

    The file may start with a BOM, be in any encoding :func:`decode_bytes` reads, and use
    ``,`` ``;`` tab or ``|`` as separator (sniffed from the header). ``doc_id`` may carry its
    file's extension (``a.txt``, ``b.pdf``). Unknown columns are kept. Malformed rows (too
    many fields, no doc_id, duplicate doc_id: first row kept), malformed dates and sessions,
    rows naming absent documents and expected documents with no row are reported as warnings.

    Args:
        path: the ``metadata.csv``.
        doc_ids: every document of the corpus.
        expect_rows: documents that should have a row (default: all); table rows bring their
            own metadata and are not expected.

    Returns:
        ``({doc_id: {column: value}}, warnings)``; each warning is ``(doc_id, message)``,
        with ``doc_id`` empty when the warning is about the file as a whole.
    """
    from helpers.clean import normalise_text

    warnings: list[tuple[str, str]] = []
    ids = set(doc_ids)
    expected = ids if expect_rows is None else set(expect_rows)
    if not path.exists():
        return {}, []
    try:
        data = path.read_bytes()
    except OSError as exc:
        return {}, [("", f"metadata.csv could not be read ({exc.strerror or exc}); "
                         "metadata ignored")]
    decoded = decode_bytes(data)
    if decoded.text is None:
        return {}, [("", f"metadata.csv {decoded.status.removeprefix('rejected: ')}; ignored")]
    text = decoded.text.replace("\r\n", "\n").replace("\r", "\n")
    delim = sniff_delimiter(text.split("\n", 1)[0])
    try:
        rows = [[normalise_text(c) for c in r]
                for r in csv.reader(io.StringIO(text), delimiter=delim)]
    except csv.Error as exc:
        return {}, [("", f"metadata.csv is not valid CSV ({exc}); metadata ignored")]
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        return {}, [("", "metadata.csv is empty; metadata ignored")]
    header = [_norm_header(h) for h in rows[0]]
    if "doc_id" not in header:
        return {}, [("", f"metadata.csv has no doc_id column (header: {', '.join(header)}); "
                         "metadata ignored")]
    dup_cols = sorted({h for h in header if h and header.count(h) > 1})
    if dup_cols:
        warnings.append(("", f"metadata.csv: column(s) {', '.join(dup_cols)} repeated; the "
                             "last one is used"))
    out: dict[str, dict[str, str]] = {}
    for n, row in enumerate(rows[1:], start=2):
        if len(row) > len(header):
            warnings.append(("", f"metadata.csv line {n}: {len(row)} fields but the header "
                                 f"has {len(header)}; row skipped"))
            continue
        if len(row) < len(header):
            warnings.append(("", f"metadata.csv line {n}: {len(row)} fields but the header "
                                 f"has {len(header)}; missing fields left empty"))
            row = row + [""] * (len(header) - len(row))
        rec = {h: v.strip() for h, v in zip(header, row, strict=True) if h}
        doc_id = safe_id(_ID_SUFFIX.sub("", rec.get("doc_id", ""))) if rec.get("doc_id",
                                                                               "").strip() else ""
        if not doc_id:
            warnings.append(("", f"metadata.csv line {n}: no doc_id; row skipped"))
            continue
        rec["doc_id"] = doc_id
        if doc_id in out:
            warnings.append((doc_id, f"metadata.csv line {n}: doc_id {doc_id} repeated; "
                                     "first row kept"))
            continue
        if doc_id not in ids:
            warnings.append((doc_id, f"metadata.csv line {n}: doc_id {doc_id} names no file "
                                     "in the corpus"))
        rec, notes = _clean_fields(rec, f"metadata.csv line {n}")
        warnings.extend((doc_id, msg) for msg in notes)
        out[doc_id] = rec
    for doc_id in sorted(expected - set(out)):
        warnings.append((doc_id, f"{doc_id}: no row in metadata.csv"))
    return out, warnings
