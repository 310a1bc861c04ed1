"""Recorded votes: each form of a vote, the direction of the voted text, named voters.

Sentences are written for these tests (not taken from any corpus); expected values are worked
out by hand from the sentences.
"""

from __future__ import annotations

import pytest

from helpers.tallies import extract_tallies, summarise_events
from helpers.text import Mention, Sentence, sentences_from_texts
from helpers.votes import (
    dash_scores,
    labelled_counts,
    own_text,
    read_votes,
    text_direction,
    vote_context,
    vote_lists,
    vote_stance,
    votes_to,
)


def lk(text: str) -> tuple[list[str], list[str]]:
    s = Sentence(1, 0, text)
    return s.toks, s.lkeys


def numbers(toks: list[str]) -> list[tuple[int, int, int]]:
    from helpers.tallies import find_numbers

    return [(n.i, n.j, n.value) for n in find_numbers(toks)]


def read(text: str) -> list[tuple[str, int]]:
    toks, low = lk(text)
    return [(v.vote, v.count) for v in read_votes(toks, low, numbers(toks))]


def votes(*texts: str, subject: str = "ABC", paragraphs: bool = True
          ) -> list[tuple[str, int, str, str]]:
    ts = extract_tallies("d", sentences_from_texts(texts, paragraphs=paragraphs),
                         subject_country=subject)
    return [(t.stance, t.count, t.vote, t.kind) for t in ts if t.subject == "delegations"]


# --------------------------------------------------------------------------- rule kinds


def test_vote_context():
    assert vote_context(lk("The draft was rejected after a long debate.")[1])
    assert vote_context(lk("Nine members abstained.")[1])
    assert not vote_context(lk("Thirty delegations spoke in favour of the government.")[1])


@pytest.mark.parametrize("text,want", [
    ("The council approved the text 31-9 on Friday.", [("yes", 31), ("no", 9)]),
    ("The measure passed 26-14-7 after a tense debate.",
     [("yes", 26), ("no", 14), ("abstain", 7)]),
    # the winner first: after "rejected" the first figure is the no count
    ("The proposal was rejected 21-16.", [("no", 21), ("yes", 16)]),
])
def test_dash_scores_must_find(text, want):
    toks, low = lk(text)
    assert [(v.vote, v.count) for v in dash_scores(low, numbers(toks))] == want


def test_dash_scores_must_not_find():
    assert read("The 2014-2018 plan covers 12-15 provinces.") == []


@pytest.mark.parametrize("text,want", [
    ("The text was carried by 29 votes to 13, with 5 abstentions.",
     [("yes", 29), ("no", 13), ("abstain", 5)]),
    ("It was approved by a vote of 26 to 8.", [("yes", 26), ("no", 8)]),
    ("The motion was defeated by 24 votes to 18.", [("no", 24), ("yes", 18)]),
])
def test_votes_to_must_find(text, want):
    assert read(text) == want


def test_votes_to_must_not_find():
    toks, low = lk("Attendance rose from 20 to 31 delegations in two years.")
    assert votes_to(low, numbers(toks)) == []


@pytest.mark.parametrize("text,want", [
    ("Sixteen voted against, 27 for, and four abstained.",
     [("no", 16), ("yes", 27), ("abstain", 4)]),
    ("The text received 25 votes in favour, 06 votes against, and 16 abstentions.",
     [("yes", 25), ("no", 6), ("abstain", 16)]),
    ("Only three members, Aland, Borduria and Carpania, voted for the text.", [("yes", 3)]),
    ("Brazil and Chile were among eight states that voted no, while 12 others abstained.",
     [("no", 8), ("abstain", 12)]),
    ("Over the years the texts drew 14, 11 and 9 votes against respectively.",
     [("no", 14), ("no", 11), ("no", 9)]),
    ("Thirty-three of the 47 members voted in favour.", [("yes", 33)]),
])
def test_labels_after_their_count(text, want):
    assert read(text) == want


