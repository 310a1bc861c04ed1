from __future__ import annotations

import pytest

from helpers.entities import EntityTagger, common_words, infer_subject_country, tag_corpus
from helpers.text import Sentence


def tag(text: str, subject: str = "KHM", common: frozenset[str] = frozenset()):
    return EntityTagger(subject_country=subject, common=common).tag("d", [Sentence(1, 0, text)])


def labelled(text: str, label: str, subject: str = "KHM") -> list[tuple[str, str]]:
    return [(m.text, m.canonical) for m in tag(text, subject) if m.label == label]


@pytest.mark.parametrize("text,expected", [
    ("Papua New Guinea and Guinea spoke.", [("Papua New Guinea", "PNG"), ("Guinea", "GIN")]),
    ("South Sudan and Sudan spoke.", [("South Sudan", "SSD"), ("Sudan", "SDN")]),
    ("The Dominican Republic and Dominica spoke.",
     [("Dominican Republic", "DOM"), ("Dominica", "DMA")]),
    ("Niger and Nigeria spoke.", [("Niger", "NER"), ("Nigeria", "NGA")]),
    ("Viet Nam, Vietnam, Lao PDR and Laos agreed.",
     [("Viet Nam", "VNM"), ("Vietnam", "VNM"), ("Lao PDR", "LAO"), ("Laos", "LAO")]),
    ("The US, the U.S. and the United States of America.",
     [("US", "USA"), ("U.S.", "USA"), ("United States of America", "USA")]),
    ("Türkiye, Turkey, Czechia, the Holy See and the State of Palestine.",
     [("Türkiye", "TUR"), ("Turkey", "TUR"), ("Czechia", "CZE"), ("Holy See", "VAT"),
      ("State of Palestine", "PSE")]),
    ("Côte d'Ivoire, the Republic of Korea, DPRK and Burma.",
     [("Côte d'Ivoire", "CIV"), ("Republic of Korea", "KOR"), ("DPRK", "PRK"),
      ("Burma", "MMR")]),
    ("China's representative and the Philippines’ envoy.",
     [("China", "CHN"), ("Philippines", "PHL")]),
    ("Let us talk about the Latin America group.", []),
])
def test_countries(text, expected):
    assert labelled(text, "COUNTRY") == expected


def test_demonyms_cities_and_capitals():
    assert labelled("Cambodian and Australian officials met in Geneva.", "COUNTRY") == []
    assert labelled("Beijing said it supports the plan.", "COUNTRY") == [("Beijing", "CHN")]
    assert labelled("The talks were held in Beijing.", "COUNTRY") == []


def test_the_kingdom_only_for_a_kingdom_under_review():
    assert labelled("the Kingdom's record", "COUNTRY", "KHM") == [("Kingdom", "KHM")]
    assert labelled("the Kingdom's record", "COUNTRY", "VNM") == []
    assert labelled("the Kingdom of Cambodia", "COUNTRY") == [("Kingdom of Cambodia", "KHM")]


def test_blocs():
    text = ("The EU, ASEAN member States, Asean countries, the Organisation of Islamic "
            "Cooperation, the African Group and the Nordic-Baltic group spoke; so did the G77.")
    assert [c for _, c in labelled(text, "BLOC")] == [
        "EU", "ASEAN", "ASEAN", "OIC", "African Group", "Nordic-Baltic", "G77"]


def test_persons_from_context_and_partial_mentions():
    sents = [
        (1, 0, "In a statement, the mission's head, An Sokkhoeurn, said 28 delegations agreed."),
        (2, 100, "Sokkhoeurn added that the UN special rapporteur, Vitit Muntarbhorn, erred."),
        (3, 200, "But Vitit said Muntarbhorn Vitit was misquoted, according to Mr Tan."),
        (4, 300, "The ambassador to the UN office in Geneva, Ney Sam Ol, spoke; Sam Ol left."),
        (5, 400, "The Special Rapporteur and the Permanent Representative did not speak."),
    ]
    texts = [t for *_x, t in sents]
    tagger = EntityTagger(subject_country="KHM", common=common_words(texts))
    ms = tagger.tag("d", [Sentence(*t) for t in sents])
    persons = [(m.text, m.canonical) for m in ms if m.label == "PERSON"]
    assert persons == [
        ("An Sokkhoeurn", "An Sokkhoeurn"), ("Sokkhoeurn", "An Sokkhoeurn"),
        ("Vitit Muntarbhorn", "Vitit Muntarbhorn"), ("Vitit", "Vitit Muntarbhorn"),
        ("Muntarbhorn Vitit", "Vitit Muntarbhorn"), ("Tan", "Tan"),
        ("Ney Sam Ol", "Ney Sam Ol"), ("Sam Ol", "Ney Sam Ol"),
    ]
    roles = {m.canonical for m in ms if m.label == "ROLE"}
    assert {"Special Rapporteur", "Permanent Representative", "ambassador"} <= roles


