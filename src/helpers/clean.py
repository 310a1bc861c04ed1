"""Stage 01: turn whatever arrives in the corpus folder into clean, traceable text.

The walk for one file: read bytes (size limit) → reject empty and binary files → decode
(BOM, UTF-8, else charset-normalizer) → extract the article from HTML pages → normalise
(line ends, NFC, special spaces, invisible characters) → remove page furniture (tickers,
share/related/subscribe lines), counting what was removed → keep a headline as the title,
move a dateline to its own field → paragraphs → sentences (NLTK Punkt trained on the corpus,
plus the abbreviation list in ``data/abbreviations.txt``).

Offsets are exact: for every sentence, ``cleaned_text[start:end] == text``.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer, PunktTrainer

from helpers.refdata import words

DEFAULT_MAX_BYTES = 2_000_000
NEAR_DUPLICATE_JACCARD = 0.9
SHINGLE_SIZE = 5
MINHASH_PERMUTATIONS = 128
MINHASH_SEED = 1  # fixed: the same signatures in every process and run
MINHASH_SCHEME = "affine32"  # datasketch 2: named, so stored signatures stay comparable

# --------------------------------------------------------------------------- reference data


@lru_cache(maxsize=1)
def abbreviations() -> frozenset[str]:
    """Punkt abbreviation types from ``data/abbreviations.txt`` (lower case, no final dot)."""
    return frozenset(x.lower().rstrip(".") for x in words("abbreviations.txt"))


@lru_cache(maxsize=1)
def furniture_patterns() -> tuple[re.Pattern[str], ...]:
    """Compiled page-furniture line patterns from ``data/boilerplate.txt``."""
    return tuple(re.compile(p, re.IGNORECASE) for p in words("boilerplate.txt"))


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
    bad = sum(
        1 for ch in text
        if (unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn") and ch not in "\n\r\t\f\v")
    )
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
    a BOM (NUL bytes in alternate positions); strict UTF-8; UTF-8 with a handful of stray
    bytes (dropped and reported); otherwise charset-normalizer. Among the Western single-byte
    code pages, bytes 0x80–0x9F decide between cp1252 (curly quotes, dashes) and latin-1.

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
        return Decoded(None, "", "rejected: binary file (contains NUL bytes)")
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


# --------------------------------------------------------------------------- HTML

_HTML_START = re.compile(r"^\s*(<!--.*?-->\s*)*(<!doctype\s+html|<html\b|<\?xml[^>]*>\s*<html)",
                         re.IGNORECASE | re.DOTALL)
_HTML_TAG = re.compile(r"</?(p|div|body|br|span|a|head|meta|script|article|h[1-6])\b[^>]*>",
                       re.IGNORECASE)
_DROP_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form",
              "iframe", "svg", "button", "template", "select", "input", "object", "embed")
_DROP_HINT = re.compile(
    r"(^|[-_\s])(?:ads?|(?:related|shar|social|comment|advert|newsletter|subscri|menu|breadcrumb|"
    r"sidebar|footer|navbar|nav|cookie|promo|ticker|popular|trending|tags?\b|widget|recent|"
    r"meta|byline|author|masthead|respond|disqus|outbrain|taboola|sponsor)\w*)($|[-_\s])",
    re.IGNORECASE)
_CONTAINERS = ("div", "section", "article", "main", "body", "center", "font", "span", "td")
_BLOCKS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "blockquote", "pre", "figcaption",
           "dd", "dt", "td")


def looks_like_html(text: str) -> bool:
    """True when the text is an HTML page (doctype/html tag, or many common tags)."""
    head = text[:4000]
    return bool(_HTML_START.match(head)) or len(_HTML_TAG.findall(head)) >= 5


def html_to_text(html: str) -> str:
    """Extract the article from an HTML page with a real parser (BeautifulSoup).

    Scripts, styles, navigation, headers, footers, asides, forms and blocks whose class or id
    names related/share/comment/advert/newsletter furniture are dropped before any text is
    read. The ``<article>`` (else ``<main>``, else ``<body>``) is the root; its ``h1`` (else
    the page ``<title>``) leads as the headline; each block element becomes a paragraph.
    """
    from bs4 import BeautifulSoup, Comment

    soup = BeautifulSoup(html, "html.parser")
    for c in soup.find_all(string=lambda s: isinstance(s, Comment)):
        c.extract()
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.decomposed:
            continue
        attrs = tag.attrs or {}
        hint = " ".join(attrs.get("class") or []) + " " + str(attrs.get("id") or "")
        role = str(attrs.get("role") or "")
        if _DROP_HINT.search(hint) or role in ("navigation", "banner", "contentinfo",
                                                "complementary"):
            tag.decompose()
    page_title = soup.title.get_text(" ", strip=True) if soup.title else ""
    articles = soup.find_all("article")
    root = (max(articles, key=lambda a: len(a.get_text())) if articles
            else soup.find("main") or soup.body or soup)
    blocks: list[str] = []
    for el in root.find_all(True):
        if el.name in _BLOCKS:
            if el.find(_BLOCKS):  # a container of other blocks: its children speak for it
                continue
            txt = " ".join(el.get_text(" ", strip=True).split())
        elif el.name in _CONTAINERS and not el.find_parent(_BLOCKS):
            # text written straight into a container ("<div>Text<br>More</div>")
            txt = "\n".join(" ".join(t.split()) for t in el.find_all(string=True, recursive=False)
                            if t.strip())
        else:
            continue
        if txt:
            blocks.append(txt)
    if not blocks:
        txt = root.get_text("\n", strip=True)
        blocks = [" ".join(line.split()) for line in txt.splitlines() if line.strip()]
    h1 = root.find("h1") or soup.find("h1")
    if not h1 and page_title and (not blocks or blocks[0] != page_title):
        blocks.insert(0, page_title)
    return "\n\n".join(blocks)


# --------------------------------------------------------------------------- normalising

_SPACES = dict.fromkeys(map(ord, "\u00a0\u2007\u202f\u2000\u2001\u2002\u2003\u2004\u2005"
                                 "\u2006\u2008\u2009\u200a\u205f\u3000\t\f\v"), " ")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f"
                                    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
                                    "\ufffd"), None)
_LINE_SEP = {0x2028: "\n", 0x2029: "\n\n", 0x85: "\n"}
_MULTISPACE = re.compile(r" {2,}")


def normalise_text(text: str) -> str:
    """Normalise line ends (CRLF, CR → LF), Unicode (NFC), spaces and invisible characters.

    Non-breaking and other special spaces become plain spaces; zero-width characters, soft
    hyphens, bidi marks, stray BOMs and U+FFFD replacement characters are removed; other
    control characters are dropped; runs of spaces collapse and lines are trimmed.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_LINE_SEP)
    text = unicodedata.normalize("NFC", text)
    text = text.translate(_SPACES).translate(_INVISIBLE)
    text = "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch) != "Cc")
    lines = [_MULTISPACE.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(lines)


# --------------------------------------------------------------------------- furniture

_WORD = re.compile(r"\w+")
_TERMINAL = re.compile(r"[.!?…][\"'”’)\]]*$|[:;]$")
_BLOCK_HEADER = re.compile(
    r"^(related|more|latest|recommended|popular|trending|top|other|similar)\s+"
    r"(news|articles?|stories|posts|reads?|content|links)\b|^(read|see)\s+(also|more)\b|"
    r"^you\s+(may|might)\s+(also\s+)?like\b|^also\s+read\b|^most\s+(read|popular|viewed)\b",
    re.IGNORECASE)


_TICKER_SEP = re.compile(r"\s*[|•»]\s*|\s+·\s+")


def is_ticker(line: str) -> bool:
    """A line of unrelated headlines joined by ``|`` (or ``•``, ``·``, ``»``): two or more
    separators, or one at an end; or a short byline/menu ("Khmer Times | 7 October 2021")."""
    bars = len(_TICKER_SEP.findall(line))
    if bars == 0:
        return False
    parts = [p.strip() for p in _TICKER_SEP.split(line) if p.strip()]
    if not parts:
        return True
    short = all(len(_WORD.findall(p)) <= 25 for p in parts)
    ends = line.strip()[:1] in "|•»" or line.strip()[-1:] in "|•»"
    if short and (bars >= 2 or ends):
        return True
    # a byline or menu: "Khmer Times | 7 October 2021", "Home | News"
    return all(len(_WORD.findall(p)) <= 6 for p in parts) and not _TERMINAL.search(line)


def is_furniture(line: str) -> bool:
    """True when a (normalised, trimmed) line is page furniture rather than article text."""
    if not line:
        return False
    if is_ticker(line):
        return True
    if len(_WORD.findall(line)) > 20:
        return False
    return any(p.fullmatch(line) for p in furniture_patterns())


def _looks_like_link_text(line: str) -> bool:
    return len(_WORD.findall(line)) <= 25 and not _TERMINAL.search(line)


def strip_furniture(lines: Sequence[str]) -> tuple[list[str], int]:
    """Remove furniture lines; a "Related ..." header also takes the link lines under it.

    Returns:
        The kept lines (blank lines kept, so paragraph breaks survive) and the number of
        characters removed.
    """
    kept: list[str] = []
    removed = 0
    in_block = False
    for line in lines:
        if not line:
            kept.append(line)
            continue
        if in_block and _looks_like_link_text(line) and not is_furniture(line):
            removed += len(line)
            continue
        in_block = False
        if is_furniture(line):
            removed += len(line)
            if _BLOCK_HEADER.match(line):
                in_block = True
            continue
        kept.append(line)
    return kept, removed


# --------------------------------------------------------------------------- title, dateline

_DATELINE = re.compile(
    r"^(?P<dateline>(?:[A-Z][A-Z'’.\-]+)(?:\s+[A-Z][A-Z'’.\-]+){0,3}"
    r"(?:\s*,\s*[A-Z][A-Za-z.]*(?:\s+\d{1,2})?(?:,?\s+\d{4})?)?"
    r"(?:\s*\((?:[A-Za-z][\w .&'’-]{0,30})\))?)"
    r"\s*(?::|—|–|--|-(?=\s))\s+(?=\S)")


def split_dateline(paragraph: str) -> tuple[str, str]:
    """Split a leading dateline ("PHNOM PENH:", "GENEVA (Reuters) –") from a paragraph.

    The place must be in capitals and at least three letters; the rest of the paragraph must
    start with a word. Returns ``(dateline, rest)``; ``dateline`` is empty when there is none.
    """
    m = _DATELINE.match(paragraph)
    if not m:
        return "", paragraph
    dl = m.group("dateline").strip()
    place = dl.split(",")[0].split("(")[0]
    letters = [c for c in place if c.isalpha()]
    if len(letters) < 3 or not all(c.isupper() for c in letters):
        return "", paragraph
    return dl, paragraph[m.end():]


def is_headline(line: str, next_blank: bool) -> bool:
    """A short line without closing punctuation standing alone at the top: a headline."""
    words = _WORD.findall(line)
    if not 2 <= len(words) <= 25 or len(line) > 200 or _TERMINAL.search(line.rstrip("?!")):
        return False
    if line.rstrip().endswith((".", ",", ";")):
        return False
    caps = sum(1 for w in words if w[0].isupper() or w[0].isdigit())
    return next_blank or caps / len(words) >= 0.6


# --------------------------------------------------------------------------- paragraphs

_SOFT_WRAP_END = re.compile(r"[\w,;(\-–—]$")


def split_paragraphs(lines: Sequence[str]) -> list[str]:
    """Group lines into paragraphs.

    Blank lines always separate paragraphs. Inside a block, a line starts a new paragraph
    unless the previous line was hard-wrapped (it ends mid-sentence and the next line starts
    in lower case), so one-paragraph-per-line files and wrapped files both come out right.
    """
    paragraphs: list[str] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            paragraphs.append(" ".join(current))
            current.clear()

    for line in lines:
        if not line:
            flush()
            continue
        if current and not (_SOFT_WRAP_END.search(current[-1]) and line[:1].islower()):
            flush()
        current.append(line)
    flush()
    return paragraphs


# --------------------------------------------------------------------------- one document


@dataclass
class CleanedDocument:
    """One cleaned document: its text, paragraph spans and what cleaning found."""

    text: str
    paragraphs: list[tuple[int, int]]
    title: str = ""
    dateline: str = ""
    boilerplate_chars: int = 0
    fmt: str = "text"


def clean_text(raw: str) -> CleanedDocument:
    """Clean decoded text: HTML extraction, normalisation, furniture, title, dateline.

    Never raises on any string. The cleaned text is the paragraphs joined by a blank line;
    cleaning the cleaned text again gives the same text (idempotent).
    """
    fmt = "text"
    if looks_like_html(raw):
        raw = html_to_text(raw)
        fmt = "html"
    text = normalise_text(raw)
    lines, removed = strip_furniture(text.split("\n"))
    # Title: the first non-blank line, when it is a headline.
    title = ""
    first = next((i for i, ln in enumerate(lines) if ln), None)
    if first is not None:
        nxt = lines[first + 1] if first + 1 < len(lines) else ""
        if is_headline(lines[first], next_blank=(nxt == "")) and any(
                ln for ln in lines[first + 1:]):
            title = lines[first]
    paragraphs = split_paragraphs(lines)
    dateline = ""
    body_start = 1 if title and paragraphs and paragraphs[0] == title else 0
    if len(paragraphs) > body_start:
        dateline, rest = split_dateline(paragraphs[body_start])
        if dateline:
            if rest.strip():
                paragraphs[body_start] = rest.strip()
            else:
                del paragraphs[body_start]
    spans: list[tuple[int, int]] = []
    pos = 0
    for p in paragraphs:
        spans.append((pos, pos + len(p)))
        pos += len(p) + 2
    return CleanedDocument("\n\n".join(paragraphs), spans, title, dateline, removed, fmt)


# --------------------------------------------------------------------------- sentences

_INITIAL_END = re.compile(r"(?:^|[\s(])(?:[A-Z]\.){1,3}$")
_MERGE_ABBREV_END = re.compile(r"(?:^|\s)(?:No|Nos|Art|Para|Vol|pp?)\.$", re.IGNORECASE)


PUNKT_TRAINING_CHARS = 400_000  # ~200 articles: Punkt's statistics have settled by then


def punkt_sample(docs: Iterable[tuple[str, str, int]], *,
                 max_chars: int = PUNKT_TRAINING_CHARS) -> list[str]:
    """The documents Punkt trains on: a bounded sample, deterministic, spread over the corpus.

    Args:
        docs: ``(doc_id, sha256 of the cleaned text, number of characters)`` of each usable
            document.
        max_chars: the sample's size in characters.

    Returns:
        ``doc_id``s in ``doc_id`` order: every document when the corpus is no larger than
        ``max_chars``; otherwise those with the smallest text hashes up to ``max_chars`` (a
        pseudo-random sample that does not depend on file names or on the machine, and that
        adding a few documents changes only a little).
    """
    docs = list(docs)
    if sum(n for _, _, n in docs) <= max_chars:
        return sorted(d for d, _, _ in docs)
    chosen, used = [], 0
    for doc_id, _sha, n in sorted(docs, key=lambda x: (x[1], x[0])):
        if used >= max_chars:
            break
        chosen.append(doc_id)
        used += n
    return sorted(chosen)


def punkt_fingerprint(splitter: PunktSentenceTokenizer) -> str:
    """A hash of a trained splitter's parameters (two splitters with the same split alike)."""
    p = splitter._params
    h = hashlib.sha256()
    for part in (sorted(p.abbrev_types), sorted(p.collocations), sorted(p.sent_starters),
                 sorted((k, v) for k, v in p.ortho_context.items() if v)):
        h.update(repr(part).encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def train_sentence_splitter(texts: Iterable[str], *, extra_abbreviations: Iterable[str] = (),
                            max_chars: int = PUNKT_TRAINING_CHARS) -> PunktSentenceTokenizer:
    """Train NLTK's Punkt on the corpus itself and add the project's abbreviation list.

    Args:
        texts: cleaned texts of the corpus, in a fixed order (nothing is downloaded).
        extra_abbreviations: more abbreviation types (lower case, no final period).
        max_chars: train on the first this-many characters only: Punkt's statistics settle
            long before, and training time grows with the text.
    """
    trainer = PunktTrainer()
    trainer.INCLUDE_ALL_COLLOCS = True
    any_text = False
    used = 0
    for t in texts:
        if t and used < max_chars:
            trainer.train(t, finalize=False)
            used += len(t)
            any_text = True
    params = trainer.get_params() if any_text else PunktParameters()
    if any_text:
        trainer.finalize_training()
        params = trainer.get_params()
    params.abbrev_types.update(abbreviations())
    params.abbrev_types.update(a.lower().rstrip(".") for a in extra_abbreviations)
    return PunktSentenceTokenizer(params)


def split_sentences(doc: CleanedDocument,
                    splitter: PunktSentenceTokenizer) -> list[tuple[int, int, int]]:
    """Sentence spans ``(paragraph_index, start, end)`` into ``doc.text``.

    Paragraph ends are sentence ends. A split right after a capital initial ("John F.") or a
    numbering abbreviation ("No. 5") is undone.
    """
    out: list[tuple[int, int, int]] = []
    for pi, (ps, pe) in enumerate(doc.paragraphs):
        para = doc.text[ps:pe]
        spans = list(splitter.span_tokenize(para))
        merged: list[list[int]] = []
        for s, e in spans:
            if merged:
                prev = para[merged[-1][0]:merged[-1][1]]
                nxt = para[s:e]
                if (_INITIAL_END.search(prev) and nxt[:1].isupper()
                        and len(prev) > 2) or (_MERGE_ABBREV_END.search(prev)
                                               and nxt[:1].isdigit()):
                    merged[-1][1] = e
                    continue
            merged.append([s, e])
        for s, e in merged:
            seg = para[s:e]
            lead = len(seg) - len(seg.lstrip())
            trail = len(seg) - len(seg.rstrip())
            if seg.strip():
                out.append((pi, ps + s + lead, ps + e - trail))
    return out


# --------------------------------------------------------------------------- metadata

_SESSION = re.compile(r"^\s*(?:HRC)?\s*-?\s*(\d{1,3})(?:st|nd|rd|th)?\s*(?:session)?\s*$",
                      re.IGNORECASE)
_DATE_FULL = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATE_PARTIAL = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
METADATA_FIELDS = ("outlet", "url", "published", "hrc_session", "event_date")


def normalise_session(value: str) -> str | None:
    """``"HRC49"``, ``"HRC 49"``, ``"49"``, ``"49th session"`` → ``"HRC49"``; else None."""
    m = _SESSION.match(value or "")
    return f"HRC{int(m.group(1))}" if m else None


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


def read_metadata(path: Path, doc_ids: Iterable[str]
                  ) -> tuple[dict[str, dict[str, str]], list[tuple[str, str]]]:
    """Read an optional ``metadata.csv`` joined on ``doc_id``; never raises.

    Unknown columns are kept. Malformed rows (too many fields, no doc_id, duplicate doc_id),
    malformed dates and sessions, rows naming absent files and files with no row are
    reported as warnings.

    Returns:
        ``({doc_id: {column: value}}, warnings)``; each warning is ``(doc_id, message)``,
        with ``doc_id`` empty when the warning is about the file as a whole.
    """
    warnings: list[tuple[str, str]] = []
    ids = set(doc_ids)
    if not path.exists():
        return {}, []
    try:
        decoded = decode_bytes(path.read_bytes())
    except OSError as exc:
        return {}, [("", f"metadata.csv could not be read ({exc}); metadata ignored")]
    if decoded.text is None:
        return {}, [("", f"metadata.csv {decoded.status.removeprefix('rejected: ')}; ignored")]
    text = normalise_text(decoded.text)
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        return {}, [("", f"metadata.csv is not valid CSV ({exc}); metadata ignored")]
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        return {}, [("", "metadata.csv is empty; metadata ignored")]
    header = [h.strip().lower().replace(" ", "_") for h in rows[0]]
    if "doc_id" not in header:
        return {}, [("", "metadata.csv has no doc_id column; metadata ignored")]
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
        doc_id = rec.get("doc_id", "").removesuffix(".txt")
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
        sess = rec.get("hrc_session", "")
        if sess:
            norm = normalise_session(sess)
            if norm is None:
                warnings.append((doc_id, f"metadata.csv line {n}: hrc_session {sess!r} is "
                                         "not a session number; left empty"))
            rec["hrc_session"] = norm or ""
        for col, full in (("event_date", True), ("published", False)):
            val = rec.get(col, "")
            if val and not _valid_date(val, full):
                want = "YYYY-MM-DD" if full else "YYYY, YYYY-MM or YYYY-MM-DD"
                warnings.append((doc_id, f"metadata.csv line {n}: {col} {val!r} is not "
                                         f"{want}; left empty"))
                rec[col] = ""
        out[doc_id] = rec
    for doc_id in sorted(ids - set(out)):
        warnings.append((doc_id, f"{doc_id}: no row in metadata.csv"))
    return out, warnings


# --------------------------------------------------------------------------- duplicates


def _shingle_strings(text: str, k: int = SHINGLE_SIZE) -> set[str]:
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < k:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + k]) for i in range(len(words) - k + 1)}


