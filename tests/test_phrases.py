"""The phrase index and the shared Sentence layer: fast paths give what a plain scan gives."""

import pickle
import random

from helpers.events import kind_scores, sessions_in
from helpers.phrases import Match, PhraseIndex
from helpers.text import Sentence


def _plain_find(index: PhraseIndex, keys, a=0, b=None):
    """Token-by-token scan, written independently of PhraseIndex.find."""
    b = len(keys) if b is None else b
    out, k = [], a
    while k < b:
        best = None
        for toks, label, payload in index.index.get(keys[k], []):
            if k + len(toks) <= len(keys) and tuple(keys[k:k + len(toks)]) == toks:
                best = (len(toks), label, payload)
                break
        if best and k + best[0] <= b:
            out.append(Match(k, k + best[0], best[1], best[2]))
            k += best[0]
        else:
            k += 1
    return out


def test_find_matches_plain_scan_on_random_token_ranges():
    index = PhraseIndex([("united states", "S", "USA"), ("united", "W", "u"),
                         ("states", "W", "s"), ("united states of america", "S", "USA"),
                         ("of", "W", "of")], ignore_case=True)
    vocab = ["united", "states", "of", "america", "the", "and", ","]
    rnd = random.Random(7)
    for _ in range(500):
        keys = [rnd.choice(vocab) for _ in range(rnd.randint(0, 12))]
        a = rnd.randint(0, len(keys))
        b = rnd.randint(a, len(keys))
        assert index.find(keys, a, b) == _plain_find(index, keys, a, b)
        assert index.find(keys) == _plain_find(index, keys)


def test_find_longest_match_crossing_the_range_end_is_not_shortened():
    index = PhraseIndex([("human rights council", "B", "HRC"), ("human", "W", "h")],
                        ignore_case=True)
    keys = ["the", "human", "rights", "council"]
    # the longest entry at "human" runs past b: nothing is found there
    assert index.find(keys, 0, 3) == []
    assert index.find(keys) == [Match(1, 4, "B", "HRC")]


def test_find_without_any_first_token_is_empty():
    index = PhraseIndex([("joint statement", "J", "")], ignore_case=True)
    assert index.find(["a", "vote", "was", "held"]) == []


def test_find_in_is_computed_once_per_sentence_and_index():
    index = PhraseIndex([("joint statement", "J", "x")], ignore_case=True)
    cased = PhraseIndex([("Joint Statement", "J", "y")])
    s = Sentence(1, 0, "A Joint Statement and a joint statement.")
    got = index.find_in(s)
    assert got == (Match(1, 3, "J", "x"), Match(5, 7, "J", "x"))
    assert index.find_in(s) is got
    assert cased.find_in(s) == (Match(1, 3, "J", "y"),)


def test_token_at_gives_first_token_at_or_after_offset():
    s = Sentence(3, 100, "Cuba, Chad voted.")
    # tokens: Cuba(0-4) ,(4-5) Chad(6-10) voted(11-16) .(16-17)
    assert s.token_at(100) == 0
    assert s.token_at(104) == 1
    assert s.token_at(105) == 2
    assert s.token_at(106) == 2
    assert s.token_at(116) == 4
    assert s.token_at(117) is None
    assert s.token_at(50) == 0


def test_sentence_pickles_without_its_memo():
    s = Sentence(2, 40, "Its ‘draft’ won’t pass.", 5)
    PhraseIndex([("pass", "P", "")], ignore_case=True).find_in(s)
    t = pickle.loads(pickle.dumps(s))
    assert (t.sentence_id, t.start, t.text, t.paragraph_id) == (2, 40, s.text, 5)
    assert t.keys == s.keys and t.lkeys == s.lkeys and t.memo == {}


def test_sessions_in_reads_sessions_and_skips_texts_without_session_words():
    assert sessions_in("At the forty-eighth session, HRC S-35 and UPR 32 met.") == \
        ["HRC48", "HRC S-35", "UPR32"]
    assert sessions_in("resolution 19/2 was adopted") == ["HRC19"]
    assert sessions_in("Cambodia spoke on Tuesday.") == []
    got = sessions_in("the 51st session")
    got.append("changed")  # callers get their own list
    assert sessions_in("the 51st session") == ["HRC51"]


