"""Stage 03a: delegation tallies, who the figures come from, and per-event summaries.

A *tally* is a counted group: a number (digits or words, parsed with text2num; "09" and
"Thirty (30)" once), the noun it counts, its stance toward the country under review, the whole
it belongs to, the source the text attributes it to, the kind of event and, for a recorded
vote, the literal vote. Each rule kind is a small function:

* wholes and parts — "X of (the) Y", "X out of Y", "Of the Y delegations ...", "a total of
  Y" (a part when its clause gives a stance: "a total of 22 delegations spoke in favour"),
  "X of them", "the other/remaining X", "X others", "X of the (attending) states that ...",
  "the delegations of Y member states", totals before or after their parts;
* stances — cues of ``data/tally_cues.csv`` in the count's own clause (a concessive aside
  "while recognising progress, ..." does not count), else a short look back ("The critics,
  eight in number"); a negator makes a part neutral;
* recorded votes — :mod:`helpers.votes` (the literal vote, and the stance it means given the
  direction of the voted text);
* joint statements — :func:`joint_cue` ("on behalf of 64 countries", "a group of 36 states",
  "signed by 43", "50 countries signed a statement"), their stance from the clause or from
  what the next sentences say the statement did; sponsors — :func:`sponsor_cue`;
* event kind — vote, joint_statement, else the kind ``data/event_kinds.csv`` names in the
  sentence, paragraph or document (review, dialogue);
* sources — :mod:`helpers.sources`, from the text alone.

Page counts, dates, years, percentages, fractions, money, ordinals, durations, list numbers
and ranges ("from 17 to 30") are never tallies; other counted groups (parties, seats, NGOs)
keep their own subject, no side and no source. "Member states", "countries", "governments",
"nations", "delegates", "speakers" count as delegations when tied to the event.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from helpers.phrases import PhraseIndex
from helpers.refdata import rows
from helpers.sources import document_sources
from helpers.text import Sentence
from helpers.votes import new_text, own_text, read_votes, text_direction, vote_stance

# A count in digits: "39", "09", "2,000"
DIGITS = re.compile(r"\d{1,3}(?:,\d{3})+|\d+")
# The hyphens of a compound number word: "Thirty-one"
HYPHEN = re.compile(r"[-‐‑]")
NUMBER_WORDS = frozenset(
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty "
    "ninety hundred thousand".split())
MONTH_WORDS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split())
NOT_A_COUNT_BEFORE = frozenset(
    "session sessions resolution resolutions article articles no number paragraph para item "
    "items chapter section page pages hrc covid aged age room floor phase grade level point "
    "points rule decision decisions code $ us$ € £ usd riel riels".split())
ORDINAL_SUFFIX = frozenset({"st", "nd", "rd", "th"})
FRACTIONS = frozenset({"half", "halves", "third", "thirds", "quarter", "quarters", "fifth",
                       "fifths"})
NP_BREAK = frozenset(
    "were was is are be been being had have has spoke speak speaks made make makes of in on "
    "at to for from with by who whom which that the a an their its his her our out also all "
    "said say says did do does will would could should may might can including include "
    "attended attend took take while whereas but and or nor as than then there here this "
    "these those them they it he she we you i so such not no only each every some many few "
    "most more less other others".split())
CONTRAST = frozenset({"but", "however", "yet", "although", "though", "nevertheless"})
NEGATORS = frozenset({"not", "n't", "never", "no", "neither", "nor", "without", "refrained"})
CLAUSE_BOUNDARY = frozenset({";", "while", "whereas", "whilst"})
PRONOUN_WHOLE = frozenset({"them", "those", "these", "which", "whom"})
STANCES = ("favourable", "critical", "neutral")
# Nouns that count states in general: a delegation tally only with a cue tying them to the
# event (spoke, took part, praised ...) or to its whole ("X of Y", "X of them").
GENERIC_STATE_NOUNS = frozenset({"states", "state", "countries", "country", "nations",
                                 "governments", "member states", "members", "member"})


@lru_cache(maxsize=1)
def cue_index() -> PhraseIndex:
    """Tally cues from ``data/tally_cues.csv`` (label = the stance they set)."""
    return PhraseIndex(((r["phrase"], r["stance"], "") for r in rows("tally_cues.csv")),
                       ignore_case=True)


@lru_cache(maxsize=1)
def noun_kinds() -> dict[str, str]:
    return {r["noun"].lower(): r["kind"] for r in rows("tally_nouns.csv")}


def parse_number(words: Sequence[str]) -> int | None:
    """Value of a number written in digits ("2,000") or words ("Thirty-one", "two hundred").

    Words are parsed with text2num, the maintained library, not a home-made table.
    """
    if len(words) == 1 and DIGITS.fullmatch(words[0]):
        return int(words[0].replace(",", ""))
    from text_to_num import text2num

    try:
        return int(text2num(" ".join(w.lower() for w in words), "en"))
    except (ValueError, TypeError):
        return None


@lru_cache(maxsize=65536)
def _is_number_word(tok: str) -> bool:
    low = tok.lower()
    if low in NUMBER_WORDS:
        return True
    if not HYPHEN.search(low):
        return False
    parts = HYPHEN.split(low)
    return len(parts) == 2 and all(p in NUMBER_WORDS for p in parts)


@dataclass
class Number:
    """A number in a sentence: token span ``[i, j)`` and value."""

    i: int
    j: int
    value: int
    digits: bool


def number_opens(lk: Sequence[str]) -> list[int]:
    """Indexes of the tokens a number may open on: a digit or a number word (``lk``: tokens
    lower-cased). A word of letters only is one when it is in the list; only a token with
    other characters ("thirty-one") needs the full test."""
    return [i for i, k in enumerate(lk) if k in NUMBER_WORDS or k[:1].isdigit()
            or (not k.isalpha() and _is_number_word(k))]


def find_numbers(toks: Sequence[str], lk: Sequence[str] | None = None) -> list[Number]:
    """Numbers in a token list: digit tokens and runs of number words (``lk``: the tokens
    lower-cased, apostrophes normalised, when the caller has them)."""
    out: list[Number] = []
    n = len(toks)
    nxt = 0  # the tokens before this one belong to a number read already
    if lk is None:
        lk = [t.lower().replace("’", "'") for t in toks]
    for i in number_opens(lk):
        if i < nxt:
            continue
        t = toks[i]
        if t[:1].isdigit() and DIGITS.fullmatch(t):
            v = parse_number([t])
            if v is not None:
                out.append(Number(i, i + 1, v, True))
            nxt = i + 1
            continue
        if _is_number_word(t) and t.lower() not in ("hundred", "thousand"):
            j = i + 1
            while j < n and (_is_number_word(toks[j]) or (toks[j].lower() == "and" and j + 1 < n
                                                        and _is_number_word(toks[j + 1]))):
                j += 1
            v = parse_number(list(toks[i:j]))
            if v is not None:
                out.append(Number(i, j, v, False))
            nxt = j
    # "Thirty (30)": a figure repeated in digits in brackets is one number
    kept: list[Number] = []
    for x in out:
        p = kept[-1] if kept else None
        if p and x.digits and not p.digits and x.value == p.value and x.i == p.j + 1 \
                and toks[x.i - 1] == "(" and x.j < n and toks[x.j] == ")":
            p.j = x.j + 1
            continue
        kept.append(x)
    return kept


@dataclass
class Tally:
    """One counted group (a row of tallies.csv)."""

    doc_id: str
    sentence_id: int
    subject: str
    stance: str
    count: int
    total: int | None
    source: str
    evidence: str
    position: int = 0
    cue: str = ""
    kind: str = "dialogue"
    vote: str = ""
    group: int = 0


def _match_cue(lk: Sequence[str], k: int) -> tuple[int, str] | None:
    m = cue_index().match(lk, k)
    return (m[0], m[1]) if m else None


def _cues_in(lk: Sequence[str], a: int, b: int) -> list[tuple[int, int, str]]:
    return [(m.i, m.j - m.i, m.label) for m in cue_index().find(lk, a, b)]


RELATIVE = frozenset({"that", "who", "which"})


def _stance_from_window(lk: Sequence[str], a: int, b: int, *,
                        part: bool = False) -> tuple[str, str] | None:
    """Stance from the cues in tokens ``[a, b)``: the cue after the last contrast word wins,
    else the first; a negator just before a cue makes the part neutral. An ``all`` cue in a
    relative clause ("the 31 delegations that spoke ... were critical") describes the whole,
    and a part of a stated whole never takes an ``all`` cue."""
    cues = _cues_in(lk, a, b)
    stance_cues = [c for c in cues if c[2] != "all"]
    if stance_cues and (part or any(c[2] == "all" and c[0] > 0 and lk[c[0] - 1] in RELATIVE
                                    for c in cues)):
        cues = stance_cues
    elif part:
        cues = []
    if not cues:
        return None
    contrast = [k for k in range(a, b) if lk[k] in CONTRAST]
    pick = cues[0]
    if contrast:
        after = [c for c in cues if c[0] > contrast[-1]]
        if after:
            pick = after[-1] if after[-1][2] != "all" else after[0]
    stance_cues = [c for c in cues if c[2] != "all"]
    if pick[2] == "all" and stance_cues and not contrast:
        pick = stance_cues[0] if stance_cues[0][0] - pick[0] <= 5 else pick
    k, length, stance = pick
    cue = " ".join(lk[k:k + length])
    if stance != "all" and any(lk[x] in NEGATORS for x in range(max(a, k - 3), k)):
        return "neutral", f"not {cue}"
    return stance, cue


def _noun_phrase(toks: Sequence[str], lk: Sequence[str], j: int) -> tuple[str, str, list[str]]:
    """The noun counted by a number ending at ``j``: ``(kind, noun, np_words)``.

    kind is ``delegations``, ``measure``, ``other`` or ``""`` (no noun).
    """
    kinds = noun_kinds()
    n = len(toks)
    np_words: list[str] = []
    k = j
    while k < n and len(np_words) < 6:
        low = lk[k]
        if k > j and low == "and" and np_words and k + 1 < n and toks[k + 1][:1].isalpha():
            np_words.append(low)
            k += 1
            continue
        if low in kinds and kinds[low] == "measure":
            return "measure", low, [*np_words, low]
        if not toks[k][:1].isalpha() or (low in NP_BREAK and low not in ("state",)):
            break
        cue = _match_cue(lk, k)
        if cue and cue[1] != "all":  # "five raised concerns": the verb ends the noun phrase
            break
        np_words.append(low)
        k += 1
    words = [w for w in np_words if w != "and"]
    heads = [w for w in words if kinds.get(w) == "delegations" and w not in GENERIC_STATE_NOUNS]
    if heads:  # "39 state delegations": the head noun, not its modifier
        return "delegations", heads[0], np_words
    for x, w in enumerate(words):
        pair = " ".join(words[x:x + 2])
        if pair in kinds and kinds[pair] == "delegations":
            return "delegations", pair, np_words
        if kinds.get(w) == "delegations":
            return "delegations", w, np_words
        if kinds.get(w) == "measure":
            return "measure", w, np_words
    for w in words:
        if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
            return "other", w, np_words
    return "", "", np_words


def _excluded(toks: Sequence[str], lk: Sequence[str], num: Number) -> bool:
    """Dates, years, ordinals, identifiers and money are never counts."""
    n = len(toks)
    prev = lk[num.i - 1] if num.i > 0 else ""
    nxt = lk[num.j] if num.j < n else ""
    if prev in MONTH_WORDS or nxt.rstrip(".") in MONTH_WORDS:
        return True
    if nxt in ORDINAL_SUFFIX or prev in NOT_A_COUNT_BEFORE:
        return True
    if num.digits and 1900 <= num.value <= 2100 and len(toks[num.i]) == 4:
        return True
    # "000" in "é2,000": a thousands group cut off by a letter glued to the number; a count
    # is zero-padded to two digits ("09") at most
    if num.digits and len(toks[num.i]) >= 3 and toks[num.i].startswith("0"):
        return True
    # "10:30", "48/23", "2.5", "2018-2022": a separator with a number on its other side
    if num.digits and prev in ("/", ".", ":", "-", "–") and num.i > 1 and \
            toks[num.i - 2][:1].isdigit():
        return True
    if num.digits and nxt in ("/", ":", ".", "-", "–") and num.j + 1 < n and \
            toks[num.j + 1][:1].isdigit():
        return True
    if nxt in ("%", "per", "percent"):
        return True
    if nxt in FRACTIONS:  # "one third of the members"
        return True
    if num.i == 0 and (nxt in (".", ")") or num.j == n):
        return True  # "1. Argentina": a list item's number
    if num.i > 1 and lk[num.i - 2] in ("us", "$") and prev == "$":
        return True
    return nxt in ("million", "billion", "trillion")


@dataclass
class _Cand:
    num: Number
    kind: str
    noun: str
    np_words: list[str]
    stance: str = ""
    cue: str = ""
    total: int | None = None
    explicit_total: bool = False
    of_pronoun: bool = False
    whole_of_previous: bool = False
    vote: str = ""
    is_part: bool = False
    joint: str = ""
    sponsor: str = ""


# Words between "of" and the whole it opens: "Of the Council's 47 members", "of its 36"
WHOLE_OPENERS = frozenset({"the", "its", "their", "council", "'s", "commission", "body",
                           "all", "those", "these"})
# "the other nine", "the remaining five", "nine others": a part of a whole stated elsewhere
PART_MARKERS = frozenset({"other", "remaining", "rest"})
# Left context of a count that makes it the number of a joint statement's backers
JOINT_BEFORE = (("on", "behalf", "of"), ("behalf", "of"), ("a", "group", "of"),
                ("group", "of"), ("signed", "by"), ("endorsed", "by"), ("joined", "by"),
                ("co-signed", "by"))
# Verbs of speaking/reading that make "X spoke for 39 countries" a joint statement
SPOKE_FOR = frozenset({"spoke", "speaking", "replied", "answered", "read", "delivered",
                       "responded", "statement"})
JOINT_AFTER_VERBS = frozenset({"signed", "co-signed", "endorsed", "wrote", "answered",
                               "issued", "joined", "backed", "supported"})
# What a joint statement is called; an after-verb makes a count its backers only with one of
# these in the clause ("50 countries issued a joint statement", "21 countries signed it")
STATEMENT_NOUNS = frozenset({"statement", "statements", "letter", "letters", "declaration",
                             "declarations", "communique", "communiqué"})
# Words that make a count approximate but leave it a count: "some 20", "more than 40"
APPROX = frozenset({"some", "about", "around", "nearly", "almost", "over", "roughly",
                    "approximately", "than", "more", "least", "at"})
JOINT_NOUNS = frozenset({"signatories", "co-signatories"})
# The sponsors of a voted text: "co-sponsored by 40 countries", "the draft's 38 co-sponsors"
SPONSOR_BEFORE = (("co-sponsored", "by"), ("cosponsored", "by"), ("sponsored", "by"))
SPONSOR_NOUNS = frozenset({"co-sponsors", "cosponsors", "sponsors", "co-sponsoring"})


def sponsor_cue(lk: Sequence[str], i: int, np_words: Sequence[str]) -> str:
    """The phrase that makes a count the sponsors of a voted text, or ""."""
    for pat in SPONSOR_BEFORE:
        if tuple(lk[max(0, i - len(pat)):i]) == pat:
            return " ".join(pat)
    return next((w for w in np_words if w in SPONSOR_NOUNS), "")


def joint_cue(lk: Sequence[str], i: int, j: int, np_words: Sequence[str]) -> str:
    """The phrase that makes a count the backers of a joint statement or letter, or "".

    "on behalf of 64 countries", "a group of 36 states", "signed by 43 countries", "spoke for
    39 countries", "43 countries signed", "the letter had 50 signatories".
    """
    a = i
    while a > 0 and lk[a - 1] in APPROX:
        a -= 1  # "on behalf of more than 40 countries"
    if lk[max(0, a - 2):a] == ["itself", "and"]:
        a -= 2  # "on behalf of itself and 44 other countries"
    elif a > 1 and lk[a - 1] == "and" and lk[j:j + 1] == ["other"]:
        k = a - 2  # "a statement by the Russian Federation and 20 other states"
        while k > 0 and a - k <= 8 and lk[k - 1] not in ("by", "of", "for", ";", "."):
            k -= 1
        if k > 0 and lk[k - 1] in ("by", "of", "for"):
            a = k
    for pat in JOINT_BEFORE:
        k = len(pat)
        if tuple(lk[max(0, a - k):a]) == pat:
            return " ".join(pat)
    if a > 0 and lk[a - 1] == "for" and any(w in SPOKE_FOR for w in lk[max(0, a - 4):a - 1]):
        return f"{lk[a - 2]} for"
    if a > 1 and lk[a - 1] == "by" and lk[a - 2] in STATEMENT_NOUNS:
        return f"{lk[a - 2]} by"  # "a statement by 20 countries"
    if a > 1 and lk[a - 1] == "by" and lk[a - 2] in JOINT_AFTER_VERBS and \
            any(w in STATEMENT_NOUNS for w in lk[max(0, a - 8):a - 2]):
        return f"{lk[a - 2]} by"  # "the statement, backed by 52 countries"
    if any(w in JOINT_NOUNS for w in np_words):
        return next(w for w in np_words if w in JOINT_NOUNS)
    end = next((k for k in range(j, min(len(lk), j + 14)) if lk[k] in (";", ".")),
               min(len(lk), j + 14))
    # one text for all of them (singular): "countries that delivered statements" each spoke
    single = [w for w in lk[max(0, i - 12):end] if w in STATEMENT_NOUNS and not w.endswith("s")]
    if single and any(w in STATEMENT_NOUNS or w == "it" for w in lk[j:end]):
        verb = next((w for w in lk[j:end] if w in JOINT_AFTER_VERBS), "")
        if verb:
            return verb  # "50 countries signed a statement", "21 states have signed it"
    return ""


# Tokens that may stand inside a state's name in a list ("Republic of Korea")
NAME_GLUE = frozenset({"of", "the", "and"})


def _names_before(toks: Sequence[str], k: int) -> int:
    """How many names a list ending at token ``k`` (exclusive) gives: "Pakistan" → 1,
    "Cuba, Belarus" → 2, "itself" → 1; 0 when the words before are no names."""
    count = 0
    while k > 0:
        if toks[k - 1].lower() in ("itself", "herself"):
            return count + 1 if _opens_list(toks, k - 1) else 0
        e = k
        while k > 0 and (toks[k - 1][:1].isupper() or
                         (toks[k - 1] in ("of", "the") and k - 1 > 0 and e - k >= 1
                          and toks[k - 2][:1].isupper())):
            k -= 1
        if k == e:
            return count
        count += 1
        if k > 0 and toks[k - 1] == "," and k > 1 and toks[k - 2][:1].isupper():
            k -= 1
            continue
        return count if _opens_list(toks, k) else 0
    return count


# What may stand before a list of states that is the subject or agent of a count ("by
# Pakistan and 64 other countries", "On Tuesday, Cuba and 20 other states ..."): not a verb
# ("praised China and 20 other countries" names an object, not a member)
LIST_OPENERS = frozenset({",", ";", ":", "(", "by", "of", "for", "from", "with", "and", "that",
                          "when", "as", "—", "–", "-", "“", '"'})


def _opens_list(toks: Sequence[str], k: int) -> bool:
    """True when a list of names starting at token ``k`` opens a clause or follows a
    preposition."""
    if k > 0 and toks[k - 1].lower() == "the":
        k -= 1  # "the United States and 20 other countries"
    return k == 0 or toks[k - 1].lower() in LIST_OPENERS


def named_besides(toks: Sequence[str], lk: Sequence[str], i: int, j: int, np_len: int) -> int:
    """The states a count leaves out of its figure but the text adds to it: "Pakistan and 64
    other countries", "itself and 44 other states" (the named ones), "28 countries and its
    own", "52 countries and China's own" (one); else 0."""
    if i > 1 and lk[i - 1] == "and" and lk[j:j + 1] == ["other"]:
        return _names_before(toks, i - 1)
    e = j + np_len
    if "and" in lk[j:e]:
        e = lk.index("and", j)  # "28 countries and its own": the noun phrase took the "and"
    after = lk[e:e + 4]
    if after[:3] == ["and", "its", "own"] or (after[:3] == ["as", "well", "as"] and \
            lk[e + 3:e + 4] == ["itself"]):
        return 1
    if after[:1] == ["and"] and len(after) >= 4 and after[2:4] == ["'s", "own"] and \
            toks[e + 1][:1].isupper():
        return 1
    return 0