def shingles(text: str, k: int = SHINGLE_SIZE) -> set[int]:
    """Hashed word k-grams of a text (lower case), for near-duplicate detection."""
    return {hash(s) for s in _shingle_strings(text, k)}


def jaccard(a: set[int], b: set[int]) -> float:
    """Jaccard similarity of two shingle sets (0 when both are empty)."""
    inter = len(a & b)
    union = len(a) + len(b) - inter
    return inter / union if union else 0.0


def minhash_signature(text: str, *, num_perm: int = MINHASH_PERMUTATIONS):
    """The MinHash signature of a text's word 5-grams (numpy ``uint64`` array).

    Deterministic in any process: shingles are hashed with SHA-1 (datasketch's default), not
    with Python's per-process salted ``hash``, and the permutations come from a fixed seed.
    """
    from datasketch import MinHash

    m = MinHash(num_perm=num_perm, seed=MINHASH_SEED, scheme=MINHASH_SCHEME,
                permutations=_minhash_permutations(num_perm))
    sh = _shingle_strings(text)
    if sh:
        m.update_batch([s.encode("utf-8") for s in sh])
    return m.hashvalues


@lru_cache(maxsize=4)
def _minhash_permutations(num_perm: int):
    """The seeded permutations (drawing them costs more than hashing a document)."""
    from datasketch import MinHash

    return MinHash(num_perm=num_perm, seed=MINHASH_SEED, scheme=MINHASH_SCHEME).permutations