@pytest.mark.parametrize("text,want", [
    ("Votes in favour: 24", [("yes", 24)]),
    ("Against (9): Aland, Borduria, Carpania.", [("no", 9)]),
    ("Abstentions: 14", [("abstain", 14)]),
    ("The resolution was backed by 26 of the 47 members.", [("yes", 26)]),
])
def test_labels_before_their_count(text, want):
    assert read(text) == want


def test_labels_must_not_find_dialogue_language():
    # "in favour" and "against" after a speaking verb are dialogue stances, not votes
    assert read("Twenty delegations spoke in favour and seven spoke against the report.") == []
    toks, low = lk("Twelve states were against it.")
    assert labelled_counts(toks, low, numbers(toks), strong_context=False) == []


# --------------------------------------------------------------------------- direction


@pytest.mark.parametrize("text,direction", [
    ("A draft tabled by Borduria to end the mandate of the expert was rejected.",
     "favourable"),
    ("Borduria's own resolution was adopted.", "favourable"),
    ("The Bordurian text praised its cooperation.", "favourable"),
    ("Allies of the government moved a no-action motion.", "favourable"),
    ("The council renewed the mandate of the Special Rapporteur.", "critical"),
    ("A resolution on the situation of human rights in Borduria passed.", "critical"),
    ("A proposal to hold a debate on the region was put to a vote.", "critical"),
    ("The council then voted.", ""),
])
def test_text_direction(text, direction, monkeypatch):
    import helpers.votes as v

    monkeypatch.setattr(v, "subject_forms", lambda s: v.PhraseIndex(
        [("Borduria", "S", ""), ("Bordurian", "S", "")], ignore_case=True))
    assert text_direction(lk(text)[1], "BRD")[0] == direction


def test_own_text_needs_the_subject():
    low = lk("A draft tabled by Canada was adopted.")[1]
    assert own_text(low, "KHM") == ""


@pytest.mark.parametrize("vote,direction,stance", [
    ("yes", "critical", "critical"), ("no", "critical", "favourable"),
    ("abstain", "critical", "neutral"), ("yes", "favourable", "favourable"),
    ("no", "favourable", "critical"), ("abstain", "favourable", "neutral"),
    ("yes", "", "critical"),
])
def test_vote_stance(vote, direction, stance):
    assert vote_stance(vote, direction) == stance


# --------------------------------------------------------------------------- documents


def test_critical_resolution_keeps_literal_vote_beside_stance():
    got = votes("The council adopted a resolution on the situation of human rights in Cambodia "
                "by 25 votes to 10, with 12 abstentions.", subject="KHM")
    assert got == [("critical", 25, "yes", "vote"), ("favourable", 10, "no", "vote"),
                   ("neutral", 12, "abstain", "vote")]


def test_subjects_own_text_turns_the_mapping_round():
    got = votes("A draft tabled by Cambodia to end the mandate was put to the vote.",
                "Six members voted for the Cambodian text.",
                "Twenty-eight voted against it and thirteen abstained.", subject="KHM",
                paragraphs=False)
    assert got == [("favourable", 6, "yes", "vote"), ("critical", 28, "no", "vote"),
                   ("neutral", 13, "abstain", "vote")]


def test_direction_does_not_leak_into_the_next_paragraph():
    got = votes("Allies of Cambodia moved a no-action motion, which failed.",
                "Years earlier a resolution passed by 20 votes to 14.", subject="KHM")
    assert got == [("critical", 20, "yes", "vote"), ("favourable", 14, "no", "vote")]


def test_votes_on_another_question_are_not_counted():
    assert votes("On the question of the death penalty, a text was adopted by 30 votes to "
                 "12.", subject="KHM") == []


