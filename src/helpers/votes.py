"""Recorded votes: the counts of a vote, their literal vote, and the direction of the text.

A recorded vote at the Council is reported in a handful of shapes, all read here from the
tokens of one sentence (:class:`helpers.text.Sentence`):

* a dash score — "passed 24-15", "carried 22–18", "23-7-17" (yes, no, abstain);
* "N votes to M" / "by a vote of N to M" / "by N to M" — the winning side first, so after
  "rejected", "defeated" or "voted down" the first figure is the *no* count;
* a count followed by its label — "22 in favour, 11 against and 14 abstained",
  "19 against, 17 for, 11 abstentions", "seven states that voted no", "Only four members,
  A, B, C and D, voted for", "15, 13 and 12 votes against respectively" (a list shares the
  label);
* a label followed by its count — "backed by 21 of the 47 members", "Votes In Favor: 20",
  "In favour (22): Argentina, ...", "Abstentions: 17".

Labels are in ``data/vote_cues.csv``. Labels that are also dialogue language ("in favour",
"against", "backed") count as votes only in a sentence about a vote (:func:`vote_context`).

**Direction.** The stance of a vote count is always toward the country under review
(docs/DESIGN.md). On a text critical of that country — a resolution on the situation in it,
establishing or renewing a mandate, a motion to debate it — *yes* is critical, *no* favourable,
*abstain* neutral. On a text the country or its allies put forward — its own draft, a no-action
motion, a draft ending a mandate, technical assistance — the other way round.
:func:`text_direction` reads that from the grammar of the clause: who tabled the text ("tabled
by X", "X's own resolution", "the Eritrean text", "a resolution of its own") and what it does
(cues in ``data/vote_texts.csv``). A clause that says nothing about the text inherits the
direction of the last text described in the document; with none, a voted text is taken to be
critical (the Council votes on scrutiny of a country far more often than on its own drafts).
:func:`vote_stance` maps (vote, direction) to the stance; the literal vote is kept beside it.

:func:`vote_lists` gives the named voters of headed lists ("In favour (22): Argentina, ...")
and of "A, B and C voted against" for the stances stage.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from helpers.phrases import PhraseIndex
from helpers.refdata import rows
from helpers.text import Mention, Sentence

# A dash score in one token: "24-15" or "23-7-17" (hyphen, non-breaking hyphen)
DASH_SCORE = re.compile(r"^(\d{1,3})[-‐‑](\d{1,3})(?:[-‐‑](\d{1,3}))?$")
DASHES = frozenset({"-", "–", "—", "‐", "‑"})
# Words that make a sentence about a vote by themselves
VOTE_WORDS = frozenset({"vote", "votes", "voted", "voting", "abstain", "abstained",
                        "abstaining", "abstention", "abstentions", "ballot"})
# Voted texts and what happens to them: together they make a sentence about a vote
TEXT_NOUNS = frozenset({"resolution", "resolutions", "text", "texts", "draft", "drafts",
                        "motion", "motions", "decision", "proposal", "amendment"})
OUTCOME_VERBS = frozenset({"adopted", "adopt", "adopts", "passed", "pass", "passes", "passing",
                           "carried", "rejected", "rejects", "reject", "defeated", "approved",
                           "backed", "supported", "opposed", "scraped"})
# After these the first figure of "N votes to M" / "N-M" is the losing yes count
REJECTION = frozenset({"rejected", "rejects", "defeated", "failed", "fails", "lost",
                       "down", "blocked"})
# Words a count may be separated from its label by: its noun, a relative pronoun, a copula,
# an appositive list of names (capitalised words, commas, "and")
GAP_WORDS = frozenset({"votes", "vote", "members", "member", "states", "state", "countries",
                       "country", "delegations", "delegation", "nations", "governments",
                       "others", "other", "of", "them", "the", "council", "'s", "that",
                       "who", "which", "were", "had", "have", "also", "only", "and", ",",
                       "among", "including", "then", "later", "eventually", "in", "all",
                       "respectively", "member-states", "member-countries", "-", "–", "—",
                       "(", ")", "such", "as", "like", "namely", "e.g.", "cast", "their",
                       "ballots", "ballot", "&", "out"})
# Words between a label and its count that leave it the count: "won only 16", "secured just 9"
LABEL_FILLERS = frozenset({"only", "just", "merely", "barely", "nearly", "almost", "some"})
CLAUSE_STOP = frozenset({";", ":", "while", "whereas", "but", "although", ".", "?"})
VOTE_STANCE = {("yes", "critical"): "critical", ("no", "critical"): "favourable",
               ("abstain", "critical"): "neutral", ("yes", "favourable"): "favourable",
               ("no", "favourable"): "critical", ("abstain", "favourable"): "neutral"}
OWN_TEXT = frozenset({"draft", "text", "resolution", "motion", "proposal", "decision",
                      "initiative", "bid"})
TABLED = frozenset({"tabled", "presented", "introduced", "submitted", "proposed", "drafted",
                    "sponsored", "put", "brought", "moved", "led", "steered", "requested",
                    "sought", "convened", "called"})
# Words between "by" and the subject naming it: "by the delegation of X", "by the X government"
BY_WHOM = frozenset({"the", "delegation", "government", "mission", "of", "its"})
# What a state may have asked for besides a text: "the special session requested by X",
# "a debate X had sought"
ASKED_FOR = frozenset({"session", "debate", "meeting", "vote"})
# "<subject> (had) sought / requested / tabled ...": the subject's own text ("the resolution
# Sri Lanka had sought"); "led", "put", "moved" are left out ("X led the opposition")
SUBJECT_ASKED = frozenset({"sought", "requested", "tabled", "presented", "introduced",
                           "submitted", "proposed", "drafted", "wanted"})
# Words that end the object of "X requested ...": "requested more time before the vote"
AFTER_VERB_STOP = frozenset({"before", "after", "on", "about", "for", "in", "of", "to", "that",
                             "time", ",", "."})
# Harm done to the subject: a text condemning "the aggression against X" stands by X
HARM_AGAINST = frozenset({"aggression", "attack", "attacks", "invasion", "war", "occupation",
                          "blockade"})


@lru_cache(maxsize=1)
def label_index() -> PhraseIndex:
    """Vote labels from ``data/vote_cues.csv`` (label = vote, payload = where|strong)."""
    return PhraseIndex(((r["phrase"], r["vote"], f"{r['where']}|{r['strong']}")
                        for r in rows("vote_cues.csv")), ignore_case=True)


@lru_cache(maxsize=1)
def text_index() -> PhraseIndex:
    """What-the-text-does cues from ``data/vote_texts.csv`` (label = direction)."""
    return PhraseIndex(((r["phrase"], r["direction"], "") for r in rows("vote_texts.csv")),
                       ignore_case=True)


@lru_cache(maxsize=64)
def subject_forms(subject: str) -> PhraseIndex:
    """The ways a text names the country under review: its names, short forms, capital and
    demonym ("Sri Lanka", "Colombo", "Sri Lankan"), lower-cased."""
    from helpers.lexicon import capitals, demonym_states, iso3_names, state_names

    forms = {n for n, iso in state_names().items() if iso == subject}
    forms |= {c for c, iso in capitals().items() if iso == subject}
    forms |= {d for d, iso in demonym_states().items() if iso == subject}
    if subject in iso3_names():
        forms.add(iso3_names()[subject])
    return PhraseIndex(((f, "S", "") for f in forms if f), ignore_case=True)


@dataclass
class VoteCount:
    """A count of a recorded vote at tokens ``[i, j)`` of a sentence."""

    i: int
    j: int
    count: int
    vote: str
    cue: str


def _value(tok: str) -> int | None:
    return int(tok) if tok.isdigit() else None


def vote_context(lk: Sequence[str]) -> bool:
    """True when a sentence is about a vote: vote words, or a voted text and its outcome."""
    if not VOTE_WORDS.isdisjoint(lk):
        return True
    return not TEXT_NOUNS.isdisjoint(lk) and not OUTCOME_VERBS.isdisjoint(lk)


def _winner_first(lk: Sequence[str], upto: int, after: int | None = None
                  ) -> tuple[str, str]:
    """(first, second) votes of a bare score: the winning side first; "voted 19-17
    against" (``after``: the token after the score) puts the no count first."""
    if after is not None and after < len(lk) and lk[after] == "against":
        return "no", "yes"
    start = max(0, upto - 12)
    rejected = any(lk[k] in REJECTION for k in range(start, upto)) or \
        any(lk[k:k + 2] == ["turned", "down"] for k in range(start, upto))
    return ("no", "yes") if rejected else ("yes", "no")