def test_no_person_from_orgs_places_or_roles():
    text = ("The Cambodian People's Party and the UN Human Rights Council met the Special "
            "Rapporteur in Phnom Penh and Siem Reap.")
    ms = tag(text)
    assert [m for m in ms if m.label == "PERSON"] == []
    assert {m.canonical for m in ms if m.label == "ORG"} == {
        "Cambodian People's Party", "UN Human Rights Council"}


def test_dates_resolved_with_year():
    ms = EntityTagger(subject_country="KHM").tag(
        "d", [Sentence(1, 0, "On March 29 and 5 October 2021, in 2018, on Wednesday.")], year=2022)
    assert [(m.text, m.canonical) for m in ms if m.label == "DATE"] == [
        ("March 29", "2022-03-29"), ("5 October 2021", "2021-10-05"), ("2018", "2018"),
        ("Wednesday", "Wednesday")]


def test_offsets_point_into_the_text():
    sents = [(1, 10, "China’s envoy Chen Cheng praised Cambodia."), (2, 60, "Chen left.")]
    for m in tag_corpus([{"doc_id": "d", "sentence_id": s, "start": st, "text": t}
                         for s, st, t in sents]):
        _sid, st, t = next(x for x in sents if x[0] == m.sentence_id)
        assert t[m.start - st:m.end - st] == m.text


def test_subject_inference_prefers_the_country_under_review():
    text = ("The US State Department report on human rights in Cambodia was biased, the "
            "Cambodian ministry said. The United States has its own problems, the US said.")
    assert infer_subject_country([text]) == "KHM"


def test_fast_tokenizer_matches_nltk(root):
    from helpers.text import TOKEN_RE, TOKENIZER

    for p in sorted((root / "seeds").glob("*.txt")):
        text = p.read_text(encoding="utf-8")
        assert [m.span() for m in TOKEN_RE.finditer(text)] == list(TOKENIZER.span_tokenize(text))


@pytest.mark.parametrize("text,expected", [
    ("Mr. Tan said it was fine.", [("Tan", "Tan")]),
    ("Samdech Akka Moha Sena Padei Techo Hun Sen spoke, then Hun Sen left.",
     [("Hun Sen", "Hun Sen"), ("Hun Sen", "Hun Sen")]),
    ("High Commissioner Volker T. Türk met H.E. Ouch Borith. Türk left.",
     [("Volker T. Türk", "Volker T. Türk"), ("Ouch Borith", "Ouch Borith"),
      ("Türk", "Volker T. Türk")]),
    ("Deputy Prime Minister Sok Chenda Sophea met Ms. Julie Chung.",
     [("Sok Chenda Sophea", "Sok Chenda Sophea"), ("Julie Chung", "Julie Chung")]),
])
def test_titles_initials_and_honorifics(text, expected):
    assert labelled(text, "PERSON") == expected


def test_institutions_events_and_places_are_not_persons():
    text = ("The Committee to Protect Journalists and Reporters Without Borders criticised the "
            "arrest of Mother Nature Cambodia activists in Prey Lang and Boeung Kak near Ream "
            "Naval Base. The Water Festival, the Cold War and the Anti-Corruption Unit were "
            "mentioned by Agence Kampuchea Presse. The Minister of Justice Koeut Rith met "
            "King Norodom Sihamoni and Say Sam Al.")
    assert labelled(text, "PERSON") == [("Koeut Rith", "Koeut Rith"),
                                        ("Norodom Sihamoni", "Norodom Sihamoni"),
                                        ("Say Sam Al", "Say Sam Al")]


def test_states_inside_hyphenated_words():
    text = ("The US-led core group and EU-funded NGOs discussed Cambodia-China ties, "
            "Covid-19 and non-CPP parties.")
    ms = tag(text)
    assert [(m.text, m.label, m.canonical) for m in ms if m.label in ("COUNTRY", "BLOC")] == [
        ("US", "COUNTRY", "USA"), ("EU", "BLOC", "EU"), ("Cambodia", "COUNTRY", "KHM"),
        ("China", "COUNTRY", "CHN")]
    for m in ms:
        assert text[m.start:m.end] == m.text


def test_short_family_names_that_are_english_words():
    text = ("It was a long day, the minister said, as Long Dimanche and Mean Chhivun met Some "
            "Cambodian officials. Many Asean members agreed with An Sokkhoeurn.")
    tagger = EntityTagger(subject_country="KHM", common=common_words([text]))
    ms = tagger.tag("d", [Sentence(1, 0, text)])
    assert [m.text for m in ms if m.label == "PERSON"] == [
        "Long Dimanche", "Mean Chhivun", "An Sokkhoeurn"]