def test_each_vote_is_its_own_event_and_repeats_merge():
    ts = extract_tallies("d", sentences_from_texts([
        "Rejected 20-18: the council says no to the draft.",
        "The draft was rejected by 20 votes to 18, with 9 abstentions.",
        "In 2015 a similar text passed 25-13 with 9 abstentions."]), subject_country="KHM")
    ev = [(e.kind, e.parts) for e in summarise_events(ts)]
    assert ev == [("vote", {"favourable": 20, "critical": 18, "neutral": 9}),
                  ("vote", {"favourable": 13, "critical": 25, "neutral": 9})]


def test_whole_membership_joins_the_vote_event():
    ts = extract_tallies("d", sentences_from_texts([
        "Of the council's 47 members, 30 voted in favour, 10 against and 7 abstained."]),
        subject_country="KHM")
    (e,) = summarise_events(ts)
    assert (e.kind, e.total, e.parts, e.check) == (
        "vote", 47, {"favourable": 10, "critical": 30, "neutral": 7}, "ok")


def test_clashing_figures_in_one_sentence_are_flagged():
    ts = extract_tallies("d", sentences_from_texts([
        "He thanked the 9 states that voted against the text, adopted by 24 votes to 8."]),
        subject_country="KHM")
    (e,) = summarise_events(ts)
    assert e.check == "mismatch" and "favourable stated as 8 and 9" in e.notes


# --------------------------------------------------------------------------- named voters


def _mentions(sentences: list[Sentence], names: dict[str, str]) -> list[Mention]:
    out = []
    for s in sentences:
        for name, iso in names.items():
            at = s.text.find(name)
            if at >= 0:
                out.append(Mention("d", s.sentence_id, s.start + at, s.start + at + len(name),
                                   name, "COUNTRY", iso))
    return out


def test_vote_lists_from_headed_lists_and_clauses():
    ss = sentences_from_texts([
        "In favour (2): France, Mexico.",
        "Against (1): Cuba.",
        "Abstaining (1): India.",
        "Brazil and Chile voted against, while Japan abstained."])
    ms = _mentions(ss, {"France": "FRA", "Mexico": "MEX", "Cuba": "CUB", "India": "IND",
                        "Brazil": "BRA", "Chile": "CHL", "Japan": "JPN"})
    got = [(v, [m.canonical for m in names]) for v, names in vote_lists(ss, ms)]
    assert got == [("yes", ["FRA", "MEX"]), ("no", ["CUB"]), ("abstain", ["IND"]),
                   ("no", ["BRA", "CHL"]), ("abstain", ["JPN"])]


def test_vote_lists_ignore_sentences_without_a_vote():
    ss = sentences_from_texts(["France and Mexico spoke in the debate."])
    ms = _mentions(ss, {"France": "FRA", "Mexico": "MEX"})
    assert vote_lists(ss, ms) == []


@pytest.mark.parametrize("texts,want", [
    (["The resolution was adopted.", "Votes in favour: 22", "Votes against: 09",
      "Abstentions: 16", "Voted in favour:", "1. Aland", "2. Borduria"],
     [("critical", 22, "yes"), ("favourable", 9, "no"), ("neutral", 16, "abstain")]),
    (["The text was adopted with 22 voting in favour while 8 voted against it and 17 "
      "abstained from voting."],
     [("critical", 22, "yes"), ("favourable", 8, "no"), ("neutral", 17, "abstain")]),
    (["Twenty-two countries – Aland, Borduria, Carpania, Dorado and Esteria – voted for the "
      "resolution."], [("critical", 22, "yes")]),
    (["Twelve member countries, including Dorado voted against and nine member-states "
      "abstained from voting."], [("favourable", 12, "no"), ("neutral", 9, "abstain")]),
])
def test_press_forms_of_a_vote(texts, want):
    assert [(s, c, v) for s, c, v, _k in votes(*texts)] == want


