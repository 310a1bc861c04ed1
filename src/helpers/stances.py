"""Stage 03b: which states and blocs the text says took which side.

Each sentence is cut into clauses (:mod:`helpers.clauses`); a cue from
``data/stance_cues.csv`` governs the actors of its own clause only. The rule kinds, each a
small function below:

* :func:`vote_heading` — a headed vote list ("In favour (20): A, B, ...", "Against: ...");
* :func:`active_clause` — the states and blocs named before a cue in its clause are its
  subject ("Germany, Canada and X called on ...", "China, Cuba ... voted against"), and a list
  opened after it belongs to it too ("twenty voted against, among them A, B");
* :func:`passive_by` — actors after the cue ("co-sponsored by A and B", "criticised by A");
* :func:`inherit_by` — "supported by"/"shared by"/"joined by": the side of what they back;
* :func:`on_behalf_of` — "X on behalf of Y", "Speaking for Y, X ...": both take the side of
  the statement (:func:`statement_side`);
* :func:`signatories` — "signatories included A, B", "the list ... included A, B": the side of
  the statement in focus;
* :func:`sponsor_compound` — "a US-backed resolution", "the EU's draft", "a European Union
  resolution": the sponsor of a text votes yes on it;
* :func:`aligned_with` — "voted with the United States", "as did A": the side of that actor;
* :func:`call_for_object` — what is called for or rejected decides the side ("urged members to
  reject the resolution" is supportive when the resolution is critical);
* :func:`rejected_report_author` and :func:`bloc_member_follow` as before.

Votes become stances by the DESIGN rule (:func:`vote_stance`): on a text critical of the
country under review yes = critical, no = supportive, abstain = neutral; on a text it or its
allies put forward (its own draft, technical assistance, a no-action motion, ending a mandate)
the other way round. Which text is in focus is read from the grammar (:func:`text_polarity`).

The country under review is never an actor; places ("in the EU"), compounds ("the
Cambodia-Thailand ceasefire") and negated actors take no stance. A bloc's members are listed
in a separate column (``bloc_members``), never turned into rows.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from helpers.clauses import clause_ids, connectives, opens_with
from helpers.lexicon import bloc_members, demonym_states
from helpers.phrases import Match, PhraseIndex
from helpers.refdata import rows
from helpers.text import Mention, Sentence

PLACE_PREPS = frozenset({"in", "inside", "within", "across", "throughout", "against", "to",
                         "into", "toward", "towards", "at", "visited", "visiting", "chairing",
                         "chaired", "chair", "chairs", "from"})
LIST_GLUE = frozenset({",", "and", "the", "–", "—", "-", "as", "well", "also", "(", ")", "or"})
PASSIVE_AUX = frozenset({"was", "were", "is", "are", "been", "be", "being"})
NEGATORS = frozenset({"not", "n't", "never", "neither", "nor", "no", "refrained", "declined",
                      "refused", "short", "without"})
CRITICAL_OBJECTS = frozenset({"remarks", "report", "reports", "rapporteur", "recommendations",
                              "concerns", "criticism", "demands", "calls", "statement",
                              "findings", "allegations"})
# backing these backs the scrutiny of the country ("welcomed the rapporteur's report")
SCRUTINY_BODIES = frozenset({"rapporteur", "rapporteur's", "mandate", "mechanism", "commission",
                             "inquiry", "investigation", "fact-finding", "special",
                             "recommendations", "findings"})
# what "supported by"/"shared by" may back to inherit the side stated just before: a
# speaker or what was said
BACKED_SPEECH = frozenset({"he", "she", "they", "it", "view", "views", "position", "stance",
                           "call", "calls", "remarks", "statement", "this", "that", "speaker",
                           "delegation", "ambassador", "representative", "proposal", "concern",
                           "concerns", "appeal", "argument", "point"})
# relative pronouns that open an embedded clause (see helpers.clauses)
RELATIVES = frozenset({"which", "who", "whom", "whose", "where"})
# verbs of putting a text forward ("tabled by", "brought jointly by")
SPONSOR_VERBS = frozenset({"tabled", "presented", "introduced", "submitted", "drafted",
                           "sponsored", "co-sponsored", "cosponsored", "brought", "forward",
                           "proposed", "led", "moved", "raised"})
# criticising or rejecting these defends the country under review
DEFENDED_AGAINST = frozenset({"office", "politicization", "politicisation", "interference",
                              "selectivity", "double", "mechanism", "pressure", "sanctions",
                              "meddling", "naming", "shaming"})
# verbs of voting inside what is called for ("urged members to reject the resolution")
CALLED_VOTES = {"reject": "no", "oppose": "no", "against": "no", "support": "yes",
                "back": "yes", "adopt": "yes", "abstain": "abstain", "defeat": "no"}
DRAFT_NOUNS = frozenset({"resolution", "draft", "text", "motion", "decision", "proposal",
                         "initiative", "amendment", "amendments", "resolutions"})
SPONSOR_SUFFIXES = ("-backed", "-drafted", "-sponsored", "-led", "-tabled", "-sponsored")
VOTE_WORDS = frozenset({"vote", "voted", "votes", "voting", "abstained", "abstentions",
                        "abstaining", "abstention"})
# words that open a clause's own noun-phrase subject ("while 19 others abstained")
NOUN_OPENERS = frozenset({"the", "a", "an", "others", "other", "some", "many", "most", "all",
                          "several", "few", "both", "each", "these", "those", "this", "that",
                          "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                          "ten", "eleven", "twelve"})
# words between "by" and a state that still name it ("by the representatives from ASEAN")
SPEAKER_WORDS = frozenset({"representative", "representatives", "delegation", "delegations",
                           "delegates", "delegate", "ambassador", "ambassadors", "of", "from",
                           "the", "countries", "states", "members", "governments", "government",
                           "member", "core", "group", "main", "sponsors", "co-sponsors",
                           "officials", "official", "envoy", "envoys", "diplomats",
                           "diplomat", "minister", "ministers", "spokesperson", "spokesman",
                           "spokeswoman", "leaders", "leader"})
# a short object between a vote and the list that joins it ("voted against it, together with")
OBJECT_WORDS = frozenset({"it", "them", "this", "that", "text", "resolution", "draft",
                          "motion", "decision", "renewal", "proposal", "initiative"})
HEADING_VOTES = {"favour": "yes", "favor": "yes", "yes": "yes", "against": "no", "no": "no",
                 "abstaining": "abstain", "abstentions": "abstain", "abstained": "abstain",
                 "abstention": "abstain"}
HEADING_FILL = frozenset({"in", "votes", "voting", "voted", "vote", "the", "those", "for",
                          "were", "states", "members", "countries", "(", ")"})


@lru_cache(maxsize=1)
def stance_cues() -> PhraseIndex:
    """Stance cues from ``data/stance_cues.csv`` (label = stance or vote, payload = kind)."""
    return PhraseIndex(((r["phrase"], r["stance"], r["kind"]) for r in rows("stance_cues.csv")),
                       ignore_case=True)


@lru_cache(maxsize=1)
def draft_cues() -> PhraseIndex:
    """What a voted text does to the country (``data/draft_cues.csv``)."""
    return PhraseIndex(((r["phrase"], r["kind"], "") for r in rows("draft_cues.csv")),
                       ignore_case=True)


@lru_cache(maxsize=1)
def list_openers() -> PhraseIndex:
    """Words that open a list after a cue (``data/list_openers.csv``)."""
    return PhraseIndex(((r["phrase"], "list", "") for r in rows("list_openers.csv")),
                       ignore_case=True)


@lru_cache(maxsize=1)
def statement_words() -> PhraseIndex:
    """Side of a statement without a cue (``data/statement_words.csv``); a phrase listed
    under several kinds carries them all, joined by ``|``."""
    kinds: dict[str, list[str]] = defaultdict(list)
    for r in rows("statement_words.csv"):
        kinds[r["phrase"]].append(r["kind"])
    return PhraseIndex(((p, "|".join(k), "") for p, k in kinds.items()), ignore_case=True)


def _needed_words(phrases: Iterable[tuple[str, ...]]
                  ) -> tuple[frozenset[str], tuple[frozenset[str], ...]]:
    """The longest word of each phrase, and the words of each: a sentence holding none of
    the former, or not all the words of any phrase, can match none of them."""
    distinct = set(phrases)
    return (frozenset(max(toks, key=len) for toks in distinct),
            tuple({frozenset(toks) for toks in distinct}))


def _may_hold(words: frozenset[str], needed: tuple[frozenset[str], tuple[frozenset[str], ...]]
              ) -> bool:
    """False when a sentence with these words can match none of the phrases of
    :func:`_needed_words`."""
    keys, phrases = needed
    return not keys.isdisjoint(words) and any(p <= words for p in phrases)


@lru_cache(maxsize=1)
def _group_phrases() -> tuple[frozenset[str], tuple[frozenset[str], ...]]:
    """:func:`_needed_words` of the stance cues of kind ``group``."""
    return _needed_words(toks for entries in stance_cues().index.values()
                         for toks, _l, kind in entries if kind == "group")


@lru_cache(maxsize=1)
def _marker_phrases() -> tuple[frozenset[str], tuple[frozenset[str], ...]]:
    """:func:`_needed_words` of the statement words of kind ``marker`` or ``reply``."""
    return _needed_words(toks for entries in statement_words().index.values()
                         for toks, label, _p in entries
                         if {"marker", "reply"} & set(label.split("|")))


def statement_kinds(lk: Sequence[str]) -> set[str]:
    """Kinds of statement words in a sentence (reply, marker, refers, concern, roll)."""
    return {k for m in statement_words().find(lk) for k in m.label.split("|")}


def _statement_kinds_of(c: Clause) -> frozenset[str]:
    """:func:`statement_kinds` of a clause's sentence, computed once per sentence."""
    got = c._kinds
    if got is None:
        got = c._kinds = frozenset(
            k for m in statement_words().find_with(c.lk, c.words)
            for k in m.label.split("|"))
    return got


