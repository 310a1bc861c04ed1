"""Stage 02: who and what each article names — countries, blocs, persons, roles, orgs, dates.

Offline and fast: one regular-expression tokenizer (NLTK's ``RegexpTokenizer`` with
``span_tokenize`` for exact offsets) and dictionary look-ups keyed on the first token, longest
match first. Reference data lives in ``data/``: state names come from pycountry plus
``country_aliases.csv``; blocs, capitals, places, roles, organisations, demonyms and a
name-stopword lexicon are plain CSV/text files.

Persons are found from the shape of names (runs of capitalised words that are not common
words, places, organisations or titles) and from context (titles, roles, appositions,
reporting verbs), so Khmer, Thai and other names no English list holds are found too; later
partial mentions ("Sokkhoeurn", "Sam Ol") resolve to the document's fullest form.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import NamedTuple

from helpers.lexicon import (
    bloc_names,
    capitals,
    demonym_states,
    demonyms,
    name_stopwords,
    state_names,
)
from helpers.phrases import PhraseIndex
from helpers.refdata import rows, words
from helpers.text import Literals, Mention, Sentence, sentences_from_rows, tokenize_sentence

MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], start=1)}
MONTH_ABBR = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
              "sept": 9, "oct": 10, "nov": 11, "dec": 12}

GOVERNMENT_VERBS = frozenset(
    "said says say has had have is was will would supports supported backed defended insists "
    "insisted rejected rejects accused accuses welcomed welcomes condemned condemns denied "
    "denies claimed claims argued argues wants wanted urged urges called calls warned warns "
    "responded responds criticised criticized praised praises announced maintains maintained "
    "believes".split())
REPORTING_VERBS = frozenset(
    "said says told added adds noted notes stressed stresses claimed claims urged urges "
    "argued argues asked asks explained explains insisted insists warned warns wrote writes "
    "stated states continued confirmed confirms denied denies announced announces "
    "acknowledged replied replies responded reiterated reiterates underlined underlines "
    "emphasised emphasized emphasises emphasizes highlighted highlights hit slammed denounced "
    "denounces called calls expressed expresses told recalled recalls pointed lamented "
    "praised praises criticised criticized welcomed welcomes rejected rejects dismissed "
    "dismisses concluded concludes presented presents made took raised raises also who".split())
NAME_PARTICLES = frozenset("bin binti ibn van von de der den da das dos du del della di al el le "
                           "la".split())
# Short capitalised words that are never a name part, even before another name-like word.
NEVER_NAME_SHORT = frozenset("The A In On At To Of By As If It He She We But And For Yet So Its "
                             "His Her Our Their Mr Ms Dr Mrs No Not Nor Or All Any One Two Six "
                             "Ten Few New Old Now How Who Why Has Had Was Are Is Be Do Did Get "
                             "Let May Can Via Per Pro Non Out Off Up Our Own Too Also Then Than "
                             "That This These Those With From Into Over Upon After While When "
                             "Where Which What".split())
# Family names that are also English words are short ("An", "Sam", "Kem", "Long", "Mean"):
# such a word, capitalised mid-sentence right before a name-like word, stays in the name.
SHORT_SURNAME = 4
NEVER_NAME_SHORT = NEVER_NAME_SHORT | frozenset(
    "Some Many Most Each Both Such Much Even Only Last Next Thus Here They Them Were Have Been "
    "Will Said Says Told Like Just Very More Less Once Over Upon Amid Near Past Like Your Mine "
    "Ours Whom Whose What".split())
# Prepositions that are also given names ("In Dara", "On Sophal"): "In X said" cannot be a
# prepositional phrase, so before a reporting verb the word is a name part ("As X said",
# "But X said" are clauses, so "As" and "But" are not here).
GIVEN_NAME_PREPOSITIONS = frozenset({"In", "On", "At"})
QUOTE_OPENERS = frozenset("“\"‘'([")


# --------------------------------------------------------------------------- gazetteer


Gazetteer = PhraseIndex  # the entity look-ups are the shared phrase index


@lru_cache(maxsize=1)
def geo_gazetteer() -> Gazetteer:
    """States (COUNTRY), blocs (BLOC), non-state look-alikes ("-") and capitals (CAPITAL)."""
    entries = [(n, "COUNTRY" if iso != "-" else "-", iso) for n, iso in state_names().items()]
    entries += [(n, "BLOC", c) for n, c in bloc_names().items()]
    entries += [(n, "CAPITAL", iso) for n, iso in capitals().items()]
    entries += [(p, "PLACE", p) for p in words("places.txt")
                if p not in state_names() and p not in capitals()]
    return Gazetteer(entries, upper_variants=True)


@lru_cache(maxsize=1)
def org_gazetteers() -> tuple[Gazetteer, Gazetteer]:
    orgs = rows("orgs.csv")
    exact = Gazetteer((r["alias"], "ORG", r["canonical"]) for r in orgs if r["case"] == "exact")
    anyc = Gazetteer(((r["alias"], "ORG", r["canonical"]) for r in orgs if r["case"] != "exact"),
                     ignore_case=True)
    return exact, anyc


@lru_cache(maxsize=1)
def role_gazetteer() -> Gazetteer:
    return Gazetteer(((r["phrase"], "ROLE", r["canonical"]) for r in rows("roles.csv")),
                     ignore_case=True)


# --------------------------------------------------------------------------- dates

_MONTH_RE = (r"(?:January|February|March|April|May|June|July|August|September|October|"
             r"November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?")
# the words of DATE_RE's relative dates ("last year", "mid-June") and weekdays, which
# _may_date also looks for
_REL_WORDS = ("last", "next", "this", "early", "late", "mid-")
_REL_UNITS = ("year", "month", "week")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Every alternative opens on a month's, weekday's or relative word's first letter or a digit:
# the look-ahead lets the scan pass over other characters at once (same matches, ~2x faster)
DATE_RE = re.compile(
    r"(?=[JFMASONDlntemoTW\d])(?:"
    rf"\b(?P<md>{_MONTH_RE}\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?(?![\d,]\d)(?:,?\s+(?P<y1>(?:19|20)\d\d))?)\b"
    rf"|\b(?P<dm>(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH_RE}(?:,?\s+(?P<y2>(?:19|20)\d\d))?)\b"
    rf"|\b(?P<my>{_MONTH_RE}\s+(?P<y3>(?:19|20)\d\d))\b"
    rf"|\b(?P<rel>(?:{'|'.join(_REL_WORDS)})\s*(?:{'|'.join(_REL_UNITS)}|"
    r"January|February|March|April|May|June|July|August|September|October|November|December))\b"
    rf"|\b(?P<wd>(?:on\s+)?(?:{'|'.join(_WEEKDAYS)}))\b"
    r"|(?<![\d,.$€£-])\b(?P<y4>(?:19[4-9]\d|20\d\d))\b(?!\d|,\d|-page|\s*(?:%|per\s?cent)))")

# DATE_RE for scanning: every alternative opens on a word boundary, so one test of it first
# rejects most positions at once (same matches, a third less time)
_DATE_SCAN = re.compile(r"\b" + DATE_RE.pattern)

_MEMO_MAX = 65536  # tokens an EntityTagger remembers _excluded for

# a year a date may hold
_HINT_YEAR = re.compile(r"\b(?:19|20)\d\d\b")

# a month's name or abbreviation holds one of these (and every name in _MONTH_RE does)
_MONTH_ABBRS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                "Dec")


# the words each alternative of DATE_RE needs one of (see _may_date)
_WEEKDAY_WORDS = Literals(_WEEKDAYS, ignore_case=False)
_MONTH_WORDS = Literals(_MONTH_ABBRS, ignore_case=False)
_REL_WORD_WORDS = Literals(_REL_WORDS, ignore_case=False)
_REL_UNIT_WORDS = Literals(_REL_UNITS, ignore_case=False)


def _holds(words: Literals, text: str) -> bool:
    """Whether ``text`` holds one of ``words`` (as written)."""
    return not words.cannot_match(text, None)


def _may_date(text: str) -> bool:
    """Whether DATE_RE may match ``text``: a necessary test ("today", "years", "May we" do
    not pass it). Each alternative of DATE_RE needs a weekday
    (``wd``), a month with a digit (``md``, ``dm``, ``my``), a relative word with a month or
    a unit (``rel``) or a year (``y4``)."""
    if "day" in text and _holds(_WEEKDAY_WORDS, text):
        return True
    if _holds(_MONTH_WORDS, text) and (
            _HAS_DIGIT(text) is not None or _holds(_REL_WORD_WORDS, text)):
        return True
    if _holds(_REL_UNIT_WORDS, text) and _holds(_REL_WORD_WORDS, text):
        return True
    return ("19" in text or "20" in text) and _HINT_YEAR.search(text) is not None


def _month_num(s: str) -> int:
    s = s.lower().rstrip(".")
    return MONTHS.get(s) or MONTH_ABBR.get(s[:4] if s.startswith("sept") else s[:3], 0)


_MONTH_SEARCH = re.compile(_MONTH_RE).search


def date_canonical(m: re.Match[str], year: int | None) -> str:
    """ISO 8601 for a DATE match where the year is known (from the text or ``year``)."""
    text = m.group(0)
    try:
        if m.group("md") or m.group("dm"):
            day = int(m.group("d1") or m.group("d2"))
            month_word = _MONTH_SEARCH(text).group(0)
            y = m.group("y1") or m.group("y2")
            yy = int(y) if y else year
            if yy:
                return dt.date(yy, _month_num(month_word), day).isoformat()
        elif m.group("my"):
            month_word = _MONTH_SEARCH(text).group(0)
            return f"{int(m.group('y3')):04d}-{_month_num(month_word):02d}"
        elif m.group("y4"):
            return m.group("y4")
    except (ValueError, AttributeError):
        pass
    return text


# --------------------------------------------------------------------------- tagging


def common_words(texts: Iterable[str]) -> frozenset[str]:
    """Words the corpus uses in lower case (3+ letters): never, alone, a person's name."""
    out: set[str] = set()
    for t in texts:
        out.update(w for w in re.findall(r"\b[a-z][a-z'’-]{2,}\b", t))
    return frozenset(out)