# Left context of the states that asked for a meeting or a debate, not parties to its outcome
REQUESTED_BY = (("requested", "by"), ("request", "of"), ("convened", "by"), ("called", "by"),
                ("requests", "from"), ("requested", "it"))


def requester(lk: Sequence[str], i: int) -> bool:
    """True for a count of the states that requested a session or debate ("a special
    session requested by 16 member States", "at the request of 30 states"): they are not a
    tally of the session's vote or dialogue."""
    a = i
    while a > 0 and lk[a - 1] in APPROX:
        a -= 1
    return any(tuple(lk[max(0, a - len(p)):a]) == p for p in REQUESTED_BY)


def _of_whole_opening(lk: Sequence[str], i: int) -> bool:
    """"Of the 36 states that spoke", "Of the Council's 47 members": "of" opening a clause,
    then only determiners/possessives before the count."""
    k = i - 1
    while k >= 0 and i - k <= 4 and lk[k] in WHOLE_OPENERS:
        k -= 1
    return k >= 0 and lk[k] == "of" and \
        (k == 0 or lk[k - 1] in (",", ";", "“", '"', ":", "(", "-", "–", "—"))


def _of_between(between: Sequence[str]) -> bool:
    """Tokens between X and Y in "X of (the Council's) Y" / "X out of Y", the part's own
    noun allowed before them ("22 members out of 47")."""
    if between[:1] and noun_kinds().get(between[0]) == "delegations" and \
            between[1:2] in (["of"], ["out"]):
        between = between[1:]
    if between[:2] == ["out", "of"]:
        rest = between[2:]
    elif between[:1] == ["of"]:
        rest = between[1:]
    else:
        return False
    return len(rest) <= 3 and all(w in WHOLE_OPENERS for w in rest)


