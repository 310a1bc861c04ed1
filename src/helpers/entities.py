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

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from functools import lru_cache

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
from helpers.text import Mention, Sentence, sentences_from_rows, tokenize_sentence

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
TITLES = frozenset("Mr Mrs Ms Miss Dr Prof Professor Sir Dame Lord Lady Samdech Oknha H.E. "
                   "Excellency Madam Mister Rev Father Sister Judge Senator Gen General Colonel "
                   "Col Captain Capt".split())
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
DATE_RE = re.compile(
    rf"\b(?P<md>{_MONTH_RE}\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?(?![\d,]\d)(?:,?\s+(?P<y1>(?:19|20)\d\d))?)\b"
    rf"|\b(?P<dm>(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH_RE}(?:,?\s+(?P<y2>(?:19|20)\d\d))?)\b"
    rf"|\b(?P<my>{_MONTH_RE}\s+(?P<y3>(?:19|20)\d\d))\b"
    r"|\b(?P<rel>(?:last|next|this|early|late|mid-)\s*(?:year|month|week|"
    r"January|February|March|April|May|June|July|August|September|October|November|December))\b"
    r"|\b(?P<wd>(?:on\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday))\b"
    r"|(?<![\d,.$€£-])\b(?P<y4>(?:19[4-9]\d|20\d\d))\b(?!\d|,\d|-page|\s*(?:%|per\s?cent))")


# every DATE pattern holds a month, a weekday, "year/month/week" or a 4-digit year
_DATE_HINT = re.compile(r"Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|day|year|month|week"
                        r"|\b(?:19|20)\d\d\b")


def _month_num(s: str) -> int:
    s = s.lower().rstrip(".")
    return MONTHS.get(s) or MONTH_ABBR.get(s[:4] if s.startswith("sept") else s[:3], 0)


def date_canonical(m: re.Match[str], year: int | None) -> str:
    """ISO 8601 for a DATE match where the year is known (from the text or ``year``)."""
    import datetime as dt

    text = m.group(0)
    try:
        if m.group("md") or m.group("dm"):
            day = int(m.group("d1") or m.group("d2"))
            month_word = re.search(_MONTH_RE, text).group(0)
            y = m.group("y1") or m.group("y2")
            yy = int(y) if y else year
            if yy:
                return dt.date(yy, _month_num(month_word), day).isoformat()
        elif m.group("my"):
            month_word = re.search(_MONTH_RE, text).group(0)
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