def dash_scores(lk: Sequence[str], numbers: Sequence[tuple[int, int, int]]) -> list[VoteCount]:
    """"passed 24-15", "23-7-17", "carried 22 – 18": yes-no(-abstain), winner first."""
    out: list[VoteCount] = []
    for k, tok in enumerate(lk):
        m = DASH_SCORE.match(tok)
        if m:
            a, b = _winner_first(lk, k, k + 1)
            out.append(VoteCount(k, k + 1, int(m.group(1)), a, "N-M"))
            out.append(VoteCount(k, k + 1, int(m.group(2)), b, "N-M"))
            if m.group(3):
                out.append(VoteCount(k, k + 1, int(m.group(3)), "abstain", "N-M-K"))
    for (i1, j1, v1), (i2, j2, v2) in itertools.pairwise(numbers):
        if j1 + 1 == i2 and lk[j1] in DASHES:
            a, b = _winner_first(lk, i1, j2)
            out += [VoteCount(i1, j1, v1, a, "N-M"), VoteCount(i2, j2, v2, b, "N-M")]
    return out


def votes_to(lk: Sequence[str], numbers: Sequence[tuple[int, int, int]]) -> list[VoteCount]:
    """"by 22 votes to 11", "by a vote of 23 to 7", "by 19 to 17": winner first."""
    out: list[VoteCount] = []
    for (i1, j1, v1), (i2, j2, v2) in itertools.pairwise(numbers):
        between = lk[j1:i2]
        before = lk[max(0, i1 - 3):i1]
        # "by 19 to 17", "by a vote of 23 to 7", "adopted 29 to 12"
        led = before[-2:] == ["vote", "of"] or before[-1:] == ["by"] or (
            bool(before) and before[-1] in OUTCOME_VERBS | REJECTION)
        if between in (["votes", "to"], ["vote", "to"]) or (between == ["to"] and led):
            a, b = _winner_first(lk, i1)
            out += [VoteCount(i1, j1, v1, a, "N votes to M"), VoteCount(i2, j2, v2, b,
                                                                          "N votes to M")]
    return out