def _apply_votes(toks: Sequence[str], lk: Sequence[str], cands: list[_Cand], *,
                 after_vote: bool = False) -> list[_Cand]:
    """Mark the counts of a recorded vote (helpers.votes); dash scores add new counts."""
    nums = [(c.num.i, c.num.j, c.num.value) for c in cands
            if c.whole_of_previous or c.stance != "all"]
    wholes = frozenset(k for c in cands if c.stance == "all" and not c.whole_of_previous
                       for k in range(c.num.i, c.num.j))
    found = read_votes(toks, lk, nums, after_vote=after_vote, wholes=wholes)
    if not found:
        return cands
    by_i = {c.num.i: c for c in cands}
    extra: list[_Cand] = []
    for v in found:
        c = by_i.get(v.i)
        if c is not None and c.whole_of_previous and any(
                f.vote == v.vote and f.i < v.i and by_i.get(f.i) is not None
                and by_i[f.i].total == c.num.value for f in found):
            continue  # "22 out of 47 voted for it": the label is the part's, 47 the whole
        if c is None or c.vote:
            c = _Cand(Number(v.i, v.j, v.count, True), "delegations", "votes", [])
            extra.append(c)
        c.kind, c.vote, c.cue, c.stance = "delegations", v.vote, v.cue, "vote"
        if c.noun not in ("votes",) and noun_kinds().get(c.noun) != "delegations":
            c.noun = "votes"
    return sorted([*cands, *extra], key=lambda c: c.num.i)