@lru_cache(maxsize=1)
def side_nouns() -> PhraseIndex:
    """Nouns naming a side ("backers", "critics"; ``data/side_nouns.csv``)."""
    return PhraseIndex(((r["noun"], r["vote"], "") for r in rows("side_nouns.csv")),
                       ignore_case=True)


@lru_cache(maxsize=1)
def number_words() -> dict[str, int]:
    """``{number word: value}`` (``data/number_words.csv``)."""
    return {r["word"]: int(r["value"]) for r in rows("number_words.csv")}


def number_value(word: str) -> int | None:
    """"6", "06", "six", "twenty-one" as a number (None when not one)."""
    if word.isdigit():
        return int(word)
    parts = word.split("-")
    vals = [number_words().get(p) for p in parts]
    if not parts or any(v is None for v in vals):
        return None
    return sum(v for v in vals if v is not None)


@dataclass
class Stance:
    """One stated position (a row of stances.csv)."""

    doc_id: str
    sentence_id: int
    actor: str
    actor_label: str
    stance: str
    target: str
    cue: str
    evidence: str
    bloc_members: str = ""


@dataclass(slots=True)
class Slot:
    """A state or bloc mention placed on the sentence's tokens ``[i, j)``."""

    i: int
    j: int
    m: Mention
    place: bool = False  # a place, an object or part of a compound: never a subject
    bound: bool = False  # part of a compound or negated: never an actor at all


@dataclass(slots=True)
class Found:
    """A stance a rule found for one slot."""

    slot: Slot
    stance: str
    cue: str
    at: int  # token index of the cue (orders overrides after a contrast)


@dataclass
class DocState:
    """What earlier sentences of the document tell the later ones."""

    subject: str
    vote_doc: bool = False
    polarity: str = "critical"  # what the text in focus does to the subject
    reversed_motion: bool = False  # the reversed text in focus is a procedural motion
    statement: str | None = None  # side of the joint statement in focus
    last_stance: str | None = None
    last_blocs: dict[str, str] = field(default_factory=dict)
    known: dict[str, str] = field(default_factory=dict)  # actor -> last stance
    heading: tuple[str, str] | None = None  # (stance, cue) of a vote heading ending in ":"


class Clause:
    """The sentence seen by the rules: tokens, clause ids, slots and cues.

    The clause ids, the cues and the phrase look-ups are computed when first asked for: most
    sentences that name no state or bloc never need their clause ids, and a look-up runs
    once per sentence however many rules ask it.
    """

    __slots__ = ("_cues", "_drafts", "_ids", "_kinds", "found", "lk", "sent", "slots",
                 "subject", "words")

    def __init__(self, sent: Sentence, slots: list[Slot], subject: str = "", *,
                 ids: list[int] | None = None,
                 cues: list[tuple[int, int, str, str]] | None = None) -> None:
        self.sent = sent
        self.lk: list[str] = sent.lkeys
        self.words: frozenset[str] = frozenset(self.lk)  # the sentence's distinct tokens
        self.slots = slots
        self.subject = subject  # ISO3 of the country under review
        self.found: list[Found] = []  # stances found so far in the sentence
        self._ids = ids
        self._cues = cues
        self._drafts: tuple[Match, ...] | None = None
        self._kinds: frozenset[str] | None = None

    @property
    def ids(self) -> list[int]:
        """A clause id per token (:func:`helpers.clauses.clause_ids`)."""
        if self._ids is None:
            starts = {s.i for s in self.slots}
            ends = {s.j - 1 for s in self.slots}
            self._ids = clause_ids(self.lk, is_item=starts.__contains__,
                                   is_item_end=ends.__contains__)
        return self._ids

    @property
    def cues(self) -> list[tuple[int, int, str, str]]:
        """Stance cues ``(i, j, label, kind)`` in order: :func:`find_cues` and
        :func:`request_cues`."""
        if self._cues is None:
            cues = find_cues(self.lk, self.words)
            if not _REQUEST_VERBS.isdisjoint(self.words):
                cues += request_cues(self.lk, self.slots, self.subject)
            self._cues = sorted(cues)
        return self._cues

    @property
    def drafts(self) -> tuple[Match, ...]:
        """``draft_cues().find`` over the whole sentence."""
        if self._drafts is None:
            self._drafts = tuple(draft_cues().find_with(self.lk, self.words))
        return self._drafts

    def has_group_cue(self) -> bool:
        """True when a cue of kind ``group`` ("on behalf of") is among the cues; a sentence
        missing a word of each such cue has none, and its cues are not looked up."""
        if self._cues is None and not _may_hold(self.words, _group_phrases()):
            return False
        return any(k == "group" for *_x, k in self.cues)

    def actors_in(self, a: int, b: int, *, places: bool = False) -> list[Slot]:
        return [s for s in self.slots if a <= s.i < b and (places or not s.place)]


# ---------------------------------------------------------------------------------------
# sentence analysis


# negators that make an actor right after them no actor ("but not Beijing"); "no" does not
_NEGATES_ACTOR = NEGATORS - {"no"}
# a bloc's role after its name ("as ASEAN chair", "under the EU presidency")
_ROLE_NOUNS = frozenset({"chair", "chairman", "chairmanship", "presidency"})