def _label_at(lk: Sequence[str], k: int, where: str) -> tuple[int, str, bool] | None:
    """A vote label starting at token ``k`` usable in position ``where``:
    ``(length, vote, strong)``."""
    m = label_index().match(lk, k)
    if not m:
        return None
    length, vote, payload = m
    pos, strong = payload.split("|")
    if pos == "both" or pos == where:
        return length, vote, strong == "1"
    return None


def _label_before(lk: Sequence[str], i: int, *, strong_context: bool) -> tuple[str, str] | None:
    """``(vote, label)`` of a label just before the count at ``i``: "backed by 21",
    "In favour (22)", "Votes In Favor: 20". A bare "against 7" or "in favour 7" is no vote
    label, and a label that is also dialogue language needs a sentence about a vote."""
    k = i
    punct = False
    while k > 0 and lk[k - 1] in ("(", ":", "=", "-", "–"):
        k -= 1
        punct = True
    while k > 0 and not punct and lk[k - 1] in LABEL_FILLERS:
        k -= 1  # "garnered only 16", "won just 12"
    for a in range(max(0, k - 4), k):
        lab = label_index().match(lk, a)
        if not lab or a + lab[0] != k:
            continue
        pos, strong = lab[2].split("|")
        usable = pos in ("before", "both") or (pos == "head" and punct)
        allowed = strong == "1" or strong_context or punct
        bare = pos == "both" and not punct and lk[a] in ("against", "in")
        if usable and allowed and not bare:
            return lab[1], " ".join(lk[a:k])
    return None