def _skip_concessive(lk: Sequence[str], a: int, b: int) -> list[int]:
    """Token indexes of ``[a, b)`` outside a concessive aside ("while recognising some
    progress, raised concerns": the aside's cue does not set the stance)."""
    keep, k = [], a
    while k < b:
        if lk[k] in ("while", "although", "though", "whilst", "despite") and k > a and \
                lk[k - 1] == ",":
            e = k
            while e < b and lk[e] != ",":
                e += 1
            if e < b:
                k = e + 1
                continue
        keep.append(k)
        k += 1
    return keep


def _sentence_tallies(toks: Sequence[str], lk: Sequence[str], *,
                      after_vote: bool = False) -> list[_Cand]:
    nums = [x for x in find_numbers(toks, lk) if not _excluded(toks, lk, x)]
    cands = [_Cand(x, *_noun_phrase(toks, lk, x.j)) for x in nums]
    for c in cands:
        extra = named_besides(toks, lk, c.num.i, c.num.j, len(c.np_words))
        if extra:  # "Pakistan and 64 other countries": 65 in all
            c.num.value += extra
    cands = [c for c in cands if c.kind != "measure"]
    n = len(toks)
    # X of (the) Y / X out of (the) Y: Y is the whole, X a part of it
    for a, b in itertools.pairwise(cands):
        between = lk[a.num.j:b.num.i]
        if between == ["to"] and a.num.i > 0 and lk[a.num.i - 1] == "from":
            a.kind = b.kind = "measure"  # "rose from 17 to 30": a change, not a split
            continue
        if _of_between(between) or (a.kind == "" and between == ["to"]):
            if between == ["to"]:
                a.stance, a.cue = a.stance or "favourable", "X to Y"
                b.stance, b.cue = b.stance or "critical", "X to Y"
                if not b.kind:
                    b.kind, b.noun = a.kind, a.noun
                continue
            a.total, a.explicit_total = b.num.value, True
            b.stance, b.cue = "all", "X of Y"
            b.whole_of_previous = True
            if not a.kind or (a.kind == "other" and b.kind == "delegations"):
                a.kind, a.noun = b.kind, b.noun
    for c in cands:
        if not c.stance and _of_whole_opening(lk, c.num.i):
            c.stance, c.cue = "all", "of the Y"
        # "Seventeen of the (attending) states that took part": a part of the group its
        # noun names
        if not c.kind and lk[c.num.j:c.num.j + 2] == ["of", "the"]:
            head = next((k for k in range(c.num.j + 2, min(n, c.num.j + 5))
                         if noun_kinds().get(lk[k]) == "delegations"), None)
            if head is not None and all(toks[k][:1].islower() for k in range(c.num.j + 2, head)):
                c.kind, c.noun, c.is_part = "delegations", lk[head], True
        # "the delegations of 33 member states", "representatives of 27 States": participants
        if lk[max(0, c.num.i - 2):c.num.i] in (["delegations", "of"], ["representatives", "of"],
                                                ["delegates", "of"]) and c.kind:
            c.kind, c.noun = "delegations", "delegations"
            if not c.stance and not _stance_from_window(lk, c.num.j, n, part=True):
                c.stance, c.cue = "all", " ".join(lk[c.num.i - 2:c.num.i])
    requesting = False
    for c in cands:  # "requested by 16 member States and 36 observer States": no tally
        requesting = requester(lk, c.num.i) or (requesting and "and" in lk[c.num.i - 4:c.num.i])
        if requesting:
            c.kind = "measure"
    cands = [c for c in cands if c.kind != "measure"]
    cands = _apply_votes(toks, lk, cands, after_vote=after_vote)
    if any(c.vote for c in cands):
        for c in cands:  # "21 of the 47 votes": the whole of a vote counts delegations
            if c.whole_of_previous and not c.vote and c.noun in ("votes", "vote", "ballots"):
                c.kind, c.noun = "delegations", "delegations"
    for c in cands:
        i, j = c.num.i, c.num.j
        # X of them / those (the whole stated earlier)
        if j + 1 < n and lk[j] == "of" and lk[j + 1] in PRONOUN_WHOLE:
            c.of_pronoun = c.is_part = True
        before = lk[max(0, i - 3):i]
        if (before and before[-1] in PART_MARKERS) or (j < n and lk[j] == "others"):
            c.is_part = True
        c.sponsor = "" if c.vote else sponsor_cue(lk, i, c.np_words)
        c.joint = "" if c.vote or c.sponsor else joint_cue(lk, i, j, c.np_words)
        if c.sponsor and c.kind in ("", "other"):
            c.kind, c.noun = "delegations", "sponsors"
        if c.joint and not c.kind:
            c.kind, c.noun = "delegations", "delegations"
        if c.stance:
            continue
        # Of the Y delegations (opening a clause), a total of Y: the whole
        if _of_whole_opening(lk, i):
            c.stance, c.cue = "all", "of the Y"
        elif before[-2:] in (["total", "of"], ["total", "to"], ["total", "was"],
                             ["total", "reached"]):
            # "a total of 22 delegations spoke in favour": a part with its own cue
            later = [o.num.i for o in cands if o.num.i >= j]
            end = next((k for k in range(j, n) if lk[k] in CLAUSE_BOUNDARY), n)
            end = min([end, *later])
            got = _stance_from_window(lk, j, end, part=True)
            c.stance, c.cue = got if got else ("all", " ".join(before[-2:]))
        elif before[-2:] == ["there", "were"] or before[-3:-1] == ["there", "were"]:
            c.stance, c.cue = "all", "there were"
        elif c.kind and any(w in ("participating", "present", "attending") for w in c.np_words) \
                and not c.is_part:
            c.stance, c.cue = "all", next(w for w in c.np_words
                                          if w in ("participating", "present", "attending"))
    # stance from cues: forward to the next count or clause boundary, else a short look back
    for x, c in enumerate(cands):
        if c.stance:
            continue
        nxt = x + 1
        while nxt < len(cands) and cands[nxt].whole_of_previous:
            nxt += 1  # "Thirty out of 39 delegates spoke in favour": the cue follows the whole
        end = cands[nxt].num.i if nxt < len(cands) else n
        for k in range(c.num.j, end):
            if lk[k] in CLAUSE_BOUNDARY and not (lk[k - 1] == "," and "," in lk[k:end]):
                end = k  # ", while recognising progress, raised concerns" is an aside
                break
        has_whole = any(o.stance == "all" and o is not c for o in cands)
        keep = _skip_concessive(lk, c.num.j, end)
        sub = [lk[k] for k in keep]
        got = _stance_from_window(sub, 0, len(sub),
                                  part=c.explicit_total or has_whole or c.is_part)
        if got is None:
            start = cands[x - 1].num.j if x > 0 else 0
            start = max(start, c.num.i - 8)
            for k in range(c.num.i - 1, start - 1, -1):
                if lk[k] in CLAUSE_BOUNDARY:
                    start = k + 1
                    break
            got = _stance_from_window(lk, start, c.num.i, part=c.is_part)
        if got:
            c.stance, c.cue = got
        else:
            c.stance = "unspecified"
    # "one of the five permanent members": states counted, but no event and no side
    for a, b in itertools.pairwise(cands):
        if b.whole_of_previous and a.stance == "unspecified" and (a.noun or b.noun) and \
                {a.noun, b.noun} <= GENERIC_STATE_NOUNS | {""}:
            a.kind = b.kind = "other"
    # in a sentence reporting a vote, other counts of states are not parts of it ("with 12
    # abstentions and one member absent"), unless they are its whole
    if any(c.vote for c in cands):
        for c in cands:
            if not c.vote and c.stance != "all" and not c.joint and not c.sponsor:
                c.kind = "other" if c.kind else ""
                c.stance = "unspecified"
    return cands