def test_kind_scores_sum_cue_weights_and_keep_case_rules():
    # "recorded vote" 3 + "vote" 2 (data/event_kind_patterns.csv)
    assert kind_scores(["A recorded vote was held."]) == {"vote": 5}
    assert kind_scores(["the upr met"]) == {}  # UPR is matched in capitals only
    assert kind_scores(["The UPR met", "No cue here."]) == {"review": 3}


def test_states_named_reads_names_capitals_and_demonyms_in_order():
    from helpers.sources import states_named

    got = states_named("Cuban and Chinese envoys met in Geneva; Sri Lanka and Phnom Penh")
    assert got == ["CUB", "CHN", "LKA", "KHM"]
    got.clear()  # callers get their own list
    assert states_named("Cuban and Chinese envoys met in Geneva; Sri Lanka and Phnom Penh") == \
        ["CUB", "CHN", "LKA", "KHM"]


def test_link_line_needs_a_heading_at_the_start():
    from helpers.tallies import link_line

    assert link_line(["related", "links", ":", "x"])
    assert link_line(["see", "also", "the", "vote"])
    assert not link_line(["we", "see", "also", "x"])
    assert not link_line([])


def test_vote_context_needs_a_vote_word_or_a_text_and_its_outcome():
    from helpers.votes import vote_context

    assert vote_context(["they", "abstained"])
    assert vote_context(["the", "resolution", "was", "adopted"])
    assert not vote_context(["the", "resolution", "was", "debated"])


def test_attributions_with_quick_word_tests_still_find_every_pattern():
    from helpers.sources import attributions

    cases = {
        "ACCORDING TO the Foreign Ministry, 20 states spoke.": ["the Foreign Ministry"],
        "Mr. Sabry said the vote was fair.": ["Mr Sabry"],
        "In a press release issued by the Mission of Peru, it said so.":
            ["the Mission of Peru"],
        "By the ministry's count, 31 spoke.": ["the ministry"],
        "The statement, read by Ambassador Ney, was long.": ["Ambassador Ney"],
        "The Ministry of Foreign Affairs, Trade and Tourism said so.":
            ["The Ministry of Foreign Affairs, Trade and Tourism"],
        "The vote was close.": [],
        # letters re matches with ASCII ones regardless of case, which str.lower does not
        # turn into them: the word tests are skipped, the pattern still reads them
        "Accordıng to the Mission, 20 spoke.": ["the Mission"],
        "ACCORDİNG TO the Mission, 20 spoke.": ["the Mission"],
    }
    for text, want in cases.items():
        assert attributions(text) == want, text


def test_spans_equal_the_token_pattern_spans_on_awkward_text():
    from helpers.text import TOKEN_RE

    texts = ["  Côte d’Ivoire's 2,000 U.S.-led  votes\u00a0(30) — ‘yes’…",
             "a\u2003b\tc\n\nd-e‑f 1,234.5x H.E. Mr. O’Neil's", "", "   ", "x" * 3,
             "Thirty-one (31) states; 19–17 against."]
    rnd = random.Random(3)
    alphabet = "ab1,.’'- \u00a0\t-‐—(Sé"
    texts += ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 30)))
              for _ in range(300)]
    for t in texts:
        assert Sentence(1, 10, t).spans == [m.span() for m in TOKEN_RE.finditer(t)], t
        s = Sentence(1, 10, t)
        assert s.toks == TOKEN_RE.findall(t), t  # tokens read with the white space before
        assert [t[a:b] for a, b in s.spans] == s.toks


def test_needed_literal_is_what_every_match_opens_with():
    from helpers.events import needed_literal

    assert needed_literal(r"\brecorded vote\b") == "recorded vote"
    assert needed_literal(r"\bvot(?:e|es)\b") == "vot"
    assert needed_literal(r"\bco-?signed") == "co"  # the hyphen is optional
    assert needed_literal(r"\bab*c") == "a"
    assert needed_literal(r"vote|ballot") == ""  # one branch's words only
    assert needed_literal(r"\b(?:oral|written) update") == ""
    assert needed_literal(r"\b[x|y]z") == ""