def actor_slots(sent: Sentence, mentions: Iterable[Mention]) -> list[Slot]:
    """States and blocs of a sentence on its tokens, with places and compounds marked."""
    out: list[Slot] = []
    lk = sent.lkeys
    if not mentions:
        return out
    ordered = sorted(mentions, key=lambda m: m.start)
    base = sent.start
    # the tokens up to the first one past the last mention are enough to place them all
    spans = sent.spans_upto(max(m.end for m in ordered) - base)
    starts = [a for a, _e in spans]
    n = len(spans)
    for m in ordered:
        ms, me = m.start - base, m.end - base
        i = bisect_left(starts, ms)  # the first token starting at or after the mention
        if i >= n:
            continue
        # the token holding the mention start may begin before it ("Cambodia-Thailand")
        if starts[i] > ms and i > 0:
            i -= 1
        j = i
        while j < n and starts[j] < me:
            j += 1
        j = max(j, i + 1)
        tok = lk[j - 1]
        whole = starts[i] == ms and spans[j - 1][1] == me
        compound = "-" in tok and not whole and not tok.endswith(SPONSOR_SUFFIXES) and \
            not tok.endswith(("-based", "-born"))
        prev = [w for w in lk[max(0, i - 3):i] if w != "the"]
        place = bool(prev and prev[-1] in PLACE_PREPS) or compound or \
            (j < len(lk) and lk[j] in _ROLE_NOUNS)
        # "as ASEAN chair", "under the EU presidency": a role, not the bloc speaking
        if place and not compound and prev[-1:] == ["from"] and len(prev) > 1 and \
                prev[-2] in SPEAKER_WORDS:
            place = False  # "the representative from Japan" speaks for it
        negated_here = i > 0 and (lk[i - 1] in _NEGATES_ACTOR or (
            i > 1 and lk[i - 2] in _NEGATES_ACTOR and lk[i - 1] in ("by", "the")))
        # "but not Beijing", "but not by China"
        out.append(Slot(i, j, m, place or negated_here, compound or negated_here))
    return out


@lru_cache(maxsize=1)
def expression_words() -> dict[str, str]:
    """``{word: kind}`` from ``data/expression_words.csv``."""
    return {r["word"]: r["kind"] for r in rows("expression_words.csv")}


@lru_cache(maxsize=1)
def _expression_verbs() -> frozenset[str]:
    return frozenset(w for w, kind in expression_words().items() if kind == "verb")


def expression_cues(lk: Sequence[str]) -> list[tuple[int, int, str, str]]:
    """"expressed strong support", "voiced their concerns": a verb of expressing, up to three
    modifiers, and a noun naming a side, as an active cue."""
    words = expression_words()
    verbs = _expression_verbs()
    out = []
    for k in [k for k, w in enumerate(lk) if w in verbs]:
        j = k + 1
        while j < len(lk) and j - k <= 3 and words.get(lk[j]) == "modifier":
            j += 1
        if j < len(lk) and words.get(lk[j]) in ("supportive", "critical"):
            out.append((k, j + 1, words[lk[j]], "active"))
    return out


def find_cues(lk: Sequence[str], words: frozenset[str] | None = None
              ) -> list[tuple[int, int, str, str]]:
    """Stance cues of a sentence as ``(i, j, label, kind)``: the phrases of
    ``data/stance_cues.csv`` and expressions of a side (:func:`expression_cues`), the
    longer where they overlap (``words``: the sentence's distinct tokens, when known)."""
    if words is None:
        words = frozenset(lk)
    cues = [(m.i, m.j, m.label, m.payload) for m in stance_cues().find_with(lk, words)]
    if _expression_verbs().isdisjoint(words):
        return sorted(cues)  # no verb of expressing: no expression cue
    for e in expression_cues(lk):
        clash = [x for x in cues if x[0] < e[1] and e[0] < x[1]]
        if all(x[1] - x[0] < e[1] - e[0] for x in clash):
            cues = [x for x in cues if x not in clash] + [e]
    return sorted(cues)


def tabled_by(lk: Sequence[str], n: int, i: int) -> bool:
    """A verb of putting a text forward, then "by", between tokens ``n`` and ``i`` ("the
    draft, tabled jointly by ..."); "backed by" is support, not authorship."""
    return any(lk[k] == "by" and k > 0 and (lk[k - 1] in SPONSOR_VERBS or
                                            (k > 1 and lk[k - 2] in SPONSOR_VERBS))
               for k in range(n + 1, i))


@lru_cache(maxsize=64)
def _subject_demonyms(subject: str) -> frozenset[str]:
    """The demonyms (``data`` via :func:`helpers.lexicon.demonym_states`) naming a state."""
    return frozenset(d for d, iso in demonym_states().items() if iso == subject)


def text_polarity(c: Clause, st: DocState) -> str:
    """What the text this sentence talks about does to the country under review.

    ``reverse`` when it is the country's own or its allies' (its draft, technical assistance,
    a no-action motion, ending a mandate, tabled by the country), ``critical`` when it
    scrutinises the country or another state put it forward ("a US-led resolution"); else
    the text in focus before — unless that was a motion and this sentence speaks of a
    resolution or draft again.
    """
    lk = c.lk
    found = c.drafts
    kinds = {m.label for m in found}
    nouns = [m.i for m in found if m.label == "noun"]
    if "reverse" in kinds:
        st.reversed_motion = "motion" in lk or "no-action" in lk
        return "reverse"
    subj = [s for s in c.slots if s.m.canonical == c.subject]
    others = [s for s in c.slots if s.m.canonical != c.subject and not s.place]
    own = _subject_demonyms(c.subject)
    for n in nouns:
        before = lk[max(0, n - 3):n]
        # "Eritrea's draft", "the Eritrean text", "a draft tabled by Eritrea"
        if (subj and any(s.j <= n and n - s.j <= 3 and "'s" in lk[s.j:n + 1] for s in subj)) \
                or (own and any(w.capitalize() in own for w in before)) or \
                (subj and any(n < s.i <= n + 6 and tabled_by(lk, n, s.i) for s in subj)):
            st.reversed_motion = False
            return "reverse"
    for n in nouns:
        # "a US-led resolution", "the EU's text", "a draft tabled by Peru"
        if any(0 <= n - s.j <= 2 and (lk[s.j - 1].endswith(SPONSOR_SUFFIXES) or
                                      lk[s.j:s.j + 1] == ["'s"]) for s in others) or \
                any(n < s.i <= n + 6 and tabled_by(lk, n, s.i) for s in others):
            return "critical"
    if "critical" in kinds or (nouns and "on" in c.words):
        return "critical"
    if st.polarity == "reverse" and st.reversed_motion and nouns and \
            not any(lk[n] == "motion" for n in nouns):
        return "critical"  # back from the motion to the text itself
    return st.polarity


def vote_stance(vote: str, st: DocState) -> str:
    """A literal vote (yes, no, abstain) as a stance toward the country under review."""
    if vote == "abstain":
        return "neutral"
    critical_text = st.polarity != "reverse"
    if vote in ("yes", "sponsor"):
        return "critical" if critical_text else "supportive"
    return "supportive" if critical_text else "critical"


def cue_stance(label: str, st: DocState) -> str | None:
    """The stance a cue's label gives (votes mapped by :func:`vote_stance`; ``contrary``:
    the other side from the one stated just before)."""
    if label in ("supportive", "critical", "neutral"):
        return label
    if label == "contrary":
        return {"supportive": "critical", "critical": "supportive"}.get(st.last_stance or "")
    if label in ("yes", "no") and not st.vote_doc:
        return "supportive" if label == "yes" else "critical"  # supporters of the country
    if label in ("yes", "no", "abstain", "sponsor"):
        return vote_stance(label, st)
    return None


def negated(lk: Sequence[str], a: int) -> bool:
    """A negator just before a cue ("did not support")."""
    return any(w in NEGATORS for w in lk[max(0, a - 3):a] if w != "no") or \
        (a > 0 and lk[a - 1] == "no" and lk[a] not in ("votes",))


