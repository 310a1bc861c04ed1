"""The shortcuts of helpers.stances give what the plain look-ups give: phrase matches tried
only where a phrase can match, token offsets computed up to the last mention, and the
word tests that skip the group-cue and statement-kind look-ups."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.stances import (
    _group_phrases,
    _marker_phrases,
    _may_hold,
    draft_cues,
    find_cues,
    side_nouns,
    stance_cues,
    statement_words,
)
from helpers.text import Sentence

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

ODD = [
    "On behalf of the core group, Speaking on behalf of 47 countries, the EU spoke for them.",
    "The resolution on the situation was tabled; its own draft of its own text failed.",
    "the the the on on on of of to to its its own own",
    "In favour (22): A, B. Against: C. Abstaining: D.",
    "They expressed strong support and voiced their deep concerns about the report.",
    "signatories included Peru; the list ... included Chile",
    "",
    "on",
    "Speaking for",
]


def _sentences() -> list[Sentence]:
    texts = list(ODD)
    for p in sorted(SEEDS.glob("*.txt")):
        texts += [line for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [Sentence(k, 0, t) for k, t in enumerate(texts)]


@pytest.fixture(scope="module")
def sentences() -> list[Sentence]:
    return _sentences()


def test_find_with_words_is_find(sentences: list[Sentence]) -> None:
    indexes = [stance_cues(), draft_cues(), statement_words(), side_nouns()]
    for s in sentences:
        words = frozenset(s.lkeys)
        for index in indexes:
            assert index.find_with(s.lkeys, words) == index.find(s.lkeys), s.text


def test_spans_upto_is_a_prefix_of_spans(sentences: list[Sentence]) -> None:
    for s in sentences:
        full = s.spans
        for end in (0, 1, 5, 17, 40, 10_000):
            got = s.spans_upto(end)
            assert got == full[:len(got)]
            # it stops at the first token starting at or after end, else runs to the last
            past = [k for k, (a, _b) in enumerate(full) if a >= end]
            assert len(got) == (past[0] + 1 if past else len(full))


def test_word_tests_never_skip_a_cue(sentences: list[Sentence]) -> None:
    for s in sentences:
        words = frozenset(s.lkeys)
        if any(kind == "group" for *_x, kind in find_cues(s.lkeys)):
            assert _may_hold(words, _group_phrases()), s.text
        kinds = {k for m in statement_words().find(s.lkeys) for k in m.label.split("|")}
        if kinds & {"marker", "reply"}:
            assert _may_hold(words, _marker_phrases()), s.text