# --------------------------------------------------------------------------- documents


def drop_subgroups(cands: list[_Cand], parts: set[int]) -> list[_Cand]:
    """Without "X of the Y who ..." where Y restates a part the text already gave ("nine
    raised concerns ... Three of the nine that raised concerns were European"): Y is that
    part again, not a new whole, and X a subgroup of it, no tally of the event."""
    out: list[_Cand] = []
    for x, c in enumerate(cands):
        nxt = cands[x + 1] if x + 1 < len(cands) else None
        if nxt is not None and nxt.whole_of_previous and c.total == nxt.num.value and \
                nxt.num.value in parts and not c.vote:
            continue  # X: a subgroup of a part
        if c.whole_of_previous and c.num.value in parts and x > 0 and \
                cands[x - 1].total == c.num.value and not cands[x - 1].vote:
            continue  # Y: the part restated
        out.append(c)
    return out




@lru_cache(maxsize=1)
def kind_index() -> PhraseIndex:
    """Event-kind words from ``data/event_kinds.csv`` (label = kind)."""
    return PhraseIndex(((r["phrase"], r["kind"], "") for r in rows("event_kinds.csv")),
                       ignore_case=True)


KIND_PRIORITY = ("joint_statement", "review", "dialogue")


def _kind_in(sentences: Iterable[Sentence]) -> str:
    """The event kind named in some sentences (joint statement > review > dialogue)."""
    index = kind_index()
    found = {m.label for s in sentences for m in index.find_in(s)}
    return next((k for k in KIND_PRIORITY if k in found), "")


