"""Who a figure comes from: attribution phrases and canonical names, from the text alone.

Sentences are written for these tests; expected names are worked out by hand.
"""

from __future__ import annotations

import pytest

from helpers.sources import (
    attributions,
    canonical_source,
    document_sources,
    find_attribution,
    issuer,
)
from helpers.tallies import extract_tallies
from helpers.text import sentences_from_texts


@pytest.mark.parametrize("sentence,phrase", [
    ("Thirty delegations spoke, according to the Lao foreign ministry.",
     "the Lao foreign ministry"),
    ("Nine were critical, the Kingdom's mission in Geneva said on Friday.",
     "the Kingdom's mission in Geneva"),
    ("By the committee's count, 70 states spoke.", "the committee"),
    ("Twenty praised it, said Ana Lima, Brazil's ambassador to the UN in Geneva.",
     "Ana Lima, Brazil's ambassador to the UN in Geneva"),
])
def test_attribution_phrases(sentence, phrase):
    assert find_attribution(sentence) == phrase


@pytest.mark.parametrize("sentence", [
    "Thirty delegations took part in the dialogue.",
    "He said it was a good day.",
    "Of the 40 states that spoke, 30 were supportive.",  # "states" is not a verb here
])
def test_no_attribution(sentence):
    assert [a for a in attributions(sentence) if canonical_source(a)] == []


@pytest.mark.parametrize("phrase,doc_country,name", [
    ("Vietnam's Permanent Mission in Geneva", "", "Permanent Mission of Vietnam"),
    ("the Vietnamese mission", "", "Permanent Mission of Vietnam"),
    ("the Permanent Mission of the Lao People's Democratic Republic", "",
     "Permanent Mission of Laos"),
    ("the foreign ministry of Thailand", "", "Ministry of Foreign Affairs of Thailand"),
    ("the mission", "VNM", "Permanent Mission of Vietnam"),
    ("the state news agency Xinhua", "CHN", "Xinhua"),
    ("a UN meeting summary", "", "UN meeting summary"),
    ("the Cambodian Human Rights Committee", "", "Cambodian Human Rights Committee"),
    ("the mission", "", ""),  # no state in the text at all: no made-up name
    ("Chen", "", ""),
    ("statement", "", ""),
    ("COLOMBO — Sri Lanka", "LKA", ""),
])
def test_canonical_names(phrase, doc_country, name):
    assert canonical_source(phrase, doc_country=doc_country) == name


def test_person_heading_a_mission_speaks_for_it():
    roles = {"Ana Lima": "Ana Lima, Brazil's ambassador to the UN in Geneva, said"}
    assert canonical_source("Ana Lima", persons_roles=roles) == "Permanent Mission of Brazil"


def test_plain_person_keeps_their_name():
    roles = {"Ana Lima": "human rights lawyer Ana Lima"}
    assert canonical_source("lawyer Ana Lima", persons_roles=roles) == "Ana Lima"


def test_spokesperson_speaks_for_the_body_named_before():
    ss = sentences_from_texts([
        "The Ministry of Foreign Affairs and Regional Integration issued a note.",
        "Ministry spokeswoman Mia Tan said 30 states spoke in favour."])
    canon, _ = document_sources(ss, {"Mia Tan": "Ministry spokeswoman Mia Tan said"})
    assert canon[1] == "Ministry of Foreign Affairs and Regional Integration"


def test_issuer_heading():
    ss = sentences_from_texts(["PERMANENT MISSION OF THE REPUBLIC OF THE PHILIPPINES",
                               "PRESS RELEASE", "Forty states took part in the dialogue."])
    assert issuer(ss) == "Permanent Mission of Philippines"


def test_the_subject_parameter_never_names_the_source():
    ss = sentences_from_texts(["Of the 40 delegations present, 31 praised Thailand, the "
                               "Thai mission said."])
    for subject in ("THA", "LKA", ""):
        ts = extract_tallies("d", ss, subject_country=subject)
        assert {t.source for t in ts} == {"Permanent Mission of Thailand"}


def test_counts_of_other_things_carry_no_source():
    ss = sentences_from_texts(["Thailand has 500 newspapers and 30 delegations praised it, the "
                               "Thai mission said."])
    ts = extract_tallies("d", ss, subject_country="THA")
    assert {(t.subject, t.source) for t in ts} == {
        ("newspapers", ""), ("delegations", "Permanent Mission of Thailand")}


def test_unattributed_vote_has_no_source():
    ss = sentences_from_texts(["The resolution was adopted by 25 votes to 10.",
                               "Its sponsors welcomed the result, the British mission said."])
    ts = extract_tallies("d", ss, subject_country="THA")
    assert {t.source for t in ts} == {""}


