"""The tagger's date pre-check (_may_date) never rules out a sentence DATE_RE matches."""

from __future__ import annotations

import random

from helpers.entities import DATE_RE, _may_date


def test_may_date_is_necessary() -> None:
    words = ["on", "On", "Monday", "Sunday", "5", "October", "2022", ",", "Sept.", "last",
             "week", "mid-", "March", "3rd", "of", "1998", "2,000", "-page", "%", "٣", "May",
             "x", "early", "this", "year", "months", "today", "July", "19", "20", "2019",
             "Dec", "late", "next", "birthday", "Jan.", "Aug"]
    rnd = random.Random(7)
    texts = [" ".join(rnd.choice(words) for _ in range(rnd.randint(0, 8)))
             for _ in range(2000)]
    texts += ["".join(rnd.choice("12 90JanMaydayweek-lstx٣") for _ in range(rnd.randint(0, 14)))
              for _ in range(2000)]
    for t in texts:
        if DATE_RE.search(t):
            assert _may_date(t), t


def test_may_date_rules_out_words_without_a_date() -> None:
    assert [_may_date(t) for t in ["Today the days were long.", "For years, yes.",
                                   "May we go?", "On Monday.", "In March 2020.",
                                   "Last year, early June.", "It was this year."]] == \
        [False, False, False, True, True, True, True]


def test_date_scan_finds_what_date_re_finds() -> None:
    from helpers.entities import _DATE_SCAN

    rnd = random.Random(13)
    words = ["on", "On", "Monday", "5", "October", "2022", ",", "Sept.", "last", "week",
             "mid-", "March", "3rd", "of", "1998", "2,000", "-page", "%", "٣", "May", "x",
             "early", "this", "year", "1945", "$", "-", "per cent", "20", "th"]
    texts = [" ".join(rnd.choice(words) for _ in range(rnd.randint(0, 9))) for _ in range(1000)]
    texts += ["".join(rnd.choice(words) for _ in range(rnd.randint(0, 6))) for _ in range(1000)]
    for t in texts:
        assert [(m.span(), m.groupdict()) for m in _DATE_SCAN.finditer(t)] == \
            [(m.span(), m.groupdict()) for m in DATE_RE.finditer(t)], t
