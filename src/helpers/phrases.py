"""The one phrase index: longest match of multi-word phrases over a sentence's tokens.

Every stage that looks phrases up — states, blocs, capitals, organisations and roles in stage
02; tally cues and stance cues in stage 03 — builds a :class:`PhraseIndex` from a data file
and asks it for the longest entry starting at a token (:meth:`PhraseIndex.match`) or for all
non-overlapping matches in a token range (:meth:`PhraseIndex.find`). The shape follows
spaCy's ``PhraseMatcher``: phrases are tokenised exactly as the text is, keyed by their first
token, and tried longest first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from helpers.text import Sentence, positions, tokens_of


class Match(NamedTuple):
    """A phrase found at tokens ``[i, j)`` with the entry's label and payload."""

    i: int
    j: int
    label: str
    payload: str


class PhraseIndex:
    """Token-sequence dictionary indexed by first token; longest match first.

    Args:
        entries: ``(phrase, label, payload)`` triples; ``payload`` is any string the caller
            needs back (a canonical name, a rule kind ...).
        ignore_case: match on lower-cased tokens (pass ``Sentence.lkeys`` to the look-ups).
        upper_variants: also match the ALL-CAPS form of phrases of 4+ letters (headlines).
    """

    def __init__(self, entries: Iterable[tuple[str, str, str]], *, ignore_case: bool = False,
                 upper_variants: bool = False) -> None:
        self.ignore_case = ignore_case
        self.index: dict[str, list[tuple[tuple[str, ...], str, str]]] = defaultdict(list)
        for phrase, label, payload in entries:
            self._add(phrase, label, payload)
            if upper_variants and len(phrase) >= 4 and phrase.upper() != phrase:
                self._add(phrase.upper(), label, payload)
        for key in self.index:
            self.index[key].sort(key=lambda e: -len(e[0]))
        self.index = dict(self.index)
        # the same entries grouped by length, longest first, each group a dict from the
        # phrase's tokens to the first entry listed with them: a look-up is one dict probe
        # per length instead of a comparison per entry ("Republic" opens hundreds)
        self._by_len: dict[str, list[tuple[int, dict[tuple[str, ...], tuple[str, str]]]]] = {}
        for key, entries in self.index.items():
            groups: list[tuple[int, dict[tuple[str, ...], tuple[str, str]]]] = []
            for toks, label, payload in entries:
                if not groups or groups[-1][0] != len(toks):
                    groups.append((len(toks), {}))
                groups[-1][1].setdefault(toks, (label, payload))
            self._by_len[key] = groups
        # the first tokens, and {first token: the longest token of each of its phrases},
        # built when first needed (:meth:`find_with`)
        self._longest: tuple[frozenset[str], dict[str, frozenset[str]]] | None = None

    def _add(self, phrase: str, label: str, payload: str) -> None:
        toks = tokens_of(phrase)
        if self.ignore_case:
            toks = tuple(t.lower() for t in toks)
        if toks:
            self.index[toks[0]].append((toks, label, payload))

    def __contains__(self, key: str) -> bool:
        return key in self.index

    def match(self, keys: Sequence[str], i: int) -> tuple[int, str, str] | None:
        """Longest entry starting at token ``i``: ``(n_tokens, label, payload)``."""
        groups = self._by_len.get(keys[i])
        if not groups:
            return None
        n = len(keys)
        for k, table in groups:
            if i + k > n:
                continue
            if k == 1:  # the one phrase of one token that starts with this token
                label, payload = next(iter(table.values()))
                return k, label, payload
            hit = table.get(tuple(keys[i:i + k]))
            if hit is not None:
                return k, hit[0], hit[1]
        return None

    def find(self, keys: Sequence[str], a: int = 0, b: int | None = None) -> list[Match]:
        """All non-overlapping longest matches inside tokens ``[a, b)``, left to right."""
        n = len(keys)
        b = n if b is None else b
        if a < 0 or b > n:
            return self._find_plain(keys, a, b)
        index = self.index
        # most token ranges hold no entry's first token: one set test rejects them
        seg = keys if a == 0 and b == n else keys[a:b]
        if index.keys().isdisjoint(seg):
            return []
        return self._take(keys, [x for x, t in enumerate(seg, a) if t in index], a, b)

    def find_with(self, keys: Sequence[str], words: frozenset[str]) -> list[Match]:
        """:meth:`find` over the whole of ``keys``, whose distinct tokens are ``words``, tried
        only at the tokens that open a phrase whose longest token ``words`` also holds
        (elsewhere no phrase can match): the same matches, without a test per token."""
        if self._longest is None:
            longest = {w: frozenset(max(toks, key=len) for toks, _l, _p in entries)
                       for w, entries in self.index.items()}
            self._longest = frozenset(longest), longest
        firsts, longest = self._longest
        live = [w for w in firsts & words if not longest[w].isdisjoint(words)]
        if not live:
            return []
        starts = [k for w in live for k in positions(keys, w)]
        if len(live) > 1:
            starts.sort()
        return self._take(keys, starts, 0, len(keys))

    def _take(self, keys: Sequence[str], starts: Iterable[int], a: int, b: int) -> list[Match]:
        """The longest matches at ``starts`` (ascending) inside tokens ``[a, b)``, each
        starting after the one before ends."""
        out: list[Match] = []
        nxt = a  # a match covers tokens up to here: the next one starts at or after it
        for k in starts:
            if k < nxt:
                continue
            m = self.match(keys, k)
            if m and k + m[0] <= b:
                out.append(Match(k, k + m[0], m[1], m[2]))
                nxt = k + m[0]
        return out

    def _find_plain(self, keys: Sequence[str], a: int, b: int) -> list[Match]:
        """:meth:`find` token by token (a range reaching outside the tokens indexes them as
        Python does, negative from the end, or fails)."""
        out: list[Match] = []
        k = a
        while k < b:
            m = self.match(keys, k) if keys[k] in self.index else None
            if m and k + m[0] <= b:
                out.append(Match(k, k + m[0], m[1], m[2]))
                k += m[0]
            else:
                k += 1
        return out

    def find_in(self, sentence: Sentence) -> tuple[Match, ...]:
        """:meth:`find` over a whole sentence (``lkeys`` when the index ignores case, else
        ``keys``), computed once per sentence and index and kept on the sentence."""
        memo = sentence.memo
        got = memo.get(self)
        if got is None:
            got = memo[self] = tuple(self.find(sentence.lkeys if self.ignore_case
                                               else sentence.keys))
        return got
