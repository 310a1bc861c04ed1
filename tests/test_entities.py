from __future__ import annotations

import pytest

from helpers.entities import EntityTagger, common_words, infer_subject_country, tag_corpus
from helpers.text import Sentence, sentences_from_texts


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


# --------------------------------------------------------------------------- persons, by rule
# Every sentence below is written for these tests; names are made up or public figures in
# invented sentences.


def persons(text: str, *, common_from: str | None = None) -> list[tuple[str, str]]:
    texts = [text] if common_from is None else [text, common_from]
    tagger = EntityTagger(subject_country="KHM", common=common_words(texts))
    return [(m.text, m.canonical) for m in tagger.tag("d", [Sentence(1, 0, text)])
            if m.label == "PERSON"]


@pytest.mark.parametrize("text,expected", [
    # titles and honorifics come off the name
    ("H. E. Mr. Sieng Vathana opened the session.", [("Sieng Vathana", "Sieng Vathana")]),
    ("It was signed by H.E. Ambassador Chea Sopheak.", [("Chea Sopheak", "Chea Sopheak")]),
    ("Samdech Techo Mam Bunheng thanked the donors.", [("Mam Bunheng", "Mam Bunheng")]),
    ("Dr. Marta Kowalska and Prof. Aziz Rahman spoke next.",
     [("Marta Kowalska", "Marta Kowalska"), ("Aziz Rahman", "Aziz Rahman")]),
    # a short given name that is also an English word, right after a title or role
    ("Minister In Sophal told the press the law was fair.", [("In Sophal", "In Sophal")]),
    ("Mr. On Vichet left early.", [("On Vichet", "On Vichet")]),
    ("Thai PM Anan Srisuk met FM Keo Sothea; Hun Sen said so.",
     [("Anan Srisuk", "Anan Srisuk"), ("Keo Sothea", "Keo Sothea"), ("Hun Sen", "Hun Sen")]),
    ("In Sophal said the law was fair.", [("In Sophal", "In Sophal")]),
    ("But Sophal said nothing more.", []),  # never "But Sophal"; one part alone is no name
])
def test_titles_are_stripped_and_short_given_names_kept(text, expected):
    assert persons(text) == expected


@pytest.mark.parametrize("text", [
    "The General Debate and the High Level Segment began.",
    "Delegates discussed Technical Assistance and Capacity Building on Monday.",
    "H. E. opened the session and thanked everyone.",
    "The Ambassador and Dr. arrived; Mr. left.",
    "Skip",
    "Read More",
])
def test_titles_and_page_words_are_never_a_person(text):
    assert persons(text) == []


@pytest.mark.parametrize("text", [
    "A spokesman for the Sri Lankan foreign ministry declined to comment.",
    "Sri Lankan officials and New Zealand diplomats met in Geneva.",
    "The Burkinabe and Sierra Leonean delegations abstained.",
])
def test_demonyms_are_not_persons(text):
    assert persons(text) == []


@pytest.mark.parametrize("text", [
    "Front Line Defenders said the trial was unfair.",
    "The Extraordinary Chambers in the Courts of Cambodia closed its last case.",
    "Human Rights Watch and the Asian Forum for Human Rights and Development objected.",
    "A statement by the World Uyghur Congress followed.",
    "Its own Truth and Reconciliation Commission never met.",
    "Checkpoints were set up across the Mon Kayin Autonomous Region.",
    "The Liberation Tigers of Tamil Eelam were defeated in 2009.",
    "Reporters followed the Kolbari Telegram channel and Dhamma Sangha practitioners.",
    "The Livestock Fisheries Minister did not attend.",
    "Floods reached Srae Ambel district and Tbong Roka province.",
    "Its president, the head of the Mekong Rivers Congress, resigned.",
])
def test_organisation_place_and_movement_names_are_not_persons(text):
    assert persons(text) == []


def test_an_organisation_that_completes_a_role_keeps_the_holder():
    text = ("Permanent Representative to the UN Office in Geneva Lina Ortiz and the head of "
            "the Extraordinary Chambers in the Courts of Cambodia Chea Leang spoke.")
    assert persons(text) == [("Lina Ortiz", "Lina Ortiz"), ("Chea Leang", "Chea Leang")]


def test_a_portfolio_before_a_role_is_not_part_of_the_name():
    text = "The delegation was led by Livestock Fisheries Minister Tep Nara, who spoke first."
    assert persons(text) == [("Tep Nara", "Tep Nara")]


def test_a_person_after_an_organisation_is_still_found():
    text = ("Amnesty International's Rosa Ilves and Front Line Defenders director Omar Haddad "
            "said the verdict was unjust.")
    assert persons(text) == [("Rosa Ilves", "Rosa Ilves"), ("Omar Haddad", "Omar Haddad")]
    text = "Jonas Berg of Human Rights Watch and Mira Sand of Denmark said it was a setback."
    assert persons(text) == [("Jonas Berg", "Jonas Berg"), ("Mira Sand", "Mira Sand")]


@pytest.mark.parametrize("text,expected", [
    ("Ambassador LIM Sovann (Cambodia) said the text was flawed.",
     [("LIM Sovann", "Lim Sovann")]),
    ("SOK Chenda, Permanent Representative of Cambodia, took the floor.",
     [("SOK Chenda", "Sok Chenda")]),
    ("MARIA DELGADO, Special Rapporteur on the situation, presented her report.",
     [("MARIA DELGADO", "Maria Delgado")]),
])
def test_upper_case_family_names_are_title_cased(text, expected):
    assert persons(text) == expected