@pytest.mark.parametrize("text,stance", [
    ("Sixty countries on Tuesday signed onto a statement that condemned the abuses.",
     "critical"),
    ("So far, 24 countries, including Aland and Dorado, have signed the statement, which "
     "expressed support for the government.", "favourable"),
    ("It was a joint statement by some 25 countries expressing support for the authorities.",
     "favourable"),
])
def test_joint_statement_backers_after_their_count(text, stance):
    ts = extract_tallies("d", sentences_from_texts([text]), subject_country="KHM")
    assert [(t.stance, t.kind) for t in ts] == [(stance, "joint_statement")]


def test_each_speaker_delivering_statements_is_not_a_joint_statement():
    ts = extract_tallies("d", sentences_from_texts([
        "Of the 44 countries that delivered statements, 36 praised the elections."]),
        subject_country="KHM")
    assert {t.kind for t in ts} == {"dialogue"}


def test_one_of_the_countries_that_abstained_labels_the_whole():
    got = votes("The resolution was adopted by 25 votes to 10.",
                "Malaysia was one of the 12 countries that abstained.", paragraphs=False)
    assert [(s, c, v) for s, c, v, _k in got] == [
        ("critical", 25, "yes"), ("favourable", 10, "no"), ("neutral", 12, "abstain")]


def test_supported_by_and_support_of():
    assert [(c, v) for _s, c, v, _k in votes(
        "The resolution was supported by 20 states, seven voted against, 20 abstained.")] == [
        (20, "yes"), (7, "no"), (20, "abstain")]
    assert [(c, v) for _s, c, v, _k in votes(
        "The resolution passed with the support of 25 members.")] == [(25, "yes")]


def test_votes_of_a_summary_on_other_texts_are_not_counted():
    got = votes("On the situation of human rights in Eritrea, the Council adopted by a vote "
                "of 19 in favour, 6 against and 22 abstentions a resolution extending the "
                "mandate.",
                "As for the mandate of the Independent Expert on solidarity, the Council "
                "adopted by a vote of 30 in favour, 14 against and 3 abstentions a resolution.",
                "Concerning the right to food, the Council adopted a text by 33 votes to 12.",
                "In a resolution on the situation of human rights in the Syrian Arab Republic, "
                "adopted by 26 votes to 6, the Council condemned the violations.",
                "On Thursday, the Council adopted a resolution on Eritrea by 21 votes to 11.",
                subject="ERI")
    assert [(s, c, v) for s, c, v, _k in got] == [
        ("critical", 19, "yes"), ("favourable", 6, "no"), ("neutral", 22, "abstain"),
        ("critical", 21, "yes"), ("favourable", 11, "no")]


@pytest.mark.parametrize("text,direction", [
    ("The Sri Lanka-led resolution welcomed the end of the conflict.", "favourable"),
    ("A Cambodia-sponsored text on technical cooperation passed.", "favourable"),
    ("A U.S.-backed resolution passed.", ""),
])
def test_hyphenated_sponsor(text, direction):
    subject = "LKA" if "Lanka" in text else "KHM"
    assert text_direction(lk(text)[1], subject)[0] == direction


def test_vote_lists_one_name_a_line():
    ss = sentences_from_texts(["Voted in favour:", "1. France", "2. Mexico", "Votes against:",
                               "1. Cuba", "The result surprised observers in Paris."])
    ms = _mentions(ss, {"France": "FRA", "Mexico": "MEX", "Cuba": "CUB"})
    got = [(v, [m.canonical for m in names]) for v, names in vote_lists(ss, ms)]
    assert got == [("yes", ["FRA", "MEX"]), ("no", ["CUB"])]


def test_vote_lists_take_only_the_list_next_to_the_vote():
    ss = sentences_from_texts([
        "Backed by Paris, the draft was opposed by Cuba; 16 voted against it.",
        "Brazil, Chile and Peru were among nine states that voted no.",
        "Twenty voted against, among them France and Mexico, and six abstained."])
    ms = _mentions(ss, {"Cuba": "CUB", "Brazil": "BRA", "Chile": "CHL", "Peru": "PER",
                        "France": "FRA", "Mexico": "MEX"})
    got = [(v, [m.canonical for m in names]) for v, names in vote_lists(ss, ms)]
    assert got == [("no", ["BRA", "CHL", "PER"]), ("no", ["FRA", "MEX"])]


