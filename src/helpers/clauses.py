"""Clause segmentation over a sentence's tokens: a shared, generic utility.

A sentence is cut into clauses so that a cue (a verb of praise, a vote, a call) governs only
the words of its own clause:

* ``;`` always ends a clause;
* a contrastive or subordinating conjunction starts a new clause ("..., but ...",
  "..., while 19 others abstained", "although ...", "because ...");
* a relative clause (", which ...", ", who ...") is *embedded*: it is a clause of its own, and
  the clause around it resumes after it ("Mexico and Uruguay, which offered to mediate,
  abstained" — "Mexico and Uruguay ... abstained" is one clause). It ends at the next comma
  that is not followed by a list item, or at a clause break.

The result is a clause id per token (:func:`clause_ids`) and, for each clause, the tokens
that open it (:func:`clause_heads`). Nothing here knows about states or stances; callers may
pass ``is_item`` to say which tokens start a list item (e.g. a named state), so that
"which was backed by A, B and C" keeps its list.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

from helpers.refdata import rows
from helpers.text import positions

Item = Callable[[int], bool]


@lru_cache(maxsize=1)
def connectives() -> dict[str, str]:
    """``{word: kind}`` from ``data/clause_words.csv`` (kind: contrast, subordinate, relative)."""
    return {r["word"]: r["kind"] for r in rows("clause_words.csv")}


def clause_ids(lkeys: Sequence[str], *, is_item: Item | None = None,
               is_item_end: Item | None = None) -> list[int]:
    """A clause id for every token of a sentence (lower-cased tokens).

    Args:
        lkeys: the sentence's lower-cased tokens.
        is_item: optional predicate, true where a token starts a list item; a relative clause
            does not end at a comma followed by one.
        is_item_end: optional predicate, true where a token ends a list item. With both
            predicates, "and" followed by an item after a word that ends none starts a
            coordinated clause with its own subject ("Oslo criticised the verdict and Rome
            welcomed it"), while a list goes on ("Oslo, Rome and Bern").

    Returns:
        One non-negative id per token; tokens of one clause share an id (an embedded relative
        clause has its own id and the clause around it keeps its id on both sides).
    """
    kinds = connectives()
    n = len(lkeys)
    if ";" not in lkeys and kinds.keys().isdisjoint(lkeys) and not (
            is_item is not None and is_item_end is not None and "and" in lkeys and
            any(is_item(k + 1) for k in positions(lkeys, "and") if k + 1 < n)):
        return [0] * n  # no break, no connective, no "and" before an item: one clause
    out: list[int] = []
    current, next_id = 0, 1
    resume: int | None = None  # id to go back to when an embedded relative clause ends
    for k, w in enumerate(lkeys):
        prev = lkeys[k - 1] if k else ""
        kind = kinds.get(w)
        if w == ";":
            out.append(current)
            current, next_id, resume = next_id, next_id + 1, None
            continue
        if resume is not None and w == ",":
            nxt = lkeys[k + 1] if k + 1 < n else ""
            item_next = nxt in ("and", "or", "the") or (is_item is not None and is_item(k + 1))
            if not item_next:
                out.append(current)
                current, resume = resume, None
                continue
        if w == "and" and is_item is not None and is_item_end is not None and k + 1 < n and \
                is_item(k + 1) and resume is None:
            before = k - 2 if prev == "," else k - 1
            if before >= 0 and not is_item_end(before) and lkeys[before] not in (",", "("):
                current, next_id = next_id, next_id + 1
        if kind == "relative" and prev == "," and resume is None:
            resume, current, next_id = current, next_id, next_id + 1
        elif kind in ("contrast", "subordinate") and k > 0 and (
                kind == "contrast" or prev in (",", "—", "–", "-")):
            current, next_id, resume = next_id, next_id + 1, None
        out.append(current)
    return out


def clause_heads(lkeys: Sequence[str], ids: Sequence[int]) -> dict[int, int]:
    """``{clause id: index of its first token}``."""
    heads: dict[int, int] = {}
    for k, c in enumerate(ids):
        heads.setdefault(c, k)
    return heads


def opens_with(lkeys: Sequence[str], ids: Sequence[int], k: int) -> str:
    """The connective that opens the clause of token ``k`` ("" when none)."""
    head = clause_heads(lkeys, ids)[ids[k]]
    w = lkeys[head]
    return w if w in connectives() else ""