def list_after(c: Clause, b: int, *, reach: int = 12) -> list[Slot]:
    """The list of actors that a list opener right after token ``b`` introduces ("..., among
    them A, B and C"; ": A, B"), or that follows directly ("by A and B")."""
    lk = c.lk
    k = b
    limit = min(len(lk), b + reach)
    opened = False
    while k < limit:
        if c.ids[k] != c.ids[min(b, len(lk) - 1)] and lk[k] != ":" and k > b:
            break
        if any(s.i == k and not s.bound and s.m.canonical != c.subject and
               (not s.place or opened) for s in c.slots):
            break
        m = list_openers().match(lk, k)
        if m:
            k += m[0]
            opened = True
            continue
        if lk[k] in (".", ";"):
            break
        if lk[k] in LIST_GLUE or lk[k].isdigit():
            k += 1
            continue
        if opened or lk[k] in SPEAKER_WORDS or lk[k] in OBJECT_WORDS:
            # "among them the United States", "by the representatives from ASEAN"
            k += 1
            continue
        break
    return contiguous_list(c, k)


def contiguous_list(c: Clause, k: int) -> list[Slot]:
    """Actors from token ``k`` on, joined only by list glue ("A, B, the C and D")."""
    lk = c.lk
    out: list[Slot] = []
    by_i = {s.i: s for s in c.slots}
    start = k
    while k < len(lk):
        s = by_i.get(k)
        if s is not None:
            if not s.place or (not out and not s.bound and k > 0 and
                               (lk[k - 1] in ("from", "of") or k <= start + 1)):
                out.append(s)  # "grateful to China, ...": the cue ends on its preposition
            elif s.place and not s.bound and "to" in lk[max(0, k - 2):k] and out and \
                    start > 0 and lk[start - 1] == "from":
                out.append(s)  # "ranged from Albania to the United States"
            k = s.j
            continue
        if lk[k] in LIST_GLUE or lk[k] == "'s" or (out and lk[k] in SPEAKER_WORDS):
            k += 1
            continue
        if out and lk[k] == "to" and start > 0 and lk[start - 1] == "from":
            k += 1  # "ranged from Albania to the United States"
            continue
        m = list_openers().match(lk, k) if out and lk[k] not in (":", "was", "were") else None
        if m:
            k += m[0]  # "... and included Canada, France": the list goes on
            continue
        # a name the tagger only partly knows ("the former Yugoslav Republic of Macedonia"):
        # capitalised words up to a named state, within one list item
        j = k
        while j < len(lk) and j - k < 5 and j not in by_i and (
                c.sent.toks[j][:1].isupper() or lk[j] in ("of", "former")):
            j += 1
        if out and j > k and j in by_i and lk[k - 1] in (",", "the", "and"):
            k = j
            continue
        break
    return out


# ---------------------------------------------------------------------------------------
# rule kinds


def vote_heading(c: Clause, st: DocState) -> list[Found]:
    """Headed vote lists: "In favour (22): A, B ...", "Against: C, D", "Abstaining: E" —
    one or several in a sentence (a results block run together), each list up to the
    next heading."""
    lk = c.lk
    if ":" not in lk:
        return []  # no heading
    heads: list[tuple[int, int, str]] = []  # (first token of the heading, colon, vote)
    for colon, w in enumerate(lk):
        if w != ":":
            continue
        k = colon
        while k > 0 and (lk[k - 1] in HEADING_VOTES or lk[k - 1] in HEADING_FILL or
                         lk[k - 1].isdigit()) and colon - k < 8:
            k -= 1
        votes = [HEADING_VOTES[x] for x in lk[k:colon] if x in HEADING_VOTES]
        if votes:
            heads.append((k, colon, votes[-1]))
    out: list[Found] = []
    for n, (_k, colon, vote) in enumerate(heads):
        end = heads[n + 1][0] if n + 1 < len(heads) else len(lk)
        if vote == "abstain":
            stance = "neutral"
        elif st.vote_doc:
            stance = vote_stance(vote, st)
        else:
            stance = "supportive" if vote == "yes" else "critical"
        cue = " ".join(lk[_k:colon])
        listed = [Found(s, stance, cue, colon) for s in c.slots
                  if colon < s.i < end and not s.place]
        out += listed
        if n + 1 == len(heads) and not listed and all(not w.isalnum() for w in lk[colon + 1:]):
            st.heading = (stance, cue)  # "Votes against:" with its list on the lines below
    return out


# Tokens a list item may hold besides the names it lists: its marker and separators.
_ITEM_GLUE = frozenset({".", ")", "(", "-", "–", "—", "•", "*", "·", ",", ";", "and", "the"})


def heading_items(c: Clause, st: DocState) -> list[Found]:
    """The items under a vote heading that ends its line ("Votes against:" then "1. Bolivia",
    "2. Cuba" ...): a sentence that holds only list markers and state or bloc names takes the
    heading's side; any other sentence ends the list."""
    if st.heading is None:
        return []
    inside = {k for sl in c.slots for k in range(sl.i, sl.j)}
    if not c.slots or any(k not in inside and not (w in _ITEM_GLUE or w.isdigit())
                          for k, w in enumerate(c.lk)):
        if c.lk and c.lk[-1] != ":":
            st.heading = None
        return []
    stance, cue = st.heading
    return [Found(sl, stance, cue, 0) for sl in c.slots if not sl.place]


def subject_of(c: Clause, a: int, prev_end: int) -> list[Slot]:
    """The actors before a cue at token ``a`` in its clause: those after the previous cue when
    any are named there, else back to the clause start; a named list reaches further back."""
    cid = c.ids[a]
    lo = c.ids.index(cid)  # the clause may resume after an embedded relative clause
    chosen = [s for s in c.actors_in(max(lo, prev_end), a) if c.ids[s.i] == cid]
    if not chosen:
        chosen = [s for s in c.actors_in(lo, a) if c.ids[s.i] == cid]
    return chosen


def predicate_stance(c: Clause, ci: int, st: DocState) -> str | None:
    """The side a cue gives, read with its object: a vote on a text by the DESIGN rule;
    "opposing interference", "backing dialogue" as a stance on what they name; calls and
    criticism by :func:`call_for_object`."""
    _a, b, label, kind = c.cues[ci]
    lk = c.lk
    stance = cue_stance(label, st)
    if stance is None:
        return None
    if label in ("supportive", "critical"):
        return call_for_object(c, b, stance, st)
    if label in ("yes", "no") and any(w in DRAFT_NOUNS for w in lk[b:b + 3]):
        return vote_stance(label, st)  # "opposed the draft": a vote on it, said or cast
    if label in ("yes", "no") and kind == "vote" and b < len(lk) and \
            lk[b] not in DRAFT_NOUNS | OBJECT_WORDS | {",", ".", ";", "and", "(", ":"} and \
            not list_openers().match(lk, b) and not any(s.i == b for s in c.slots) and \
            not any(w in DRAFT_NOUNS for w in lk[b:b + 3]):
        base = "critical" if label == "no" else "supportive"
        stance = call_for_object(c, b, base, st)
        if stance == base and st.vote_doc:
            stance = cue_stance(label, st) or stance
    return stance