def test_bare_yes_and_no_after_a_count():
    assert read("Of the members, 19 voted yes, 6 no and 22 abstained.") == [
        ("yes", 19), ("no", 6), ("abstain", 22)]
    assert read("There is no 1 answer, and no vote was held.") == []


# --------------------------------------------------------------------------- the subject asked


@pytest.mark.parametrize("text,cue", [
    ("The extraordinary session convened at the request of Sri Lanka adopted the text.",
     "request of sri lanka"),
    ("The Council met at Sri Lanka's request and voted on the draft.", "sri lanka's request"),
    ("The draft Sri Lanka had sought was put to a vote.", "sri lanka sought"),
    ("The meeting Sri Lanka requested ended with a vote.", "sri lanka requested"),
    ("A text condemning the aggression against Sri Lanka was adopted.",
     "condemning the aggression against sri lanka"),
])
def test_text_the_subject_asked_for_is_its_own(text, cue):
    assert own_text(lk(text)[1], "LKA") == cue


@pytest.mark.parametrize("text", [
    "Sri Lanka requested more time before the vote.",  # no text or meeting asked for
    "The draft criticised the attacks on journalists in Sri Lanka.",  # harm by it, not to it
    "At the request of Canada, the session voted on the text on Sri Lanka.",
    "Sri Lanka led the opposition to the resolution.",
])
def test_not_the_subjects_own_text(text):
    assert own_text(lk(text)[1], "LKA") == ""


def test_own_text_direction_carries_into_the_next_paragraph():
    got = votes("Sri Lanka's draft welcomed its cooperation with the Office.",
                "It was adopted 29 to 12, and six members abstained.", subject="LKA")
    assert got == [("favourable", 29, "yes", "vote"), ("critical", 12, "no", "vote"),
                   ("neutral", 6, "abstain", "vote")]


def test_a_debate_the_subject_requested_carries_to_its_vote():
    got = votes("China asked the Council for a debate on its cooperation, the debate China "
                "requested being put to a vote the next day.",
                "The proposal was rejected by 18 votes to 16, with 13 abstentions.",
                subject="CHN")
    assert got == [("critical", 18, "no", "vote"), ("favourable", 16, "yes", "vote"),
                   ("neutral", 13, "abstain", "vote")]


def test_another_text_stops_the_carried_direction():
    got = votes("The special session was held at the request of Sri Lanka.",
                "In a separate vote, a resolution passed 25 to 14.", subject="LKA")
    assert got == [("critical", 25, "yes", "vote"), ("favourable", 14, "no", "vote")]


@pytest.mark.parametrize("text,want", [
    ("The resolution was adopted 30 to 9.", [("yes", 30), ("no", 9)]),
    ("The draft was rejected 20 to 17.", [("no", 20), ("yes", 17)]),
])
def test_outcome_verb_then_n_to_m(text, want):
    assert read(text) == want


def test_n_to_m_without_a_vote_is_no_score():
    assert read("Attendance rose from 20 to 31 over the week.") == []


@pytest.mark.parametrize("text,want", [
    ("Members voted 21-15 against holding the debate, with 11 abstentions.",
     [("yes", 15), ("no", 21), ("abstain", 11)]),
    ("The draft was adopted 21-15 in favour.", [("yes", 21), ("no", 15)]),
    ("The text could muster only 14 votes.", [("yes", 14)]),
    ("Delegates said the draft would garner barely 18 votes.", [("yes", 18)]),
    ("In the vote 25 states cast their ballots in favour, 15 against.",
     [("yes", 25), ("no", 15)]),
])
def test_more_vote_wordings(text, want):
    assert read(text) == want