def _stance_ahead(sentences: Sequence[Sentence], x: int) -> tuple[str, str] | None:
    """First stance cue in the next sentences of the same paragraph (a joint statement's
    count, then what the statement said)."""
    para = sentences[x].paragraph_id
    for s in sentences[x + 1:x + 4]:
        if s.paragraph_id != para:
            break
        got = _stance_from_window(s.lkeys, 0, len(s.lkeys), part=True)
        if got:
            return got
    return None


def _clauses(lk: Sequence[str]) -> list[tuple[int, int]]:
    """Clause spans of a sentence, split at ";"."""
    if ";" not in lk:
        return [(0, len(lk))]
    out, a = [], 0
    for k, w in enumerate(lk):
        if w == ";":
            out.append((a, k))
            a = k + 1
    out.append((a, len(lk)))
    return out


# Headings of the links a web page lists under or beside an article
LINK_HEADS = (("related", "links"), ("related", "link"), ("related", "stories"),
              ("related", "articles"), ("related", "news"), ("related", ":"), ("see", "also"),
              ("read", "more"), ("more", "on", "this"), ("further", "reading"),
              ("you", "may", "also", "like"))


# The words a heading opens with: a line opening on any other is no heading
_LINK_FIRST = frozenset(h[0] for h in LINK_HEADS)
LINK_TITLE_TOKENS = 16  # a link's title on its own line under the heading is short


def link_line(lk: Sequence[str]) -> bool:
    """True for a line of links a page lists ("Related links: ...", "See also: ..."): its
    figures belong to other articles."""
    return bool(lk) and lk[0] in _LINK_FIRST and any(tuple(lk[:len(h)]) == h
                                                     for h in LINK_HEADS)