def test_the_kingdom_is_the_kingdom_the_text_names():
    ss = sentences_from_texts([
        "The United Kingdom raised concerns about Thailand.",
        "Of the 30 states that spoke, 24 praised the reforms, the Kingdom's mission said."])
    canon, _ = document_sources(ss)
    assert canon[1] == "Permanent Mission of Thailand"


def test_the_mission_later_on_is_the_one_named_before():
    ss = sentences_from_texts([
        "Twenty states praised the reforms, Cambodia's mission said.",
        "France, Germany and the United Kingdom raised concerns about France's allies.",
        "The other eight were critical, the mission said."], paragraphs=False)
    canon, _ = document_sources(ss)
    assert canon[2] == "Permanent Mission of Cambodia"


# --------------------------------------------------------------------------- tallies2 rules


@pytest.mark.parametrize("sentence,name", [
    ("Of the 44 delegations, 31 praised the report, the Ministry of Foreign Affairs, Trade "
     "and Tourism said.", "Ministry of Foreign Affairs, Trade and Tourism"),
    ("According to the Ministry of Foreign Affairs, Regional Integration and Worship, 20 "
     "states spoke.", "Ministry of Foreign Affairs, Regional Integration and Worship"),
    ("The Ministry of Foreign Affairs and Overseas Employment said 25 states spoke.",
     "Ministry of Foreign Affairs and Overseas Employment"),
])
def test_a_ministry_named_in_full_is_kept_as_written(sentence, name):
    canon, _ = document_sources(sentences_from_texts([sentence]))
    assert canon == [name]


def test_a_ministry_not_named_in_full_is_canonical():
    canon, _ = document_sources(sentences_from_texts([
        "The Ministry of Foreign Affairs said 25 of the 38 delegations backed Nepal."]))
    assert canon == ["Ministry of Foreign Affairs of Nepal"]


def test_a_state_after_and_ends_the_full_name():
    canon, _ = document_sources(sentences_from_texts([
        "According to the Ministry of Foreign Affairs and Nepal's mission, 25 states spoke."]))
    assert canon == ["Ministry of Foreign Affairs of Nepal"]


def test_the_ministry_later_on_is_the_full_name():
    canon, _ = document_sources(sentences_from_texts([
        "The Ministry of Foreign Affairs, Trade and Tourism welcomed the outcome.",
        "By the ministry's count, 30 states spoke."]))
    assert canon[1] == "Ministry of Foreign Affairs, Trade and Tourism"


@pytest.mark.parametrize("sentence", [
    "Thirty delegations spoke in support of Nepal, diplomats said.",
    "Thirty delegations spoke in support of Nepal, according to Western diplomats.",
    "Thirty delegations spoke in support of Nepal, a government critic noted.",
])
def test_unnamed_diplomats_and_critics_are_no_source(sentence):
    canon, _ = document_sources(sentences_from_texts([sentence]))
    assert canon == [""]


@pytest.mark.parametrize("sentence", [
    "Thirty delegations spoke in support of Nepal, the government said.",
    "According to government figures, thirty delegations spoke in support of Nepal.",
])
def test_the_government_when_it_says_so(sentence):
    canon, _ = document_sources(sentences_from_texts([sentence]))
    assert canon == ["Government of Nepal"]


@pytest.mark.parametrize("sentence", [
    "Ambassador Lina Osei of Ghana read a joint statement on behalf of 40 countries.",
    "The joint statement, read by Lina Osei on behalf of 40 countries, praised Nepal.",
    "On behalf of 40 countries, Ghana's ambassador Lina Osei delivered a statement.",
])
def test_the_ambassador_reading_a_joint_statement_is_its_source(sentence):
    canon, _ = document_sources(sentences_from_texts([sentence]),
                                {"Lina Osei": "Ghana's ambassador Lina Osei"})
    assert canon == ["Lina Osei"]


def test_said_the_mission_after_a_comma():
    canon, _ = document_sources(sentences_from_texts([
        "Thirty delegations backed Nepal, said the Permanent Mission of Nepal in Geneva."]))
    assert canon == ["Permanent Mission of Nepal"]


@pytest.mark.parametrize("phrase,name", [
    ("Aya Mensah, Ghana's ambassador to the UN in Geneva", "Permanent Mission of Ghana"),
    ("Aya Mensah, the Permanent Representative of Ghana", "Permanent Mission of Ghana"),
])
def test_a_role_in_the_phrase_names_the_mission(phrase, name):
    assert canonical_source(phrase) == name  # even when the person list spells them otherwise