def _combined(lk: Sequence[str], k: int) -> bool:
    """True when the label ending at ``k`` is joined by "or" to another label ("voted
    against or abstained", "against or abstaining"): a figure adding two votes up."""
    if k < len(lk) and lk[k] == "or":
        return _label_at(lk, k + 1, "after") is not None or \
            (k + 2 < len(lk) and _label_at(lk, k + 2, "after") is not None)
    return False


def _label_after(toks: Sequence[str], lk: Sequence[str], first: tuple[int, int, int],
                 numbers: Sequence[tuple[int, int, int]], *, strong_context: bool,
                 wholes: frozenset[int]) -> tuple[list[tuple[int, int, int]], str, str] | None:
    """The label after a count, read over its noun, a relative pronoun, an appositive list of
    names and a list of further counts sharing the label ("15, 13 and 12 votes against"):
    ``(counts, vote, label)``."""
    starts = {t[0]: t for t in numbers}
    n = len(lk)
    group = [first]
    k = first[1]
    steps = since_num = 0
    while k < n and steps < 40:  # long enough for an appositive list of names
        if k in starts:
            between = lk[group[-1][1]:k]
            if len(group) == 1 and (between[-1:] == ["of"] or between[-2:] == ["of", "the"]):
                k = starts[k][1]  # "22 members out of 47 voted for it": 47 is the whole
                steps += 1
                continue
            if lk[k - 1] in (",", "and") and since_num == 1:
                group.append(starts[k])
                k = starts[k][1]
                since_num = 0
                continue
            return None
        lab = _label_at(lk, k, "after")
        if lab is None and k == first[1] and lk[k] in ("yes", "no") and strong_context and \
                (k + 1 == n or lk[k + 1] in (",", "and", ".", ";", "with", "while")):
            lab = (1, lk[k], True)  # "19 voted yes, 6 no and 22 abstained"
        bare_for = lk[k] == "for" and k > first[1] and k + 1 < n and \
            lk[k + 1] not in (",", ".", ";", "and")  # "... for the text" is no label
        if lab and (lab[2] or strong_context) and not bare_for:
            if _combined(lk, k + lab[0]):
                return None  # "27 against or abstaining": two votes added up, no vote
            label = " ".join(lk[k:k + lab[0]])
            if len(group) > 1:
                label += " (list)"  # one count per vote, not one vote
            return group, lab[1], label
        if lk[k] in CLAUSE_STOP:
            return None
        if lk[k] not in GAP_WORDS and not toks[k][:1].isupper() and k not in wholes:
            return None
        k += 1
        steps += 1
        since_num += 1
    return None


def labelled_counts(toks: Sequence[str], lk: Sequence[str],
                    numbers: Sequence[tuple[int, int, int]], *, strong_context: bool,
                    wholes: frozenset[int] = frozenset()) -> list[VoteCount]:
    """Counts with a vote label after them ("11 against", "seven states that voted no",
    "15, 13 and 12 votes against") or before them ("backed by 21", "In favour (22)")."""
    out: list[VoteCount] = []
    taken: set[int] = set()
    for i, j, v in numbers:
        if i in taken:
            continue
        got = _label_before(lk, i, strong_context=strong_context)
        if got and lk[i - 1] not in ("(", ":", "=", "-", "–") and _label_after(
                toks, lk, (i, j, v), numbers, strong_context=strong_context, wholes=wholes):
            got = None  # "drew 14, 11 and 9 votes against": the label after the count wins
        if got:
            out.append(VoteCount(i, j, v, got[0], got[1]))
            taken.add(i)
            continue
        after = _label_after(toks, lk, (i, j, v), numbers, strong_context=strong_context,
                             wholes=wholes)
        if after:
            group, vote, label = after
            for gi, gj, gv in group:
                out.append(VoteCount(gi, gj, gv, vote, label))
                taken.add(gi)
    return out