def extract_tallies(doc_id: str, sentences: Sequence[Sentence], *,
                    subject_country: str = "",
                    persons_roles: dict[str, str] | None = None) -> list[Tally]:
    """Tallies of one document.

    Each count gets its ``kind`` (vote, joint_statement, review, dialogue) and, for a recorded
    vote, its literal ``vote``; the ``stance`` of a vote count is derived from the vote and
    the direction of the voted text (:mod:`helpers.votes`): on a text critical of the
    country under review yes = critical, no = favourable, abstain = neutral; on its own or
    its allies' text (its draft, a no-action motion, ending a mandate) the other way round.
    ``group`` numbers the recorded votes and joint statements of the document, so
    :func:`summarise_events` makes one event of each.

    Args:
        doc_id: the document.
        sentences: the document's sentences in order (:mod:`helpers.text`).
        subject_country: ISO3 of the country under review: the target of vote directions
            ("tabled by X"). It never names the source.
        persons_roles: ``{person: role phrase}`` from the article, so "Sokkhoeurn said" can
            be traced to the Permanent Mission when the article says he heads it.
    """
    persons_roles = persons_roles or {}
    out: list[Tally] = []
    canon, doc_source = document_sources(sentences, persons_roles)
    doc_kind = _kind_in(sentences) or "dialogue"
    by_para: dict[int, list[Sentence]] = defaultdict(list)
    for s in sentences:
        by_para[s.paragraph_id].append(s)
    para_kind = {p: _kind_in(ss) for p, ss in by_para.items()}
    current_total: int | None = None
    delegation_context = False
    pos = 0
    direction = ""  # the last text described, carried until another text is introduced
    own = False  # that text is the subject's own (it tabled or asked for it)
    links_para: int | None = None  # the paragraph of a "Related links" list
    last_para = -1
    book = _VoteBook()
    for x, (ts, src) in enumerate(zip(sentences, canon, strict=True)):
        sid, text = ts.sentence_id, ts.text
        toks, lk = ts.toks, ts.lkeys
        if link_line(lk):
            links_para = last_para = ts.paragraph_id  # "Related links: ...": page furniture
            continue
        if links_para is not None and (ts.paragraph_id == links_para or (
                len(lk) <= LINK_TITLE_TOKENS and ts.paragraph_id == last_para + 1)):
            links_para = ts.paragraph_id  # the link titles listed under the heading
            last_para = ts.paragraph_id
            continue
        links_para, last_para = None, ts.paragraph_id
        if new_text(lk):
            direction, own = "", False  # "a resolution", "another draft": a new direction
        clause_dirs = [(a, b, *text_direction(lk[a:b], subject_country, opening=a == 0))
                       for a, b in _clauses(lk)]
        if own and direction == "favourable":
            # the subject's own text or debate, carried: "the motion to hold a debate" is
            # still the one it asked for
            clause_dirs = [(a, b, "favourable" if d == "critical" and "debate" in c else d, c)
                           for a, b, d, c in clause_dirs]
        sent_dir = next((d for _a, _b, d, _c in clause_dirs if d), "")
        if sent_dir:
            own = (own and sent_dir == "favourable") or bool(own_text(lk, subject_country))
        cands = _sentence_tallies(toks, lk, after_vote=sid - book.last_sid <= 1)
        if (sent_dir or direction) == "other":
            for c in cands:  # a vote on another question ("on the death penalty")
                if c.vote:
                    c.vote, c.kind, c.stance = "", "", "unspecified"
        sent_total = next((c.num.value for c in cands if c.stance == "all"
                           and c.kind == "delegations"), None)
        if sent_total is not None or any(c.kind == "delegations" for c in cands):
            delegation_context = True
        sent_kind = _kind_in([ts])
        sent_group = 0
        cands = drop_subgroups(cands, {t.count for t in out if t.subject == "delegations"
                                       and t.stance in STANCES})
        for c in cands:
            pos += 1
            kind, noun = c.kind, c.noun
            if not kind:
                # a bare number ("only eight were critical", "the 28 spoke in favour") is a
                # delegation count only inside a delegation context and with a stance cue
                if not (delegation_context and c.stance in (*STANCES, "all")
                        and (c.of_pronoun or c.is_part
                             or any(x.kind == "delegations" for x in cands)
                             or current_total is not None)):
                    continue
                kind = "delegations"
            if (kind == "delegations" and noun in GENERIC_STATE_NOUNS and c.stance == "unspecified"
                    and not c.explicit_total and not c.of_pronoun and not c.joint
                    and not c.sponsor):
                kind = "other"  # "treaties with 50 countries": states, but not in the event
            subject = "delegations" if kind == "delegations" else noun
            if not subject:
                continue  # "Image 1 of 4": a number with nothing counted is no tally
            # other counted groups carry no side: a cue nearby is about something else
            stance = c.stance if kind == "delegations" or c.whole_of_previous \
                else "unspecified"
            total = c.total
            ev_kind, group, cue = "", 0, c.cue
            if c.vote:
                d = next((d for a, b, d, _c in clause_dirs if a <= c.num.i < b and d), "")
                d = d or sent_dir or direction or "critical"
                stance, ev_kind = vote_stance(c.vote, d), "vote"
                cue = f"{c.cue}; text: {d}"
                group = book.assign(c.vote, c.num.value, sid, d, sentence_group=sent_group,
                                    listed="(list)" in c.cue)
                sent_group = sent_group or group
            elif subject == "delegations" and c.sponsor:
                # sponsors back the text: critical of the country on a critical text
                d = sent_dir if sent_dir not in ("", "other") else direction or "critical"
                stance, ev_kind, group = vote_stance("yes", d), "other", 2000 + pos
                cue = f"{c.sponsor}; text: {d}"
            elif subject == "delegations" and c.joint:
                ev_kind, group = "joint_statement", 1000 + pos
                if stance in ("unspecified", "all"):
                    stance, cue = _statement_stance(sentences, x, out) or (stance, cue)
            if not ev_kind:
                ev_kind = sent_kind or para_kind.get(ts.paragraph_id, "") or doc_kind
            if total is None and kind == "delegations" and c.stance != "all" and not c.vote \
                    and ev_kind != "joint_statement":
                total = sent_total if sent_total is not None else current_total
                if sent_total is None and any(
                        u.stance == stance and u.total == total and u.count != c.num.value
                        for u in out):
                    total = None  # that whole already has this part: another event
            if stance == "all":
                total = c.num.value
            out.append(Tally(doc_id, sid, subject, stance, c.num.value, total,
                             src if subject == "delegations" else "", text, position=pos,
                             cue=cue, kind=ev_kind, vote=c.vote, group=group))
        # the whole of a vote ("Of the Council's 47 members, 22 voted ..."): the vote's event
        if sent_group:
            for t in out:
                if t.sentence_id == sid and t.subject == "delegations" and not t.vote \
                        and t.stance == "all":
                    t.kind, t.group = "vote", sent_group
        if sent_dir:
            direction = sent_dir
        if sent_total is not None:
            current_total = sent_total
    _fill_sources(out, sentences, canon, doc_source)
    # parts stated before their total: give them the first total that follows
    for x, t in enumerate(out):
        if t.subject == "delegations" and t.total is None and t.stance != "all" \
                and t.kind not in ("vote", "joint_statement"):
            nxt = next((u.count for u in out[x + 1:] if u.subject == "delegations"
                        and u.stance == "all" and u.kind == t.kind), None)
            t.total = nxt
    return out


def _fill_sources(tallies: list[Tally], sentences: Sequence[Sentence], canon: Sequence[str],
                  issuer: str) -> None:
    """A delegation count its own sentence does not attribute takes the attribution of the
    nearest sentence of its paragraph that also gives delegation counts, else the issuer
    named in the heading, else (dialogues and reviews: figures a party to the event
    announced) the one body the document attributes anything to."""
    para = {s.sentence_id: s.paragraph_id for s in sentences}
    by_sid = {s.sentence_id: c for s, c in zip(sentences, canon, strict=True)}
    counted = {t.sentence_id for t in tallies if t.subject == "delegations"}
    attributed: dict[int, list[int]] = defaultdict(list)  # paragraph → attributed sentences
    for sid, c in by_sid.items():
        if c and sid in counted:
            attributed[para[sid]].append(sid)
    named = {c for c in canon if c}
    single = named.pop() if len(named) == 1 else ""
    for t in tallies:
        if t.subject != "delegations" or t.source:
            continue
        near = sorted((abs(sid - t.sentence_id), sid) for sid in attributed[para[t.sentence_id]])
        if near:
            t.source = by_sid[near[0][1]]
        elif issuer:
            t.source = issuer
        elif t.kind in ("dialogue", "review") and not _person_like(single):
            t.source = single


def _person_like(name: str) -> bool:
    """A source that names a person rather than a body (no body's head noun in it)."""
    low = name.lower()
    return bool(name) and not any(w in low for w in (
        "mission", "ministry", "government", "committee", "commission", "summary", "council",
        "office")) and name not in _outlets()


@lru_cache(maxsize=1)
def _outlets() -> frozenset[str]:
    return frozenset(r["canonical"] for r in rows("sources.csv") if "{" not in r["canonical"])