def test_kind_scores_with_odd_case_letters_still_search():
    # "ſ" matches "s" when re ignores case, though "ſ".lower() is not "s"
    assert kind_scores(["An interactive dialogue on the ſession"]) == {"dialogue": 5}
    assert kind_scores(["a RECORDED VOTE"]) == {"vote": 5}
    assert kind_scores(["a recorded voſe"]) == {}
    assert kind_scores(["the reſolution"]) == {"vote": 1}


def test_date_pattern_finds_dates_with_its_look_ahead():
    from helpers.entities import DATE_RE

    text = ("On Tuesday, 5 October 2022, and on March 3rd, in Sept. 2021, early June, "
            "last week, the 1998 text and 2,000 people; ٣ May")
    got = [m.group(0) for m in DATE_RE.finditer(text)]
    assert got == ["Tuesday", "5 October 2022", "March 3rd", "Sept. 2021", "early June",
                   "last week", "1998", "٣ May"]
    # the same matches as the alternatives without the look-ahead
    import re

    head = "(?=[JFMASONDlntemoTW\\d])(?:"
    assert DATE_RE.pattern.startswith(head)
    plain = re.compile(DATE_RE.pattern[len(head):-1])
    rnd = random.Random(11)
    words = ["on", "On", "Monday", "5", "October", "2022", ",", "Sept.", "last", "week", "mid-",
             "March", "3rd", "of", "1998", "2,000", "-page", "%", "٣", "May", "x", "early"]
    texts = [text] + [" ".join(rnd.choice(words) for _ in range(rnd.randint(0, 9)))
                      for _ in range(500)]
    for t in texts:
        assert [(m.span(), m.groupdict()) for m in DATE_RE.finditer(t)] == \
            [(m.span(), m.groupdict()) for m in plain.finditer(t)], t


def test_literal_pre_check_never_rules_out_a_case_insensitive_match():
    """A pattern is skipped only when it surely cannot match — checked against ``re``."""
    import re

    from helpers.text import Literals, lower_for_literals

    pat = re.compile(r"\bstatement\b", re.IGNORECASE)
    statement, mr = Literals(("statement",), True), Literals(("Mr.",), False)
    for text in ("The STATEMENT said so.", "A long ſtatement here", "no such word",
                 "İstatement", "Statement"):
        low = lower_for_literals(text)
        skipped = statement.cannot_match(text, low)
        assert not (skipped and pat.search(text)), text
    assert lower_for_literals("A ſ here") is None and lower_for_literals("AbC") == "abc"
    assert statement.cannot_match("nothing", "nothing")
    assert mr.cannot_match("mr. Smith", None)  # case-sensitive: as written
    assert not mr.cannot_match("Mr. Smith", None)


def test_document_words_from_sentence_tokens_equal_those_of_the_joined_text():
    # stage 02 takes a document's words from its sentences' tokens instead of tokenising the
    # document's text again: the same set, as no token crosses the newline joining them
    from helpers.stages import doc_words
    from helpers.text import TOKEN_RE

    rnd = random.Random(11)
    alphabet = "aB1,.’'- \u00a0\t-‐—(SéİſU.S"
    for _ in range(300):
        texts = ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 25)))
                 for _ in range(rnd.randint(1, 5))]
        joined = "\n".join(texts)
        want = {w.lower().replace("’", "'") for w in TOKEN_RE.findall(joined)}
        assert doc_words(Sentence(i, 0, t) for i, t in enumerate(texts)) == want, texts