_HAS_DIGIT = re.compile(r"\d").search


def _indices(keys: Sequence[str], table: dict[str, object] | frozenset[str]) -> list[int]:
    """The positions of the tokens in ``keys`` that ``table`` holds, in order: candidates
    for a look-up keyed on the first token."""
    return [i for i, key in enumerate(keys) if key in table]


class Run(NamedTuple):
    """A name-shaped run of tokens ``[i, j)`` of a sentence, before resolution.

    ``cued``: context says a person (title, role, apposition, reporting verb). ``weak``: in a
    headline written in title case, or a line that is nothing but the name (a byline); such
    a run counts only as a name the document gives elsewhere, unless a title stands before
    it.
    """

    s: Sentence
    i: int
    j: int
    cued: bool
    weak: bool = False


class EntityTagger:
    """Tag countries, blocs, persons, roles, organisations and dates in one document.

    Args:
        subject_country: ISO3 of the country under review ("the Kingdom" resolves to it when
            its official name is a kingdom); may be empty.
        common: words the corpus uses in lower case (see :func:`common_words`).
    """

    def __init__(self, *, subject_country: str = "", common: frozenset[str] = frozenset()):
        self.subject = subject_country
        self.geo = geo_gazetteer()
        self.org_exact, self.org_any = org_gazetteers()
        self.roles = role_gazetteer()
        self.stop = name_stopwords()
        self.demonyms = demonyms()
        self.common = common
        self.titles = titles()
        self.honorifics = honorifics()
        self.heads, self.heads_after = name_heads()
        self.demonym_index = demonym_index()
        self.kingdom_ok = False
        self._excluded_memo: dict[str, bool] = {}  # _excluded per token (the lists are fixed)
        if subject_country:
            import pycountry

            c = pycountry.countries.get(alpha_3=subject_country)
            official = (getattr(c, "official_name", "") or "") if c else ""
            self.kingdom_ok = "Kingdom" in official

    def tag(self, doc_id: str, sentences: Sequence[Sentence], *,
            year: int | None = None) -> list[Mention]:
        """Tag one document.

        Args:
            doc_id: the document id.
            sentences: the document's sentences in order (:mod:`helpers.text`).
            year: year for dates written without one (from metadata), if known.

        Returns:
            Mentions sorted by offset.
        """
        sents = list(sentences)
        out: list[Mention] = []
        person_runs: list[Run] = []
        for s in sents:
            blocked = [False] * len(s.toks)
            role_at: dict[int, int] = {}
            self._tag_geo(doc_id, s, blocked, out)
            self._tag_orgs(doc_id, s, blocked, out)
            self._tag_roles(doc_id, s, blocked, role_at, out)
            self._tag_dates(doc_id, s, year, out)
            person_runs.extend(self._person_runs(s, blocked, role_at))
        out.extend(self._resolve_persons(doc_id, sents, person_runs))
        out.sort(key=lambda m: (m.start, -m.end, m.label))
        return out

    def _emit(self, out: list[Mention], doc_id: str, s: Sentence, i: int, j: int, label: str,
              canonical: str) -> None:
        spans = s.spans
        a, b = spans[i][0], spans[j - 1][1]
        out.append(Mention(doc_id, s.sentence_id, s.start + a, s.start + b, s.text[a:b], label,
                           canonical))

    def _tag_geo(self, doc_id: str, s: Sentence, blocked: list[bool], out: list[Mention]) -> None:
        keys, n = s.keys, len(s.keys)
        geo_idx = self.geo.index
        nxt = 0  # the tokens before this one belong to a name read already
        # only a name's first word, a hyphenated word or "Kingdom" (when it may be the
        # subject) can give something; the text tells whether any token holds a hyphen
        if "-" in s.text or (self.kingdom_ok and "Kingdom" in s.text):
            starts = [i for i, key in enumerate(keys)
                      if key in geo_idx or "-" in key or key == "Kingdom"]
        else:
            # a third of sentences name no place: one set test rules them out
            starts = [] if geo_idx.keys().isdisjoint(keys) else _indices(keys, geo_idx)
        for i in starts:
            if i < nxt:
                continue
            m = self.geo.match(keys, i) if keys[i] in geo_idx else None
            if m is None and "-" in keys[i]:
                self._tag_compound(doc_id, s, i, out)  # "US-led", "Cambodia-China"
            if m is None:
                if (self.kingdom_ok and keys[i] == "Kingdom" and i > 0
                        and s.lkeys[i - 1] == "the"
                        and not (i + 1 < n and s.lkeys[i + 1] == "of")):
                    self._emit(out, doc_id, s, i, i + 1, "COUNTRY", self.subject)
                    blocked[i] = True
                continue
            k, label, canonical = m
            for x in range(i, i + k):
                blocked[x] = True
            if label in ("COUNTRY", "BLOC"):
                self._emit(out, doc_id, s, i, i + k, label, canonical)
            elif label == "CAPITAL" and canonical != "-" and i + k < n:
                after = s.lkeys[i + k]
                if after in ("'s",) or after in GOVERNMENT_VERBS:
                    self._emit(out, doc_id, s, i, i + k, "COUNTRY", canonical)
            nxt = i + k

    def _tag_compound(self, doc_id: str, s: Sentence, i: int, out: list[Mention]) -> None:
        """States and blocs inside a hyphenated word: "US-led", "EU-funded", "Cambodia-China"
        (each part checked on its own, case-sensitively; "non-CPP" and "Covid-19" yield
        nothing)."""
        a0 = s.spans[i][0]
        pos = 0
        for part in s.toks[i].split("-"):
            m = self.geo.match([part.replace("’", "'")], 0) if part in self.geo.index else None
            if m and m[0] == 1 and m[1] in ("COUNTRY", "BLOC"):
                a = s.start + a0 + pos
                out.append(Mention(doc_id, s.sentence_id, a, a + len(part), part, m[1], m[2]))
            pos += len(part) + 1

    def _scan(self, doc_id: str, s: Sentence, blocked: list[bool], out: list[Mention],
              match_at, role_at: dict[int, int] | None = None,
              starts: Iterable[int] | None = None) -> None:
        """Emit the longest match at each token, left to right, and block its tokens.

        ``starts``: the only tokens where ``match_at`` may find something (all when None)."""
        nxt = 0  # a match covers the tokens before this one
        for i in range(len(s.keys)) if starts is None else starts:
            if i < nxt:
                continue
            m = match_at(i)
            if m is None:
                continue
            k, label, canonical = m
            self._emit(out, doc_id, s, i, i + k, label, canonical)
            for x in range(i, i + k):
                blocked[x] = True
                if role_at is not None:
                    role_at[x] = i + k
            nxt = i + k

    def _tag_orgs(self, doc_id: str, s: Sentence, blocked: list[bool], out: list[Mention]) -> None:
        exact, anyc = self.org_exact, self.org_any

        def org_at(i: int) -> tuple[int, str, str] | None:
            e = exact.match(s.keys, i) if s.keys[i] in exact.index else None
            c = anyc.match(s.lkeys, i) if s.lkeys[i] in anyc.index else None
            if e is None or c is None:
                return e or c
            return c if c[0] > e[0] else e  # the longer; the exact one when as long

        if exact.index.keys().isdisjoint(s.keys) and anyc.index.keys().isdisjoint(s.lkeys):
            return  # no organisation's first word
        self._scan(doc_id, s, blocked, out, org_at,
                   starts=sorted({*_indices(s.keys, exact.index),
                                  *_indices(s.lkeys, anyc.index)}))

    def _tag_roles(self, doc_id: str, s: Sentence, blocked: list[bool], role_at: dict[int, int],
                   out: list[Mention]) -> None:
        roles = self.roles
        if roles.index.keys().isdisjoint(s.lkeys):
            return  # no role's first word
        self._scan(doc_id, s, blocked, out,
                   lambda i: roles.match(s.lkeys, i) if s.lkeys[i] in roles.index else None,
                   role_at, starts=_indices(s.lkeys, roles.index))

    def _tag_dates(self, doc_id: str, s: Sentence, year: int | None, out: list[Mention]) -> None:
        if not _may_date(s.text):
            return  # no weekday, month with a digit, relative date or year (cheap pre-check)
        yr, yr_read = year, year is not None  # the year of the sentence's text, read once
        for m in _DATE_SCAN.finditer(s.text):
            text = m.group(0)
            a = m.start()
            if text.lower().startswith("on "):
                a += 3
                text = text[3:]
            if m.group("wd") or m.group("rel"):
                canonical = text  # a weekday or relative date stands as written
            else:
                if not yr_read:
                    ym = _HINT_YEAR.search(s.text)
                    yr, yr_read = (int(ym.group(0)) if ym else None), True
                canonical = date_canonical(m, yr)
            out.append(Mention(doc_id, s.sentence_id, s.start + a, s.start + m.end(), text,
                               "DATE", canonical))

    # -- persons ------------------------------------------------------------
    #
    # Rule kinds, each a small method: _person_runs (the shape of a name: capitalised words,
    # particles, initials, an upper-case family name, a suffix), _trim_run (titles and
    # non-name words off the edges, split at non-name words inside), _cue / _title_cued
    # (context: titles, roles, appositions, reporting verbs), _not_a_person (organisation and
    # place chains, portfolios), _in_list_of_bodies (speakers' lists), _resolve_persons
    # (partial and reordered mentions to the document's fullest form, then the alias table).
    # Word lists: data/titles.csv, name_heads.csv, name_stopwords.txt, roles.csv,
    # person_aliases.csv.

    def _person_blocked(self, s: Sentence, blocked: list[bool]) -> list[bool]:
        """Tokens no person may use: geo/org/role tokens and demonyms ("Sri Lankan")."""
        found = self.demonym_index.find(s.keys)
        if not found:
            return blocked  # read only from here on: no copy needed
        pb = list(blocked)
        for m in found:
            for x in range(m.i, m.j):
                pb[x] = True
        return pb

    def _person_runs(self, s: Sentence, blocked: list[bool],
                     role_at: dict[int, int]) -> list[Run]:
        """Name-shaped runs of one sentence, trimmed and judged (see :meth:`_trim_run`)."""
        toks, n = s.toks, len(s.toks)
        pb = self._person_blocked(s, blocked)
        headline: bool | None = None  # _title_case_line(s), once a run needs it
        runs: list[Run] = []
        nxt_i = 0  # the tokens before this one belong to a run read already
        # a run opens on a capitalised token (_kind gives a name, caps or initials only there)
        for i in [i for i, t in enumerate(toks) if t[0].isupper()]:  # tokens are not empty
            if i < nxt_i or pb[i] or _kind(toks[i]) not in (NAME, CAPS, INITIALS):
                continue
            j = i + 1
            while j < n:
                t = toks[j]
                if not pb[j] and _kind(t):  # a name, caps, initials or prefixed word
                    if t in NAME_SUFFIXES and j - i >= 2:
                        j += 1  # "Teodoro Locsin Jr." ends the name
                        if t in ("Jr", "Sr") and j < n and toks[j] == ".":
                            j += 1
                        break
                    j += 1
                elif not (j + 1 < n and not pb[j + 1] and _kind(toks[j + 1])):
                    break  # a particle or a dot goes on a run only before a name part
                elif t.lower() in NAME_PARTICLES:
                    j += 1  # "Ursula von der Leyen", "Paulo Sérgio Pinheiro da Silva"
                elif t == "." and len(toks[j - 1]) == 1 and toks[j - 1].isupper():
                    j += 1  # a middle initial: "John F. Kennedy", "Volker T. Türk"
                else:
                    break
            if j == i + 1 and self._excluded(toks[i]):
                nxt_i = j  # one word never a name part alone: _trim_run keeps nothing
                continue
            for r in self._trim_run(s, i, j, role_at, pb):
                # a line that is nothing but a name is a byline or a credit unless the
                # text names the person elsewhere ("Taing Rinith" above a story)
                alone = r.i == 0 and all(t in ".,;:|" for t in toks[r.j:])
                if headline is None:
                    headline = _title_case_line(s)
                runs.append(Run(r.s, r.i, r.j, r.cued, (headline or alone)
                                and not self._title_before(toks, r.i)))
            nxt_i = j
        return runs

    def _is_title_at(self, toks: Sequence[str], a: int, b: int) -> bool:
        """Tokens ``[a, b)`` spell a title, dots aside ("Mr", "Mr .", "H.E.", "H . E .")."""
        return 0 <= a < b <= len(toks) and "".join(toks[a:b]).replace(".", "") in self.titles

    def _title_span_at(self, toks: Sequence[str], a: int, limit: int) -> int:
        """Length of the longest title starting at ``a`` (0 if none)."""
        if 0 <= a < len(toks) and toks[a].replace(".", "") not in _title_prefixes(self.titles):
            return 0  # no title starts with this word
        for k in (4, 3, 2, 1):
            # a title of several tokens has a dot second ("H . E .", "Mr ."): test that first
            if a + k <= limit and (k == 1 or (0 <= a + 1 < len(toks) and toks[a + 1] == ".")) \
                    and self._is_title_at(toks, a, a + k):
                return k
        return 0

    def _title_before(self, toks: Sequence[str], i: int,
                      among: frozenset[str] | None = None) -> bool:
        """A title (one of ``among``, default any) ends right before token ``i``: "Mr Tan",
        "Mr. Tan", "H. E. Ouch Borith"."""
        among = self.titles if among is None else among
        if i < 1:
            return False
        if toks[i - 1].replace(".", "") in among:
            return True
        # a title of several tokens has a dot second: test that before joining them
        return any(toks[i - k + 1] == "." and "".join(toks[i - k:i]).replace(".", "") in among
                   for k in (2, 3, 4) if i - k >= 0)

    def _title_cued(self, s: Sentence, i: int, role_at: dict[int, int]) -> bool:
        """A title or a role stands right before token ``i`` ("Minister In Dara")."""
        return i > 0 and (self._title_before(s.toks, i) or (i - 1) in role_at)

    def _excluded(self, tok: str) -> bool:
        """Never a name part on its own: a stopword, a word the corpus writes in lower case,
        a demonym or a title."""
        got = self._excluded_memo.get(tok)
        if got is None:
            if len(self._excluded_memo) >= _MEMO_MAX:
                self._excluded_memo.clear()  # bounded: one tagger may read a whole corpus
            low = tok.lower().replace("’", "'")
            got = self._excluded_memo[tok] = (
                low in self.stop or low in self.common or tok in self.demonyms
                or tok.replace(".", "") in self.titles)
        return got

    def _may_be_surname(self, tok: str) -> bool:
        """A short word excluded only for being common English ("An", "Long"), not one the
        curated lexicon rules out ("Prey", "The")."""
        return (len(tok) <= SHORT_SURNAME and tok not in NEVER_NAME_SHORT
                and tok.lower() not in self.stop and tok not in self.demonyms)

    def _at_sentence_start(self, s: Sentence, i: int) -> bool:
        k = i - 1
        while k >= 0 and s.toks[k] in QUOTE_OPENERS:
            k -= 1
        return k < 0 or s.toks[k] in (":", ";", "—", "–")

    def _cue(self, s: Sentence, i: int, j: int, role_at: dict[int, int]) -> bool:
        """Context says tokens ``[i, j)`` are a person: a title or role before, a role in
        apposition after, a reporting verb before or after."""
        toks, lk, n = s.toks, s.lkeys, len(s.toks)
        # title or role right before ("Mr", "representative Chen Cheng", "head, An ...")
        if i > 0:
            if self._title_cued(s, i, role_at):
                return True
            if toks[i - 1] == "," and i > 1 and ((i - 2) in role_at):
                return True
            if lk[i - 1] in REPORTING_VERBS and lk[i - 1] not in ("also", "who", "made",
                                                                  "took"):
                return True
        # apposition with a role, or a reporting verb, right after
        k = j
        if k < n and toks[k] == ",":
            for x in range(k + 1, min(n, k + 6)):
                if x in role_at:
                    return True
            k += 1
        if k < n and lk[k] in REPORTING_VERBS:
            return True
        # a role within the 8 tokens before, separated only by a place/comma ("ambassador to
        # the UN office in Geneva, Ney Sam Ol")
        return bool(i > 0 and toks[i - 1] == "," and any(x in role_at
                                                       for x in range(max(0, i - 9), i - 1)))

    def _trim_run(self, s: Sentence, i: int, j: int, role_at: dict[int, int],
                  pb: Sequence[bool] = ()) -> list[Run]:
        """Titles and non-name words off a run's edges, the run split at non-name words
        inside it, and the pieces that context shows are no person dropped."""
        toks = s.toks
        start = i
        # titles and honorifics come off the front ("H. E. Ouch Borith", "Samdech Techo ...")
        while start < j and (k := self._title_span_at(toks, start, j)):
            start += k
        # strip excluded words at the edges; keep a short family name ("An", "Sam") that
        # directly precedes a name-like word mid-sentence, and a short given name right
        # after a title or role ("Minister In Dara")
        while start < j and self._excluded(toks[start]):
            nxt_name = start + 1 < j and not self._excluded(toks[start + 1]) and _kind(
                toks[start + 1]) in (NAME, CAPS)
            if nxt_name and len(toks[start]) <= SHORT_SURNAME and toks[start].isalpha() \
                    and self._title_cued(s, start, role_at) and not _title_case_line(s):
                break
            if nxt_name and start + 2 == j and toks[start] in GIVEN_NAME_PREPOSITIONS \
                    and j < len(toks) \
                    and s.lkeys[j] in REPORTING_VERBS and s.lkeys[j] not in ("also", "who"):
                break  # "In Dara said": a short given name before a reporting verb
            short_ok = self._may_be_surname(toks[start]) and nxt_name
            if short_ok and not self._at_sentence_start(s, start):
                break
            if short_ok and self._cue(s, start, j, role_at):
                break
            start += 1
        end = j
        while end > start and self._excluded(toks[end - 1]) and toks[end - 1] != ".":
            end -= 1
        if end <= start:
            return []
        if self._caps_name(s, start, end, role_at):
            return [Run(s, start, end, True)]
        # split a run at any excluded word inside it, and at an upper-case word that stands
        # next to no ordinary name part ("UNDP Chen" keeps nothing of "UNDP")
        pieces: list[tuple[int, int]] = []
        a = start
        for x in range(start, end):
            tok = toks[x]
            # an excluded word is bad, but for a dot, the run's first word and a short
            # family name before another word (asked only of excluded words)
            bad = self._excluded(tok) and tok != "." and not (
                x == start or (x + 1 < end and self._may_be_surname(tok)))
            if not bad and _kind(tok) == CAPS:
                bad = not any(a <= y < end and y != x and _kind(toks[y]) == NAME
                              and not self._excluded(toks[y]) for y in (x - 1, x + 1))
            if bad:
                if x > a:
                    pieces.append((a, x))
                a = x + 1
        if end > a:
            pieces.append((a, end))
        out = []
        for a, b in pieces:
            if not any(_kind(t) == NAME and len(t) > 1 and not self._excluded(t)
                       for t in toks[a:b]):
                continue  # initials, titles or acronyms alone ("H. E", "G.L.") are no name
            cued = self._cue(s, a, b, role_at)
            if not cued and self._continues_a_name(s, a):
                continue  # "Committee to Protect Journalists": the tail of an organisation
            if self._not_a_person(s, a, b, role_at, cued):
                continue
            if not cued and pb and self._in_list_of_bodies(s, a, b, role_at, pb):
                continue
            out.append(Run(s, a, b, cued))
        return out

    def _caps_name(self, s: Sentence, a: int, b: int, role_at: dict[int, int]) -> bool:
        """A name written all in capitals ("VITIT MUNTARBHORN, Special Rapporteur", "Mr. KAO
        KIM HOURN"): two to four upper-case words, none a known word or acronym, with a title
        or role right before or a role in apposition right after."""
        toks, n = s.toks, len(s.toks)
        if not 2 <= b - a <= 4 or not all(_kind(t) == CAPS and not self._excluded(t)
                                           for t in toks[a:b]):
            return False
        return self._title_cued(s, a, role_at) or (b + 1 < n and toks[b] == "," and any(
            x in role_at for x in range(b + 1, min(n, b + 7))))

    def _chain(self, s: Sentence, a: int, b: int, role_at: dict[int, int],
               cross_and: bool) -> tuple[int, int]:
        """The chain of capitalised words around tokens ``[a, b)``: to the left joined by
        of/for/and/on/in/the/& ("... Courts of Cambodia", "Tigers of Tamil Eelam"), to the right
        by "&" (and "and" when ``cross_and``); titles and roles end it."""
        toks, lk, n = s.toks, s.lkeys, len(s.toks)

        def cap(x: int) -> bool:
            t = toks[x]
            return (t[:1].isupper() and x not in role_at
                    and t.replace(".", "") not in self.titles)

        def joiner(x: int) -> bool:
            return lk[x] in CHAIN_JOINERS and (cross_and or lk[x] != "and")

        lo = a
        while lo > 0:
            if cap(lo - 1):
                lo -= 1
            elif lo > 1 and joiner(lo - 1) and cap(lo - 2):
                lo -= 2
            elif lo > 2 and lk[lo - 1] == "the" and joiner(lo - 2) and cap(lo - 3):
                lo -= 3  # "Courts of the Kingdom"
            else:
                break
        # to the right only "and"/"&" join: "Phil Robertson of Human Rights Watch" is a
        # person of an organisation, not a part of its name
        hi = b
        while hi < n:
            if cap(hi):
                hi += 1
            elif hi + 1 < n and lk[hi] in ("and", "&") and joiner(hi) and cap(hi + 1):
                hi += 2
            else:
                break
        return lo, hi

    def _not_a_person(self, s: Sentence, a: int, b: int, role_at: dict[int, int],
                      cued: bool) -> bool:
        """Name-shaped words that context shows are not a person.

        * inside a chain of capitalised words holding an organisation, place or document
          head ("Front Line Defenders", "World Uyghur Congress", "Autonomous Region"), or
          right before a lower-case head ("the Nexta Telegram channel");
        * right before a capitalised role: a portfolio ("Plantation Industries Minister").
        A title or role right before the name overrides the first ("Minister Chen Xu" of the
        "Foreign Ministry" chain is still a person: titles and roles end a chain).
        """
        toks, lk, n = s.toks, s.lkeys, len(s.toks)
        titled = self._title_cued(s, a, role_at)
        if b < n and b in role_at and toks[b][:1].isupper() and not titled:
            return True  # "Plantation Industries Minister Mahinda Samarasinghe"
        if titled:
            return False
        lo, hi = self._chain(s, a, b, role_at, cross_and=False)
        if lo < a and hi == b and self._role_before(s, lo, role_at) and not any(
                lk[x] in self.heads for x in range(a, b)):
            # "Permanent Representative to the UN Office in Geneva Gennady Gatilov": the
            # chain completes the role; the name after it is the person who holds it
            return False
        if not cued and lo > 0 and lk[lo - 1] in DETERMINERS:
            # "its own Truth and Reconciliation Commission": after a determiner the chain
            # goes on across "and" ("Rosa Ilves and Front Line Defenders" does not)
            lo, hi = self._chain(s, a, b, role_at, cross_and=True)
        if any(lk[x] in self.heads for x in range(lo, hi) if toks[x][:1].isupper()):
            return True
        return bool(hi < n and lk[hi] in self.heads_after and toks[hi].islower())

    def _in_list_of_bodies(self, s: Sentence, a: int, b: int, role_at: dict[int, int],
                           pb: Sequence[bool]) -> bool:
        """An uncued run that is one item of a list whose item before or after it is a
        state, bloc or organisation: a speakers' list ("..., Jubilee Campaign, Christian
        Solidarity Worldwide, UN Watch, ...")."""
        toks, lk, n = s.toks, s.lkeys, len(s.toks)
        lo, hi = self._chain(s, a, b, role_at, cross_and=False)

        def body_at(x: int, step: int) -> bool:
            # the item across the separator at x: its nearest capitalised chain
            y = x + step
            if 0 <= y < n and lk[y] == "and" and step > 0:
                y += 1
            if not 0 <= y < n or not toks[y][:1].isupper():
                return False
            c_lo, c_hi = self._chain(s, y, y + 1, role_at, cross_and=False)
            return any(pb[z] or lk[z] in self.heads for z in range(c_lo, c_hi))

        before = (lo > 0 and toks[lo - 1] in (",", ";")) or (
            lo > 1 and lk[lo - 1] == "and" and toks[lo - 2] == ",")
        after = hi < n and toks[hi] in (",", ";")
        if not (before or after):
            return False
        sep_before = lo - 1 if toks[lo - 1] in (",", ";") else lo - 2
        return (before and body_at(sep_before, -1)) or (after and body_at(hi, 1))

    @staticmethod
    def _role_before(s: Sentence, i: int, role_at: dict[int, int]) -> bool:
        """A role ends right before token ``i``, but for "of/to/for/at/in (the)"
        ("ambassador to the ...", "head of ...")."""
        k = i - 1
        if k >= 0 and s.lkeys[k] == "the":
            k -= 1
        if k >= 0 and s.lkeys[k] in ("of", "to", "for", "at", "in", "on"):
            k -= 1
        return k >= 0 and k in role_at

    def _continues_a_name(self, s: Sentence, i: int) -> bool:
        """True when a run follows "<Capitalised word> of/to/for/on (the)", i.e. it goes
        on a name that started before it ("Office of the High Commissioner ...")."""
        k = i - 1
        if k >= 0 and s.lkeys[k] == "the":
            k -= 1
        if k < 1 or s.lkeys[k] not in ("of", "to", "for", "on", "against", "de"):
            return False
        prev = s.toks[k - 1]
        return prev[:1].isupper() and prev.isalpha() and self._excluded(prev)

    def _resolve_persons(self, doc_id: str, sents: Sequence[Sentence],
                         runs: Sequence[Run]) -> list[Mention]:
        """Each run to the fullest form of its name in the document, then the alias table.

        A name of two or more parts is contained in a longer one (in order or reversed) →
        the longer; one part alone ("Sokkhoeurn") → the name it belongs to; one part after a
        title ("Mr Tan") → itself. Weak runs (title-case headlines) count only when the name
        is given elsewhere.
        """
        full: list[tuple[str, ...]] = []
        names = [_name_key(r.s.toks[r.i:r.j]) for r in runs]  # each run's name, made once
        for r, name in zip(runs, names, strict=True):
            if len(name) >= 2 and not r.weak and name not in full:
                full.append(name)
        canon: dict[tuple[str, ...], tuple[str, ...]] = {}
        for n_, name in enumerate(full):
            best = name
            for other in full:
                if len(other) > len(best) and (_contains(other, name)
                                               or _contains(other, name[::-1])):
                    best = other
            # the same parts in another order ("Muntarbhorn Vitit"): the form seen first
            first = next((o for o in full[:n_] if sorted(o) == sorted(best)), None)
            canon[name] = first or best
        part_of: dict[str, tuple[str, ...]] = {}
        for name in full:
            for tok in name:
                if (len(tok) > 1 and tok.lower() not in NAME_PARTICLES and "." not in tok
                        and not self._excluded(tok)):
                    part_of.setdefault(tok, canon[name])
        out: list[Mention] = []
        covered: set[tuple[int, int]] = set()
        aliases: dict[tuple[str, ...], str] = {}  # this document's names, each looked up once
        for r, name in zip(runs, names, strict=True):
            c: tuple[str, ...] | None = None
            if r.weak and name not in canon and len(name) == r.j - r.i:
                r = self._known_inside(r, name, full)  # "Sok Vanna Urges Calm" → "Sok Vanna"
                if r is None:
                    continue
                name = _name_key(r.s.toks[r.i:r.j])
            if len(name) >= 2:
                c = canon.get(name) or next(
                    (canon[f] for f in full if _contains(f, name) or _contains(f, name[::-1])),
                    None)
            elif name[0] in part_of:
                c = part_of[name[0]]
            elif r.cued and not r.weak and r.j - r.i == 1 and self._title_before(
                    r.s.toks, r.i, self.honorifics):
                c = name
            if c is not None:
                alias = aliases.get(c)
                if alias is None:
                    alias = aliases[c] = self._alias(c)
                self._emit_person(out, doc_id, r.s, r.i, r.j, alias, covered)
        return out

    @staticmethod
    def _known_inside(r: Run, name: tuple[str, ...],
                      full: Sequence[tuple[str, ...]]) -> Run | None:
        """The longest name the document gives elsewhere inside a weak run (None if none)."""
        for f in sorted(full, key=len, reverse=True):
            k = len(f)
            for x in range(len(name) - k + 1):
                if name[x:x + k] == f:
                    return r._replace(i=r.i + x, j=r.i + x + k)
        return None

    def _alias(self, name: tuple[str, ...]) -> str:
        """The canonical text of a name: joined, then through ``person_aliases.csv``."""
        return person_alias(_join_name(name))

    def _emit_person(self, out: list[Mention], doc_id: str, s: Sentence, i: int, j: int,
                     canonical: str, covered: set[tuple[int, int]]) -> None:
        key = (s.start + s.spans[i][0], s.start + s.spans[j - 1][1])
        if key in covered:
            return
        covered.add(key)
        self._emit(out, doc_id, s, i, j, "PERSON", canonical)


