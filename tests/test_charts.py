from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from helpers import charts, explore
from helpers.contract import read_table


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_figures_are_byte_identical_and_300_dpi(seed_run: Path, tmp_path: Path):
    ev, docs = read_table(seed_run, "events"), read_table(seed_run, "documents")
    for run in ("a", "b"):
        charts.save_figure(charts.delegations_by_session(ev, docs), tmp_path / run, "d")
        charts.save_figure(charts.stance_matrix(read_table(seed_run, "stances"), docs),
                           tmp_path / run, "s")
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    from PIL import Image

    with Image.open(tmp_path / "a" / "d.png") as im:
        assert round(im.info["dpi"][0]) == 300
    pdf = (tmp_path / "a" / "d.pdf").read_bytes()
    assert b"CreationDate" not in pdf
    assert b"<dc:date>" not in (tmp_path / "a" / "d.svg").read_bytes()


def test_headline_chart_reads_the_events(seed_run: Path):
    ev, docs = read_table(seed_run, "events"), read_table(seed_run, "documents")
    fig = charts.delegations_by_session(ev, docs)
    ax = fig.axes[0]
    assert [t.get_text().split("\n")[0] for t in ax.get_xticklabels()] == [
        "HRC45", "HRC49", "HRC51"]
    heights = sorted(round(p.get_height()) for p in ax.patches if p.get_height() > 0)
    assert heights == sorted([17, 10, 28, 8, 30, 9])
    assert "Permanent Mission of Cambodia" in fig.texts[0].get_text()
    assert "EAC News" not in fig.texts[0].get_text()  # its article has no tally


def test_empty_tables_still_draw():
    empty = pd.DataFrame(columns=["doc_id", "hrc_session", "event_date", "total", "favourable",
                                  "critical", "neutral", "check", "source"])
    assert charts.delegations_by_session(empty).axes
    assert charts.share_favourable(empty).axes


def test_kwic_traces_to_offsets(seed_run: Path):
    s = read_table(seed_run, "sentences")
    k = explore.kwic(s, "delegat")
    texts = {p.stem: p.read_text(encoding="utf-8") for p in (seed_run / "texts").glob("*.txt")}
    assert len(k) >= 8
    for r in k.itertuples():
        assert texts[r.doc_id][r.start:r.start + len(r.match)] == r.match


def test_theme_lookup():
    s = pd.DataFrame({"doc_id": ["a", "a", "a", "a"], "sentence_id": [1, 2, 3, 4],
                      "text": ["The elections were free.", "Covid-19 vaccines arrived.",
                               "NGOs and civil society spoke.", "Nothing here."]})
    sh = explore.theme_shares(s).set_index("theme")["share"]
    assert sh["elections"] == 0.25 and sh["Covid-19 and health"] == 0.25
    assert sh["civic space and NGOs"] == 0.25 and sh["judiciary and rule of law"] == 0.0


def test_every_chart_is_titled_labelled_and_sourced(seed_run: Path):
    docs = read_table(seed_run, "documents")
    sents = read_table(seed_run, "sentences")
    figs = {
        "delegations_by_session": charts.delegations_by_session(read_table(seed_run, "events"),
                                                                docs),
        "share_favourable": charts.share_favourable(read_table(seed_run, "events"), docs),
        "stance_matrix": charts.stance_matrix(read_table(seed_run, "stances"), docs),
        "entity_mentions": charts.entity_mentions(read_table(seed_run, "entities"),
                                                  documents=docs),
        "themes_by_document": charts.themes_by_document(explore.theme_shares(sents), docs),
        "dispersion": charts.dispersion(sents, ["delegations", "Covid"], docs),
    }
    for name, fig in figs.items():
        ax = fig.axes[0]
        assert len(ax.get_title(loc="left")) > 20, name
        assert ax.get_xlabel() and (ax.get_ylabel() or ax.get_yticklabels()), name
        foot = " ".join(t.get_text() for t in fig.texts)
        assert "Phnom Penh Post" in foot and "Not an official UN count" in foot, name


def test_events_that_do_not_add_up_are_flagged():
    ev = pd.DataFrame({"doc_id": ["a", "b"], "hrc_session": ["HRC49", "HRC51"],
                       "event_date": ["2022-03-29", "2022-10-05"], "total": [36, 39],
                       "favourable": [28, 30], "critical": [9, None], "neutral": [0, None],
                       "check": ["mismatch", "incomplete"], "source": ["X", "X"]})
    fig = charts.delegations_by_session(ev)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "⚠ mismatch" in texts and "⚠ incomplete" in texts
    assert "total 36" in texts and "total 39" in texts


def test_empty_charts_are_titled_and_sourced():
    empty = pd.DataFrame(columns=["doc_id", "hrc_session", "event_date", "total", "favourable",
                                  "critical", "neutral", "check", "source", "actor",
                                  "actor_label", "stance", "label", "canonical", "theme",
                                  "share", "start", "end", "text"])
    figs = [charts.delegations_by_session(empty), charts.share_favourable(empty),
            charts.stance_matrix(empty, empty), charts.entity_mentions(empty),
            charts.themes_by_document(empty), charts.dispersion(empty, ["x"])]
    for fig in figs:
        assert fig.axes[0].get_title(loc="left")
        assert "Not an official UN count" in fig.texts[0].get_text()