def test_attribution_word_tests_never_rule_out_a_sentence_a_pattern_matches():
    # each pattern's quick test (one of some words, and all of others) is a necessary
    # condition: on sentences built from the patterns' own pieces, a match is never skipped
    from helpers.sources import _PATTERN_CHECKS
    from helpers.text import lower_for_literals

    pieces = ["In a statement", " issued by", " by ", "the Mission", ", ", "said ", "says",
              " according to ", "According To ", "’s count", "'S Tally", " of Peru", ".",
              "Ambassador Ney", " read out", " the joint statement", "statement, read by ",
              "“", "”", '"', " noted ", "Its", " figures", "ſaid", "İN A STATEMENT BY x"]
    rnd = random.Random(7)
    hits = 0
    for _ in range(4000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 7)))
        low = lower_for_literals(text)
        for pat, lits in _PATTERN_CHECKS:
            if pat.search(text):
                hits += 1
                assert not lits.cannot_match(text, low), (pat.pattern, text)
    assert hits > 1000  # the sentences do exercise the patterns


def test_date_word_tests_never_rule_out_a_sentence_the_date_patterns_match():
    from helpers.events import _BARE_MONTH, _BARE_MONTH_NEEDS, _RELATIVE, _RELATIVE_NEEDS
    from helpers.text import lower_for_literals

    pieces = ["on ", "On ", "last ", "LAST ", "Monday", "TUESDAY", "ſunday", "yesterday",
              "ToDay", "this week", "THIS WEEK", " in ", "In ", "since ", "mid-", "March",
              "MAY", "May", " 12", ", ", "the vote", "Week", "wednesdaY"]
    rnd = random.Random(17)
    hits = 0
    for _ in range(4000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 6)))
        low = lower_for_literals(text)
        if _RELATIVE.search(text):
            hits += 1
            assert not _RELATIVE_NEEDS.cannot_match(text, low), text
        if _BARE_MONTH.search(text):
            hits += 1
            assert not _BARE_MONTH_NEEDS.cannot_match(text, low), text
    assert hits > 500


def test_match_is_the_longest_entry_spelled_out_at_the_token():
    # the look-up's shortcuts (one dict per length, the second-token test) against the
    # definition: the longest entry whose tokens are the tokens at i, the first listed
    rnd = random.Random(31)
    vocab = ["the", "The", "republic", "of", "korea", "Korea", "x", "y", "united", "states"]
    for _ in range(40):
        entries = [(" ".join(rnd.choice(vocab) for _ in range(rnd.randint(1, 4))), "L",
                    str(e)) for e in range(rnd.randint(1, 12))]
        for ic in (False, True):
            idx = PhraseIndex(entries, ignore_case=ic)
            norm = [tuple(t.lower() if ic else t for t in p.split()) for p, _l, _p in entries]
            for _ in range(60):
                keys = [rnd.choice(vocab) for _ in range(rnd.randint(1, 8))]
                keys = [k.lower() for k in keys] if ic else keys
                for i in range(len(keys)):
                    fits = [(len(t), e) for e, t in enumerate(norm)
                            if tuple(keys[i:i + len(t)]) == t]
                    want = None
                    if fits:
                        size = max(n for n, _e in fits)
                        e = min(e for n, e in fits if n == size)
                        want = (size, "L", entries[e][2])
                    assert idx.match(keys, i) == want, (entries, keys, i)


def test_literals_agree_with_substring_tests_for_few_and_many_needles():
    from helpers.text import Literals, lower_for_literals

    def cannot_match(needles, text, low, ignore_case):  # the definition, one word at a time
        if ignore_case:
            return low is not None and not any(w in low for w in needles)
        return not any(w in text for w in needles)

    rnd = random.Random(37)
    words = ["said", "Said", "by", " by ", "count", "'s count", "ſaid", "x", "statement"]
    for _ in range(3000):
        needles = tuple(rnd.sample(words, rnd.randint(0, 7)))
        all_of = tuple(rnd.sample(words, rnd.randint(0, 2)))
        ic = rnd.random() < 0.5
        if ic:
            needles, all_of = tuple(w.lower() for w in needles), tuple(w.lower() for w in all_of)
        text = " ".join(rnd.choice(words) for _ in range(rnd.randint(0, 5)))
        low = lower_for_literals(text)
        where = low if ic else text
        want = cannot_match(needles, text, low, ic) or (
            where is not None and not all(w in where for w in all_of))
        assert Literals(needles, ic, all_of=all_of).cannot_match(text, low) == want, (
            needles, all_of, ic, text)
