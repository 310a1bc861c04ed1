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

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import helpers.nltk_import  # noqa: F401  (before nltk: NLTK without SciPy's statistics)

# isort: split
import numpy as np
from nltk.tokenize.punkt import (
    PunktLanguageVars,
    PunktParameters,
    PunktSentenceTokenizer,
    PunktToken,
    PunktTrainer,
)

from helpers.readers import (  # noqa: F401  (intake, re-exported for callers of clean)
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_CONTAINER_BYTES,
    DEFAULT_MAX_TABLE_BYTES,
    METADATA_FIELDS,
    Decoded,
    RawDocument,
    config_file,
    decode_bytes,
    list_corpus,
    list_inputs,
    normalise_session,
    read_columns,
    read_input,
    read_metadata,
    unique_ids,
)
from helpers.refdata import words
from helpers.text import Literals, lower_for_literals

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


@lru_cache(maxsize=1)
def _furniture_re() -> re.Pattern[str]:
    """All of ``data/boilerplate.txt`` as one alternation (one pass over a line)."""
    return re.compile("|".join(f"(?:{p.pattern})" for p in furniture_patterns()),
                      re.IGNORECASE)


# Decoding lives in helpers.readers (intake); re-exported here for callers of clean.


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


def _char_class(table: dict[int, object]) -> re.Pattern[str]:
    """A regex matching any character a translation table maps (to test before translating:
    ``str.translate`` looks every character up, a regex search runs in C)."""
    return re.compile("[" + "".join(re.escape(chr(c)) for c in table) + "]")


_HAS_LINE_SEP, _HAS_SPACES, _HAS_INVISIBLE = map(_char_class, (_LINE_SEP, _SPACES, _INVISIBLE))


