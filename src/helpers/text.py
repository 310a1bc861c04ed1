"""The one token and sentence layer every stage shares.

Stage 01 splits documents into sentences; every later stage sees a sentence as a
:class:`Sentence` — its id, paragraph, offset into the cleaned text, and its tokens in three
forms (as written, apostrophe-normalised, lower-case) with character spans computed on demand.
Entity mentions travel between stages as :class:`Mention` records and a document as a
:class:`Document`. Nothing here knows about countries, tallies or stances.

Tokens come from one regular expression (NLTK's ``RegexpTokenizer`` holds the same pattern;
``span_tokenize`` gives identical spans, checked in the tests).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import helpers.nltk_import  # noqa: F401  (before nltk: NLTK without SciPy's statistics)

# isort: split
from nltk.tokenize import RegexpTokenizer

# A token is, in order of preference: a number with thousands separators ("2,000"); an
# abbreviation of single letters with dots ("U.S.", "H.E."); a word, keeping inner hyphens and
# apostrophes ("Thirty-one", "Côte d'Ivoire") but not a possessive "'s"; a possessive "'s"; or
# any single other non-space character.
TOKEN_PATTERN = (r"\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\w-])"
                 r"|(?:[A-Za-z]\.){2,}(?![A-Za-z])"
                 r"|\w+(?:[-‐‑]\w+)*(?:['’](?!s\b)\w+(?:[-‐‑]\w+)*)*"
                 r"|['’]s\b"
                 r"|[^\w\s]")
TOKENIZER = RegexpTokenizer(TOKEN_PATTERN)
# The same pattern compiled with ``re`` for the hot path: NLTK 3.10 routes every match of a
# RegexpTokenizer through a ReDoS guard that costs ~40% of tagging time.
TOKEN_RE = re.compile(TOKEN_PATTERN)
# The same tokens as TOKEN_RE.findall, each match taking the white space before its token
# (one match per token instead of a failed attempt at every space): 15% faster
_TOKENS = re.compile(r"\s*(" + TOKEN_PATTERN + ")").findall


# Characters ``re`` matches case-insensitively with an ASCII letter that ``str.lower`` does
# not turn into it ("ſ" ~ "s", "ı" and "İ" ~ "i")
_CASE_ODD = ("ſ", "ı", "İ")
_CASE_ODD_RE = re.compile("|".join(_CASE_ODD))


def lower_for_literals(text: str) -> str | None:
    """``text.lower()``, to look in for the literal words a case-insensitive pattern needs;
    None when the text holds a character (ſ, ı, İ) that such a pattern matches with an ASCII
    letter but ``str.lower`` does not turn into it: then no literal may rule the pattern out.
    """
    return None if _CASE_ODD_RE.search(text) else text.lower()


class Literals:
    """The literal words a pattern needs — one of ``needles``, and each of ``all_of`` (lower
    case when it ignores case) — so that a text lacking them is not searched with it. The
    needles are looked for with one regex search (a substring test each when they are few).
    """

    __slots__ = ("_all", "_any", "_few", "ignore_case")

    # up to this many needles, one substring test each is faster than the alternation
    FEW = 4

    def __init__(self, needles: Sequence[str], ignore_case: bool,
                 all_of: Sequence[str] = ()) -> None:
        self.ignore_case = ignore_case
        few = len(needles) <= self.FEW
        self._few = tuple(needles) if few else None
        self._any = None if few else re.compile("|".join(re.escape(w) for w in needles))
        self._all = tuple(all_of)

    def cannot_match(self, text: str, low: str | None) -> bool:
        """Whether the pattern is sure not to match ``text``: none of the needles, or a word
        of ``all_of`` missing, in the text (in ``low``, :func:`lower_for_literals` of the
        text, when the pattern ignores case; never sure when ``low`` is None)."""
        where = low if self.ignore_case else text
        if where is None:  # a letter str.lower cannot show: no literal may rule it out
            return False
        if self._few is not None:
            if not any(w in where for w in self._few):
                return True  # (no needles at all: nothing can match)
        elif self._any is not None and self._any.search(where) is None:
            return True
        return not all(w in where for w in self._all)


def positions(keys: Sequence[str], w: str) -> list[int]:
    """Indexes of the tokens equal to ``w``, in order (found by the list's own search, not
    a test per token)."""
    out: list[int] = []
    k = -1
    for _n in range(keys.count(w)):
        k = keys.index(w, k + 1)
        out.append(k)
    return out


def tokens_of(text: str) -> tuple[str, ...]:
    """Tokenise a phrase the way running text is tokenised (apostrophes normalised)."""
    return tuple(t.replace("’", "'") for t in _TOKENS(text))


class Sentence:
    """One sentence of a document and its tokens.

    Attributes:
        sentence_id: 1-based id within the document.
        start: character offset of the sentence in the document's cleaned text.
        text: the sentence as written.
        paragraph_id: 1-based paragraph id (0 when unknown).
        toks: tokens as written; ``keys`` apostrophe-normalised; ``lkeys`` lower-cased.
    """

    __slots__ = ("_memo", "_spans", "_starts", "keys", "lkeys", "paragraph_id", "sentence_id",
                 "start", "text", "toks")

    def __init__(self, sentence_id: int, start: int, text: str, paragraph_id: int = 0) -> None:
        self.sentence_id, self.start, self.text = sentence_id, start, text
        self.paragraph_id = paragraph_id
        self.toks: list[str] = _TOKENS(text)
        self.keys = [t.replace("’", "'") for t in self.toks] if "’" in text else self.toks
        self.lkeys = [k.lower() for k in self.keys]
        self._spans: list[tuple[int, int]] | None = None
        self._starts: list[int] | None = None
        self._memo: dict[object, object] | None = None

    def __reduce__(self) -> tuple[type, tuple[int, int, str, int]]:
        # everything else is derived from these four (the memo is rebuilt on demand)
        return Sentence, (self.sentence_id, self.start, self.text, self.paragraph_id)

    @property
    def memo(self) -> dict[object, object]:
        """Per-sentence results of pure look-ups (e.g. :meth:`PhraseIndex.find_in`), so the
        rules that ask the same question of one sentence compute the answer once."""
        if self._memo is None:
            self._memo = {}
        return self._memo

    def __len__(self) -> int:
        return len(self.toks)

    def __repr__(self) -> str:
        return f"Sentence({self.sentence_id}, {self.start}, {self.text[:40]!r})"

    @property
    def spans(self) -> list[tuple[int, int]]:
        """``(start, end)`` character offsets of each token within the sentence."""
        if self._spans is None:
            self._spans = self.spans_upto(len(self.text))
        return self._spans

    def spans_upto(self, end: int) -> list[tuple[int, int]]:
        """:attr:`spans` up to the first token that starts at or after offset ``end`` (all
        when none does), computed only so far (not kept)."""
        # Every character the pattern leaves out is white space (any other character opens
        # a token), so each token starts at its first occurrence after the end of the one
        # before: the same spans as TOKEN_RE.finditer, without a second regex pass.
        spans: list[tuple[int, int]] = []
        pos, find = 0, self.text.find
        for t in self.toks:
            a = find(t, pos)
            pos = a + len(t)
            spans.append((a, pos))
            if a >= end:
                break
        return spans

    def token_at(self, offset: int) -> int | None:
        """Index of the first token starting at or after a document offset (None past the
        end)."""
        if self._starts is None:
            self._starts = [s for s, _e in self.spans]
        x = bisect_left(self._starts, offset - self.start)
        return x if x < len(self._starts) else None

    def char_span(self, i: int, j: int) -> tuple[int, int]:
        """Document offsets of tokens ``[i, j)``."""
        return self.start + self.spans[i][0], self.start + self.spans[j - 1][1]


def tokenize_sentence(text: str, *, sentence_id: int = 0, start: int = 0,
                      paragraph_id: int = 0) -> Sentence:
    """A :class:`Sentence` for ``text``."""
    return Sentence(sentence_id, start, text, paragraph_id)


def sentences_from_rows(rows: Iterable[Mapping[str, object]]) -> list[Sentence]:
    """Sentences of one document from rows of sentences.csv (sentence_id, start, text,
    paragraph_id), in order."""
    out = [Sentence(int(r["sentence_id"]), int(r["start"]), str(r["text"]),  # type: ignore[arg-type]
                    int(r.get("paragraph_id") or 0))  # type: ignore[arg-type]
           for r in rows]
    out.sort(key=lambda s: s.sentence_id)
    return out


def sentences_from_texts(texts: Sequence[str], *, paragraphs: bool = True) -> list[Sentence]:
    """Sentences from plain strings, as if each were a paragraph of one document joined by
    blank lines (offsets consistent): for examples, tests and notebooks."""
    out, pos = [], 0
    for i, t in enumerate(texts, start=1):
        out.append(Sentence(i, pos, t, i if paragraphs else 1))
        pos += len(t) + 2
    return out


@dataclass(frozen=True)
class Mention:
    """One entity mention; offsets are into the document's cleaned text."""

    doc_id: str
    sentence_id: int
    start: int
    end: int
    text: str
    label: str
    canonical: str


@dataclass
class Document:
    """What stage 03 knows of one document: its sentences, mentions and metadata."""

    doc_id: str
    sentences: list[Sentence]
    mentions: list[Mention] = field(default_factory=list)
    subject_country: str = ""
    meta: dict[str, str] = field(default_factory=dict)

    def mentions_in(self, sentence_id: int,
                    labels: Iterable[str] = ("COUNTRY", "BLOC")) -> list[Mention]:
        """Mentions of a sentence with one of ``labels``, in text order."""
        want = set(labels)
        return sorted((m for m in self.mentions
                       if m.sentence_id == sentence_id and m.label in want),
                      key=lambda m: m.start)