def _name_like(tok: str) -> bool:
    if not tok or not tok[0].isupper() or not tok[0].isalpha() or _HAS_DIGIT(tok):
        return False
    return not (len(tok) > 1 and tok.isupper())  # acronyms: UN, SR, NGO


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
        self.kingdom_ok = False
        if subject_country:
            import pycountry

            c = pycountry.countries.get(alpha_3=subject_country)
            official = (getattr(c, "official_name", "") or "") if c else ""
            self.kingdom_ok = "Kingdom" in official

    # -- helpers ----------------------------------------------------------
    def _excluded(self, tok: str) -> bool:
        low = tok.lower().replace("’", "'")
        return (low in self.stop or low in self.common or tok in self.demonyms
                or tok in TITLES)

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
        person_runs: list[tuple[Sentence, int, int, bool]] = []  # (sent, i, j, cued)
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
        a, b = s.spans[i][0], s.spans[j - 1][1]
        out.append(Mention(doc_id, s.sentence_id, s.start + a, s.start + b, s.text[a:b], label,
                           canonical))

    def _tag_geo(self, doc_id: str, s: Sentence, blocked: list[bool], out: list[Mention]) -> None:
        keys, n, i = s.keys, len(s.keys), 0
        geo_idx = self.geo.index
        while i < n:
            m = self.geo.match(keys, i) if keys[i] in geo_idx else None
            if m is None and "-" in keys[i]:
                self._tag_compound(doc_id, s, i, out)  # "US-led", "Cambodia-China"
            if m is None:
                if (self.kingdom_ok and keys[i] == "Kingdom" and i > 0
                        and s.lkeys[i - 1] == "the"
                        and not (i + 1 < n and s.lkeys[i + 1] == "of")):
                    self._emit(out, doc_id, s, i, i + 1, "COUNTRY", self.subject)
                    blocked[i] = True
                i += 1
                continue
            k, label, canonical = m
            for x in range(i, i + k):
                blocked[x] = True
            if label in ("COUNTRY", "BLOC"):
                self._emit(out, doc_id, s, i, i + k, label, canonical)
            elif label == "CAPITAL" and canonical != "-" and i + k < n:
                nxt = s.lkeys[i + k]
                if nxt in ("'s",) or nxt in GOVERNMENT_VERBS:
                    self._emit(out, doc_id, s, i, i + k, "COUNTRY", canonical)
            i += k

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
              match_at, role_at: dict[int, int] | None = None) -> None:
        """Emit the longest match at each token, left to right, and block its tokens."""
        n, i = len(s.keys), 0
        while i < n:
            m = match_at(i)
            if m is None:
                i += 1
                continue
            k, label, canonical = m
            self._emit(out, doc_id, s, i, i + k, label, canonical)
            for x in range(i, i + k):
                blocked[x] = True
                if role_at is not None:
                    role_at[x] = i + k
            i += k

    def _tag_orgs(self, doc_id: str, s: Sentence, blocked: list[bool], out: list[Mention]) -> None:
        exact, anyc = self.org_exact, self.org_any

        def org_at(i: int) -> tuple[int, str, str] | None:
            if s.keys[i] not in exact.index and s.lkeys[i] not in anyc.index:
                return None
            cands = [m for m in (exact.match(s.keys, i), anyc.match(s.lkeys, i)) if m]
            return max(cands, key=lambda c: c[0]) if cands else None

        self._scan(doc_id, s, blocked, out, org_at)

    def _tag_roles(self, doc_id: str, s: Sentence, blocked: list[bool], role_at: dict[int, int],
                   out: list[Mention]) -> None:
        roles = self.roles
        self._scan(doc_id, s, blocked, out,
                   lambda i: roles.match(s.lkeys, i) if s.lkeys[i] in roles.index else None,
                   role_at)

    def _tag_dates(self, doc_id: str, s: Sentence, year: int | None, out: list[Mention]) -> None:
        if not _DATE_HINT.search(s.text):
            return  # no digit, month, weekday or "year/month/week": no date (cheap pre-check)
        for m in DATE_RE.finditer(s.text):
            text = m.group(0)
            a = m.start()
            if text.lower().startswith("on "):
                a += 3
                text = text[3:]
            yr = year
            if yr is None:
                ym = re.search(r"\b(19|20)\d\d\b", s.text)
                yr = int(ym.group(0)) if ym else None
            canonical = date_canonical(m, yr)
            if m.group("wd") or m.group("rel"):
                canonical = text
            out.append(Mention(doc_id, s.sentence_id, s.start + a, s.start + m.end(), text,
                               "DATE", canonical))

    # -- persons ------------------------------------------------------------
    def _person_runs(self, s: Sentence, blocked: list[bool],
                     role_at: dict[int, int]) -> list[tuple[Sentence, int, int, bool]]:
        toks, n = s.toks, len(s.toks)
        runs: list[tuple[Sentence, int, int, bool]] = []
        i = 0
        while i < n:
            if blocked[i] or not toks[i][:1].isupper() or not _name_like(toks[i]):
                i += 1
                continue
            j = i
            while j < n:
                t = toks[j]
                particle = (t.lower() in NAME_PARTICLES and j + 1 < n and not blocked[j + 1]
                            and _name_like(toks[j + 1]) and j > i)
                if (not blocked[j] and _name_like(t)) or particle:
                    j += 1
                elif (t == "." and j > i and len(toks[j - 1]) == 1 and toks[j - 1].isupper()
                      and j + 1 < n and not blocked[j + 1] and _name_like(toks[j + 1])):
                    j += 1  # a middle initial: "John F. Kennedy", "Volker T. Türk"
                else:
                    break
            runs.extend(self._trim_run(s, i, j, role_at))
            i = j
        return runs

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
        toks, lk, n = s.toks, s.lkeys, len(s.toks)
        # title or role right before ("Mr", "representative Chen Cheng", "head, An ...")
        if i > 0:
            if _after_title(toks, i) or (i - 1) in role_at:
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

    def _trim_run(self, s: Sentence, i: int, j: int,
                  role_at: dict[int, int]) -> list[tuple[Sentence, int, int, bool]]:
        toks = s.toks
        # strip excluded words at the edges; keep a short family name ("An", "Sam") that
        # directly precedes a name-like word mid-sentence
        start = i
        while start < j and self._excluded(toks[start]):
            short_ok = (self._may_be_surname(toks[start])
                        and start + 1 < j and not self._excluded(toks[start + 1]))
            if short_ok and not self._at_sentence_start(s, start):
                break
            if short_ok and self._cue(s, start, j, role_at):
                break
            start += 1
        end = j
        while end > start and self._excluded(toks[end - 1]):
            end -= 1
        if end <= start:
            return []
        # split a run at any excluded word inside it ("Geneva An Sokkhoeurn" is handled by
        # blocking places; "Foreign Minister Prak Sokhonn" by roles)
        pieces: list[tuple[int, int]] = []
        a = start
        for x in range(start, end):
            tok = toks[x]
            keep_short = self._may_be_surname(tok) and x + 1 < end
            if self._excluded(tok) and not keep_short:
                if x > a:
                    pieces.append((a, x))
                a = x + 1
        if end > a:
            pieces.append((a, end))
        out = []
        for a, b in pieces:
            cued = self._cue(s, a, b, role_at)
            if not cued and self._continues_a_name(s, a):
                continue  # "Committee to Protect Journalists": the tail of an organisation
            out.append((s, a, b, cued))
        return out

    def _continues_a_name(self, s: Sentence, i: int) -> bool:
        """True when a run follows "<Capitalised word> of/to/for/on/and (the)", i.e. it goes
        on a name that started before it ("Office of the High Commissioner ...")."""
        k = i - 1
        if k >= 0 and s.lkeys[k] == "the":
            k -= 1
        if k < 1 or s.lkeys[k] not in ("of", "to", "for", "on", "and", "against", "de"):
            return False
        prev = s.toks[k - 1]
        return prev[:1].isupper() and prev.isalpha() and self._excluded(prev)

    def _resolve_persons(self, doc_id: str, sents: Sequence[Sentence],
                         runs: Sequence[tuple[Sentence, int, int, bool]]) -> list[Mention]:
        full: list[tuple[str, ...]] = []
        for s, i, j, _cued in runs:
            if j - i >= 2:
                name = tuple(s.toks[i:j])
                if name not in full:
                    full.append(name)
        # fullest form: a name contained in a longer one (in order or reversed) maps to it
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
                if (len(tok) > 1 and tok.lower() not in NAME_PARTICLES
                        and not self._excluded(tok)):
                    part_of.setdefault(tok, canon[name])
        out: list[Mention] = []
        covered: set[tuple[int, int]] = set()
        for s, i, j, cued in runs:
            if j - i >= 2:
                c = canon[tuple(s.toks[i:j])]
                self._emit_person(out, doc_id, s, i, j, _join_name(c), covered)
            elif s.toks[i] in part_of:
                self._emit_person(out, doc_id, s, i, j, _join_name(part_of[s.toks[i]]), covered)
            elif cued and _after_title(s.toks, i):
                self._emit_person(out, doc_id, s, i, j, s.toks[i], covered)
        return out

    def _emit_person(self, out: list[Mention], doc_id: str, s: Sentence, i: int, j: int,
                     canonical: str, covered: set[tuple[int, int]]) -> None:
        key = (s.start + s.spans[i][0], s.start + s.spans[j - 1][1])
        if key in covered:
            return
        covered.add(key)
        self._emit(out, doc_id, s, i, j, "PERSON", canonical)


