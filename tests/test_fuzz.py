"""Property-based fuzzing of stages 01-03 on generated article-like text (Hypothesis).

The strategies build articles from the pieces real coverage is made of — numbers in digits
and words, names, lists of states, recorded votes, datelines — and mix in the Unicode that
breaks naive text code: right-to-left script, combining marks, zero-width and no-break
spaces, control characters, very long lines. Properties, for every generated article:

* nothing raises;
* every sentence's offsets are exact (``text[start:end] == sentence``) and in order;
* every mention's offsets are exact;
* every tally's count appears in its evidence (digits, or number words read by text2num's
  ``alpha2digit`` — not by the code under test);
* every stance's actor is a COUNTRY or BLOC mention of the stance's own sentence.

``make test`` runs the ``ci`` profile (a few dozen examples); ``make fuzz`` runs 10,000
(``HYPOTHESIS_PROFILE=fuzz``).
"""

from __future__ import annotations

import os
import re
from functools import lru_cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

settings.register_profile("ci", max_examples=30, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("fuzz", max_examples=10_000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("probe", max_examples=500, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

STATES = ["China", "Viet Nam", "the United States", "Côte d'Ivoire", "the Philippines",
          "Türkiye", "Japan", "Sri Lanka", "Cambodia", "the European Union", "ASEAN",
          "Lao People's Democratic Republic", "Germany", "Pakistan", "the UK", "Cuba"]
NUMBER_WORDS = ["one", "nine", "Twelve", "twenty-two", "Thirty-one", "forty five", "09",
                "39", "2,000", "125", "Thirty (30)", "0", "1,000,000"]
NOUNS = ["delegations", "states", "countries", "member states", "seats", "NGOs", "votes",
         "abstentions", "speakers", "pages", "days"]
VERBS = ["spoke in favour", "were critical", "praised the Kingdom", "voted against",
         "abstained", "raised concerns", "took the floor", "backed the resolution",
         "urged members to reject the text", "called for the release of activists"]
NAMES = ["Ney Sam Ol", "CHEN Xu", "Ms. Rhona Smith", "H.E. In Dara", "Vitit Muntarbhorn",
         "Dr Ali Sabry"]
WEIRD = ["\u200b", "\u00a0", "\u200f", "\u202e", "\ufeff", "\u0301", "e\u0301",
         "مرحبا", "שלום", "\x00", "\x07", "\x1b[0m", "\r", "\t", "\u2028", "\ufffd", "🙂",
         "ﬁ", "Ⅻ", "…", "—", "“", "”"]


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


states = st.sampled_from(STATES)
numbers = st.one_of(st.sampled_from(NUMBER_WORDS),
                    st.integers(min_value=0, max_value=200).map(str))
tally_clause = st.builds(lambda n, noun, verb: f"{n} {noun} {verb}", numbers,
                         st.sampled_from(NOUNS), st.sampled_from(VERBS))
state_list = st.lists(states, min_size=1, max_size=6).map(_join)
vote = st.builds(lambda a, b, c: f"The resolution was adopted by {a} votes to {b}, with {c} "
                 "abstentions.", numbers, numbers, numbers)
vote_list = st.builds(lambda head, lst: f"{head}: {lst}.",
                      st.sampled_from(["In favour", "Against", "Abstaining",
                                       "Votes In Favor (3)"]), state_list)
sentence = st.one_of(
    st.builds(lambda a, b: f"{a} {b}.", tally_clause, st.sampled_from(["", "in Geneva"])),
    st.builds(lambda lst, verb: f"{lst} {verb}.", state_list, st.sampled_from(VERBS)),
    st.builds(lambda name, s: f"{name} said {s} had been heard.", st.sampled_from(NAMES),
              states),
    vote, vote_list,
    st.builds(lambda a, b: f"Of the {a} delegations, {b} spoke in favour, according to the "
              "Permanent Mission.", numbers, numbers),
    st.text(min_size=0, max_size=80),
)
noise = st.sampled_from(WEIRD)


@st.composite
def articles(draw: st.DrawFn) -> str:
    parts: list[str] = []
    if draw(st.booleans()):
        parts.append("GENEVA — ")
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        s = draw(sentence)
        if draw(st.integers(min_value=0, max_value=3)) == 0:  # sprinkle odd characters
            at = draw(st.integers(min_value=0, max_value=len(s)))
            s = s[:at] + draw(noise) + s[at:]
        parts.append(s)
        parts.append(draw(st.sampled_from([" ", "\n", "\n\n", "  ", "\r\n"])))
    if draw(st.integers(min_value=0, max_value=9)) == 0:  # a very long line
        parts.append(" ".join([draw(sentence)] * draw(st.integers(50, 200))))
    return "".join(parts)


@lru_cache(maxsize=1)
def _splitter():
    from helpers.clean import train_sentence_splitter

    return train_sentence_splitter(["The Council met in Geneva. Mr. Smith spoke. "
                                    "Of the 36 delegations, 28 spoke in favour."])


def _count_in(evidence: str, count: int) -> bool:
    """The count is written in the evidence: as digits (optionally zero-padded or with
    thousands separators) or as number words (read by text2num, not by the code under
    test)."""
    from text_to_num import alpha2digit, text2num

    for text in (evidence, alpha2digit(evidence, "en")):
        digits = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)
        if re.search(rf"(?<![\d]){'0*' + str(count) if count else '0+'}(?!\d)", digits):
            return True
    words = re.findall(r"[A-Za-z]+(?:-[A-Za-z]+)*", evidence)
    for i in range(len(words)):  # runs of number words alpha2digit leaves alone ("one")
        for j in range(i + 1, min(i + 5, len(words)) + 1):
            try:
                if text2num(" ".join(words[i:j]).lower(), "en") == count:
                    return True
            except ValueError:
                pass
    return False


def run_document(raw: str):
    """Stages 01-03 for one document, in-process, through the stages' own functions."""
    from helpers.clean import clean_text, decode_bytes, split_sentences
    from helpers.entities import EntityTagger
    from helpers.stances import extract_stances
    from helpers.tallies import extract_tallies
    from helpers.text import Sentence

    dec = decode_bytes(raw.encode("utf-8"))
    if dec.text is None:
        return None
    cd = clean_text(dec.text)
    sents = [Sentence(i, s, cd.text[s:e], p + 1)
             for i, (p, s, e) in enumerate(split_sentences(cd, _splitter()), start=1)]
    mentions = EntityTagger(subject_country="KHM").tag("d", sents, year=2022)
    tallies = extract_tallies("d", sents, subject_country="KHM")
    stances = extract_stances("d", sents, mentions, subject_country="KHM")
    return cd.text, sents, mentions, tallies, stances


@given(articles())
def test_stages_hold_their_properties_on_generated_articles(raw: str):
    got = run_document(raw)
    if got is None:
        return
    text, sents, mentions, tallies, stances = got
    last = 0
    for s in sents:
        assert text[s.start:s.start + len(s.text)] == s.text
        assert s.start >= last
        last = s.start + len(s.text)
    for m in mentions:
        assert text[m.start:m.end] == m.text, m
    for t in tallies:
        assert _count_in(t.evidence, t.count), (t.count, t.evidence)
    actors = {(m.sentence_id, m.canonical) for m in mentions if m.label in ("COUNTRY", "BLOC")}
    for s in stances:
        assert (s.sentence_id, s.actor) in actors, (s.actor, s.evidence)


@given(st.binary(max_size=400))
def test_any_bytes_decode_or_are_rejected_with_a_reason(data: bytes):
    from helpers.clean import decode_bytes

    dec = decode_bytes(data)
    assert dec.text is not None or dec.status.startswith("rejected: ")


def test_count_check_is_independent_of_the_tally_code():
    assert _count_in("Thirty-one countries took part.", 31)
    assert _count_in("the other 09 delegations", 9)
    assert _count_in("some 2,000 outlets", 2000)
    assert not _count_in("19 rounds", 9)