def read_votes(toks: Sequence[str], lk: Sequence[str],
               numbers: Sequence[tuple[int, int, int]], *, after_vote: bool = False,
               wholes: frozenset[int] = frozenset()) -> list[VoteCount]:
    """All vote counts of a sentence (empty when the sentence is not about a vote).

    Args:
        toks: tokens as written; lk: lower-cased tokens.
        numbers: ``(i, j, value)`` of the counts in the sentence (dates, years etc. removed).
        after_vote: the sentence follows one that reported a vote ("Seven countries ... were
            against" continues it).
        wholes: token indexes of the whole a count is part of ("twenty-five of the 47 members
            voted in favour"): read over, not as a count.
    """
    strong = vote_context(lk) or after_vote
    if not numbers and not strong:
        return []  # no count to label, and no score read outside a vote
    # "Thirty-three of the 47 members voted ...": the whole is read over, not labelled;
    # "one of the 14 countries that abstained": the relative clause labels the whole
    of_pairs = [(a, b) for a, b in itertools.pairwise(numbers)
                if lk[a[1]:b[0]] in (["of"], ["of", "the"], ["out", "of"],
                                     ["out", "of", "the"])]
    relative = {a for a, b in of_pairs
                if any(w in ("that", "who", "which") for w in lk[b[1]:b[1] + 3])}
    of_wholes = {b for a, b in of_pairs if a not in relative}
    numbers = [t for t in numbers if t not in of_wholes and t not in relative]
    wholes = wholes | {k for i, j, _v in of_wholes for k in range(i, j)}
    found: list[VoteCount] = []
    if strong:
        found += dash_scores(lk, numbers)
    found += votes_to(lk, numbers)
    have = {v.i for v in found}
    rest = [t for t in numbers if t[0] not in have]
    found += labelled_counts(toks, lk, rest, strong_context=strong, wholes=wholes)
    found.sort(key=lambda v: (v.i, v.vote != "yes"))
    return found


# --------------------------------------------------------------------------- direction


# "-led", "-sponsored": a text put forward by the state named before the hyphen
SPONSORING = frozenset({"led", "sponsored", "drafted", "proposed", "tabled", "initiated",
                        "authored", "backed"})


@lru_cache(maxsize=64)
def _subject_strings(subject: str) -> frozenset[str]:
    """Lower-case names of the country under review ("sri lanka", "colombo", ...)."""
    from helpers.lexicon import capitals, demonym_states, state_names

    out = {n for n, iso in state_names().items() if iso == subject}
    out |= {c for c, iso in capitals().items() if iso == subject}
    out |= {d for d, iso in demonym_states().items() if iso == subject}
    return frozenset(x.lower() for x in out)


def _subject_at(forms: PhraseIndex, lk: Sequence[str], k: int) -> int:
    """Length of a name of the country under review starting at ``k`` (0 if none)."""
    m = forms.match(lk, k) if k < len(lk) and lk[k] in forms else None
    return m[0] if m else 0


# The words own_text needs one of (or a token with a hyphen: "X-led")
_OWN_TEXT_CUES = OWN_TEXT | ASKED_FOR | {"own", "request", "against"}


def own_text(lk: Sequence[str], subject: str) -> str:
    """The cue when a clause says the voted text is the subject's own: "tabled by X",
    "X's own resolution", "the X-ian text", "a resolution of its own"; else ""."""
    n = len(lk)
    present = set(lk)
    if present.isdisjoint(_OWN_TEXT_CUES) and "-" not in "".join(lk):
        return ""  # no text named, no "X-led": nothing to find
    for k in range(n) if "own" in present else ():  # both phrases hold "own"
        if lk[k] == "own" and k > 0 and lk[k - 1] in ("its", "their", "'s") and \
                k + 1 < n and lk[k + 1] in OWN_TEXT:
            return "its own text"
        if lk[k] in OWN_TEXT and lk[k + 1:k + 4] == ["of", "its", "own"]:
            return "a text of its own"
    if not subject:
        return ""
    forms = subject_forms(subject)
    names = _subject_strings(subject)
    for k in [k for k, w in enumerate(lk) if "-" in w]:
        # "a Cambodia-sponsored text", "the Sri Lanka-led resolution"
        head, _, tail = lk[k].rpartition("-")
        if head and tail in SPONSORING and (head in names or
                                            (k > 0 and f"{lk[k - 1]} {head}" in names)):
            return lk[k]
    for k in [k for k in range(n) if lk[k] in forms.index]:  # where a name may start
        length = _subject_at(forms, lk, k)
        if not length:
            continue
        e = k + length
        # "tabled by Eritrea", "put forward by Sri Lanka"
        back = lk[max(0, k - 7):k]
        while back and back[-1] in BY_WHOM:
            back = back[:-1]  # "tabled by the delegation of Sri Lanka", "by the Sri Lankan"
        back = back[-3:]
        if back and back[-1] == "by" and any(w in TABLED for w in back[:-1]):
            return f"{' '.join(back)} {' '.join(lk[k:e])}"
        got = asked_by_subject(lk, k, e)
        if got:
            return got
        # "Eritrea's draft", "the Eritrean text", "Beijing's no-action motion"
        rest = lk[e:e + 3]
        if rest[:1] == ["'s"]:
            rest = rest[1:]
        if rest[:1] == ["own"]:
            rest = rest[1:]
        if rest and (rest[0] in OWN_TEXT or (len(rest) > 1 and rest[0] in
                                             ("no-action", "counter", "counter-draft")
                                             and rest[1] in OWN_TEXT)):
            return " ".join(lk[k:e + 2])
    return ""