class DuplicateFinder:
    """Exact and near duplicates among documents added one at a time in ``doc_id`` order.

    Memory is bounded by one MinHash signature per original document (never the texts):
    candidates come from MinHash LSH (datasketch), banded for a threshold below the real one
    so that pairs at or above it are all but certain to be candidates; each candidate is then
    checked with the exact Jaccard of the two documents' shingle sets, so a reported
    ``near-duplicate of X (Jaccard 0.93)`` is exact, as before.

    Args:
        threshold: Jaccard at or above which a document is a near duplicate.
        text_of: returns the cleaned text of a document added earlier (for the exact check;
            called only for LSH candidates).
        num_perm: MinHash permutations.
    """

    def __init__(self, threshold: float, text_of, *,
                 num_perm: int = MINHASH_PERMUTATIONS) -> None:
        from datasketch import MinHashLSH

        self.threshold = threshold
        self.text_of = text_of
        self.num_perm = num_perm
        self.lsh = MinHashLSH(threshold=max(0.3, min(threshold - 0.2, 0.95)), num_perm=num_perm)
        self.seen_hash: dict[str, str] = {}

    def add(self, doc_id: str, text_sha: str, signature, text: str | None = None) -> str | None:
        """Add the next document; returns its duplicate status, or None for an original.

        Args:
            doc_id: the document (documents must come in ``doc_id`` order).
            text_sha: sha256 of its cleaned text (exact duplicates).
            signature: its :func:`minhash_signature`.
            text: its cleaned text if at hand (else ``text_of`` is asked, when needed).
        """
        from datasketch import MinHash

        if text_sha in self.seen_hash:
            return f"duplicate of {self.seen_hash[text_sha]}"
        self.seen_hash[text_sha] = doc_id
        m = MinHash(num_perm=self.num_perm, seed=MINHASH_SEED, hashvalues=signature,
                    scheme=MINHASH_SCHEME)
        cands = sorted(self.lsh.query(m))
        if cands:
            sh = shingles(text if text is not None else self.text_of(doc_id))
            best, best_j = None, 0.0
            for other in cands:
                j = jaccard(sh, shingles(self.text_of(other)))
                if j > best_j:
                    best, best_j = other, j
            if best is not None and best_j >= self.threshold:
                return f"near-duplicate of {best} (Jaccard {best_j:.2f})"
        self.lsh.insert(doc_id, m, check_duplication=False)
        return None