def normalise_text(text: str) -> str:
    """Normalise line ends (CRLF, CR → LF), Unicode (NFC), spaces and invisible characters.

    Non-breaking and other special spaces become plain spaces; zero-width characters, soft
    hyphens, bidi marks, stray BOMs and U+FFFD replacement characters are removed; other
    control characters are dropped; runs of spaces collapse and lines are trimmed.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _HAS_LINE_SEP.search(text):
        text = text.translate(_LINE_SEP)
    text = unicodedata.normalize("NFC", text)
    if _HAS_SPACES.search(text):
        text = text.translate(_SPACES)
    if _HAS_INVISIBLE.search(text):
        text = text.translate(_INVISIBLE)
    # other control characters: looked up once per distinct character, not per character
    controls = [ch for ch in set(text) if ch != "\n" and unicodedata.category(ch) == "Cc"]
    if controls:
        text = text.translate(dict.fromkeys(map(ord, controls)))
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
    if not any(c in line for c in "|•»·"):  # no separator at all (most lines): not a ticker
        return False
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


# A breadcrumb: short parts joined by "›", "»", ">", ">>", "→" or " / " ("Home › World ›
# Asia", "WORLD >> Asia in Focus", "Asia> Asia News", "Home / News / Asia Pacific").
_CRUMB_SEP = re.compile(r"\s*(?:›|»|>>?|→|⟩)\s*|\s+[/\\]\s+")
# A photo credit closing a caption: "... Photo: Supplied", "... PHOTO SUPPLIED", "... File
# photo", "... Photo by Jane Doe/AFP", "... (Photo courtesy of the ministry)".
_CREDIT_END = re.compile(
    r"(?:^|[.!?”\"’)\]]\s*|\s)\(?(?-i:Photo|PHOTO|Photograph|Picture|Image|File photo|FILE PHOTO|"
    r"Photo credit|Credit)s?\b(?:\s*(?:[:/|-]|by|courtesy(?:\s+of)?)\s*[^.!?]{1,60}|"
    r"\s+(?:supplied|courtesy(?:\s+of)?[^.!?]{0,50}|file))\.?\)?\s*$"
    r"|(?:^|[.!?]\s+|\s)(?-i:File photo|FILE PHOTO)\.?\s*$", re.IGNORECASE)
# A caption that opens with a marker: "[Photo] ...", "Photo: ...", "Caption: ...", "Image: ...".
_CAPTION_START = re.compile(r"^(?:\[(?:photo|image|picture|video)\]|(?:caption|image|photo|"
                            r"picture)\s*:)", re.IGNORECASE)
# A credit in brackets closing a short caption: "(Tran Techseng/VOD)", "(National Election
# Committee's Facebook page)"; or "Jane Doe/AFP" or "KT/Jane Doe" as the last words.
_CREDIT_AGENCY = re.compile(
    r"(?:\((?:[A-Z][\w.'’-]*\s?){1,4}/\s?[A-Z][\w.-]{1,15}\)|\([^()]{0,60}(?:Facebook|"
    r"Twitter|Telegram|Instagram) (?:page|account)\)|(?<=[a-z.] )(?:[A-Z][\w'’-]+ ){1,3}"
    r"[A-Z][\w'’-]+\s?/\s?(?:[A-Z]{2,10}|Reuters|Xinhua|Getty(?: Images)?)"
    r"|(?<=[.!?] )[A-Z]{2,6}\s?/\s?[A-Z][\w'’-]+(?: [A-Z][\w'’-]+){0,3})\s*$")
# Every caption pattern holds one of these (a cheap pre-check before the patterns above).
_CAPTION_HINT = re.compile(r"photo|image|picture|credit|caption|/", re.IGNORECASE)
# the same words looked for in the lower-cased line first (much faster than the pattern,
# which ignores case; the pattern still decides)
_CAPTION_WORDS = Literals(("photo", "image", "picture", "credit", "caption", "/"),
                          ignore_case=True)
# Skip links in the UN's six languages and a few more ("Skip to main content", "Aller au
# contenu principal", "Pasar al contenido principal", "Перейти к основному содержанию",
# "跳转到主要内容", "تخطي إلى المحتوى الرئيسي", "Zum Hauptinhalt springen" ...).
_SKIP_LINK = re.compile(
    r"^(?:skip\s+(?:to|navigation)|jump\s+to|aller\s+(?:au|à\s+la)|passer\s+au|"
    r"(?:pasar|saltar|ir)\s+(?:al|a\s+la)|перейти\s+к|к\s+основному|跳(?:转)?(?:到|至)|"
    r"(?:تخطي|تجاوز|انتقل|الانتقال)\s+(?:إلى|الى)|zum\s+(?:haupt)?inhalt|direkt\s+zum|"
    r"(?:pular|ir)\s+para|vai\s+al).{0,40}$", re.IGNORECASE)
# An image file name on its own line: "hrc45-geneva-0110.jpg", "IMG_2041.JPG".
_IMAGE_FILE = re.compile(r"^[\w .()-]{1,120}\.(?:jpe?g|png|gif|webp|svg|tiff?|bmp|heic)"
                         r"(?:\?\S*)?$", re.IGNORECASE)


def is_breadcrumb(line: str) -> bool:
    """A navigation trail: two to six short parts joined by "›", "»", ">", "→" or " / ",
    without closing punctuation ("Home › World › Asia-Pacific", "WORLD >> Asia in Focus")."""
    if _TERMINAL.search(line) or not _CRUMB_SEP.search(line):
        return False
    parts = [p.strip() for p in _CRUMB_SEP.split(line)]
    if not 2 <= len(parts) <= 6 or not all(parts):
        return False
    return all(len(_WORD.findall(p)) <= 4 and not any(c.isdigit() for c in p) for p in parts)


def is_caption(line: str) -> bool:
    """A photo caption or credit: a line that ends in a photo credit ("... Photo:
    Supplied", "... File photo", "(Jane Doe/AFP)") or opens with "[Photo]" / "Caption:";
    at most 60 words."""
    if _CAPTION_WORDS.cannot_match(line, lower_for_literals(line)) or \
            not _CAPTION_HINT.search(line) or len(_WORD.findall(line)) > 60:
        return False
    return bool(_CAPTION_START.match(line) or _CREDIT_END.search(line)
                or _CREDIT_AGENCY.search(line))


def is_furniture(line: str) -> bool:
    """True when a (normalised, trimmed) line is page furniture rather than article text:
    a ticker, a breadcrumb, a skip link, a caption or credit, an image file name, or a line
    matching ``data/boilerplate.txt``."""
    if not line:
        return False
    if is_ticker(line) or is_breadcrumb(line) or is_caption(line):
        return True
    if _SKIP_LINK.match(line) or _IMAGE_FILE.match(line):
        return True
    if len(_WORD.findall(line)) > 20:
        return False
    return _furniture_re().fullmatch(line) is not None


def _looks_like_link_text(line: str) -> bool:
    return len(_WORD.findall(line)) <= 25 and not _TERMINAL.search(line)


def _line_key(line: str) -> str:
    """A line as compared with the document's other lines: lower case, spaces collapsed."""
    return " ".join(line.lower().split())


def _is_repeat(line: str, seen: set[str], key: str | None = None) -> bool:
    """A short line without closing punctuation seen before in the document (a logo, a
    repeated headline or menu): the first copy stays, later ones are furniture. ``key``:
    :func:`_line_key` of the line, when the caller has it."""
    key = _line_key(line) if key is None else key
    if key in seen:
        return True
    if not _TERMINAL.search(line) and 3 <= len(_WORD.findall(line)) <= 25:
        seen.add(key)
    return False


# "Headline | Outlet", "Headline - Outlet": the page's <title> line
_TITLE_SEP = re.compile(r"\s+(?:\||-|–|—|::)\s+")


def _is_page_title(line: str, all_lines: set[str]) -> bool:
    """A "Headline | Outlet" line whose headline is also a line of its own: the page title
    printed above the article's own headline."""
    parts = _TITLE_SEP.split(line)
    if len(parts) < 2 or len(_WORD.findall(parts[-1])) > 6:
        return False
    head = " ".join(_TITLE_SEP.split(line, maxsplit=len(parts) - 2)[0].lower().split())
    return head != " ".join(line.lower().split()) and head in all_lines


def strip_furniture(lines: Sequence[str]) -> tuple[list[str], int]:
    """Remove furniture lines; a "Related ..." header also takes the link lines under it,
    a short unpunctuated line seen before (a repeated headline or logo) goes too, and so
    does a "Headline | Outlet" page title when the headline stands on its own line.

    Returns:
        The kept lines (blank lines kept, so paragraph breaks survive) and the number of
        characters removed.
    """
    kept: list[str] = []
    removed = 0
    in_block = False
    seen: set[str] = set()
    keys = [_line_key(ln) if ln else "" for ln in lines]
    all_lines = {k for ln, k in zip(lines, keys, strict=True) if ln}
    for line, key in zip(lines, keys, strict=True):
        if not line:
            kept.append(line)
            continue
        if in_block and _looks_like_link_text(line) and not is_furniture(line):
            removed += len(line)
            continue
        in_block = False
        if is_furniture(line) or _is_repeat(line, seen, key) or \
                _is_page_title(line, all_lines):
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
# A numbering abbreviation, or a short capitalised one ("Rs.", "Fr."), before a number.
_MERGE_ABBREV_END = re.compile(r"(?:^|\s)(?:(?i:No|Nos|Art|Para|Vol|pp?)|[A-Z][a-z]{1,2})\.$")
# A list marker alone ("1.", "12)", "iv.", "a)"): the item it numbers is the same sentence.
_LIST_MARKER = re.compile(r"^\s*(?:\d{1,3}|[ivxlc]{1,6}|[a-z])[.)]\s*$", re.IGNORECASE)


# Learned abbreviations kept: a single letter (an initial) or letters joined by periods
# ("u.n", "g.l"). Whole words Punkt takes for abbreviations on a small sample ("city",
# "west", "bloc": words that often end a sentence) come and go with the sample and each one
# silences the sentence breaks after it; real short forms are in data/abbreviations.txt.
_ABBREVIATION_SHAPE = re.compile(r"^(?:[^\W\d_]|[^\W\d_]+(?:\.[^\W\d_]+)+)$")
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


class _SeenIn:
    """A parameter set (or Punkt's orthographic-context mapping) that notes every key it is
    asked about, as ``(kind, key)``."""

    __slots__ = ("kind", "seen", "values")

    def __init__(self, values: Any, kind: str, seen: set[tuple[str, Any]]) -> None:
        self.values, self.kind, self.seen = values, kind, seen

    def __contains__(self, key: object) -> bool:
        self.seen.add((self.kind, key))
        return key in self.values

    def __getitem__(self, key: str) -> int:
        self.seen.add((self.kind, key))
        return self.values.get(key, 0)


class _TracedParameters:
    """Punkt's parameters as the tokenizer reads them, each look-up noted."""

    def __init__(self, params: PunktParameters, seen: set[tuple[str, Any]]) -> None:
        self.abbrev_types = _SeenIn(params.abbrev_types, "abbrev", seen)
        self.collocations = _SeenIn(params.collocations, "colloc", seen)
        self.sent_starters = _SeenIn(params.sent_starters, "starter", seen)
        self.ortho_context = _SeenIn(params.ortho_context, "ortho", seen)


class PlainRegexVars(PunktLanguageVars):
    """Punkt's (English) language variables with its own patterns compiled by ``re``.

    NLTK 3.10 compiles every pattern of the library with the third-party ``regex`` engine
    behind a time-out wrapper (its ReDoS guard): right for patterns a caller supplies, but
    Punkt's are fixed, and the wrapper and engine made splitting 1.7 times slower. The
    patterns are Punkt's own, unchanged (as NLTK ran them with ``re`` before 3.10); they
    could only read differently a character newer than Python's Unicode tables.
    """

    re_boundary_realignment = re.compile(PunktLanguageVars.re_boundary_realignment.pattern,
                                         re.MULTILINE)

    def _compiled(self, slot: str, fmt: str) -> re.Pattern[str]:
        """Punkt's pattern ``fmt`` filled in and compiled once, kept in ``slot`` (the slot
        NLTK's own method keeps it in)."""
        try:
            return getattr(self, slot)
        except AttributeError:
            parts = {"NonWord": self._re_non_word_chars,
                     "MultiChar": self._re_multi_char_punct,
                     "WordStart": self._re_word_start,
                     "SentEndChars": self._re_sent_end_chars}
            setattr(self, slot, re.compile(fmt % parts, re.UNICODE | re.VERBOSE))
            return getattr(self, slot)

    def _word_tokenizer_re(self) -> re.Pattern[str]:
        return self._compiled("_re_word_tokenizer", self._word_tokenize_fmt)

    def period_context_re(self) -> re.Pattern[str]:
        return self._compiled("_re_period_context", self._period_context_fmt)


_NON_PUNCT = re.compile(r"[^\W\d]")


class PlainRegexToken(PunktToken):
    """Punkt's token with its property patterns compiled by ``re`` (see
    :class:`PlainRegexVars`)."""

    __slots__ = ()
    _RE_ELLIPSIS = re.compile(PunktToken._RE_ELLIPSIS.pattern)
    _RE_NUMERIC = re.compile(PunktToken._RE_NUMERIC.pattern)
    _RE_INITIAL = re.compile(PunktToken._RE_INITIAL.pattern)
    _RE_ALPHA = re.compile(PunktToken._RE_ALPHA.pattern)

    @property
    def is_non_punct(self) -> re.Match[str] | None:
        """True if the token is either a number or is alphabetic."""
        return _NON_PUNCT.search(self.type)


class SentenceSplitter(PunktSentenceTokenizer):
    """NLTK's Punkt, which can also say which of its trained parameters a split looked up.

    Punkt decides each sentence break from the word before a period and the word after and
    what its parameters say about those (abbreviation? collocation? frequent sentence
    starter? how is it capitalised elsewhere?). :func:`split_traced` notes every such look-up;
    :meth:`lookups` digests their answers. A document splits the same under any parameters
    that answer its look-ups the same (the same answers take the same path through the
    same look-ups), which lets a re-run whose retrained splitter moved on a few words keep
    the other documents' sentences.
    """

    def __init__(self, params: PunktParameters | None = None) -> None:
        super().__init__(params, lang_vars=PlainRegexVars(), token_cls=PlainRegexToken)

    def lookups(self, seen: Iterable[tuple[str, Any]]) -> str:
        """A digest of this splitter's answers to the look-ups ``seen``."""
        p = self._params
        sets = {"abbrev": p.abbrev_types, "colloc": p.collocations, "starter": p.sent_starters}
        h = hashlib.sha256()
        for kind, key in seen:
            answer = p.ortho_context.get(key, 0) if kind == "ortho" else key in sets[kind]
            h.update(repr((kind, key, answer)).encode("utf-8", "surrogatepass"))
        return h.hexdigest()


def split_traced(doc: CleanedDocument, splitter: SentenceSplitter
                 ) -> tuple[list[tuple[int, int, int]], tuple[tuple[str, Any], ...]]:
    """:func:`split_sentences` and the parameter look-ups it made, ``(kind, key)`` sorted."""
    seen: set[tuple[str, Any]] = set()
    params = splitter._params
    splitter._params = _TracedParameters(params, seen)
    try:
        spans = split_sentences(doc, splitter)
    finally:
        splitter._params = params
    return spans, tuple(sorted(seen, key=repr))


def train_sentence_splitter(texts: Iterable[str], *, extra_abbreviations: Iterable[str] = (),
                            max_chars: int = PUNKT_TRAINING_CHARS) -> SentenceSplitter:
    """Train NLTK's Punkt on the corpus itself and add the project's abbreviation list.

    Args:
        texts: cleaned texts of the corpus, in a fixed order (nothing is downloaded).
        extra_abbreviations: more abbreviation types (lower case, no final period).
        max_chars: train on the first this-many characters only: Punkt's statistics settle
            long before, and training time grows with the text.
    """
    # collocations only after numbers and initials (Punkt's default)
    trainer = PunktTrainer(lang_vars=PlainRegexVars(), token_cls=PlainRegexToken)
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
        params.abbrev_types = {a for a in params.abbrev_types if _ABBREVIATION_SHAPE.match(a)}
    params.abbrev_types.update(abbreviations())
    params.abbrev_types.update(a.lower().rstrip(".") for a in extra_abbreviations)
    return SentenceSplitter(params)


def split_sentences(doc: CleanedDocument,
                    splitter: PunktSentenceTokenizer) -> list[tuple[int, int, int]]:
    """Sentence spans ``(paragraph_index, start, end)`` into ``doc.text``.

    Paragraph ends are sentence ends. A split right after a capital initial ("John F."), a
    numbering abbreviation ("No. 5") or a bare list marker ("1. Argentina") is undone.
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
                                               and nxt[:1].isdigit()) or \
                        _LIST_MARKER.match(prev):
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


def lsh_bands(threshold: float, num_perm: int = MINHASH_PERMUTATIONS) -> tuple[int, int]:
    """``(bands, rows)`` of the MinHash LSH for near duplicates at ``threshold``: datasketch's
    optimal banding for a threshold 0.2 below the real one, so that pairs at or above it are
    all but certain to share a band."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=max(0.3, min(threshold - 0.2, 0.95)), num_perm=num_perm)
    return lsh.b, lsh.r


def lsh_candidates(signatures: np.ndarray, bands: int, rows: int) -> dict[int, list[int]]:
    """For each document (row of ``signatures``), the earlier documents that share at least
    one LSH band with it (equal hash values over the band's ``rows`` permutations) — what
    a MinHash LSH index queried document by document would return, computed for the whole
    corpus at once: each band is one sort of ``n`` fixed-size keys (numpy), so time is
    ``n log n`` and memory a few bytes per document and band.

    Returns:
        ``{index: sorted earlier indices}`` for the documents that have any.
    """
    out: dict[int, set[int]] = {}
    for b in range(bands):
        band = np.ascontiguousarray(signatures[:, b * rows:(b + 1) * rows])
        keys = band.view(np.dtype((np.void, band.dtype.itemsize * band.shape[1]))).ravel()
        _, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
        inverse = inverse.ravel()
        shared = np.nonzero(counts[inverse] > 1)[0]
        if not len(shared):
            continue
        order = shared[np.lexsort((shared, inverse[shared]))]
        cuts = np.nonzero(np.diff(inverse[order]))[0] + 1
        for group in np.split(order, cuts):
            members = group.tolist()
            for k in range(1, len(members)):
                out.setdefault(members[k], set()).update(members[:k])
    return {j: sorted(c) for j, c in out.items()}


def find_near_duplicates(doc_ids: Sequence[str], text_shas: Sequence[str],
                         signatures: np.ndarray, threshold: float, text_of, *,
                         num_perm: int = MINHASH_PERMUTATIONS) -> dict[str, str]:
    """Exact and near duplicates among documents in ``doc_id`` order.

    The first document of a group is the original; a later one is ``duplicate of X`` (same
    cleaned text) or ``near-duplicate of X (Jaccard 0.93)``: the original among its MinHash
    LSH candidates (:func:`lsh_candidates`) with the highest *exact* Jaccard of word 5-gram
    shingles, when that is at or above ``threshold``. Duplicates are compared with
    originals only. Memory: the signatures (``num_perm`` 32-bit values per document), never
    the texts — ``text_of(doc_id)`` is asked only for documents with candidates.

    Args:
        doc_ids: the documents, sorted.
        text_shas: sha256 of each one's cleaned text.
        signatures: each one's :func:`minhash_signature`, one row per document.
        threshold: Jaccard at or above which a document is a near duplicate.
        text_of: the cleaned text of a document.
        num_perm: MinHash permutations (the signatures' width).

    Returns:
        ``{doc_id: status}`` for the duplicates only.
    """
    cands = lsh_candidates(signatures, *lsh_bands(threshold, num_perm)) if len(doc_ids) else {}
    seen: dict[str, str] = {}
    original = [False] * len(doc_ids)
    status: dict[str, str] = {}
    for j, (doc_id, sha) in enumerate(zip(doc_ids, text_shas, strict=True)):
        if sha in seen:
            status[doc_id] = f"duplicate of {seen[sha]}"
            continue
        seen[sha] = doc_id
        earlier = [i for i in cands.get(j, ()) if original[i]]
        if earlier:
            sh = shingles(text_of(doc_id))
            best, best_j = None, 0.0
            for i in earlier:
                jac = jaccard(sh, shingles(text_of(doc_ids[i])))
                if jac > best_j:
                    best, best_j = doc_ids[i], jac
            if best is not None and best_j >= threshold:
                status[doc_id] = f"near-duplicate of {best} (Jaccard {best_j:.2f})"
                continue
        original[j] = True
    return status


def find_duplicates(texts: dict[str, str], *,
                    threshold: float = NEAR_DUPLICATE_JACCARD) -> dict[str, str]:
    """Find exact and near duplicates among cleaned texts, in ``doc_id`` order
    (:func:`find_near_duplicates` on their signatures).

    Returns:
        ``{doc_id: status}`` for the duplicates only.
    """
    ids = sorted(texts)
    sigs = np.array([minhash_signature(texts[d]) for d in ids]).reshape(len(ids), -1)
    shas = [hashlib.sha256(texts[d].encode("utf-8")).hexdigest() for d in ids]
    return find_near_duplicates(ids, shas, sigs, threshold, texts.__getitem__)


# --------------------------------------------------------------------------- the corpus


@dataclass
class CorpusResult:
    """What stage 01 produces: rows for documents.csv, sentences.csv and warnings.csv."""

    documents: list[dict[str, object]]
    sentences: list[dict[str, object]]
    warnings: list[dict[str, str]]
    texts: dict[str, str]


def clean_corpus(corpus_dir: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES,
                 near_duplicate: float = NEAR_DUPLICATE_JACCARD,
                 progress: bool = True,
                 max_container_bytes: int = DEFAULT_MAX_CONTAINER_BYTES,
                 max_table_bytes: int = DEFAULT_MAX_TABLE_BYTES) -> CorpusResult:
    """Run stage 01 over a corpus folder (with optional ``metadata.csv``), in this process,
    and return its tables in memory (a convenience over :func:`helpers.stages.run_clean`).

    The folder may hold ``.txt``, ``.html``/``.htm``, ``.pdf``, ``.docx`` files and
    ``.csv``/``.tsv``/``.jsonl``/``.ndjson`` exports with one article per row; see
    :mod:`helpers.readers` for how each is read and how table columns are named
    (``columns.json``). One bad file or row never stops the run: each document gets a
    documents row whose ``status`` is ``ok``, ``rejected: <why>``, ``duplicate of <doc_id>``
    or ``near-duplicate of ...``. Only ``ok`` documents get sentences.

    Metadata of a document: its own (a table row's columns), overridden by a non-empty
    value in ``metadata.csv``.

    Args:
        corpus_dir: the folder.
        max_bytes: ``.txt``/``.html`` files larger than this are rejected unread; so is any
            one document's text (a table row, a PDF's text) longer than this.
        near_duplicate: Jaccard threshold for near duplicates.
        progress: show a tqdm progress bar.
        max_container_bytes: ``.pdf``/``.docx`` files larger than this are rejected unread.
        max_table_bytes: ``.csv``/``.jsonl`` exports larger than this are rejected unread.
    """
    import csv
    import tempfile

    from helpers.stages import run_clean

    with tempfile.TemporaryDirectory(prefix="tallybook-clean-") as tmp:
        run_clean(corpus_dir, tmp, max_file_bytes=max_bytes,
                  near_duplicate_jaccard=near_duplicate, workers=1, progress=progress,
                  max_container_bytes=max_container_bytes, max_table_bytes=max_table_bytes)
        tables = Path(tmp) / "tables"

        def rows(name: str, ints: tuple[str, ...]) -> list[dict[str, object]]:
            with (tables / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
                out: list[dict[str, object]] = list(csv.DictReader(fh))
            for r in out:
                for c in ints:
                    if r.get(c):
                        r[c] = int(r[c])  # type: ignore[arg-type]
            return out

        documents = rows("documents", ("n_chars", "n_sentences", "boilerplate_chars"))
        sentences = rows("sentences", ("sentence_id", "paragraph_id", "start", "end"))
        warnings = rows("warnings", ())
        texts = {p.stem: p.read_text(encoding="utf-8")
                 for p in sorted((Path(tmp) / "texts").glob("*.txt"))}
    return CorpusResult(documents, sentences, warnings, texts)  # type: ignore[arg-type]