# token kinds for the shape of a name
NAME, CAPS, INITIALS, PREFIXED = "name", "caps", "initials", "prefixed"
# "G.L.", "H.E.": initials written as one token
_INITIALS_RE = re.compile(r"(?:[A-Z]\.){2,}")
# "al-Assad", "el-Sisi", "bin-Salman", "d'Estaing": a lower-case particle glued to a name
_PREFIXED_RE = re.compile(r"(?:al|el|ad|as|ash|at|az|ibn|bin|abu|d)[-‐'’][A-Z][\w'’-]*")
# an upper-case word of letters (and hyphens, apostrophes): "CHEN", "TÜRK", "SAM-OL"; also
# acronyms
_CAPS_RE = re.compile(r"[^\W\d_](?:[^\W\d_]|['’-])*[^\W\d_]")
# regular demonym endings added to a state's name ("Sierra Leone-an", "Sri Lanka-n")
_DEMONYM_SUFFIXES = ("n", "an", "ian", "ean", "ese", "er")
NAME_SUFFIXES = frozenset({"Jr", "Sr", "II", "III", "IV"})
# words that join the parts of an organisation or place name
CHAIN_JOINERS = frozenset({"of", "for", "and", "on", "in", "the", "&", "de", "du", "des",
                           "to"})