def active_clause(c: Clause, st: DocState, ci: int) -> list[Found]:
    """An active cue: its clause's actors before it, and a list opened after it."""
    a, b, label, kind = c.cues[ci]
    lk = c.lk
    if a > 0 and lk[a - 1] in PASSIVE_AUX and lk[a].endswith("ed"):
        if kind == "vote" and lk[b:b + 1] == ["by"] and not negated(lk, a):
            # "the draft was opposed by China and Cuba": the agent follows "by"
            stance = vote_stance(label, st) if label in ("yes", "no", "abstain") else \
                cue_stance(label, st)
            return [Found(s, stance, " ".join(lk[a:b]), a) for s in list_after(c, b + 1)] \
                if stance else []
        if kind == "active":
            return []  # "the report ... was welcomed": whoever is named is not the agent
    if negated(lk, a):
        return []
    stance = predicate_stance(c, ci, st)
    if stance is None:
        return []
    prev_end = max((cj for _ci, cj, _l, _k in c.cues[:ci] if c.ids[_ci] == c.ids[a]), default=-1)
    if modifies_noun(c, a):
        return []  # "the paragraph calling for an inquiry": the paragraph calls
    chosen = subject_of(c, a, prev_end)
    if not chosen and opens_clause_without_subject(c, a):
        chosen = earlier_subject(c, a)
    cue = " ".join(lk[a:b])
    out = [Found(s, stance, cue, a) for s in chosen]
    if kind == "vote" or label in ("yes", "no", "abstain"):
        after = list_after(c, b)
        if not subjects_of_a_later_cue(c, after):
            out += [Found(s, stance, cue, a) for s in after]
    if not chosen:
        out += [Found(s, stance, cue, a) for s in list_after_object(c, b)]
    return out


# Words between a list of states and its own verb: "China, Russia and Qatar all voted ...".
_BEFORE_VERB = frozenset({"all", "also", "both", "each", "then", "had", "have", ","})


def subjects_of_a_later_cue(c: Clause, slots: list[Slot]) -> bool:
    """True when a list after a cue is the subject of the next cue ("Malaysia abstained and
    China and Cuba voted against": the list belongs to "voted against", not to
    "abstained")."""
    if not slots:
        return False
    k = max(s.j for s in slots)
    while k < len(c.lk) and c.lk[k] in _BEFORE_VERB:
        k += 1
    return any(a == k for a, _b, _l, _k in c.cues)


def list_after_object(c: Clause, b: int, *, reach: int = 8) -> list[Slot]:
    """A list that a cue with a common-noun subject introduces after its object: "The
    countries that spoke in favour of X were: A, B", "Those voicing concern about X included
    A and B"."""
    lk = c.lk
    for k in range(b, min(len(lk), b + reach)):
        if lk[k] in (";", ".") or (lk[k] == "," and k + 1 < len(lk) and lk[k + 1] in
                                    connectives()):
            return []
        if any(s.i == k and s.m.canonical != c.subject for s in c.slots):
            return []
        m = list_openers().match(lk, k)
        if m and lk[k] in ("were", ":", "included", "include", "are", "was"):
            return list_after(c, k)
    return []


def modifies_noun(c: Clause, a: int) -> bool:
    """An -ing cue right after a common noun modifies that noun ("a report urging ...",
    "the paragraph calling for ..."); after a comma, a named state or a word that stands for
    the actors ("those voting no", "countries supporting ...") it does not."""
    lk = c.lk
    if not lk[a].endswith("ing") or a == 0:
        return False
    b = next(j for ca, j, _l, _k in c.cues if ca == a)
    if b >= len(lk) or not lk[b].isalpha():
        return False  # a predicative adjective: "considered it disappointing."
    prev = lk[a - 1]
    if prev in (",", "and", "those", "all", "others") or prev in GROUP_NOUNS or \
            not prev.isalpha() or any(s.j == a for s in c.slots):
        return False
    return "among" not in lk[max(0, a - 3):a]


def sponsor_active(c: Clause, st: DocState) -> list[Found]:
    """"Pakistan tabled a no-action motion", "Peru introduced the draft": the state that puts
    a text forward votes yes on it."""
    lk = c.lk
    out: list[Found] = []
    if SPONSOR_VERBS.isdisjoint(c.words):
        return out  # no verb of putting a text forward
    nouns = {m.i for m in c.drafts if m.label == "noun"}
    for k, w in enumerate(lk):
        if w not in SPONSOR_VERBS or w in ("led", "forward") or (
                k + 1 < len(lk) and lk[k + 1] == "by"):
            continue
        if k > 0 and lk[k - 1] in PASSIVE_AUX:
            continue  # "was tabled": the agent follows "by" (passive_by)
        if not any(k < n <= k + 4 for n in nouns) and not (
                w == "put" or lk[k + 1:k + 2] == ["forward"]):
            continue
        if w in ("raised", "moved", "proposed") and not any(
                lk[n] in ("motion", "amendment", "amendments", "draft", "resolution")
                for n in nouns if k < n <= k + 4):
            continue
        prev_end = max((cj for ca, cj, _l, _k in c.cues if ca < k and c.ids[ca] == c.ids[k]),
                       default=-1)
        out += [Found(s, vote_stance("sponsor", st), f"{w} the text", k)
                for s in subject_of(c, k, prev_end)]
    return out


def opens_clause_without_subject(c: Clause, a: int) -> bool:
    """True when the cue's clause opens with a conjunction and names no subject of its own
    ("..., but called for ...", "..., but considered it disappointing"); a clause that opens
    on a noun phrase ("while 19 others abstained") has its own."""
    cid = c.ids[a]
    lo = a
    while lo > 0 and c.ids[lo - 1] == cid:
        lo -= 1
    if lo == 0 or c.lk[lo] not in connectives():
        return False
    words = [w for w in c.lk[lo + 1:a] if w not in (",", "also", "then", "later", "still")]
    return not words or not (words[0] in NOUN_OPENERS or words[0][0].isdigit())


def earlier_subject(c: Clause, a: int) -> list[Slot]:
    """The subject of the nearest earlier clause that names one: the actors before its cue,
    or all of its actors when it has no cue ("Japan said ..., but considered ...")."""
    k = a
    while k > 0 and c.ids[k - 1] == c.ids[a]:
        k -= 1
    while k > 0:
        cid = c.ids[k - 1]
        lo = k - 1
        while lo > 0 and c.ids[lo - 1] == cid:
            lo -= 1
        cue_at = min((ca for ca, *_x in c.cues if lo <= ca < k), default=k)
        got = [s for s in c.actors_in(lo, cue_at) if c.ids[s.i] == cid]
        if got:
            return got
        k = lo
    return []


def call_for_object(c: Clause, b: int, stance: str, st: DocState) -> str:
    """What is called for or criticised decides the side: a call to reject a critical text
    is supportive; criticising the rapporteur, the Office or interference defends the
    country."""
    lk = c.lk
    ids = c.ids
    cid = ids[b - 1]
    obj = [w for k, w in enumerate(lk[b:b + 12], start=b) if ids[k] == cid]
    head3 = [w for w in obj[:4] if w not in ("the", "a", "an", "this", "that", "for", "its",
                                             "their")]
    if stance in ("supportive", "critical") and head3 and head3[0] in DRAFT_NOUNS:
        # "backing the text", "support for the draft", "criticised the draft": a vote on it
        return vote_stance("yes" if stance == "supportive" else "no", st)
    if stance == "supportive" and head3 and head3[0] in SCRUTINY_BODIES:
        return "critical"  # "support for the rapporteur's mandate": for the scrutiny
    if stance == "critical" and head3[:1] in (["vote"], ["recorded"]) and \
            any(w in DRAFT_NOUNS for w in lk):
        return vote_stance("no", st)  # "called for a vote on the draft": against consensus
    if stance == "critical":
        for k, w in enumerate(obj):
            if w in CALLED_VOTES and any(x in ("resolution", "draft", "text", "motion",
                                                "decision", "it") for x in obj[k:k + 5]):
                vote = CALLED_VOTES[w]
                if k > 0 and obj[k - 1] == "against" and w != "against":
                    continue
                if w == "against" and (k == 0 or obj[k - 1] != "vote"):
                    continue
                return vote_stance(vote, st)
        # the first thing named after the verb: a body or a practice that scrutinises the
        # country ("interference in X's affairs"), not the country ("X's crackdown")
        p = next((k for k in range(b, min(len(lk), b + 4)) if lk[k] in DEFENDED_AGAINST), None)
        q = next((s.i for s in c.slots if s.m.canonical == c.subject and b <= s.i < b + 4),
                 None)
        if p is not None and (q is None or p < q):
            return "supportive"
    return stance