def asked_by_subject(lk: Sequence[str], k: int, e: int) -> str:
    """The cue when the subject named at tokens ``[k, e)`` asked for the voted text or
    meeting, or the text stands by it: "at the request of X", "at X's request", "the
    resolution X had sought", "the aggression against X"; else ""."""
    back = lk[max(0, k - 8):k]
    while back and back[-1] in BY_WHOM and back[-2:] != ["request", "of"]:
        back = back[:-1]  # "at the request of the government of X", "of the X government"
    back = back[-4:]
    if back[-3:] == ["the", "request", "of"] or back[-2:] == ["request", "of"]:
        return f"request of {' '.join(lk[k:e])}"
    if lk[e:e + 2] == ["'s", "request"]:
        return f"{' '.join(lk[k:e])}'s request"
    if (back[-1:] == ["against"] or back[-2:] == ["against", "the"]) and \
            any(w in HARM_AGAINST for w in back):
        return f"{' '.join(back)} {' '.join(lk[k:e])}"
    rest = lk[e:e + 3]
    if rest[:1] in (["had"], ["has"], ["have"]):
        rest = rest[1:]
    if rest[:1] and rest[0] in SUBJECT_ASKED:
        v = e + lk[e:e + 3].index(rest[0])
        # "the resolution Sri Lanka had sought", "a debate China requested"
        if k > 0 and any(w in OWN_TEXT | ASKED_FOR for w in lk[max(0, k - 4):k]):
            return f"{' '.join(lk[k:e])} {rest[0]}"
        # "Sri Lanka requested an urgent debate", "China tabled a draft": the noun right after
        for w in lk[v + 1:v + 4]:
            if w in OWN_TEXT | ASKED_FOR:
                return f"{' '.join(lk[k:e])} {rest[0]} {w}"
            if w in AFTER_VERB_STOP:
                break
    return ""


# A sentence opening on its topic ("On the mandate of the Independent Expert on ...,",
# "Concerning business and human rights,", "As for ...,"): a summary of several texts
TOPIC_OPENERS = (("on",), ("concerning",), ("regarding",), ("as", "for"), ("turning", "to"),
                 ("with", "regard", "to"), ("in", "a", "resolution", "on"),
                 ("in", "a", "decision", "on"))
_TOPIC_FIRST = frozenset(o[0] for o in TOPIC_OPENERS)
# What the "on ..." of a sentence about the day is not: "On Thursday, ..."
NOT_A_TOPIC = frozenset("monday tuesday wednesday thursday friday saturday sunday "
                        "january february march april may june july august september "
                        "october november december same day days occasion behalf time "
                        "this that its which".split())