# a person's name does not follow these directly; an organisation's often does
DETERMINERS = frozenset({"the", "its", "their", "our", "own", "this", "these", "those"})


@lru_cache(maxsize=65536)
def _kind(tok: str) -> str:
    """The kind of name part a token can be ("" when none); cached, tokens repeat."""
    if not tok or not tok[0].isupper():
        return PREFIXED if tok[:1].isalpha() and _PREFIXED_RE.fullmatch(tok) else ""
    if "." in tok and _INITIALS_RE.fullmatch(tok):
        return INITIALS
    if _HAS_DIGIT(tok) or not tok[0].isalpha():
        return ""
    if len(tok) > 1 and tok.isupper():
        return CAPS if _CAPS_RE.fullmatch(tok) and tok not in NAME_SUFFIXES else (
            NAME if tok in NAME_SUFFIXES else "")
    return NAME


def _norm_name_tok(tok: str) -> str:
    """An upper-case family name in title case ("CHEN" → "Chen", "SAM-OL" → "Sam-Ol"), so
    "CHEN Xu" and "Chen Xu" are one person; other tokens as written."""
    if _kind(tok) == CAPS:
        return "-".join(p[:1] + p[1:].lower() for p in tok.split("-"))
    return tok


def _name_key(toks: Sequence[str]) -> tuple[str, ...]:
    """A run's tokens as name parts: upper-case family names in title case, initials
    merged ("G", ".", "L", "." → "G.L."), a dot kept after a single initial or a suffix
    ("Volker T. Türk", "Locsin Jr.")."""
    out: list[str] = []
    k, n = 0, len(toks)
    while k < n:
        t = toks[k]
        if len(t) == 1 and t.isupper() and k + 1 < n and toks[k + 1] == ".":
            k2 = k
            while k2 + 1 < n and len(toks[k2]) == 1 and toks[k2].isupper() and toks[k2 + 1] == ".":
                k2 += 2
            if k2 - k >= 4:  # two or more initials
                out.append("".join(toks[k:k2]))
                k = k2
                continue
        if t == "." and out and not out[-1].endswith("."):
            out[-1] += "."
        elif t != ".":
            out.append(_norm_name_tok(t))
        k += 1
    return tuple(out)