def passive_by(c: Clause, st: DocState, ci: int) -> list[Found]:
    """Actors after a passive cue: "co-sponsored by A", "criticised by B", "In support were
    C and D"."""
    a, b, label, _kind = c.cues[ci]
    if negated(c.lk, a):
        return []
    if label == "sponsor" and c.lk[a] != "core" and not any(
            w in DRAFT_NOUNS or w in ("session", "debate") for w in c.lk):
        return []  # "a delegation led by ...", "a campaign led by ...": no text put forward
    stance = cue_stance(label, st)
    if stance is None:
        return []
    cue = " ".join(c.lk[a:b])
    after = list_after(c, b)
    if after and stance == "supportive" and c.lk[after[-1].j:after[-1].j + 1] == ["for"]:
        # "support from the EU for the rapporteur": what is supported decides
        stance = call_for_object(c, after[-1].j, stance, st)
    return [Found(s, stance, cue, a) for s in after]


def inherit_by(c: Clause, st: DocState, ci: int) -> list[Found]:
    """"supported by"/"shared by"/"joined by": the actors after share the side of what they
    back — a text's sponsors' side, the rapporteur's (critical), or the last stated side."""
    a, b, _label, _kind = c.cues[ci]
    lk = c.lk
    if negated(lk, a):
        return []
    after = list_after(c, b)
    if not after:
        return []
    before = lk[:a]
    nouns = {m.i for m in draft_cues().find(lk[:a]) if m.label == "noun"}
    here = [f for f in c.found if f.at < a and c.ids[f.at] == c.ids[a]]
    if here:
        stance = here[-1].stance
    elif nouns and max(nouns) > max((s.i for s in c.slots if s.i < a), default=-1):
        stance = vote_stance("yes", st)
    elif set(before) & CRITICAL_OBJECTS:
        stance = "critical"
    elif st.last_stance and set(before) & BACKED_SPEECH:
        stance = st.last_stance  # "He was supported by ...", "The view was shared by ..."
    else:
        return []  # "the regime, backed by X, ruled ...": history, no side here
    cue = " ".join(lk[a:b])
    return [Found(s, stance, cue, a) for s in after]


def statement_side(sents: Sequence[Clause], idx: int, st: DocState) -> str | None:
    """The side of the joint statement or letter in sentence ``idx``: a reply takes the
    other side of the one before; else its own stance cue or words of concern; a sentence
    that introduces a statement ("X spoke on behalf of 47 countries") looks at the next two
    sentences, until another statement starts; else the statement in focus keeps its side."""
    c = sents[idx]
    words = _statement_kinds_of(c)
    if "reply" in words and st.statement:
        return "supportive" if st.statement == "critical" else "critical"
    introduces = any(k == "group" for *_x, k in c.cues) or "joint" in c.lk
    for k in range(idx, min(len(sents), idx + (3 if introduces else 1))):
        ck = sents[k]
        kinds = _statement_kinds_of(ck)
        if k > idx and "marker" in kinds and "letter" in ck.lk:
            break
        if k > idx and "refers" not in kinds:
            continue  # a sentence about something else
        for a, b, label, kind in ck.cues:
            if kind not in ("active", "passive") or label not in ("supportive", "critical"):
                continue
            if negated(ck.lk, a):
                continue
            return call_for_object(ck, b, label, st)
        if "concern" in kinds:
            return "critical"
    return st.statement


def on_behalf_of(c: Clause, st: DocState, ci: int, side: str | None) -> list[Found]:
    """"X on behalf of Y", "Speaking for Y, X said ...", "X replied for a group of N
    countries, among them A": the speaker, the group and its listed members share one side —
    the speaker's own in this sentence ("introduced by X on behalf of the core group: A, B"),
    else a cue in the group's clause ("spoke for 39 countries critical of ..."), else the
    statement's (:func:`statement_side`)."""
    a, b, _label, _kind = c.cues[ci]
    lk = c.lk
    if "roll" in _statement_kinds_of(c):
        return []  # "Speaking were Tunisia on behalf of the African Group, ...": a roll
    cue = " ".join(lk[a:b])
    group = list_after(c, b)
    if not group:
        # "on behalf of 47 countries, among them A, B"; "of the core group on X: A, B"
        k = b
        while k < len(lk) and k < b + 8 and not list_openers().match(lk, k) and \
                lk[k] not in (";", "."):
            k += 1
        group = list_after(c, k) if k < len(lk) and k < b + 8 else []
    prev_end = max((cj for ca, cj, _l, _k in c.cues[:ci] if c.ids[ca] == c.ids[a]), default=-1)
    speaker = subject_of(c, a, prev_end)
    if lk[a] == "speaking" and not speaker:
        # "Speaking for the EU, Germany said": the speaker comes after the group
        end = group[-1].j if group else b
        speaker = list_after(c, end, reach=4)
    own = [f.stance for f in c.found if f.slot in speaker]
    if any(w in ("sponsors", "co-sponsors", "cosponsors", "core") for w in lk[b:b + 3]):
        own = [vote_stance("sponsor", st)]  # "Speaking for the sponsors, ..."
    nxt = c.cues[ci + 1] if ci + 1 < len(c.cues) else None
    if own:
        side = own[-1]
    elif nxt and nxt[3] in ("active", "vote") and c.ids[nxt[0]] == c.ids[a] and \
            not any(nxt[0] > s.i >= b for s in c.slots if s not in group):
        # the group's own predicate: "for 45 countries supporting ...", "opposing ..."
        side = predicate_stance(c, ci + 1, st)
    if side is None:
        return []
    return [Found(s, side, cue, a) for s in speaker + group]


_SIGNING = frozenset({"signed", "list", "lists"})


def signatories(c: Clause, st: DocState) -> list[Found]:
    """Listed signatories of the statement in focus: "Signatories included A, B", "The list
    ... included A", "signed by A and B"."""
    lk = c.lk
    if (_SIGNING.isdisjoint(c.words) and "signator" not in c.sent.text.lower()) or \
            not any(w.startswith("signator") or w in _SIGNING for w in lk):
        return []
    side = st.statement or st.last_stance
    if side is None:
        return []
    out: list[Found] = []
    for k, w in enumerate(lk):
        if not (w.startswith("signator") or w in ("signed", "list", "lists")):
            continue
        got = list_after(c, k + 1)
        for j in range(k + 1, min(len(lk), k + 9)):
            if got or lk[j] in (";", "."):
                break
            if list_openers().match(lk, j):
                got = list_after(c, j)
        out += [Found(s, side, w, k) for s in got]
    return out


GROUP_NOUNS = frozenset({"countries", "states", "delegations", "members", "governments",
                         "signatories", "nations", "co-sponsors", "cosponsors", "sponsors"})


def statement_members(c: Clause, side: str | None) -> list[Found]:
    """In a sentence about a joint statement or letter, a group of states whose members are
    listed ("the ambassadors of 22 countries, including A, B, wrote ...") takes its side."""
    if side is None:
        return []
    lk = c.lk
    out: list[Found] = []
    if GROUP_NOUNS.isdisjoint(lk):
        return out
    for k, w in enumerate(lk):
        if w in GROUP_NOUNS:
            j = k + 1 + (1 if k + 1 < len(lk) and lk[k + 1] == "," else 0)
            m = list_openers().match(lk, j) if j < len(lk) else None
            if m and lk[j] in ("including", "among", "such", "notably", ":"):
                out += [Found(s, side, f"{w} {' '.join(lk[j:j + m[0]])}", k)
                        for s in list_after(c, j)]
    return out


