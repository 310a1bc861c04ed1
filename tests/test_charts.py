"""Charts: drawn per event, country and state; fixed size; text inside the figure; titles that
say only what the data shows; each figure's data written beside it."""

from __future__ import annotations

import hashlib
import itertools
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.text import Text

from helpers import charts, explore
from helpers.bench04 import synthetic_tables
from helpers.contract import read_table

MAX_PX = (1000, 750)  # at the figures' 100 dpi: no chart is larger, whatever the corpus


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _summary(rows: list[dict]) -> pd.DataFrame:
    return explore.empty_table("event_summary").pipe(
        lambda e: pd.concat([e, pd.DataFrame(rows)], ignore_index=True))


def _tables_one_event() -> dict[str, pd.DataFrame]:
    """One Sri Lanka dialogue, reported twice (figures disagree), with an official record."""
    summary = _summary([{
        "event_id": "LKA-HRC48-2021-09-14-dialogue", "subject_country": "LKA",
        "kind": "dialogue", "hrc_session": "HRC48", "event_date": "2021-09-14", "n_reports": 2,
        "doc_ids": "a;b", "outlets": "Daily Mirror;Reuters", "sources": "Foreign Ministry",
        "total": 44, "favourable": 30, "critical": 14, "neutral": None,
        "agreement": "disagree", "check": "incomplete", "official_speakers": 41,
        "notes": "favourable 30 (a) vs 31 (b)"}])
    rec = pd.DataFrame({"actor": ["JPN", "EU"], "actor_label": ["COUNTRY", "BLOC"],
                        "subject_country": ["LKA", "LKA"],
                        "event_id": ["LKA-HRC48-2021-09-14-dialogue"] * 2,
                        "stance": ["critical", "supportive"], "n_statements": [1, 2],
                        "doc_ids": ["a", "a;b"], "conflict": ["", "yes"]})
    docs = pd.DataFrame({"doc_id": ["a", "b"], "status": ["ok", "ok"],
                         "outlet": ["Daily Mirror", "Reuters"], "published": ["2021-09", ""],
                         "event_date": ["2021-09-14", ""], "hrc_session": ["HRC48", ""],
                         "subject_country": ["LKA", "LKA"]})
    sents = pd.DataFrame({"doc_id": ["a", "a", "b"], "sentence_id": [1, 2, 1],
                          "start": [0, 60, 0], "end": [59, 120, 50],
                          "text": ["Thirty delegations backed the government of Sri Lanka.",
                                   "Japan voiced concern over the elections and the press.",
                                   "Thirty-one states spoke in favour of Sri Lanka."]})
    ents = pd.DataFrame({"doc_id": ["a", "a", "b"], "sentence_id": [1, 2, 1],
                         "label": ["COUNTRY", "COUNTRY", "COUNTRY"],
                         "canonical": ["LKA", "JPN", "LKA"]})
    return {"event_summary": summary, "stance_events": summary, "actor_record": rec,
            "documents": docs, "sentences": sents, "entities": ents}


def _tables_empty() -> dict[str, pd.DataFrame]:
    t = {n: explore.empty_table(n) for n in ("event_summary", "actor_record", "documents",
                                             "sentences", "entities")}
    t["stance_events"] = t["event_summary"]
    return t


@pytest.fixture(scope="module")
def many() -> dict[str, pd.DataFrame]:
    """300 events on 12 countries, 70 states and 8 blocs (the benchmark's generator)."""
    t = synthetic_tables(1500, seed=7)
    t["stance_events"] = t["event_summary"]
    assert len(t["event_summary"]) == 300
    assert t["actor_record"]["actor"].nunique() >= 60
    return t


def _figures(t: dict[str, pd.DataFrame]) -> dict[str, plt.Figure]:
    figs = dict(charts.draw_all(t, terms=["delegations", "elections", "nothingmatches"]))
    assert len(figs) == 8
    return figs


