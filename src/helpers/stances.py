"""Stage 03b: which states and blocs the text says took which side.

Rules over the entity mentions of stage 02 and the cues in ``data/stance_cues.csv``:

* active cues ("China defended Cambodia", "Germany, Canada ... called on ..."): the states
  and blocs named before the cue in its clause;
* passive and inherited support ("He was supported by the representatives from Asean
  countries", "The view was shared by the Philippines, Laos ..."): the actors after the cue
  share the position of what they back — critical when that is the rapporteur's remarks or
  report, else the stance stated just before;
* authors of a report the subject rejects ("the report issued by the US State Department",
  "dismissed the US report");
* a member of a bloc whose stance was just stated, speaking next without a cue of its own
  ("He was supported by ... Asean countries. The Myanmar representative said ...").

The country under review is never its own actor; states named as places ("in the EU") or
after a negation ("but not Beijing") take no stance. A bloc's members are listed in a
separate, marked column (``bloc_members``), never silently turned into rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from helpers.lexicon import bloc_members
from helpers.phrases import PhraseIndex
from helpers.refdata import rows
from helpers.text import Mention, Sentence

PLACE_PREPS = frozenset({"in", "inside", "within", "across", "throughout", "against", "to",
                         "into", "toward", "towards", "at"})
ACTIVE_WINDOW = 20  # an actor more than this many tokens before an active cue is not its subject
CONTRAST = frozenset({"but", "however"})
CONTRAST_ALL = CONTRAST | {"yet", "although", "though", "nevertheless", "while"}
LIST_GLUE = frozenset({",", "and", "the", "–", "—", "-", "as", "well", "also", "("})
PASSIVE_AUX = frozenset({"was", "were", "is", "are", "been", "be", "being"})
NEGATORS = frozenset({"not", "n't", "never", "neither", "nor"})
CRITICAL_OBJECTS = frozenset({"remarks", "report", "reports", "rapporteur", "recommendations",
                              "concerns", "criticism", "demands", "calls", "statement",
                              "findings", "allegations"})
CLAUSE_BOUNDARY = frozenset({";", "while", "whereas", "whilst", "but", "however"})


@lru_cache(maxsize=1)
def stance_cues() -> PhraseIndex:
    """Stance cues from ``data/stance_cues.csv`` (label = stance, payload = rule kind)."""
    return PhraseIndex(((r["phrase"], r["stance"], r["kind"]) for r in rows("stance_cues.csv")),
                       ignore_case=True)


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


def _cues(lk: Sequence[str]) -> list[tuple[int, int, str, str]]:
    return [(m.i, m.j, m.label, m.payload) for m in stance_cues().find(lk)]


def extract_stances(doc_id: str, sentences: Sequence[Sentence],
                    mentions: Sequence[Mention], *, subject_country: str) -> list[Stance]:
    """Stated positions of states and blocs in one document.

    Args:
        doc_id: the document.
        sentences: the document's sentences in order (:mod:`helpers.text`).
        mentions: the document's entity mentions (COUNTRY and BLOC are used).
        subject_country: ISO3 of the country under review (the target; never an actor).
    """
    by_sent: dict[int, list[Mention]] = defaultdict(list)
    for m in mentions:
        if m.label in ("COUNTRY", "BLOC") and m.canonical and m.canonical != subject_country:
            by_sent[m.sentence_id].append(m)
    out: list[Stance] = []
    last_stance: str | None = None
    last_blocs: dict[str, str] = {}  # bloc -> stance stated in the previous sentence
    members = bloc_members()
    seen: dict[tuple[int, str], tuple[int, int]] = {}  # (sentence, actor) -> (row, cue at)
    contrasts: list[int] = []

    def add(sid: int, text: str, m: Mention, stance: str, cue: str, at: int = -1) -> None:
        key = (sid, m.canonical)
        if key in seen:
            row, prev_at = seen[key]
            # "Australia welcomed progress but called for ...": the clause after the
            # contrast carries the position
            if at > prev_at >= 0 and any(prev_at < c < at for c in contrasts):
                out[row].stance, out[row].cue = stance, cue
                seen[key] = (row, at)
            return
        seen[key] = (len(out), at)
        out.append(Stance(doc_id, sid, m.canonical, m.label, stance, subject_country, cue, text,
                          ";".join(members.get(m.canonical, ())) if m.label == "BLOC" else ""))

    for ts in sentences:
        sid, start, text = ts.sentence_id, ts.start, ts.text
        spans, lk = ts.spans, ts.lkeys
        actors = []
        after_prep: list[tuple[int, Mention]] = []  # kept aside: "grateful to China"
        for m in sorted(by_sent.get(sid, ()), key=lambda m: m.start):
            a = m.start - start
            ti = next((x for x, (s, _e) in enumerate(spans) if s >= a), None)
            if ti is None:
                continue
            prev = [w for w in lk[max(0, ti - 2):ti] if w != "the"]
            if prev and prev[-1] in PLACE_PREPS:
                after_prep.append((ti, m))
                continue  # a place or an object: "in the EU", "against Cambodia"
            if any(w in NEGATORS for w in lk[max(0, ti - 2):ti]):
                continue  # "but not Beijing"
            actors.append((ti, m))
        cues = _cues(lk)
        contrasts[:] = [k for k, w in enumerate(lk) if w in CONTRAST_ALL]
        rejects = any(kind == "reject" for *_x, kind in cues)
        stated_here: dict[str, str] = {}
        for ci, (a, b, stance, kind) in enumerate(cues):
            cue = " ".join(lk[a:b])
            if kind == "reject":
                continue
            negated = any(w in NEGATORS for w in lk[max(0, a - 3):a])
            if kind == "active":
                if a > 0 and lk[a - 1] in PASSIVE_AUX and lk[a].endswith("ed"):
                    continue  # "the report ... was welcomed": whoever is named is not the agent
                lo = max(0, a - ACTIVE_WINDOW)
                prev_end = cues[ci - 1][1] if ci > 0 else -1
                for k in range(a - 1, lo - 1, -1):
                    # stop at the previous cue unless it shares this cue's subject ("Australia
                    # welcomed progress but called for ...": no actor named in between)
                    if k < prev_end and any(prev_end <= ti < a for ti, _m in actors):
                        lo = k + 1
                        break
                    if lk[k] in CLAUSE_BOUNDARY:
                        # "Japan said ..., but considered it disappointing": a contrast word
                        # with no actor after it keeps the clause's subject
                        if lk[k] in CONTRAST and not any(k < ti < a for ti, _m in actors):
                            continue
                        lo = k + 1
                        break
                chosen = [m for ti, m in actors if lo <= ti < a]
                if chosen:  # a named list reaches further back: "Australia, Canada, ... and X"
                    first = min(ti for ti, m in actors if lo <= ti < a)
                    for ti, m in sorted(actors, key=lambda x: -x[0]):
                        if ti >= first:
                            continue
                        end = ti + 1
                        while end < first and lk[end] not in LIST_GLUE:
                            end += 1  # skip the rest of a multi-word name
                        if all(w in LIST_GLUE for w in lk[end:first]) and end - ti <= 6:
                            chosen.insert(0, m)
                            first = ti
                        else:
                            break
                if negated:
                    continue
                for m in chosen:
                    add(sid, text, m, stance, cue, a)
                    stated_here[m.canonical] = out[seen[(sid, m.canonical)][0]].stance
                continue
            hi = len(lk)
            for k in range(b, len(lk)):
                if lk[k] in CLAUSE_BOUNDARY:
                    hi = k
                    break
            after = [m for ti, m in sorted(actors + [(t, m) for t, m in after_prep
                                                     if t in (b, b + 1)], key=lambda x: x[0])
                     if b <= ti < hi]
            if not after or negated:
                continue
            if kind == "inherit":
                before = set(lk[:a])
                if before & CRITICAL_OBJECTS:
                    st = "critical"
                elif last_stance:
                    st = last_stance
                else:
                    continue
            elif kind == "author":
                if not (rejects and any(w in ("report", "reports") for w in lk[max(0, a - 6):a])):
                    continue
                st = "critical"
            else:
                st = stance
            for m in after:
                add(sid, text, m, st, cue)
                stated_here[m.canonical] = st
        # "the US report" dismissed as biased: its author is critical
        if rejects:
            for ti, m in actors:
                if ti + 1 < len(lk) and lk[ti + 1] in ("report", "'s") and m.canonical not in \
                        stated_here:
                    nxt = lk[ti + 2] if lk[ti + 1] == "'s" and ti + 2 < len(lk) else lk[ti + 1]
                    if nxt == "report":
                        add(sid, text, m, "critical", "author of the rejected report")
                        stated_here[m.canonical] = "critical"
        # a member of a bloc whose stance was just stated, speaking without a cue
        for _ti, m in actors:
            if m.canonical in stated_here or m.label != "COUNTRY":
                continue
            for bloc, st in last_blocs.items():
                if m.canonical in members.get(bloc, ()):
                    add(sid, text, m, st, f"member of {bloc}, which the previous sentence "
                                          f"calls {st}")
                    stated_here[m.canonical] = st
                    break
        if stated_here:
            last_stance = list(stated_here.values())[-1]
        last_blocs = {a: s for a, s in stated_here.items()
                      if any(m.canonical == a and m.label == "BLOC" for _t, m in actors)}
    return out