def other_topic(lk: Sequence[str], subject: str) -> str:
    """The topic when a sentence opens on one that is not the country under review
    ("On the mandate of the Independent Expert on international solidarity, the Council
    adopted ..."), or when it names another state's situation; else ""."""
    if not subject:
        return ""
    if (not lk or lk[0] not in _TOPIC_FIRST) and "situation" not in lk and "rights" not in lk:
        return ""  # no opener, no "situation in", "rights in": no topic to read
    forms = subject_forms(subject)
    if forms.find(lk):
        return ""
    for opener in TOPIC_OPENERS:
        k = len(opener)
        if tuple(lk[:k]) == opener and "," in lk[k:]:
            topic = lk[k:lk.index(",", k)]
            if len(topic) >= 2 and not any(w in NOT_A_TOPIC or w[:1].isdigit()
                                           for w in topic[:4]):
                return " ".join(topic)
    for k in [k for k, w in enumerate(lk[:-2]) if w in ("situation", "rights")]:
        if lk[k + 1] == "in" and _state_at(lk, k + 2):  # "situation in X", "rights in X"
            return " ".join(lk[k:k + 4])
    return ""


@lru_cache(maxsize=1)
def _states() -> PhraseIndex:
    from helpers.lexicon import state_names

    return PhraseIndex(((n, "STATE", iso) for n, iso in state_names().items() if iso != "-"),
                       ignore_case=True)


def _state_at(lk: Sequence[str], k: int) -> bool:
    """A state's name at token ``k`` (after an optional "the")."""
    if k < len(lk) and lk[k] == "the":
        k += 1
    return k < len(lk) and _states().match(lk, k) is not None


def text_direction(lk: Sequence[str], subject: str, *, opening: bool = True
                   ) -> tuple[str, str]:
    """``(direction, cue)`` of what a clause says about the voted text, or ``("", "")``.

    The subject's own text and cues of a favourable text (a no-action motion, ending a
    mandate) win over cues of a critical text ("on the situation in X", "renewing"). A text
    on another question ("on the question of the death penalty", a sentence of a summary
    opening on another topic — ``opening``: the clause opens the sentence) is ``other``.
    """
    own = own_text(lk, subject)
    if own:
        return "favourable", own
    found = text_index().find(lk)
    fav = [m for m in found if m.label == "favourable"]
    if fav:
        return "favourable", " ".join(lk[fav[0].i:fav[0].j])
    other = [m for m in found if m.label == "other"]
    if other and not (subject and subject_forms(subject).find(lk)):
        return "other", " ".join(lk[other[0].i:other[0].j])
    topic = other_topic(lk, subject) if opening else ""
    if topic:
        return "other", topic
    crit = [m for m in found if m.label == "critical"]
    if crit:
        return "critical", " ".join(lk[crit[0].i:crit[0].j])
    return "", ""


# Words that introduce a text not described before: "a resolution", "another draft", "a
# second text", "in a separate vote"
INTRODUCING = frozenset({"a", "an", "another", "first", "second", "third", "separate", "new",
                         "further", "earlier", "later", "previous", "following"})
NEW_TEXT_NOUNS = TEXT_NOUNS | {"vote", "votes", "session"}


def new_text(lk: Sequence[str]) -> bool:
    """True when a sentence introduces a voted text other than the one described before
    ("Years earlier a resolution passed ...", "In a separate vote, ...", "Another draft
    ..."): the direction carried from the previous text stops here."""
    for k, w in enumerate(lk):
        if w not in INTRODUCING:
            continue
        nouns = TEXT_NOUNS if w in ("a", "an") else NEW_TEXT_NOUNS  # "a vote" is no new text
        if any(x in nouns for x in lk[k + 1:k + 4]):
            return True
    return False


def vote_stance(vote: str, direction: str) -> str:
    """Stance toward the country under review of a literal vote on a text of ``direction``
    (``critical`` when unknown): yes on a critical text is critical, and so on."""
    return VOTE_STANCE.get((vote, direction or "critical"), "unspecified")


# --------------------------------------------------------------------------- named voters

_HEAD = re.compile(r"^\s*(?:(?:votes?|voted|voting)\s+)?(in favou?r(?: of)?|for|yes|against|no|"
                   r"abstain(?:ing|ed)?|abstentions?)\s*(?:\(\s*\d+\s*\)|:\s*\d+)?\s*[:.\-–]",
                   re.IGNORECASE)  # a headed vote list: "In favour (22): ...", "Against: ..."
