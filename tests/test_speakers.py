"""Speakers named by official records. The sentences are written fresh for these tests; the
entity mentions stand in for what stage 02 gives (offsets are document offsets)."""

from __future__ import annotations

from helpers.speakers import extract_speakers, is_official, speaker_list
from helpers.text import Sentence


def _doc(sentences: list[str], names: dict[str, tuple[str, str]]):
    """Sentences joined with a space, and a mention for every occurrence of each name."""
    rows, mentions, start = [], [], 0
    for sid, text in enumerate(sentences, start=1):
        rows.append(Sentence(sid, start, text))
        for name, (label, canon) in names.items():
            at = text.find(name)
            while at >= 0:
                mentions.append({"sentence_id": sid, "start": start + at,
                                 "end": start + at + len(name), "label": label,
                                 "canonical": canon, "text": name})
                at = text.find(name, at + len(name))
        start += len(text) + 1
    return rows, mentions


NAMES = {
    "Tunisia": ("COUNTRY", "TUN"), "African Group": ("BLOC", "African Group"),
    "Viet Nam": ("COUNTRY", "VNM"), "Japan": ("COUNTRY", "JPN"),
    "Trinidad and Tobago": ("COUNTRY", "TTO"), "Malta": ("COUNTRY", "MLT"),
    "European Union": ("BLOC", "EU"), "Malaysia": ("COUNTRY", "MYS"),
    "United Nations Children's Fund": ("ORG", "UNICEF"), "China": ("COUNTRY", "CHN"),
}
SENTENCES = [
    "The Council held its dialogue on the situation in the country.",
    "China said the report ignored the progress made.",
    "Speaking in the discussion were Tunisia on behalf of the African Group, Viet Nam, Japan, "
    "Trinidad and Tobago and Malta on behalf of the European Union.",
    "The following non-governmental organizations also took the floor: Lawyers for Justice "
    "International, Asia Forum for Rights, and the National Human Rights Commission of "
    "Malaysia.",
    "The United Nations Children's Fund also took the floor.",
    "Non-governmental organizations also took the floor.",
]


def test_states_blocs_and_others_are_labelled_apart():
    rows, mentions = _doc(SENTENCES, NAMES)
    got = [(r["sentence_id"], r["speaker"], r["speaker_label"], r["on_behalf_of"])
           for r in extract_speakers("u1", rows, mentions, event_id="E1")]
    assert got == [
        (3, "TUN", "COUNTRY", "African Group"),
        (3, "VNM", "COUNTRY", ""),
        (3, "JPN", "COUNTRY", ""),
        (3, "TTO", "COUNTRY", ""),  # "and" inside a name does not split it
        (3, "MLT", "COUNTRY", "EU"),
        (4, "Lawyers for Justice International", "OTHER", ""),
        (4, "Asia Forum for Rights", "OTHER", ""),
        # an institution named after a state is not the state
        (4, "National Human Rights Commission of Malaysia", "OTHER", ""),
        (5, "UNICEF", "ORG", ""),
    ]


def test_a_group_without_a_bloc_name_is_kept_as_written():
    text = "Speaking were Canada on behalf of a group of 30 countries, and Cuba."
    rows, mentions = _doc([text], {"Canada": ("COUNTRY", "CAN"), "Cuba": ("COUNTRY", "CUB")})
    got = [(r["speaker"], r["on_behalf_of"]) for r in extract_speakers("u2", rows, mentions)]
    assert got == [("CAN", "a group of 30 countries"), ("CUB", "")]


def test_counted_groups_and_ordinary_sentences_name_no_speaker():
    rows, mentions = _doc(["Forty-two delegations took the floor.",
                           "China said the dialogue was useful."], NAMES)
    assert extract_speakers("u3", rows, mentions) == []


def test_speaker_list_forms():
    assert speaker_list("Also speaking were the following organizations: A, B.") is not None
    assert speaker_list("Among those taking the floor were Japan and Peru.") is not None
    assert speaker_list("Japan and Peru also took the floor.") is not None
    assert speaker_list("Japan and Peru also took the floor.", strong=True) is None
    assert speaker_list("Japan spoke first.") is None


def test_official_record_by_outlet_url_or_text():
    assert is_official({"outlet": "UN meeting summary"}) == "outlet"
    assert is_official({"outlet": "OHCHR press release"}) == "outlet"
    assert is_official({"outlet": "", "url": "https://www.ungeneva.org/en/news"}) == "url"
    assert is_official({"outlet": "Mission press release"}, ["Japan spoke."]) == ""
    assert is_official({"outlet": "Daily"}, ["Speaking were Japan and Peru."]) == "text"


def test_and_inside_an_organisation_name_splits_only_the_last_item():
    text = ("Also speaking were the following non-governmental organizations: Friends of Law "
            "and Justice, Rights Watchers, and Forum for Peace and Dialogue.")
    rows, mentions = _doc([text], {})
    got = [r["speaker"] for r in extract_speakers("u4", rows, mentions)]
    assert got == ["Friends of Law and Justice", "Rights Watchers", "Forum for Peace and Dialogue"]


def test_states_before_as_well_as_ngos():
    text = ("Among those taking the floor were Japan, Malta and Viet Nam, as well as "
            "non-governmental organizations.")
    rows, mentions = _doc([text], NAMES)
    got = [(r["speaker"], r["speaker_label"]) for r in extract_speakers("u5", rows, mentions)]
    assert got == [("JPN", "COUNTRY"), ("MLT", "COUNTRY"), ("VNM", "COUNTRY")]