def _title(fig: plt.Figure) -> str:
    return fig.get_suptitle().replace("\n", " ")


def _foot(fig: plt.Figure) -> str:
    return fig.texts[-1].get_text()  # the note under the chart, drawn last


def _check_layout(fig: plt.Figure, name: str) -> None:
    w, h = fig.get_size_inches() * fig.dpi
    assert w <= MAX_PX[0] + 0.5 and h <= MAX_PX[1] + 0.5, (name, w, h)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    box = fig.bbox
    tick_labels, drawn = set(), set()
    for ax in fig.axes:  # tick labels of ticks outside the view exist but are not drawn
        for axis in (ax.xaxis, ax.yaxis):
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                tick_labels.update((tick.label1, tick.label2))
            if not (ax.axison and ax.get_visible()):
                continue
            for tick in axis._update_ticks():
                drawn.update((tick.label1, tick.label2))
    texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()
             and (t not in tick_labels or t in drawn)]
    assert texts, name
    for t in texts:
        bb = t.get_window_extent(renderer)
        assert (bb.x0 >= box.x0 - 1 and bb.y0 >= box.y0 - 1 and bb.x1 <= box.x1 + 1
                and bb.y1 <= box.y1 + 1), (name, t.get_text()[:60], bb, box)
    for ax in fig.axes:  # tick labels on one axis never overlap one another
        for ticks in (ax.get_xticklabels(), ax.get_yticklabels()):
            boxes = [t.get_window_extent(renderer) for t in ticks
                     if t.get_visible() and t.get_text() and t in drawn]
            for a, b in itertools.pairwise(boxes):
                assert not a.overlaps(b) or a.width * a.height == 0, (name, "tick overlap")


@pytest.mark.parametrize("case", ["empty", "one", "many"])
def test_text_stays_inside_fixed_size_figures(case, many):
    t = {"empty": _tables_empty, "one": _tables_one_event}.get(case, lambda: many)()
    for name, fig in _figures(t).items():
        _check_layout(fig, f"{case}/{name}")
        plt.close(fig)


def test_many_events_are_capped_and_summarised(many):
    fig = charts.stance_heatmap(many["actor_record"], many["event_summary"], top=25)
    ax = fig.axes[0]
    rows = [t.get_text() for t in ax.get_yticklabels()]
    rec = many["actor_record"]
    top_country = rec["subject_country"].value_counts().index[0]
    ev = many["event_summary"][many["event_summary"]["subject_country"] == top_country]
    latest = set(ev.sort_values("event_date")["event_id"].iloc[-18:])
    rest = rec[rec["event_id"].isin(latest)]["actor"].nunique() - 25
    assert len(rows) == 26 and rows[-1] == f"others ({rest})"
    assert "ISO" not in " ".join(rows) and "China" in rows  # states by name
    assert len(ax.get_xticklabels()) == 18
    assert all(" · " in t.get_text() for t in ax.get_xticklabels())
    plt.close(fig)
    fig = charts.delegations_by_event(many["event_summary"])
    assert len(fig.axes) == 4
    assert all(len(ax.get_yticklabels()) <= 12 for ax in fig.axes)
    assert "not drawn:" in _foot(fig)
    plt.close(fig)