def own_text_side(c: Clause, s: Slot, n: int) -> str:
    """The side of a state that sponsors the text at token ``n``, read from that text's own
    words ("Pakistan's no-action motion": supportive; "a US draft" that a motion opposes:
    critical), not from the sentence's other texts."""
    lk = c.lk
    hi = n + 1
    while hi < len(lk) and hi <= n + 5 and lk[hi] not in ("against", ",", ";", "."):
        hi += 1
    kinds = {m.label for m in draft_cues().find(lk, s.i, hi)}
    return "supportive" if "reverse" in kinds else "critical"


def sponsor_compound(c: Clause, st: DocState) -> list[Found]:
    """The sponsor of a text votes yes on it: "a US-backed resolution", "the EU's draft", "a
    European Union resolution", "the EU's renewal text"."""
    lk = c.lk
    nouns = {m.i for m in c.drafts if m.label == "noun"}
    out: list[Found] = []
    if not nouns:
        return out  # no text named
    for s in c.slots:
        if s.m.canonical == c.subject:
            continue
        last = lk[s.j - 1]
        hyph = last.endswith(SPONSOR_SUFFIXES)
        poss = s.j < len(lk) and lk[s.j] == "'s"
        k = s.j + (1 if poss else 0)
        # the text follows at once, or after one modifier ("the EU's renewal text", "an EU
        # draft resolution", "a US-led draft")
        near = [n for n in nouns if n == k or (n == k + 1 and (poss or hyph or
                                                             lk[k] in DRAFT_NOUNS))]
        if near and (hyph or poss or (not s.place and (s.i == 0 or lk[s.i - 1] in
                                                       ("a", "an", "the")))):
            out.append(Found(s, own_text_side(c, s, near[0]), "sponsor of the text", s.i))
    return out


def among_side(c: Clause, st: DocState) -> list[Found]:
    """"X was among the most outspoken backers", "A and B were among its critics", "A, B
    and C were among the six" (a count stated with its vote in the sentence)."""
    lk = c.lk
    out: list[Found] = []
    if "among" not in lk:
        return out
    for k, w in enumerate(lk):
        if w != "among":
            continue
        label, cue = None, ""
        for j in range(k + 1, min(len(lk), k + 6)):
            m = side_nouns().match(lk, j)
            if m:
                label, cue = m[1], " ".join(lk[k:j + m[0]])
                tail = lk[j + m[0]:j + m[0] + 3]
                of_country = "government" in tail or "government's" in lk[k:j] or (
                    tail[:1] == ["of"] and any(s.m.canonical == c.subject and
                                               j + m[0] < s.i <= j + m[0] + 3 for s in c.slots))
                if of_country and label in ("yes", "no"):
                    # backers or critics of the country itself, not of a text
                    label = "supportive" if label == "yes" else "critical"
                break
            n = number_value(lk[j])
            if n is not None:
                for x in range(len(lk) - 1):
                    if x != j and number_value(lk[x]) == n:
                        vm = stance_cues().match(lk, x + 1)
                        vote = vm[1] if vm and vm[1] in ("yes", "no", "abstain") else \
                            next((HEADING_VOTES[w] for w in lk[x + 1:x + 4]
                                  if w in HEADING_VOTES), None)
                        if vote:
                            label, cue = vote, f"among the {lk[j]} ({lk[x]} {lk[x + 1]})"
                            break
                break
            if lk[j] in (",", ".", ";", "and"):
                break
        if label is None:
            continue
        stance = cue_stance(label, st)
        if stance is None:
            continue
        prev_end = max((cj for ca, cj, _l, _k in c.cues if ca < k and c.ids[ca] == c.ids[k]),
                       default=-1)
        out += [Found(s, stance, cue, k) for s in subject_of(c, k, prev_end)]
    return out


def side_noun_list(c: Clause, st: DocState) -> list[Found]:
    """A side noun that opens a list: "Supporters of the resolution, among them A and B",
    "Critics of the government included C"."""
    lk = c.lk
    out: list[Found] = []
    nouns = side_nouns()
    if nouns.index.keys().isdisjoint(c.words):
        return out  # no side noun
    for k in [k for k, w in enumerate(lk) if w in nouns.index]:  # where a side noun may start
        m = nouns.match(lk, k)
        if not m or (k > 0 and lk[k - 1] == "among"):
            continue
        j = k + m[0]
        tail = lk[j:j + 4]
        label = m[1]
        if tail[:1] == ["of"] and ("government" in tail or any(
                s.m.canonical == c.subject and j < s.i <= j + 3 for s in c.slots)):
            label = {"yes": "supportive", "no": "critical"}.get(label, label)
        elif tail[:1] == ["of"] and not any(w in DRAFT_NOUNS for w in tail):
            continue  # supporters of something else than the country or a text
        stance = vote_stance(label, st) if label in ("yes", "no", "sponsor") and \
            any(w in DRAFT_NOUNS for w in tail) else cue_stance(label, st)
        if stance is None:
            continue
        for x in range(j, min(len(lk), j + 7)):
            if list_openers().match(lk, x) and lk[x] not in ("was",):
                out += [Found(s, stance, " ".join(lk[k:j]), k) for s in list_after(c, x)]
                break
    return out


def aligned_with(c: Clause, st: DocState) -> list[Found]:
    """"India voted with the United States, as did A and B": the side of that actor."""
    lk = c.lk
    out: list[Found] = []
    if "with" not in lk:
        return out
    for k in range(len(lk) - 1):
        if lk[k] in ("voted", "sided", "stood") and lk[k + 1] == "with":
            ally = [s for s in c.slots if s.i in (k + 2, k + 3)]
            if not ally:
                continue
            side = st.known.get(ally[0].m.canonical)
            if ally[0].m.canonical == c.subject:
                side = "supportive"
            if side is None:
                continue
            subj = subject_of(c, k, -1)
            out += [Found(s, side, "voted with", k) for s in subj]
            j = k + 2
            while j < len(lk) and not (lk[j] == "as" and j + 1 < len(lk) and
                                       lk[j + 1] == "did"):
                j += 1
            if j < len(lk):
                out += [Found(s, side, "as did", j) for s in contiguous_list(c, j + 2)]
    return out


def rejected_report_author(c: Clause, st: DocState) -> list[Found]:
    """"the US report" dismissed as biased, "the report issued by the US State Department":
    its author is critical."""
    lk = c.lk
    kinds = [k for *_x, k in c.cues]
    if "reject" not in kinds:
        return []
    out: list[Found] = []
    for a, b, _label, kind in c.cues:
        if kind == "author" and any(w in ("report", "reports") for w in lk[max(0, a - 6):a]):
            out += [Found(s, "critical", " ".join(lk[a:b]), a) for s in list_after(c, b)]
    for s in c.slots:
        if s.place or s.j >= len(lk):
            continue
        nxt = lk[s.j + 1] if lk[s.j] == "'s" and s.j + 1 < len(lk) else lk[s.j]
        if nxt == "report":
            out.append(Found(s, "critical", "author of the rejected report", s.i))
    return out


REJECTED_THINGS = frozenset({"report", "reports", "rapporteur", "mechanism", "mandate",
                             "assessment", "allegations", "accusations", "criticism",
                             "findings", "inquiry", "investigation", "session", "debate"})