def test_upper_case_and_mixed_case_forms_are_one_person():
    sents = [Sentence(1, 0, "Mr. LIM Sovann, Deputy Minister, spoke first."),
             Sentence(2, 50, "Lim Sovann later told reporters that Sovann had no comment.")]
    ms = EntityTagger(subject_country="KHM").tag("d", sents)
    assert {m.canonical for m in ms if m.label == "PERSON"} == {"Lim Sovann"}


@pytest.mark.parametrize("text", [
    "CAMBODIA WELCOMES REVIEW AS UNDP AND NGO LEADERS MEET",
    "The UNDP and OHCHR Cambodia office said NGO staff were safe.",
])
def test_acronyms_and_capitalised_headlines_are_not_persons(text):
    assert persons(text) == []


@pytest.mark.parametrize("text,expected", [
    ("Foreign Minister Prof. K.L. Mendis said Mendis had no comment.",
     [("K.L. Mendis", "K.L. Mendis"), ("Mendis", "K.L. Mendis")]),
    ("Foreign Minister K. L. Mendis spoke.", [("K. L. Mendis", "K.L. Mendis")]),
    ("Interior Secretary Carlos Reyes Jr. disagreed.",
     [("Carlos Reyes Jr.", "Carlos Reyes Jr.")]),
    ("President Omar al-Rashid's forces withdrew.", [("Omar al-Rashid", "Omar al-Rashid")]),
])
def test_initials_suffixes_and_particles(text, expected):
    assert persons(text) == expected


def test_title_case_headline_names_only_what_the_text_names():
    sents = [Sentence(1, 0, "Minister Praises Strong Support At Geneva Session"),
             Sentence(2, 60, "Sok Vanna Urges Calm After Vote"),
             Sentence(3, 100, "Deputy Minister Sok Vanna said the vote was fair.")]
    ms = EntityTagger(subject_country="KHM").tag("d", sents)
    assert [(m.sentence_id, m.canonical) for m in ms if m.label == "PERSON"] == [
        (2, "Sok Vanna"), (3, "Sok Vanna")]


def test_aliases_come_from_the_data_file():
    from helpers.entities import person_alias

    # data/person_aliases.csv: "Ney Samol" is one spelling of "Ney Sam Ol"
    assert person_alias("Ney Samol") == "Ney Sam Ol"
    assert person_alias("NEY  SAMOL") == "Ney Sam Ol"
    assert person_alias("Somebody Else") == "Somebody Else"
    assert persons("Ambassador Ney Samol said Samol would reply.") == [
        ("Ney Samol", "Ney Sam Ol"), ("Samol", "Ney Sam Ol")]


@pytest.fixture(scope="module")
def devset_run(tmp_path_factory: pytest.TempPathFactory, root) -> object:
    from helpers import stages

    out = tmp_path_factory.mktemp("devset_entities")
    stages.run_clean(root / "data" / "devset" / "corpus", out, progress=False)
    stages.run_entities(out, progress=False)
    return out


def test_devset_persons_and_countries_stay_above_the_floor(devset_run, root):
    from helpers.evaluate import evaluate_run

    scores, errors = evaluate_run(devset_run, root / "data" / "devset" / "gold",
                                  fields=("countries", "blocs", "persons"))
    f1 = dict(zip(scores["field"], scores["f1"], strict=True))
    # measured on this branch: persons 1.00 (128 of 128), countries 1.00, blocs 1.00
    assert f1["persons"] >= 0.98, errors[errors["field"] == "persons"]
    assert f1["countries"] >= 0.99 and f1["blocs"] >= 0.99, errors


def test_items_of_a_speakers_list_of_bodies_are_not_persons():
    text = ("Also speaking were Amnesty International, Mekong Solidarity Worldwide, UN Watch, "
            "Kolbari Direitos Humanos, Elda Relief Foundation and China, Cuba and Japan.")
    assert persons(text) == []
    text = "Rosa Ilves, Omar Haddad and Lina Ortiz were convicted in absentia."
    assert [c for _, c in persons(text)] == ["Rosa Ilves", "Omar Haddad", "Lina Ortiz"]


def test_a_line_that_is_only_a_name_is_a_byline_unless_named_elsewhere():
    sents = [Sentence(1, 0, "Chea Vannak"), Sentence(2, 20, "Lina Ortiz"),
             Sentence(3, 40, "Special Rapporteur Lina Ortiz said the vote was fair.")]
    ms = EntityTagger(subject_country="KHM").tag("d", sents)
    assert [(m.sentence_id, m.canonical) for m in ms if m.label == "PERSON"] == [
        (2, "Lina Ortiz"), (3, "Lina Ortiz")]


def test_a_name_part_spelled_like_an_acronym_stays_in_the_name():
    # "UN" in capitals is never a name part, but the Korean given-name syllable "Un" is
    ms = EntityTagger(subject_country="PRK").tag("d", sentences_from_texts(
        ["The UN envoy met Kim Jong Un in Pyongyang.", "Kim spoke first, the envoy said."]))
    assert [(m.text, m.canonical) for m in ms if m.label == "PERSON"] == [
        ("Kim Jong Un", "Kim Jong Un"), ("Kim", "Kim Jong Un")]


def test_subject_is_the_topic_not_the_speaker():
    # the speaker is named as often as the country discussed; speaking verbs and "the
    # Kingdom" tell them apart
    assert infer_subject_country([
        "The Netherlands urged the Royal Government to free the journalists.",
        "Thailand's minister said the Kingdom had answered every question."]) == "THA"
    assert infer_subject_country([
        "Canada voted for the text.", "Members adopted the resolution on Eritrea."]) == "ERI"
    assert infer_subject_country([
        "Germany called for restraint.", "Officials in Nepal rejected the claim."]) == "NPL"