def find_duplicates(texts: dict[str, str], *,
                    threshold: float = NEAR_DUPLICATE_JACCARD) -> dict[str, str]:
    """Find exact and near duplicates among cleaned texts, in ``doc_id`` order.

    The first document of a group (by sorted ``doc_id``) is the original; later ones get a
    status: ``duplicate of X`` (same cleaned text) or ``near-duplicate of X (Jaccard 0.93)``
    (word 5-gram shingles, Jaccard ≥ ``threshold``, compared with the originals only).
    Candidates come from MinHash LSH (:class:`DuplicateFinder`), so memory and time grow with
    the corpus, not with its square.

    Returns:
        ``{doc_id: status}`` for the duplicates only.
    """
    finder = DuplicateFinder(threshold, texts.__getitem__)
    status: dict[str, str] = {}
    for doc_id in sorted(texts):
        text = texts[doc_id]
        st = finder.add(doc_id, hashlib.sha256(text.encode("utf-8")).hexdigest(),
                        minhash_signature(text), text)
        if st:
            status[doc_id] = st
    return status


# --------------------------------------------------------------------------- the corpus


@dataclass
class CorpusResult:
    """What stage 01 produces: rows for documents.csv, sentences.csv and warnings.csv."""

    documents: list[dict[str, object]]
    sentences: list[dict[str, object]]
    warnings: list[dict[str, str]]
    texts: dict[str, str]