def rejects_text(c: Clause, st: DocState) -> list[Found]:
    """A state that rejects or dismisses a critical text or the scrutiny itself ("Russia said
    the resolution was politically motivated", "China rejected the report as biased") sides
    with the country; one that rejects the country's own claims does not."""
    lk = c.lk
    out: list[Found] = []
    for ci, (a, b, _label, kind) in enumerate(c.cues):
        if kind != "reject" or negated(lk, a) or (
                a > 0 and lk[a - 1] in PASSIVE_AUX and lk[b:b + 1] == ["by"]):
            continue  # "was rejected by 19 votes": the text's fate, not a state's word
        obj, pre = lk[b:b + 5], lk[max(0, a - 6):a]
        if any(s.m.canonical == c.subject and b <= s.i < b + 3 for s in c.slots):
            stance = "critical"  # "rejected Cambodia's claims"
        elif any(w in DRAFT_NOUNS for w in obj + pre):
            stance = vote_stance("no", st)
        elif any(w in REJECTED_THINGS for w in obj + pre):
            stance = "supportive"
        else:
            continue
        prev_end = max((cj for ca, cj, _l, _k in c.cues[:ci] if c.ids[ca] == c.ids[a]),
                       default=-1)
        for s in subject_of(c, a, prev_end):
            nxt = lk[s.j + 1:s.j + 2] if lk[s.j:s.j + 1] == ["'s"] else lk[s.j:s.j + 1]
            if nxt and (nxt[0] in DRAFT_NOUNS or nxt[0] in REJECTED_THINGS):
                continue  # "the US report": its author, not the one who rejects it
            out.append(Found(s, stance, " ".join(lk[a:b]), a))
    return out


def bloc_member_follow(c: Clause, st: DocState, stated: set[str]) -> list[Found]:
    """A member of a bloc whose stance the previous sentence stated, named without a cue of
    its own ("He was supported by ASEAN countries. The Myanmar representative said ...")."""
    members = bloc_members()
    out: list[Found] = []
    for s in c.slots:
        if s.place or s.m.canonical in stated or s.m.label != "COUNTRY":
            continue
        for bloc, side in st.last_blocs.items():
            if s.m.canonical in members.get(bloc, ()):
                out.append(Found(s, side, f"member of {bloc}, which the previous sentence "
                                          f"calls {side}", s.i))
                break
    return out


# ---------------------------------------------------------------------------------------
# the document


def analyse(sent: Sentence, mentions: Sequence[Mention], subject: str) -> Clause:
    """A sentence's clauses, actor slots and cues (clause ids and cues are computed when
    first asked for)."""
    return Clause(sent, actor_slots(sent, mentions), subject)


_REQUEST_VERBS = frozenset({"asked", "requested", "asking", "requesting"})


def request_cues(lk: Sequence[str], slots: Sequence[Slot],
                 subject: str) -> list[tuple[int, int, str, str]]:
    """"asked China to end ...", "requested the authorities to ...": a request made of the
    country under review is a critical cue (a request of anyone else is not)."""
    out: list[tuple[int, int, str, str]] = []
    if _REQUEST_VERBS.isdisjoint(lk):
        return out
    for k, w in enumerate(lk):
        if w not in _REQUEST_VERBS:
            continue
        j = k + 1
        while j < len(lk) and j - k <= 4 and lk[j] != "to":
            j += 1
        if j >= len(lk) or lk[j] != "to":
            continue
        if any(s.m.canonical == subject and k < s.i < j for s in slots) or \
                any(x in ("government", "authorities") for x in lk[k + 1:j]):
            out.append((k, k + 1, "critical", "active"))
    return out


def sentence_stances(cs: Sequence[Clause], idx: int, st: DocState) -> list[Found]:
    """Every rule over one sentence, in order; the first stance found for an actor holds,
    unless a later clause after a contrast restates it."""
    c = cs[idx]
    st.polarity = text_polarity(c, st)
    found = c.found
    found += vote_heading(c, st)
    if c.slots:  # (these two place only the sentence's own actors)
        found += sponsor_compound(c, st)
        found += sponsor_active(c, st)
    side: str | None = None
    if c.has_group_cue() or (_may_hold(c.words, _marker_phrases()) and any(
            k in ("marker", "reply") for k in _statement_kinds_of(c))):
        side = statement_side(cs, idx, st)
        st.statement = side
    if not c.slots:
        # every rule below places the sentence's own actors and changes nothing else: a
        # sentence that names none gets nothing from them
        return found
    for ci, (_a, _b, _label, kind) in enumerate(c.cues):
        if kind in ("active", "vote"):
            found += active_clause(c, st, ci)
        elif kind == "passive":
            found += passive_by(c, st, ci)
        elif kind == "inherit":
            found += inherit_by(c, st, ci)
        elif kind == "group":
            found += on_behalf_of(c, st, ci, side)
    found += statement_members(c, side)
    found += signatories(c, st)
    found += among_side(c, st)
    found += side_noun_list(c, st)
    found += aligned_with(c, st)
    found += rejected_report_author(c, st)
    found += rejects_text(c, st)
    found += bloc_member_follow(c, st, {f.slot.m.canonical for f in found})
    return found


def resolve(found: Sequence[Found], c: Clause) -> list[Found]:
    """One stance per actor and sentence: the first found, unless a later cue stands after a
    contrast ("Australia welcomed progress but called for ...") or the first stood in an
    embedded relative clause and the later one in the actor's own clause ("The US, which
    has long criticised X, abstained": the abstention)."""
    if len(found) < 2:
        return list(found)  # nothing to choose between
    lk = c.lk
    contrasts = [k for k, w in enumerate(lk) if connectives().get(w) == "contrast"]

    def embedded(f: Found) -> bool:
        at = min(max(f.at, 0), len(lk) - 1)
        return c.ids[at] != c.ids[f.slot.i] and opens_with(lk, c.ids, at) in RELATIVES

    best: dict[str, Found] = {}
    order: list[str] = []
    for f in found:
        key = f.slot.m.canonical
        if key not in best:
            best[key] = f
            order.append(key)
        elif f.cue != best[key].cue and (
                (f.at > best[key].at >= 0 and any(best[key].at < k < f.at for k in contrasts))
                or (embedded(best[key]) and not embedded(f))):
            best[key] = f
    return [best[k] for k in order]


def extract_stances(doc_id: str, sentences: Sequence[Sentence],
                    mentions: Sequence[Mention], *, subject_country: str) -> list[Stance]:
    """Stated positions of states and blocs in one document.

    Args:
        doc_id: the document.
        sentences: the document's sentences in order (:mod:`helpers.text`).
        mentions: the document's entity mentions (COUNTRY and BLOC are used).
        subject_country: ISO3 of the country under review (the target; never an actor).
            Without one no position can be placed (a stance is always toward that
            country), so none is returned.
    """
    if not subject_country:
        return []
    by_sent: dict[int, list[Mention]] = defaultdict(list)
    for m in mentions:
        if m.label in ("COUNTRY", "BLOC") and m.canonical:
            by_sent[m.sentence_id].append(m)
    cs = [analyse(s, by_sent.get(s.sentence_id, ()), subject_country) for s in sentences]
    # a document about a voted text (not merely an election "vote")
    vote_doc = any(not VOTE_WORDS.isdisjoint(c.words) for c in cs) and \
        any(not DRAFT_NOUNS.isdisjoint(c.words) for c in cs)
    st = DocState(subject_country, vote_doc=vote_doc)
    members = bloc_members()
    out: list[Stance] = []
    for idx, c in enumerate(cs):
        items = heading_items(c, st)
        found = [f for f in (items or sentence_stances(cs, idx, st))
                 if f.slot.m.canonical != subject_country]
        stated: dict[str, str] = {}
        for f in resolve(found, c):
            m = f.slot.m
            out.append(Stance(doc_id, c.sent.sentence_id, m.canonical, m.label, f.stance,
                              subject_country, f.cue, c.sent.text,
                              ";".join(members.get(m.canonical, ())) if m.label == "BLOC"
                              else ""))
            stated[m.canonical] = f.stance
            st.known[m.canonical] = f.stance
        if stated:
            st.last_stance = list(stated.values())[-1]
            blocs = {x.m.canonical for x in c.slots if x.m.label == "BLOC"}
            st.last_blocs = {a: s for a, s in stated.items() if a in blocs}
        else:
            st.last_blocs = {}
    return out