class _VoteBook:
    """The recorded votes of a document so far, so each vote count joins its own vote.

    A count joins the vote of its sentence (one sentence reports one vote, even when its
    figures clash — the clash is flagged, not split), else the last vote if that lacks this
    literal vote, was stated within two sentences and is on a text of the same direction,
    else an earlier vote stating the same figure (a repeat), else it starts a vote. Counts
    sharing one label ("15, 13 and 12 votes against") are one per vote.
    """

    def __init__(self) -> None:
        self.counts: list[dict[str, int]] = []
        self.dirs: list[str] = []
        self.last_sid = -99

    def assign(self, vote: str, count: int, sid: int, direction: str, *,
               sentence_group: int, listed: bool) -> int:
        """The 1-based number of the vote a count belongs to."""
        n = len(self.counts)
        same_dir = bool(self.dirs) and self.dirs[-1] == direction
        in_sentence = sentence_group == n and same_dir and not listed
        continues = n and (self.counts[-1].get(vote) == count or (
            sid - self.last_sid <= 2 and same_dir and vote not in self.counts[-1]))
        if n and (in_sentence or continues):
            group = n
        else:
            group = next((k + 1 for k, g in enumerate(self.counts) if g.get(vote) == count), 0)
        if not group:
            self.counts.append({})
            self.dirs.append(direction)
            group = len(self.counts)
        self.counts[group - 1].setdefault(vote, count)
        self.last_sid = sid
        return group


def _statement_stance(sentences: Sequence[Sentence], x: int,
                      earlier: Sequence[Tally]) -> tuple[str, str] | None:
    """The stance of a joint statement's count whose own clause has none: what the next
    sentences of its paragraph say the statement did, else the statement just before it
    ("37 countries answered with a letter commending ...; the letter had 50 signatories")."""
    got = _stance_ahead(sentences, x)
    if got:
        return got
    sid = sentences[x].sentence_id
    prev = next((t for t in reversed(earlier) if t.kind == "joint_statement"
                 and t.sentence_id >= sid - 3), None)
    return (prev.stance, f"as the statement before ({prev.count})") if prev else None


@dataclass
class Event:
    """One reported event of a document (a row of events.csv).

    ``event_id`` numbers the document's events (1, 2, ...); the corpus-wide id is assigned
    later from ``sentence_ids`` (the sentences whose counts make up the event).
    """

    doc_id: str
    event_id: int
    total: int | None
    parts: dict[str, int]
    check: str
    source: str
    sentence_ids: list[int]
    notes: str = ""
    kind: str = "dialogue"


def _check(total: int | None, parts: dict[str, int], notes: list[str]) -> str:
    stated = sum(parts.values())
    if notes:
        return "mismatch"
    if total is None or not parts:
        return "incomplete"
    if stated == total:
        return "ok"
    return "incomplete" if stated < total else "mismatch"


def _event_groups(deleg: Sequence[Tally]) -> list[list[Tally]]:
    """Tallies grouped per real event: each recorded vote and each joint statement by its
    ``group``; other counts by the whole they belong to (each distinct ``all`` starts an
    event; a part joins the whole it names, else the one in force where it stands). A count
    that repeats a vote's or statement's figure (a headline) joins that event."""
    grouped: dict[object, list[Tally]] = defaultdict(list)
    for t in deleg:
        if t.group:
            grouped[("g", t.group)].append(t)
    # joint statements stated twice (headline and body) are one event
    merged: dict[object, list[Tally]] = {}
    seen: dict[tuple[str, int], object] = {}
    for key, ts in grouped.items():
        t0 = ts[0]
        sig = (t0.stance, t0.count)
        if t0.kind == "joint_statement" and sig in seen:
            merged[seen[sig]].extend(ts)
            continue
        if t0.kind == "joint_statement":
            seen[sig] = key
        merged[key] = ts
    figures = {(t.stance, t.count): key for key, ts in merged.items() for t in ts}
    totals_of = {key: {t.count for t in ts if t.stance == "all"} for key, ts in merged.items()}
    rest = [t for t in deleg if not t.group]
    loose: list[Tally] = []
    for t in rest:
        key = figures.get((t.stance, t.count))
        if key is None and t.total is not None:
            key = next((k for k, tot in totals_of.items() if t.total in tot), None)
        if key is not None:
            merged[key].append(t)
        else:
            loose.append(t)
    totals: list[int] = []
    for t in loose:
        if t.stance == "all" and t.count not in totals:
            totals.append(t.count)
    by_total: dict[object, list[Tally]] = defaultdict(list)
    for t in loose:
        key: object = t.count if t.stance == "all" else t.total
        if key not in totals:
            key = totals[0] if len(totals) == 1 else key
        if t.stance != "all" and t.total is None and any(
                u.stance == t.stance and u.count != t.count for u in by_total[key]):
            key = ("apart", t.position)  # "21 spoke for it last year": another event
        by_total[key].append(t)
    groups = [*merged.values(), *by_total.values()]
    return sorted(groups, key=lambda ts: min(t.position for t in ts))


def summarise_events(tallies: Sequence[Tally]) -> list[Event]:
    """Group a document's delegation tallies into events and check that the parts add up.

    One event per recorded vote (its yes, no and abstain counts and the membership they
    belong to), per joint statement, and per whole of a dialogue or review (see
    :func:`_event_groups`). Repeated statements of the same (stance, count) count once.
    ``check``: ``ok`` when the stated parts add up to the total (parts not stated count as 0
    only then), ``incomplete`` when they fall short or there is no total, ``mismatch`` when
    they exceed it or a stance carries two different counts. ``kind`` is the kind most of the
    event's counts carry (a vote's counts: ``vote``).
    """
    deleg = [t for t in tallies if t.subject == "delegations"]
    if not deleg:
        return []
    doc_id = deleg[0].doc_id
    events: list[Event] = []
    for n, ts in enumerate(_event_groups(deleg), start=1):
        parts: dict[str, int] = {}
        notes = []
        for st in STANCES:
            vals = Counter(t.count for t in ts if t.stance == st)
            if vals:
                parts[st] = vals.most_common(1)[0][0]
                if len(vals) > 1:
                    notes.append(f"{st} stated as " + " and ".join(map(str, sorted(vals))))
        alls = Counter(t.count for t in ts if t.stance == "all")
        total = alls.most_common(1)[0][0] if alls else None
        kinds = Counter(t.kind for t in ts)
        kind = "vote" if "vote" in kinds else kinds.most_common(1)[0][0]
        srcs = Counter(t.source for t in ts if t.source)
        events.append(Event(doc_id, n, total, parts, _check(total, parts, notes),
                            srcs.most_common(1)[0][0] if srcs else "",
                            sorted({t.sentence_id for t in ts}), "; ".join(notes), kind))
    return events