def list_corpus(corpus_dir: Path) -> list[Path]:
    """The ``.txt`` files of a corpus folder (not recursive), sorted by name."""
    return sorted((p for p in corpus_dir.iterdir()
                   if p.is_file() and p.suffix.lower() == ".txt" and not p.name.startswith(".")),
                  key=lambda p: p.name)


def clean_corpus(corpus_dir: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES,
                 near_duplicate: float = NEAR_DUPLICATE_JACCARD,
                 progress: bool = True) -> CorpusResult:
    """Run stage 01 over a folder of ``.txt`` files (with optional ``metadata.csv``).

    One bad file never stops the run: each file gets a documents row whose ``status`` is
    ``ok``, ``rejected: <why>``, ``duplicate of <doc_id>`` or ``near-duplicate of ...``.
    Only ``ok`` documents get sentences.

    Args:
        corpus_dir: the folder.
        max_bytes: files larger than this are rejected unread.
        near_duplicate: Jaccard threshold for near duplicates.
        progress: show a tqdm progress bar.
    """
    from tqdm.auto import tqdm

    corpus_dir = Path(corpus_dir)
    files = list_corpus(corpus_dir)
    doc_ids = [p.stem for p in files]
    meta, meta_warnings = read_metadata(corpus_dir / "metadata.csv", doc_ids)
    warnings = [{"stage": "01_clean", "doc_id": d, "source_file": "metadata.csv",
                 "message": w} for d, w in meta_warnings]
    docs: dict[str, dict[str, object]] = {}
    cleaned: dict[str, CleanedDocument] = {}
    for path in tqdm(files, desc="01 clean: reading", disable=not progress, unit="file"):
        doc_id = path.stem
        row: dict[str, object] = {"doc_id": doc_id, "source_file": path.name, "sha256": "",
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
            if size > max_bytes:
                row["status"] = (f"rejected: too large ({size:,} bytes > limit "
                                 f"{max_bytes:,})")
                with path.open("rb") as fh:
                    digest = hashlib.sha256()
                    for chunk in iter(lambda fh=fh: fh.read(1 << 20), b""):
                        digest.update(chunk)
                row["sha256"] = digest.hexdigest()
                continue
            data = path.read_bytes()
        except OSError as exc:
            row["status"] = f"rejected: unreadable ({exc.strerror or exc})"
            continue
        row["sha256"] = hashlib.sha256(data).hexdigest()
        dec = decode_bytes(data)
        row["encoding"] = dec.encoding
        notes = list(dec.notes)
        if dec.text is None:
            row["status"] = dec.status
            continue
        if "\ufffd" in dec.text:
            notes.append(f"{dec.text.count(chr(0xFFFD))} U+FFFD replacement character(s) "
                         "removed")
        if not dec.text.strip() or not normalise_text(dec.text).strip():
            row["status"] = "rejected: whitespace only"
            row["notes"] = "; ".join(notes)
            continue
        try:
            cd = clean_text(dec.text)
        except Exception as exc:  # defensive: record and go on
            row["status"] = f"rejected: cleaning failed ({type(exc).__name__}: {exc})"
            continue
        if cd.fmt == "html":
            notes.append("HTML page: article text extracted")
        row.update({"dateline": cd.dateline, "n_chars": len(cd.text),
                    "boilerplate_chars": cd.boilerplate_chars, "title": cd.title,
                    "format": cd.fmt, "notes": "; ".join(notes)})
        if not cd.text.strip():
            row["status"] = "rejected: no article text after cleaning"
            continue
        cleaned[doc_id] = cd
    dup = find_duplicates({d: c.text for d, c in cleaned.items()}, threshold=near_duplicate)
    for doc_id, st in dup.items():
        docs[doc_id]["status"] = st
    splitter = train_sentence_splitter(c.text for d, c in sorted(cleaned.items())
                                       if d not in dup)
    sentences: list[dict[str, object]] = []
    texts: dict[str, str] = {}
    for doc_id in tqdm(sorted(cleaned), desc="01 clean: sentences", disable=not progress,
                       unit="doc"):
        cd = cleaned[doc_id]
        spans = split_sentences(cd, splitter)
        docs[doc_id]["n_sentences"] = len(spans)
        if doc_id in dup:
            continue
        texts[doc_id] = cd.text
        for i, (pi, s, e) in enumerate(spans, start=1):
            sentences.append({"doc_id": doc_id, "sentence_id": i, "paragraph_id": pi + 1,
                              "start": s, "end": e, "text": cd.text[s:e]})
    for doc_id, row in docs.items():
        if row["status"] != "ok":
            warnings.append({"stage": "01_clean", "doc_id": doc_id,
                             "source_file": str(row["source_file"]),
                             "message": str(row["status"])})
    return CorpusResult([docs[d] for d in sorted(docs)], sentences, warnings, texts)