def test_titles_handle_single_and_missing_cases():
    t = _tables_one_event()
    fig = charts.delegations_by_event(t["event_summary"])
    assert _title(fig) == ("Sri Lanka: 30 of 44 delegations reported favourable at "
                                  "HRC48 · 2021-09-14")
    legend = [x.get_text() for x in fig.legends[0].get_texts()]
    assert legend == ["favourable", "critical"]  # no neutral: none occurs
    assert "Foreign Ministry" in _foot(fig)
    assert "Daily Mirror" in _foot(fig)
    fig = charts.share_over_time(t["event_summary"])
    assert "one event with a count" in _title(fig)
    assert "rose" not in _title(fig) and "every" not in _title(fig)
    no_fav = t["event_summary"].assign(favourable=None)
    fig = charts.delegations_by_event(no_fav)
    assert "no favourable count" in _title(fig)
    assert "favourable" not in [x.get_text() for x in fig.legends[0].get_texts()]
    fig = charts.source_agreement(t["event_summary"])
    assert _title(fig).startswith("1 of 1 events")
    assert any("30 (a) vs 31 (b)" in x.get_text() for x in fig.axes[0].texts)
    fig = charts.stance_heatmap(t["actor_record"], t["event_summary"])
    legend = [x.get_text() for x in fig.axes[0].get_legend().get_texts()]
    assert legend == ["− critical", "± documents disagree"]  # only what occurs
    assert "toward Sri Lanka" in _title(fig)
    fig = charts.claimed_vs_official(t["event_summary"])
    assert "differs" in _title(fig)
    table = charts.claimed_vs_official_table(t["event_summary"])
    assert table[["claimed_total", "official_speakers", "difference"]].iloc[0].tolist() == [
        44, 41, 3]
    plt.close("all")


def test_themes_title_when_nothing_matched():
    s = pd.DataFrame({"doc_id": ["x"], "sentence_id": [1], "start": [0], "end": [9],
                      "text": ["Nothing."]})
    docs = pd.DataFrame({"doc_id": ["x"], "status": ["ok"], "outlet": ["O"],
                         "published": ["2020"], "event_date": [""], "subject_country": [""]})
    shares = explore.themes_by_group(explore.theme_shares(s), docs)
    fig = charts.themes_by_country_year(shares, docs)
    assert _title(fig) == "No theme from data/themes.csv matched any sentence"
    assert "recurs" not in _title(fig)
    plt.close(fig)


def test_dispersion_draws_only_terms_that_occur():
    t = _tables_one_event()
    fig = charts.dispersion(t["sentences"], ["elections", "Covid", "press"], ["a", "b"])
    labels = [x.get_text() for x in fig.axes[0].get_legend().get_texts()]
    assert labels == ["elections (1)", "press (1)"]
    assert "Not found in these documents: Covid" in _foot(fig)
    assert [x.get_text() for x in fig.axes[0].get_yticklabels()] == ["a", "b"]
    plt.close(fig)


def test_seed_charts_say_what_they_said(seed_run: Path):
    tables, _ = explore.load_run(seed_run)
    fig = charts.delegations_by_event(tables["event_summary"])
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "HRC45 · 2020-10-01", "HRC49 · 2022-03-29", "HRC51 · 2022-10-05"]
    widths = sorted(round(p.get_width()) for p in ax.patches if p.get_width() > 0)
    assert widths == sorted([17, 10, 28, 8, 30, 9])
    foot = _foot(fig)
    assert "Permanent Mission of Cambodia" in foot and "EAC News" not in foot
    assert _title(fig).startswith("Cambodia: most delegations were reported favourable "
                                         "at all 3 events")
    plt.close(fig)


def test_figures_are_byte_identical_300_dpi_with_data(seed_run: Path, tmp_path: Path):
    tables, _ = explore.load_run(seed_run)
    for run in ("a", "b"):
        charts.save_figure(charts.delegations_by_event(tables["event_summary"]),
                           tmp_path / run, "d")
        charts.save_figure(charts.stance_heatmap(tables["actor_record"],
                                                 tables["stance_events"]), tmp_path / run, "s")
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    # the same files when the formats are drawn in the saver's background process
    saver = charts.FigureSaver(tmp_path / "c")
    (tmp_path / "c").mkdir()
    listed = saver.save(charts.delegations_by_event(tables["event_summary"]), "d")
    listed += saver.save(charts.stance_heatmap(tables["actor_record"],
                                               tables["stance_events"]), "s")
    assert saver.background
    assert saver.close() == listed
    assert _digest(tmp_path / "c") == _digest(tmp_path / "a")
    from PIL import Image

    with Image.open(tmp_path / "a" / "d.png") as im:
        assert round(im.info["dpi"][0]) == 300
        assert im.size[0] <= 3 * MAX_PX[0] and im.size[1] <= 3 * MAX_PX[1]
    assert b"CreationDate" not in (tmp_path / "a" / "d.pdf").read_bytes()
    data = pd.read_csv(tmp_path / "a" / "d.csv")
    assert sorted(data["total"]) == [27, 36, 39]
    assert list(data["label"]) == ["HRC45 · 2020-10-01", "HRC49 · 2022-03-29",
                                   "HRC51 · 2022-10-05"]


