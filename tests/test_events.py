"""Events across documents: session, date, kind and id per reported event; merging reports of
one event; each actor's record per event. Fixtures are written fresh for these tests."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from helpers import events as ev
from helpers.contract import read_table
from helpers.text import Sentence


@dataclass
class FakeEvent:
    """What helpers.tallies.summarise_events gives, without running it."""

    sentence_ids: list[int]
    total: int | None = None
    parts: dict[str, int] = field(default_factory=dict)
    check: str = "incomplete"
    source: str = ""
    notes: str = ""
    kind: str = ""


# --------------------------------------------------------------------------- sessions, dates


@pytest.mark.parametrize(("text", "want"), [
    ("The Council met in special session (HRC S-35) on Iran.", ["HRC S-35"]),
    ("It was raised at the forty-eighth session of the Council.", ["HRC48"]),
    ("Draft decision A/HRC/51/L.6 was put to the vote.", ["HRC51"]),
    ("Its third review, UPR32, took place in Geneva.", ["UPR32"]),
    ("Resolution 19/2 was adopted after a long debate.", ["HRC19"]),
    ("Both HRC45 and HRC48 heard the same arguments.", ["HRC45", "HRC48"]),
    ("The 75th session of the General Assembly opened.", []),
    ("Twelve delegations spoke.", []),
])
def test_sessions_named_in_text(text, want):
    assert ev.sessions_in(text) == want


@pytest.mark.parametrize(("date", "want"), [
    ("2022-10-05", "HRC51"), ("2022-03-29", "HRC49"), ("2012-03-22", "HRC19"),
    ("2021-07-13", "HRC47"), ("2020-10", "HRC45"), ("2019-01-30", ""), ("2004-04-15", ""),
])
def test_regular_session_of_a_date(date, want):
    assert ev.hrc_session_for_date(date) == want


def test_upr_session_of_a_date():
    assert ev.session_for_date("2019-01-30", "review") == "UPR32"
    assert ev.session_for_date("2024-05-08", "review") == "UPR46"
    assert ev.session_for_date("2019-03-10", "review") == ""


def test_relative_days_need_a_full_publication_date():
    # 29 March 2024 was a Friday
    assert ev.relative_date("on Tuesday", "2024-03-29") == "2024-03-26"
    assert ev.relative_date("Friday", "2024-03-29") == "2024-03-29"
    assert ev.relative_date("last Friday", "2024-03-29") == "2024-03-22"
    assert ev.relative_date("yesterday", "2024-03-01") == "2024-02-29"
    assert ev.relative_date("this week", "2024-03-29") == "2024-03"
    assert ev.relative_date("on Tuesday", "2024-03") == ""


@pytest.mark.parametrize(("texts", "want"), [
    (["A joint statement on behalf of 40 countries praised the Government."], "joint_statement"),
    (["The resolution was adopted by 22 votes to 12, with 13 abstentions."], "vote"),
    (["At its Universal Periodic Review, 80 delegations made recommendations."], "review"),
    (["In the interactive dialogue, 35 delegations took the floor."], "dialogue"),
    (["Thirty delegations spoke."], "dialogue"),
])
def test_event_kind_from_cue_words(texts, want):
    assert ev.event_kind(texts) == want


def test_event_id_leaves_unknown_parts_out():
    assert ev.make_event_id("KHM", "HRC51", "2022-10-05", "dialogue") == \
        "KHM-HRC51-2022-10-05-dialogue"
    assert ev.make_event_id("KHM", "", "2022-10-05", "dialogue") == "KHM-2022-10-05-dialogue"
    assert ev.make_event_id("IRN", "HRC S-35", "", "vote") == "IRN-HRCS-35-vote"


# --------------------------------------------------------------------------- per document

def _sents(pairs):
    """``(sentence_id, text)`` pairs as the sentences a stage passes on."""
    return [Sentence(sid, 0, text) for sid, text in pairs]


RECALL = [
    (1, "Delegates in Geneva have heard the same arguments for years."),
    (2, "In June 2020, at the 44th session, 20 of 30 delegations backed the government."),
    (3, "The HRC47 debate in July 2021 saw 25 of 33 speakers do the same."),
    (4, "This week, 28 of 40 delegations spoke in its favour."),
]
RECALL_DATES = [(2, "June 2020", "2020-06"), (3, "July 2021", "2021-07"),
                (4, "This week", "this week")]


def test_an_article_recalling_three_sessions_gives_three_events():
    meta = {"published": "2023-10-06", "hrc_session": "HRC54", "event_date": "2023-10-04",
            "outlet": "Daily Ledger"}
    evs = [FakeEvent([2], 30, {"favourable": 20}), FakeEvent([3], 33, {"favourable": 25}),
           FakeEvent([4], 40, {"favourable": 28})]
    rows = ev.doc_event_rows("a1", evs, _sents(RECALL), RECALL_DATES, meta, subject="RUR")
    got = [(r["hrc_session"], r["event_date"], r["kind"]) for r in rows]
    # the metadata date belongs only to the event the article is about (the latest)
    assert got == [("HRC44", "2020-06", "dialogue"), ("HRC47", "2021-07", "dialogue"),
                   ("HRC54", "2023-10-04", "dialogue")]
    assert len({r["event_id"] for r in rows}) == 3
    assert rows[2]["event_id"] == "RUR-HRC54-2023-10-04-dialogue"


def test_without_metadata_this_week_gives_the_month_and_its_session():
    meta = {"published": "2023-10-06"}
    rows = ev.doc_event_rows("a1", [FakeEvent([4], 40, {"favourable": 28})], _sents(RECALL),
                             RECALL_DATES, meta, subject="RUR")
    assert (rows[0]["hrc_session"], rows[0]["event_date"]) == ("HRC54", "2023-10")


def test_date_from_on_tuesday_and_the_publication_date():
    sents = [(1, "GENEVA, Friday"),
             (2, "On Tuesday, 31 of 45 members voted for the resolution on Ruritania.")]
    rows = ev.doc_event_rows("b1", [FakeEvent([2], 45, {"critical": 31})], _sents(sents),
                             [(2, "Tuesday", "Tuesday")], {"published": "2024-03-29"},
                             subject="RUR")
    assert (rows[0]["event_date"], rows[0]["hrc_session"], rows[0]["kind"]) == \
        ("2024-03-26", "HRC55", "vote")


def test_a_date_stated_at_the_event_beats_metadata_of_a_later_article():
    sents = [(1, "The ministry answered the expert on 2 August."),
             (2, "On 4 March the dialogue heard 30 delegations, 21 of them supportive.")]
    dates = [(1, "2 August", "2023-08-02"), (2, "4 March", "2023-03-04")]
    meta = {"published": "2023-08", "hrc_session": "HRC52", "event_date": "2023-08-02"}
    rows = ev.doc_event_rows("c1", [FakeEvent([2], 30, {"favourable": 21})], _sents(sents), dates,
                             meta, subject="RUR")
    assert (rows[0]["hrc_session"], rows[0]["event_date"]) == ("HRC52", "2023-03-04")


def test_the_tallies_kind_wins_over_cue_words():
    sents = [(1, "In the interactive dialogue, 12 states spoke.")]
    rows = ev.doc_event_rows("d1", [FakeEvent([1], 12, kind="review")], _sents(sents), [], {},
                             subject="RUR")
    assert rows[0]["kind"] == "review"


# --------------------------------------------------------------------------- across documents


def _row(doc, total, fav, crit, *, session="HRC50", date="2022-06-20", outlet="", subj="RUR",
         kind="dialogue", sids="1"):
    check = "ok" if total is not None and fav + crit == total else "incomplete"
    return {"doc_id": doc, "subject_country": subj, "kind": kind, "hrc_session": session,
            "event_date": date, "total": total, "favourable": fav, "critical": crit,
            "neutral": 0 if check == "ok" else None, "check": check, "source": f"src {doc}",
            "outlet": outlet, "sentence_ids": sids, "notes": "",
            "event_id": ev.make_event_id(subj, session, date, kind)}


def test_reports_lacking_date_or_session_borrow_them_from_agreeing_reports():
    rows = [_row("a", 40, 30, 10), _row("b", 40, 30, 10, session=""),
            _row("c", 40, 30, 10, date=""), _row("d", 40, 30, 10, date="2022-06"),
            _row("e", 12, 7, 5, subj="FRE", date="")]
    linked = ev.link_events(rows)
    ids = [r["event_id"] for r in linked]
    assert ids[:4] == ["RUR-HRC50-2022-06-20-dialogue"] * 4
    assert ids[4] == "FRE-HRC50-dialogue"  # nothing borrowed across subjects
    assert "session from a" in linked[1]["notes"] and "date from a" in linked[2]["notes"]


def test_merging_across_outlets_agree_and_disagree():
    rows = [_row("a", 40, 30, 10, outlet="Wire"), _row("b", 40, 30, 10, outlet="Daily"),
            _row("c", 40, 29, 11, outlet="Mission"),
            _row("d", 25, 15, 10, session="HRC51", date="2022-10-03", outlet="Wire"),
            _row("e", 25, 15, 10, session="HRC51", date="2022-10-03", outlet="Daily")]
    speakers = [{"event_id": "RUR-HRC50-2022-06-20-dialogue", "speaker": s, "speaker_label": lab}
                for s, lab in (("FRA", "COUNTRY"), ("EU", "BLOC"), ("FRA", "COUNTRY"),
                               ("Amnesty", "OTHER"))]
    out = {r["event_id"]: r for r in ev.summarise_across(rows, speakers)}
    june = out["RUR-HRC50-2022-06-20-dialogue"]
    assert (june["n_reports"], june["total"], june["favourable"], june["critical"]) == \
        (3, 40, 30, 10)
    assert june["agreement"] == "disagree" and june["check"] == "ok"
    assert "29 (c)" in june["notes"] and "30 (a, b)" in june["notes"]
    assert june["outlets"] == "Daily;Mission;Wire"
    assert june["official_speakers"] == 2  # FRA and the EU; the NGO is not a state or bloc
    october = out["RUR-HRC51-2022-10-03-dialogue"]
    assert (october["agreement"], october["doc_ids"], october["official_speakers"]) == \
        ("agree", "d;e", None)


def test_one_report_is_single_and_a_short_sum_incomplete():
    out = ev.summarise_across([_row("a", 40, 20, 10)])
    assert (out[0]["agreement"], out[0]["check"]) == ("single", "incomplete")


def test_actor_record_maps_statements_to_nearest_event_and_flags_conflict():
    events_ = [_row("a", 40, 30, 10, sids="2"),
               _row("a", 25, 15, 10, session="HRC51", date="2022-10-03", sids="9"),
               _row("b", 25, 15, 10, session="HRC51", date="2022-10-03", sids="4")]
    stances = [
        {"doc_id": "a", "sentence_id": 8, "actor": "FRA", "actor_label": "COUNTRY",
         "stance": "critical", "target": "RUR"},
        {"doc_id": "b", "sentence_id": 1, "actor": "FRA", "actor_label": "COUNTRY",
         "stance": "supportive", "target": "RUR"},
        {"doc_id": "a", "sentence_id": 3, "actor": "CHN", "actor_label": "COUNTRY",
         "stance": "supportive", "target": "RUR"},
        {"doc_id": "z", "sentence_id": 1, "actor": "EU", "actor_label": "BLOC",
         "stance": "critical", "target": "RUR"},
    ]
    main = {"z": {"event_id": "RUR-HRC49-dialogue", "subject_country": "RUR"}}
    rec = {(r["actor"], r["event_id"]): r for r in ev.actor_record(stances, events_, main)}
    fra = rec[("FRA", "RUR-HRC51-2022-10-03-dialogue")]
    assert (fra["n_statements"], fra["doc_ids"], fra["conflict"]) == (2, "a;b", "yes")
    assert rec[("CHN", "RUR-HRC50-2022-06-20-dialogue")]["conflict"] == "no"
    assert rec[("EU", "RUR-HRC49-dialogue")]["actor_label"] == "BLOC"


# --------------------------------------------------------------------------- on the seeds


def test_seed_dialogues_are_three_single_ok_events(seed_run):
    summ = read_table(seed_run, "event_summary")
    got = sorted((int(r.total), int(r.favourable), int(r.critical), r.agreement, r.check,
                  r.hrc_session) for r in summ.itertuples())
    assert got == [(27, 17, 10, "single", "ok", "HRC45"), (36, 28, 8, "single", "ok", "HRC49"),
                   (39, 30, 9, "single", "ok", "HRC51")]
    events_ = read_table(seed_run, "events")
    assert set(events_["event_id"]) == set(summ["event_id"])
    assert set(events_["kind"]) == {"dialogue"}


def test_duplicates_are_never_counted_twice(tmp_path: Path, root: Path):
    from conftest import run_stages

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    seed = "003_573078b1906a0fce.txt"
    shutil.copy(root / "seeds" / seed, corpus / "a.txt")
    shutil.copy(root / "seeds" / seed, corpus / "b.txt")  # an exact copy
    out = run_stages(corpus, tmp_path / "out")
    docs = read_table(out, "documents").set_index("doc_id")
    assert docs.loc["b", "status"].startswith("duplicate of")
    summ = read_table(out, "event_summary")
    assert len(summ) == 1 and summ["n_reports"].iloc[0] == 1
    assert summ["doc_ids"].iloc[0] == "a"


def test_event_ids_read_back_into_their_parts():
    from helpers.events import make_event_id, parse_event_id

    for parts in [("KHM", "HRC51", "2022-10-05", "dialogue"), ("IRN", "HRC S-35", "", "vote"),
                  ("CHN", "", "2004-04", "vote"), ("KHM", "", "", "dialogue"),
                  ("LKA", "UPR42", "2023-02-01", "review")]:
        got = parse_event_id(make_event_id(*parts))
        assert (got["subject"], got["hrc_session"], got["event_date"], got["kind"]) == parts
