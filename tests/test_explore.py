"""Explorer helpers: names, stand-in tables, aggregates, evidence with marks, KWIC."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers import explore


def test_names_and_event_labels():
    assert explore.country_name("KHM") == "Cambodia"
    assert explore.actor_name("EU", "BLOC") == "◆ EU"
    assert explore.actor_name("JPN", "COUNTRY") == "Japan"
    assert explore.event_label("HRC51", "2022-10-05", "dialogue") == "HRC51 · 2022-10-05"
    assert explore.event_label("", "2022-10-05", "vote") == "session ? · 2022-10-05 · vote"
    assert explore.event_label("HRC51", None, "", country="LKA") == "Sri Lanka · HRC51 · date ?"
    s = pd.DataFrame({"event_id": ["a", "b", "c"], "hrc_session": ["HRC51", "HRC51", ""],
                      "event_date": ["2022-10-05", "2022-10-05", ""], "kind": ["", "", ""],
                      "subject_country": ["KHM", "KHM", "KHM"]})
    assert list(explore.label_events(s)) == ["HRC51 · 2022-10-05", "HRC51 · 2022-10-05 (2)",
                                             "event, undated"]


def test_missing_tables_give_a_message_and_stand_ins(tmp_path: Path):
    from helpers.contract import write_table

    write_table(tmp_path, "events", [{"doc_id": "d1", "hrc_session": "HRC45",
                                      "event_date": "2020-10-01", "total": 27,
                                      "favourable": 17, "critical": 10, "check": "ok",
                                      "source": "Mission", "kind": "dialogue",
                                      "event_id": "KHM-HRC45-2020-10-01-dialogue"}])
    write_table(tmp_path, "documents", [{"doc_id": "d1", "source_file": "d1.txt",
                                         "status": "ok", "outlet": "Post",
                                         "subject_country": "KHM", "hrc_session": "HRC45",
                                         "event_date": "2020-10-01"}])
    write_table(tmp_path, "stances", [{"doc_id": "d1", "sentence_id": 1, "actor": "CHN",
                                       "actor_label": "COUNTRY", "stance": "supportive",
                                       "target": "KHM", "evidence": "China backed it."}])
    tables, messages = explore.load_run(tmp_path)
    assert any("event_summary.csv is not in this run folder" in m for m in messages)
    assert any("speakers.csv" in m for m in messages)
    s = tables["event_summary"].iloc[0]
    assert (s["subject_country"], s["total"], s["agreement"], s["outlets"]) == (
        "KHM", 27, "single", "Post")
    rec = tables["actor_record"].iloc[0]
    assert (rec["actor"], rec["event_id"], rec["stance"]) == (
        "CHN", "KHM-HRC45-2020-10-01", "supportive")
    assert "KHM-HRC45-2020-10-01" in set(tables["stance_events"]["event_id"])


def test_mentions_and_themes_aggregate_by_country_and_year():
    docs = pd.DataFrame({"doc_id": ["a", "b", "c"], "subject_country": ["KHM", "KHM", "LKA"],
                         "event_date": ["2022-10-05", "", ""],
                         "published": ["", "2022-03", "2021-09"]})
    ents = pd.DataFrame({"doc_id": ["a", "a", "b", "c", "c"],
                         "label": ["COUNTRY", "COUNTRY", "COUNTRY", "PERSON", "DATE"],
                         "canonical": ["CHN", "CHN", "CHN", "Ann Lee", "2021"]})
    m = explore.mentions_by_group(ents, docs).set_index(["entity", "group"])["mentions"]
    assert m[("China", "Cambodia 2022")] == 3
    assert m[("Ann Lee", "Sri Lanka 2021")] == 1
    assert len(m) == 2  # DATE is not drawn
    sents = pd.DataFrame({"doc_id": ["a", "a", "b", "c"], "sentence_id": [1, 2, 1, 1],
                          "text": ["The elections.", "Nothing.", "Vote counted.", "Nothing."]})
    t = explore.themes_by_group(explore.theme_shares(sents), docs)
    row = t[(t["theme"] == "elections") & (t["group"] == "Cambodia 2022")].iloc[0]
    assert (row["sentences"], row["matched"], row["share"]) == (3, 2, 2 / 3)


def test_evidence_marks_the_number_and_the_cue():
    summary = pd.DataFrame({"event_id": ["e"], "doc_ids": ["d"]})
    sents = pd.DataFrame({"doc_id": ["d", "d"], "sentence_id": [1, 2], "start": [0, 50],
                          "text": ["Of the 39 delegations, 30 spoke in favour in 2039.",
                                   "Japan expressed concern."]})
    tallies = pd.DataFrame({"doc_id": ["d"], "sentence_id": [1], "subject": ["delegations"],
                            "stance": ["favourable"], "count": [30], "total": [39],
                            "cue": ["spoke in favour"]})
    stances = pd.DataFrame({"doc_id": ["d"], "sentence_id": [2], "actor": ["JPN"],
                            "actor_label": ["COUNTRY"], "stance": ["critical"],
                            "cue": ["expressed concern"]})
    ev = explore.event_evidence("e", summary, tallies, sents, stances)
    assert list(ev["what"]) == ["favourable 30 of 39", "Japan: critical"]
    h = ev["html"].iloc[0]
    assert '<mark class="num" style="background:#F0E442;font-weight:bold">30</mark>' in h
    assert '<mark class="cue" style="background:#56B4E9;color:black">spoke in favour</mark>' in h
    assert h.count("<mark") == 2  # not the 39, not the 2039
    assert "expressed concern</mark>" in ev["html"].iloc[1]
    assert explore.highlight_html("a<b", [(0, 1)]).endswith("&lt;b")


def test_number_words_are_marked():
    assert explore.number_spans("Nine states objected; 19 did not.", 9) == [(0, 4)]
    assert explore.number_spans("no figure", None) == []
    text = "Thirty of them; thirty-one others; 30-odd"
    assert explore.number_spans(text, 30) == [(0, 6)]
    assert explore.number_spans(text, 31) == [(16, 26)]


def test_state_record_in_time_order():
    rec = pd.DataFrame({"actor": ["JPN", "JPN", "CHN"], "actor_label": ["COUNTRY"] * 3,
                        "subject_country": ["KHM", "LKA", "KHM"], "event_id": ["e2", "e1", "e2"],
                        "stance": ["critical", "neutral", "supportive"],
                        "n_statements": [2, 1, 1], "doc_ids": ["a;b", "c", "a"],
                        "conflict": ["", "", ""]})
    summary = pd.DataFrame({"event_id": ["e1", "e2"], "subject_country": ["LKA", "KHM"],
                            "hrc_session": ["HRC48", "HRC51"],
                            "event_date": ["2021-09-14", "2022-10-05"], "kind": ["", ""]})
    r = explore.state_record("JPN", rec, summary)
    assert list(r["event"]) == ["HRC48 · 2021-09-14", "HRC51 · 2022-10-05"]
    assert list(r["country under review"]) == ["Sri Lanka", "Cambodia"]
    assert list(r["stance"]) == ["neutral", "critical"]
    assert explore.state_record("USA", rec, summary).empty


def test_kwic_traces_to_offsets(seed_run: Path):
    from helpers.contract import read_table

    s = read_table(seed_run, "sentences")
    k = explore.kwic(s, "delegat")
    texts = {p.stem: p.read_text(encoding="utf-8") for p in (seed_run / "texts").glob("*.txt")}
    assert len(k) >= 8
    for r in k.itertuples():
        assert texts[r.doc_id][r.start:r.start + len(r.match)] == r.match
    assert len(explore.kwic(s, "delegat", limit=3)) == 3


def test_documents_for_terms_picks_the_densest():
    s = pd.DataFrame({"doc_id": ["a", "b", "b", "c"],
                      "text": ["vote", "vote and votes", "Vote", "none"]})
    assert explore.documents_for_terms(s, ["vote"], n=5) == ["b", "a"]
    assert explore.documents_for_terms(s, [], n=5) == []


def test_explorer_widgets_redraw_on_selection():
    from helpers.bench04 import synthetic_tables

    t = synthetic_tables(60, seed=3)
    t["stance_events"] = t["event_summary"]
    sel = explore.default_selection(t)
    counts = t["event_summary"]["subject_country"].value_counts()
    assert sel["country"] == counts.index[0]
    box = explore.explorer(t, sel, "delegations")
    country, event = box.children[0].children
    assert event.value == sel["event"]
    other = next(c for _, c in country.options if c != sel["country"])
    country.value = other
    assert {e for _, e in event.options} == set(
        t["event_summary"].query("subject_country == @other")["event_id"])
    word = box.children[6]
    word.value = "nothingatall"
    assert "does not occur" in box.children[7].value


def test_notebook_loads_read_only_the_columns_they_use(tmp_path: Path):
    """load_run(out, "04"/"05"): only that notebook's tables and columns, text columns with few
    values as categories and integers as Int32; the tables it does not read are empty."""
    from helpers.contract import write_table

    write_table(tmp_path, "documents", [{"doc_id": f"d{i}", "source_file": f"d{i}.txt",
                                         "status": "ok", "outlet": "Post",
                                         "subject_country": "KHM", "title": "x" * 50}
                                        for i in range(3)])
    write_table(tmp_path, "sentences", [{"doc_id": "d1", "sentence_id": 1, "paragraph_id": 1,
                                         "start": 0, "end": 19, "text": "Thirty delegations."}])
    write_table(tmp_path, "entities", [{"doc_id": "d1", "sentence_id": 1, "start": 0,
                                        "end": 6, "text": "Thirty", "label": "COUNTRY",
                                        "canonical": "KHM"}])
    write_table(tmp_path, "stances", [{"doc_id": "d1", "sentence_id": 1, "actor": "CHN",
                                       "actor_label": "COUNTRY", "stance": "supportive",
                                       "target": "KHM", "cue": "backed",
                                       "evidence": "China backed it."}])
    write_table(tmp_path, "tallies", [{"doc_id": "d1", "sentence_id": 1,
                                       "subject": "delegations", "stance": "all", "count": 30,
                                       "kind": "dialogue", "evidence": "Thirty delegations."}])
    t4, _ = explore.load_run(tmp_path, "04")
    assert list(t4["sentences"].columns) == ["doc_id", "sentence_id", "start", "end", "text"]
    assert str(t4["sentences"]["sentence_id"].dtype) == "Int32"
    assert list(t4["entities"].columns) == ["doc_id", "label", "canonical"]
    assert isinstance(t4["entities"]["label"].dtype, pd.CategoricalDtype)
    assert "title" not in t4["documents"] and len(t4["documents"]) == 3
    assert not len(t4["tallies"])  # 04 draws nothing from tallies
    # actor_record.csv is missing: 04 still reads stances for the stand-in
    assert t4["actor_record"]["actor"].tolist() == ["CHN"]
    t5, _ = explore.load_run(tmp_path, "05")
    assert not len(t5["entities"])
    assert "evidence" not in t5["stances"] and "evidence" not in t5["tallies"]
    assert int(t5["tallies"]["count"].iloc[0]) == 30
    full, _ = explore.load_run(tmp_path)
    assert "evidence" in full["stances"] and len(full["entities"]) == 1


def test_streamed_sentences_give_what_the_table_gives(seed_run: Path, monkeypatch):
    """Above SENTENCES_IN_MEMORY_BYTES, load_run(out, notebook) streams sentences.csv; every
    use (themes, KWIC, documents for terms, evidence, dispersion) answers as with the table."""
    from helpers import charts

    whole, _ = explore.load_run(seed_run, "05")
    assert isinstance(whole["sentences"], pd.DataFrame)
    monkeypatch.setattr(explore, "SENTENCES_IN_MEMORY_BYTES", 0)
    lazy, _ = explore.load_run(seed_run, "05")
    assert isinstance(lazy["sentences"], explore.SentenceFile)
    lazy["sentences"].chunksize = 7  # documents split across chunks
    a, b = whole["sentences"], lazy["sentences"]
    pd.testing.assert_frame_equal(explore.theme_shares(a), explore.theme_shares(b))
    assert (explore.theme_shares(a).groupby("theme")["sentences"].sum() == len(a)).all()
    pd.testing.assert_frame_equal(explore.kwic(a, "deleg"), explore.kwic(b, "deleg"))
    assert len(explore.kwic(b, "deleg", limit=3)) == 3
    terms = ["delegations", "resolution"]
    docs = explore.documents_for_terms(a, terms, n=3)
    assert docs and explore.documents_for_terms(b, terms, n=3) == docs
    pd.testing.assert_frame_equal(explore.sentences_of(a, docs[:1]).reset_index(drop=True),
                                  explore.sentences_of(b, docs[:1]))
    sel = explore.default_selection(whole)
    ev = [explore.event_evidence(sel["event"], t["event_summary"], t["tallies"],
                                 t["sentences"], t["stances"]) for t in (whole, lazy)]
    assert len(ev[0]) and ev[0].equals(ev[1])
    figs = [charts.dispersion(s, terms, docs, whole["documents"]) for s in (a, b)]
    pd.testing.assert_frame_equal(figs[0].tallybook_data, figs[1].tallybook_data)
    for f in figs:
        plt_close(f)


def plt_close(fig) -> None:
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_term_counter_counts_as_the_case_blind_pattern():
    # the ASCII fast path (lower-case the text) gives pandas' str.count with the case-blind
    # pattern on every text, ASCII or not
    import random
    import re

    from helpers.explore import term_counter

    rnd = random.Random(29)
    pieces = ["Covid", "COVID-19", "covid", "delegations", "Delegation", " ", "x", "ſ", "İ",
              "ı", "Kelvin\u212a", "_", "é", "elections", "Elections", ".", "'"]
    for terms in (["delegations", "Covid", "elections"], ["ſtate", "Co"], ["İ", "x"]):
        pat = re.compile(r"\b(?:" + "|".join(re.escape(t) for t in terms) + ")",
                         re.IGNORECASE)
        count = term_counter(terms)
        texts = ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 8)))
                 for _ in range(2000)]
        want = pd.Series(texts).str.count(pat).tolist()
        assert [count(t) for t in texts] == want, terms
        assert sum(want) > 100