def test_theme_lookup_matches_the_regex():
    s = pd.DataFrame({"doc_id": ["a"] * 6, "sentence_id": range(1, 7),
                      "text": ["The elections were free.", "Covid-19 vaccines arrived.",
                               "NGOs and civil society spoke.", "Nothing here.",
                               "He was re-elected after the vote.",
                               "The rule of law and the courts."]})
    sh = explore.theme_shares(s).set_index("theme")["matched"]
    assert sh["elections"] == 2 and sh["Covid-19 and health"] == 1
    assert sh["civic space and NGOs"] == 1 and sh["judiciary and rule of law"] == 1
    fast = explore.sentence_theme_matrix(s["text"].tolist(), list(explore.theme_dictionary()))
    for theme, pat in explore.theme_dictionary().items():
        assert fast[theme].tolist() == [bool(pat.search(x)) for x in s["text"]], theme


def test_empty_tables_do_not_crash():
    empty = explore.empty_table("event_summary")
    for fig in (charts.delegations_by_event(empty), charts.share_over_time(empty),
                charts.source_agreement(empty), charts.claimed_vs_official(empty),
                charts.stance_heatmap(explore.empty_table("actor_record"), empty)):
        assert _title(fig) and fig.texts
        assert isinstance(fig.tallybook_data, pd.DataFrame)
        plt.close(fig)
    assert np.isfinite(MAX_PX[0])


def test_events_that_do_not_add_up_are_flagged():
    s = _summary([{"event_id": e, "subject_country": "KHM", "kind": "dialogue",
                   "hrc_session": ss, "event_date": d, "n_reports": 1, "doc_ids": e,
                   "sources": "X", "total": tot, "favourable": f, "critical": c,
                   "neutral": n, "check": chk, "agreement": "single"}
                  for e, ss, d, tot, f, c, n, chk in (
                      ("e1", "HRC49", "2022-03-29", 36, 28, 9, 0, "mismatch"),
                      ("e2", "HRC51", "2022-10-05", 39, 30, None, None, "incomplete"))])
    fig = charts.delegations_by_event(s)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "36 ⚠ mismatch" in texts and "39 ⚠ incomplete" in texts
    plt.close(fig)


def test_seed_tables_read_back(seed_run: Path):
    assert len(read_table(seed_run, "events")) == 3


def test_the_benchmark_s_synthetic_run_keeps_the_contract(tmp_path):
    from helpers.bench04 import write_synthetic_run
    from helpers.contract import read_table

    write_synthetic_run(tmp_path, 40)  # every table goes through write_table's validation
    summary = read_table(tmp_path, "event_summary")
    assert len(summary) and set(summary["agreement"]) <= {"single", "agree", "disagree"}


def test_style_is_seaborns_paper_whitegrid_theme():
    """The written-out theme equals what seaborn's set_theme sets (seaborn is not imported
    when drawing: it costs 1.5 s)."""
    import matplotlib as mpl
    import seaborn as sns

    with mpl.rc_context():
        sns.set_theme(context="paper", style="whitegrid", font="DejaVu Sans",
                      palette=list(charts.OKABE_ITO.values()))
        sns.set_theme(context="paper", style="whitegrid", font="DejaVu Sans",
                      palette=list(charts.OKABE_ITO.values()))
        plt.rcParams.update(charts.STYLE)
        seaborn_rc = dict(mpl.rcParams)
    with mpl.rc_context():
        charts.apply_style()
        ours = dict(mpl.rcParams)
    differ = {k for k in seaborn_rc if seaborn_rc[k] != ours[k]}
    assert differ == {"image.cmap"}  # seaborn's "rocket"; every chart names its colour map


