from __future__ import annotations

from helpers.entities import EntityTagger
from helpers.stances import extract_stances
from helpers.text import Sentence, sentences_from_texts


def stances(*texts: str, subject: str = "KHM") -> list[tuple[str, str]]:
    sents = sentences_from_texts(texts)
    ms = EntityTagger(subject_country=subject).tag("d", sents)
    return [(s.actor, s.stance) for s in
            extract_stances("d", sents, ms, subject_country=subject)]


def test_named_lists_and_calls():
    assert stances("Germany, Canada, New Zealand and other countries called on the Cambodian "
                   "government to open civic space.") == [
        ("DEU", "critical"), ("CAN", "critical"), ("NZL", "critical")]


def test_support_for_another_speaker_and_shared_views():
    got = stances("China defended Cambodia against the rapporteur.",
                  "He was supported by the representatives from Asean countries.",
                  "The Myanmar representative said engagement works.",
                  "The view was shared by the Philippines, Laos and Thailand.")
    assert got == [("CHN", "supportive"), ("ASEAN", "supportive"), ("MMR", "supportive"),
                   ("PHL", "supportive"), ("LAO", "supportive"), ("THA", "supportive")]


def test_support_for_the_rapporteur_is_critical_and_negation_and_places():
    got = stances("The rapporteur's remarks were supported by Sweden and Norway, but not by "
                  "China.", "Human rights problems exist in the EU too.",
                  "Japan said it helped, but considered the election disappointing.")
    assert got == [("SWE", "critical"), ("NOR", "critical"), ("JPN", "critical")]


def test_subject_is_never_an_actor_and_bloc_members_listed():
    sents = [Sentence(1, 0, "Cambodia and ASEAN welcomed the outcome.", 1)]
    ms = EntityTagger(subject_country="KHM").tag("d", sents)
    out = extract_stances("d", sents, ms, subject_country="KHM")
    assert [(s.actor, s.actor_label, s.target) for s in out] == [("ASEAN", "BLOC", "KHM")]
    assert "KHM" in out[0].bloc_members.split(";") and "VNM" in out[0].bloc_members


def test_author_of_a_rejected_report():
    assert stances("The ministry dismissed the report issued by the US State Department as "
                   "biased.") == [("USA", "critical")]
    assert stances("The report issued by the US State Department was welcomed.") == []


def test_contrast_decides_and_predicates_count():
    assert stances("Australia welcomed progress but called for the release of activists.") \
        == [("AUS", "critical")]
    assert stances("Speaking for the EU, Germany said the elections were neither free nor "
                   "fair.") == [("EU", "critical"), ("DEU", "critical")]
    assert stances("Pakistan, on behalf of the OIC, commended the Kingdom.") == [
        ("PAK", "supportive"), ("OIC", "supportive")]
    # two subjects, two positions: the second cue does not reach back past the other actor
    assert stances("Germany criticised the verdict and China welcomed it.") == [
        ("DEU", "critical"), ("CHN", "supportive")]