_LIST_ITEM_TOKENS = 8  # "1. Argentina", "- Republic of Korea": a line of a vertical list
# Words that glue a list of voters together or lead from it to its vote ("A, B and C were
# among those that voted against")
LIST_GLUE = frozenset({",", "and", "the", "as", "well", "also", "all", "both", "were", "was",
                       "among", "those", "that", "who", "which", "countries", "states",
                       "members", "had", "have", "has", "too", "'s", "of"})
_HEAD_VOTE = {"in favour": "yes", "in favor": "yes", "in favour of": "yes",
              "in favor of": "yes", "for": "yes", "yes": "yes", "against": "no", "no": "no"}


# "were among seven states that voted no": a count inside the subject list
_NUMBERISH = re.compile(r"^(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                        r"\w+teen|\w+ty(?:-\w+)?)$")


def toks_upper(s: Sentence, k: int) -> bool:
    """A capitalised token (part of a name the tagger may have split: "Republic of Korea")."""
    return s.toks[k][:1].isupper()


def vote_lists(sentences: Sequence[Sentence], mentions: Sequence[Mention]
               ) -> list[tuple[str, list[Mention]]]:
    """Named voters: ``[(vote, [COUNTRY/BLOC mentions])]`` in text order.

    Read from headed lists ("In favour (22): Argentina, Armenia, ...", "Against: ...",
    "Abstaining (14): ...", also a heading followed by one name a line: "Voted in Favor:",
    "1. Argentina", "2. Armenia") and from clauses whose subject is a list of states followed by a
    vote label ("China, Cuba and Russia voted against", "India ... abstained"). The vote is
    the literal one; map it with :func:`text_direction` / :func:`vote_stance` for a stance.
    """
    by_sid: dict[int, list[Mention]] = {}
    for m in mentions:
        if m.label in ("COUNTRY", "BLOC"):
            by_sid.setdefault(m.sentence_id, []).append(m)
    out: list[tuple[str, list[Mention]]] = []
    open_list: list[Mention] | None = None  # a heading whose names follow line by line
    for s in sentences:
        ms = sorted(by_sid.get(s.sentence_id, []), key=lambda m: m.start)
        head = _HEAD.match(s.text)
        if head:
            vote = _HEAD_VOTE.get(head.group(1).lower(), "abstain")
            out.append((vote, list(ms)))
            open_list = out[-1][1]
            continue
        if open_list is not None and ms and len(s.toks) <= _LIST_ITEM_TOKENS:
            open_list.extend(ms)  # "1. Argentina" under "Voted in favour:"
            continue
        open_list = None
        if not ms:
            continue
        # "A, B and C voted against": the list of names right before a strong label;
        # "voted against, among them A, B and C": the list right after it
        lk = s.lkeys
        name_tok = {s.token_at(m.start) for m in ms}
        k = 0
        while k < len(lk):
            lab = _label_at(lk, k, "after")
            if not lab or not lab[2]:
                k += 1
                continue
            a = k
            while a > 0 and (a - 1 in name_tok or lk[a - 1] in LIST_GLUE or
                             toks_upper(s, a - 1) or _NUMBERISH.match(lk[a - 1])):
                if _NUMBERISH.match(lk[a - 1]) and lk[max(0, a - 3):a - 1][-1:] != ["among"] \
                        and lk[max(0, a - 3):a - 1] != ["among", "the"]:
                    break  # "..., and six abstained": the six, not the names before them
                a -= 1
            e = k + lab[0]
            b = e
            if b < len(lk) and lk[b] == ",":
                b += 1
            if lk[b:b + 2] in (["among", "them"], ["including"], ["such", "as"], ["namely"]) \
                    or lk[b:b + 1] in (["including"], ["namely"]):
                b += 2 if lk[b] in ("among", "such") else 1
                while b < len(lk) and (b in name_tok or lk[b] in LIST_GLUE
                                       or toks_upper(s, b)):
                    b += 1
            else:
                b = e
            spans = [s.char_span(a, k)] if a < k else []
            if b > e:
                spans.append(s.char_span(e, b))
            names = [m for m in ms if any(lo <= m.start < hi for lo, hi in spans)]
            if names:
                out.append((lab[1], names))
            k = e
    return [(v, names) for v, names in out if names]