def test_each_figure_is_drawn_once_per_format(seed_run: Path, tmp_path: Path, monkeypatch):
    """One layout pass, then one draw per file: savefig must not draw again before drawing."""
    from matplotlib.figure import Figure

    tables, _ = explore.load_run(seed_run)
    fig = charts.delegations_by_event(tables["event_summary"])
    calls = []
    original = Figure.draw

    def counting(self, renderer):
        calls.append(type(renderer).__name__)
        return original(self, renderer)

    monkeypatch.setattr(Figure, "draw", counting)
    charts.save_figure(fig, tmp_path, "d")
    assert len(calls) == 1 + len(charts.FORMATS)
    assert fig.get_layout_engine() is None


def test_pdf_embeds_truetype_subsets_without_layout_tables(seed_run: Path, tmp_path: Path):
    """Type 42 (TrueType, FontFile2) as publishers ask, not Type 3; the subsets keep the glyph
    outlines and drop the layout tables a PDF never reads; the text extracts the same."""
    import io
    import re

    from fontTools.ttLib import TTFont

    tables, _ = explore.load_run(seed_run)
    fig = charts.delegations_by_event(tables["event_summary"])
    title = fig.get_suptitle()
    charts.save_figure(fig, tmp_path, "d")
    raw = (tmp_path / "d.pdf").read_bytes()
    assert b"/FontFile2" in raw and b"/Type3" not in raw
    import pypdf

    reader = pypdf.PdfReader(tmp_path / "d.pdf")
    assert title.split("\n")[0][:30] in reader.pages[0].extract_text()
    fonts = reader.pages[0]["/Resources"]["/Font"]
    assert fonts
    for ref in fonts.values():
        font = ref.get_object()
        assert font["/Subtype"] == "/Type0"
        assert re.fullmatch(r"/[A-Z]{6}\+DejaVuSans(-Bold)?", str(font["/BaseFont"]))
        desc = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        tt = TTFont(io.BytesIO(desc["/FontFile2"].get_object().get_data()))
        assert {"glyf", "loca", "head", "hmtx", "cmap"} <= set(tt.keys())
        assert not {"GSUB", "GPOS", "GDEF"} & set(tt.keys())
        assert 2 < tt["maxp"].numGlyphs < 400  # a subset, not the 6,000 glyphs of DejaVu Sans


def _pdf_of(fig, shared: bool, monkeypatch: pytest.MonkeyPatch) -> bytes:
    import io

    original = charts.pdf_glyph_subset
    monkeypatch.setattr(charts, "pdf_glyph_subset",
                        lambda f, g, shared=shared: original(f, g, shared=shared))
    buf = io.BytesIO()
    with charts._lean_pdf_fonts(), plt.rc_context({"pdf.fonttype": 42}):
        fig.savefig(buf, format="pdf", metadata={"CreationDate": None, "ModDate": None,
                                                 "Creator": None, "Producer": None})
    monkeypatch.setattr(charts, "pdf_glyph_subset", original)
    return buf.getvalue()


def test_shared_pdf_font_subset_gives_the_same_text(monkeypatch: pytest.MonkeyPatch):
    """One font subset per process for figures whose characters are all common ones: the
    text reads back the same as with the figure's own subset, and the same figure gives the
    same bytes however often it is saved."""
    import io
    import time

    import pypdf

    label = "Côte d'Ivoire – 12 delegations (HRC51)"
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.set_title(label)
    ax.bar(["a", "b"], [3, 5])
    charts._shared_subset.cache_clear()
    own = _pdf_of(fig, False, monkeypatch)
    shared = _pdf_of(fig, True, monkeypatch)
    time.sleep(1.1)  # a font saved with a fresh timestamp would differ a second later
    assert shared != own and _pdf_of(fig, True, monkeypatch) == shared

    def text(data: bytes) -> str:
        return pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text()

    assert text(shared) == text(own) and label in text(own)
    plt.close(fig)