def test_winning_seats_is_no_vote():
    assert read("The party is expected to win 30 seats in the election.") == []


@pytest.mark.parametrize("text,cue", [
    ("China requested an urgent debate.", "china requested debate"),
    ("Sri Lanka tabled a draft welcoming its progress.", "sri lanka tabled draft"),
    ("Belarus had sought a special session.", "belarus sought session"),
])
def test_subject_asking_for_a_text_or_debate(text, cue):
    subject = {"China": "CHN", "Sri": "LKA", "Belarus": "BLR"}[text.split()[0]]
    assert own_text(lk(text)[1], subject) == cue


def test_procedural_vote_on_a_debate_the_subject_requested():
    got = votes("Belarus had requested a debate on its cooperation with the Council.",
                "Members voted on whether to hold it: 15 voted in favour and 20 against, "
                "with 12 abstentions.", subject="BLR")
    assert got == [("favourable", 15, "yes", "vote"), ("critical", 20, "no", "vote"),
                   ("neutral", 12, "abstain", "vote")]


def test_the_debate_the_subject_asked_for_stays_its_own_in_the_vote():
    got = votes("China had requested a general debate on development and rights.",
                "In a vote on the motion to hold a debate, 17 were in favour, 19 against "
                "and 11 abstained.", subject="CHN")
    assert got == [("favourable", 17, "yes", "vote"), ("critical", 19, "no", "vote"),
                   ("neutral", 11, "abstain", "vote")]


def test_a_debate_others_asked_for_is_critical():
    got = votes("Western states requested a debate on Xinjiang.",
                "In a vote on the motion to hold a debate, 17 were in favour, 19 against "
                "and 11 abstained.", subject="CHN")
    assert got == [("critical", 17, "yes", "vote"), ("favourable", 19, "no", "vote"),
                   ("neutral", 11, "abstain", "vote")]


@pytest.mark.parametrize("text", [
    "The text proposed by the Sri Lankan delegation was adopted.",
    "A draft tabled by the delegation of Sri Lanka was adopted.",
    "The resolution presented by the government of Sri Lanka was adopted.",
])
def test_tabled_by_the_subjects_delegation(text):
    assert own_text(lk(text)[1], "LKA")


def test_tabled_by_another_delegation():
    assert own_text(lk("A draft tabled by the delegation of Canada on Sri Lanka passed.")[1],
                    "LKA") == ""


@pytest.mark.parametrize("text", [
    "The session was convened at the request of the Sri Lankan government.",
    "The session was convened at the request of the government of Sri Lanka.",
])
def test_at_the_request_of_the_subjects_government(text):
    assert own_text(lk(text)[1], "LKA")


def test_a_critical_text_after_the_subjects_own_is_critical():
    got = votes("Sri Lanka's draft was adopted by 29 votes to 12.",
                "Three years later the resolution on the situation in Sri Lanka passed by 24 "
                "votes to 15.", subject="LKA")
    assert got == [("favourable", 29, "yes", "vote"), ("critical", 12, "no", "vote"),
                   ("critical", 24, "yes", "vote"), ("favourable", 15, "no", "vote")]


def test_in_its_favour_is_a_yes_vote():
    ts = extract_tallies("d", sentences_from_texts(
        ["The draft on Belarus was adopted.", "Nineteen states voted in its favour and six "
         "against it."]), subject_country="BLR")
    assert [(t.stance, t.count, t.vote) for t in ts if t.subject == "delegations"] == [
        ("critical", 19, "yes"), ("favourable", 6, "no")]


def test_a_part_out_of_a_whole_takes_the_vote():
    ts = extract_tallies("d", sentences_from_texts(
        ["The resolution on Myanmar was adopted after 29 members out of 47 voted in its "
         "favour."]), subject_country="MMR")
    assert [(t.stance, t.count, t.total, t.vote) for t in ts if t.subject == "delegations"] == [
        ("critical", 29, 47, "yes"), ("all", 47, 47, "")]