def _title_case_line(s: Sentence) -> bool:
    """A headline in title case: no closing punctuation and three in four words of four or
    more letters capitalised ("Cambodia Rejects Biased Report At Geneva Meeting")."""
    if s.text.rstrip()[-1:] in ".!?…\"”’)":
        return False
    long_words = [t for t in s.toks if len(t) >= 4 and t.isalpha()]
    caps = sum(1 for t in long_words if t[0].isupper())
    return len(long_words) >= 3 and caps >= 0.75 * len(long_words)


def fold_name(name: str) -> str:
    """A name compared without case, accents, hyphens or extra spaces (alias look-ups)."""
    t = name
    if not name.isascii():  # NFKD leaves ASCII as it is, and ASCII holds no combining mark
        import unicodedata

        t = unicodedata.normalize("NFKD", name)
        t = "".join(c for c in t if not unicodedata.combining(c))
    return " ".join(_NAME_SEPARATORS.sub(" ", t).lower().split())


_NAME_SEPARATORS = re.compile(r"[-‐‑.]")


@lru_cache(maxsize=1)
def person_aliases() -> dict[str, str]:
    """``{folded alias: canonical}`` from ``data/person_aliases.csv``."""
    return {fold_name(r["alias"]): r["canonical"] for r in rows("person_aliases.csv")}