def test_a_glyph_outside_the_shared_subset_gets_a_subset_of_its_own():
    from fontTools.ttLib import TTFont
    from matplotlib import font_manager

    path = font_manager.findfont("DejaVu Sans")
    cmap = TTFont(path).getBestCmap()
    gid = {c: TTFont(path).getGlyphID(cmap[ord(c)]) for c in "aŞ"}
    assert "a" in charts.PDF_SUBSET_CHARS and "Ş" not in charts.PDF_SUBSET_CHARS
    fp = font_manager.FontPath(path, 0)
    with charts.pdf_glyph_subset(fp, {gid["a"]}) as common, \
            charts.pdf_glyph_subset(fp, {gid["a"], gid["Ş"]}) as own:
        n_common, n_own = len(common.font.getGlyphOrder()), len(own.font.getGlyphOrder())
        assert set(own.glyph_index_map) >= {gid["a"], gid["Ş"]}
        assert set(common.glyph_index_map) == {gid["a"]}
    assert n_common > len(set(charts.PDF_SUBSET_CHARS)) // 2 > n_own


_SAVE_ONE = """
import sys
from pathlib import Path
import pandas as pd
from helpers import charts, explore
if sys.argv[2] == "warm":
    charts.warm_up()
row = {"event_id": "KHM-HRC51-2022-10-05-dialogue", "subject_country": "KHM",
       "kind": "dialogue", "event_date": "2022-10-05", "hrc_session": "HRC51", "total": 40,
       "favourable": 25, "critical": 9, "neutral": 6, "n_reports": 2}
summary = pd.concat([explore.empty_table("event_summary"), pd.DataFrame([row])],
                    ignore_index=True)
charts.save_figure(charts.delegations_by_event(summary), Path(sys.argv[1]), "d")
"""


def test_warm_up_changes_neither_the_kernel_state_nor_the_figures(tmp_path: Path):
    import subprocess
    import sys

    import matplotlib.pyplot as plt

    from helpers import charts

    before = dict(plt.rcParams)
    figures = plt.get_fignums()
    charts.warm_up()
    assert dict(plt.rcParams) == before and plt.get_fignums() == figures
    for mode in ("cold", "warm"):
        (tmp_path / mode).mkdir()
        subprocess.run([sys.executable, "-c", _SAVE_ONE, str(tmp_path / mode), mode],
                       check=True)
    for fmt in ("png", "svg", "pdf"):
        cold = (tmp_path / "cold" / f"d.{fmt}").read_bytes()
        assert cold == (tmp_path / "warm" / f"d.{fmt}").read_bytes(), fmt


def test_figure_saver_reports_every_figure_it_could_not_write(
        seed_run: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    tables, _ = explore.load_run(seed_run)

    def broken(fig, out, name, formats):
        raise OSError(f"disk full writing {name}")

    monkeypatch.setattr(charts, "_write_formats", broken)  # the saver's process forks after
    saver = charts.FigureSaver(tmp_path)
    for name in ("one", "two"):
        saver.save(charts.delegations_by_event(tables["event_summary"]), name)
    with pytest.raises(RuntimeError, match=r"one: OSError: disk full writing one; two: "):
        saver.close()


def test_bench_04_bounds_grow_from_10_000_to_100_000_articles():
    from helpers.bench04 import default_bounds

    assert default_bounds(200) == default_bounds(10_000) == (30.0, 1024.0)
    assert default_bounds(100_000) == (90.0, 2048.0)
    assert default_bounds(55_000) == (60.0, 1536.0)