def _after_title(toks: Sequence[str], i: int) -> bool:
    """Token ``i`` follows a title: "Mr Tan", "Mr. Tan", "H.E. Ouch Borith"."""
    if i < 1:
        return False
    return toks[i - 1].rstrip(".") in TITLES or (toks[i - 1] == "." and i > 1
                                                  and toks[i - 2] in TITLES)


def _join_name(toks: Sequence[str]) -> str:
    """Name tokens back to text: "John", "F", ".", "Kennedy" → "John F. Kennedy"."""
    return " ".join(toks).replace(" .", ".")


def _contains(big: tuple[str, ...], small: tuple[str, ...]) -> bool:
    k = len(small)
    return any(big[x:x + k] == small for x in range(len(big) - k + 1))


# --------------------------------------------------------------------------- corpus level


_UNDER_REVIEW = re.compile(r"\b(?:human rights|situation|elections?|government|democracy)"
                           r"\s+(?:situation\s+)?in\s+(?:the\s+)?$", re.IGNORECASE)


def infer_subject_country(texts: Iterable[str]) -> str:
    """The country under review, from the text alone.

    Each state name counts 1, each demonym of it ("Cambodian") 1, and a name after "human
    rights in", "situation in", "elections in" ... 3 more; the highest score wins (ties go to
    the state named first).
    """
    scores: Counter[str] = Counter()
    first: dict[str, int] = {}
    geo, dem = geo_gazetteer(), demonym_states()
    pos = 0
    for t in texts:
        s = tokenize_sentence(t)
        i = 0
        while i < len(s.keys):
            pos += 1
            m = geo.match(s.keys, i)
            if m and m[1] == "COUNTRY":
                iso = m[2]
                scores[iso] += 1
                if _UNDER_REVIEW.search(t[max(0, s.spans[i][0] - 40):s.spans[i][0]]):
                    scores[iso] += 3
                first.setdefault(iso, pos)
                i += m[0]
                continue
            iso = dem.get(s.toks[i])
            if iso:
                scores[iso] += 1
                first.setdefault(iso, pos)
            i += 1
    if not scores:
        return ""
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