def person_alias(name: str) -> str:
    """The canonical spelling of a person's name from ``data/person_aliases.csv`` (the name
    itself when it has no entry): "Ney Samol" → "Ney Sam Ol"."""
    return person_aliases().get(fold_name(name), name)


@lru_cache(maxsize=1)
def titles() -> frozenset[str]:
    """Titles and honorifics from ``data/titles.csv``, without dots ("HE" for "H.E.")."""
    return frozenset(r["title"].replace(".", "") for r in rows("titles.csv"))


@lru_cache(maxsize=4)
def _title_prefixes(titles_: frozenset[str]) -> frozenset[str]:
    """Every beginning of every title (a title spread over several tokens starts with the
    first token's letters)."""
    return frozenset(t[:k] for t in titles_ for k in range(len(t) + 1))


@lru_cache(maxsize=1)
def honorifics() -> frozenset[str]:
    """The titles after which one word is a person ("Mr Tan"): ``alone`` = yes."""
    return frozenset(r["title"].replace(".", "") for r in rows("titles.csv")
                     if r.get("alone") == "yes")


@lru_cache(maxsize=1)
def name_heads() -> tuple[frozenset[str], frozenset[str]]:
    """(all heads, heads that also count in lower case after a chain), ``name_heads.csv``."""
    heads = rows("name_heads.csv")
    return (frozenset(r["head"].lower() for r in heads),
            frozenset(r["head"].lower() for r in heads if r.get("after") == "yes"))


@lru_cache(maxsize=1)
def demonym_index() -> PhraseIndex:
    """Demonyms as phrases ("Sri Lankan", "SRI LANKAN"): never a person. Besides
    ``demonyms.csv``, the regular forms of every state name ("Sierra Leone" + "an", "Sri
    Lanka" + "n", "Jordan" + "ian", "Sudan" + "ese") are included."""
    entries = [(d, "DEMONYM", iso) for d, iso in demonym_states().items()]
    for name, iso in state_names().items():
        if iso == "-" or not name[-1:].isalpha():
            continue
        multiword = " " in name
        for suffix in _DEMONYM_SUFFIXES:
            if multiword or len(suffix) >= 2:  # "Mali" + "n" would block "Malin"
                entries.append((name + suffix, "DEMONYM", iso))
    return PhraseIndex(entries, upper_variants=True)


def _join_name(toks: Sequence[str]) -> str:
    """Name parts back to text: ("John", "F.", "Kennedy") → "John F. Kennedy"."""
    return " ".join(toks).replace(" .", ".")


def _contains(big: tuple[str, ...], small: tuple[str, ...]) -> bool:
    k = len(small)
    return any(big[x:x + k] == small for x in range(len(big) - k + 1))



# --------------------------------------------------------------------------- corpus level


# Words before a state's name that make it the country under review: "human rights in X",
# "the situation in X", "Special Rapporteur on X", "resolution on X", "review of X".
_UNDER_REVIEW = re.compile(r"\b(?:human rights|situation|elections?|government|democracy)"
                           r"\s+(?:situation\s+)?in\s+(?:the\s+)?$"
                           r"|\b(?:rapporteur|resolution|mandate|dialogue|review|record|"
                           r"commission of inquiry|fact-finding mission|experts?)\s+"
                           r"(?:on|of|for|against)"
                           r"\s+(?:the\s+)?$", re.IGNORECASE)
# Verbs after a state's name that make it a speaker in the debate, not its topic.
_SPEAKER_VERBS = frozenset(
    "said says called calls urged urges welcomed welcomes voiced raised expressed praised "
    "criticised criticized noted stressed commended delivered read tabled presented voted "
    "joined backed supported opposed abstained abstains".split())
# The subject's own names for itself: "the Kingdom", "the Royal Government".
_KINGDOM_REF = re.compile(r"\b(?:the|The) Kingdom\b(?! of)|\bRoyal Government\b")


def infer_subject_country(texts: Iterable[str]) -> str:
    """The country under review, from the text alone.

    Each state name counts 1 (½ when a speaking verb follows it: "Japan urged ..." names a
    speaker), each demonym of it ("Cambodian") 1, and a name after "human rights in",
    "situation in", "Special Rapporteur on", "resolution on", "review of" ... 3 more; "the
    Kingdom" and "the Royal Government" add 1 to each named state whose official name is a
    kingdom. The highest score wins (ties go to the state named first).
    """
    import pycountry

    scores: Counter[str] = Counter()
    first: dict[str, int] = {}
    geo, dem = geo_gazetteer(), demonym_states()
    pos = 0
    kingdom_refs = 0
    for t in texts:
        kingdom_refs += len(_KINGDOM_REF.findall(t))
        s = tokenize_sentence(t)
        # tokens are read left to right, a state's name at once; ``pos`` counts the reads
        # (a name one read). Only tokens that open a name or are a demonym can score.
        base, skipped, nxt_i = pos, 0, 0
        for i in [i for i, (key, tok) in enumerate(zip(s.keys, s.toks, strict=True))
                  if key in geo.index or tok in dem]:
            if i < nxt_i:
                continue  # inside a name read already
            at = base + i - skipped + 1
            m = geo.match(s.keys, i)
            if m and m[1] == "COUNTRY":
                iso = m[2]
                nxt = s.lkeys[i + m[0]] if i + m[0] < len(s.lkeys) else ""
                scores[iso] += 0.5 if nxt in _SPEAKER_VERBS else 1
                if _UNDER_REVIEW.search(t[max(0, s.spans[i][0] - 40):s.spans[i][0]]):
                    scores[iso] += 3
                first.setdefault(iso, at)
                skipped += m[0] - 1
                nxt_i = i + m[0]
                continue
            iso = dem.get(s.toks[i])
            if iso:
                scores[iso] += 1
                first.setdefault(iso, at)
        pos = base + len(s.keys) - skipped
    if not scores:
        return ""
    if kingdom_refs:
        for iso in list(scores):
            c = pycountry.countries.get(alpha_3=iso)
            if (getattr(c, "official_name", "") or "").startswith("Kingdom of"):
                scores[iso] += kingdom_refs
    return max(scores, key=lambda c: (scores[c], -first[c]))


def tag_corpus(sentences: Iterable[dict[str, object]], *, subject_country: str = "",
               subjects: dict[str, str] | None = None, years: dict[str, int] | None = None,
               progress: bool = False) -> list[Mention]:
    """Tag every document of a sentences table (rows with doc_id, sentence_id, start, text).

    Args:
        sentences: rows of sentences.csv (in document order).
        subject_country: ISO3 of the country under review for every document; "" lets each
            document use ``subjects`` or, failing that, the state it names most.
        subjects: ``{doc_id: ISO3}`` per document (from documents.csv).
        years: ``{doc_id: year}`` for dates written without a year (from metadata).
        progress: show a tqdm progress bar.
    """
    from tqdm.auto import tqdm

    grouped: dict[str, list[dict[str, object]]] = defaultdict(list)
    for r in sentences:
        grouped[str(r["doc_id"])].append(r)
    by_doc = {d: sentences_from_rows(rs) for d, rs in grouped.items()}
    all_texts = [s.text for sents in by_doc.values() for s in sents]
    common = common_words(all_texts)
    subjects = subjects or {}
    years = years or {}
    taggers: dict[str, EntityTagger] = {}
    out: list[Mention] = []
    for doc_id in tqdm(sorted(by_doc), desc="02 entities", disable=not progress, unit="doc"):
        subject = (subject_country or subjects.get(doc_id)
                   or infer_subject_country(s.text for s in by_doc[doc_id]))
        if subject not in taggers:
            taggers[subject] = EntityTagger(subject_country=subject, common=common)
        out.extend(taggers[subject].tag(doc_id, by_doc[doc_id], year=years.get(doc_id)))
    return out
