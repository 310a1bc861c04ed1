"""All four notebooks through the runner on the seeds, then the tables read back."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers.contract import COLUMNS, CONTRACT_TABLES, read_table
from helpers.pipeline import NOTEBOOKS, main

FIGURES = ("delegations_by_event", "share_over_time", "stance_heatmap", "source_agreement",
           "claimed_vs_official", "mentions_by_country_year", "themes_by_country_year",
           "dispersion")


def _hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory, root: Path) -> tuple[Path, Path]:
    before = _hashes(root / "notebooks")
    a = tmp_path_factory.mktemp("run_a")
    b = tmp_path_factory.mktemp("run_b")
    assert main(["--corpus", str(root / "seeds"), "--out", str(a)]) == 0
    # run b is first killed outright (kill -9) half-way, then run again into the same folder
    killed = subprocess.Popen([sys.executable, "-m", "helpers.pipeline", "--corpus",
                               str(root / "seeds"), "--out", str(b), "--no-html", "--quiet"])
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and killed.poll() is None:
        try:
            m = json.loads((b / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            m = {}
        if len(m.get("notebooks", [])) >= 2:  # 01 done, 02 started
            break
        time.sleep(0.1)
    killed.kill()
    killed.wait()
    assert json.loads((b / "manifest.json").read_text(encoding="utf-8"))["status"] == "running"
    assert main(["--corpus", str(root / "seeds"), "--out", str(b), "--no-html"]) == 0
    m = json.loads((b / "manifest.json").read_text(encoding="utf-8"))
    assert m["previous_run"]["pid"] == killed.pid and m["status"] == "ok"
    assert _hashes(root / "notebooks") == before, "the runner must not touch the sources"
    return a, b


@pytest.mark.slow
def test_tables_have_the_contract_columns(runs):
    out, _ = runs
    for table in CONTRACT_TABLES:
        df = read_table(out, table)
        assert list(df.columns[:len(COLUMNS[table])]) == COLUMNS[table], table


@pytest.mark.slow
def test_seed_events_read_as_reported(runs):
    ev = read_table(runs[0], "events").set_index("doc_id")
    for doc, (total, fav, crit, session) in {
            "003_573078b1906a0fce": (39, 30, 9, "HRC51"),
            "001_fe54ed32763119d5": (36, 28, 8, "HRC49"),
            "002_3846ee0d39daafe0": (27, 17, 10, "HRC45")}.items():
        row = ev.loc[doc]
        assert (row.total, row.favourable, row.critical, row.check) == (total, fav, crit, "ok")
        assert row.hrc_session == session
        assert row.source == "Permanent Mission of Cambodia"
    assert "004_53f979e27959f980" not in ev.index  # not an HRC event: no tally


@pytest.mark.slow
def test_figures_notebooks_and_manifest(runs, root: Path):
    out, _ = runs
    for name in FIGURES:
        for ext in ("png", "svg", "pdf"):
            assert (out / "figures" / f"{name}.{ext}").stat().st_size > 1000, (name, ext)
    for nb in NOTEBOOKS:
        executed = json.loads((out / "notebooks" / nb).read_text(encoding="utf-8"))
        assert any(c.get("outputs") for c in executed["cells"] if c["cell_type"] == "code")
        if nb == "04_compare.ipynb":  # every chart is shown in the notebook, once
            images = [o for c in executed["cells"] for o in c.get("outputs", [])
                      if "image/png" in o.get("data", {})]
            assert len(images) == len(FIGURES)
        assert (out / "notebooks" / nb).with_suffix(".html").stat().st_size > 10_000
        for copy in (out / "notebooks" / nb, (out / "notebooks" / nb).with_suffix(".html")):
            text = copy.read_text(encoding="utf-8")  # paths relative to the run, not the user's
            for absolute in (root, out):  # as a whole path, not inside "../../tmp/run_a0"
                assert not re.search(r"(?<![\w.~/-])" + re.escape(str(absolute)), text), copy
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    # paths as the notebooks (run from notebooks/) see them
    assert m["status"] == "ok" and m["parameters"]["corpus_dir"] == "../seeds"
    assert (root / "notebooks" / m["parameters"]["out_dir"]).resolve() == out.resolve()
    assert not (out / ".tallybook.lock").exists()
    assert [n["name"] for n in m["notebooks"]] == list(NOTEBOOKS)
    assert all(n["seconds"] > 0 for n in m["notebooks"])
    seed = root / "seeds" / "003_573078b1906a0fce.txt"
    files = {f["name"]: f["sha256"] for f in m["corpus"]["files"]}
    assert files[seed.name] == hashlib.sha256(seed.read_bytes()).hexdigest()
    assert "metadata.csv" in files and m["packages"]["pandas"]


@pytest.mark.slow
def test_second_run_is_byte_identical(runs):
    # b was killed half-way once, then rerun: its tables equal a clean run's
    a, b = runs
    assert _hashes(a / "tables") == _hashes(b / "tables")
    assert _hashes(a / "figures") == _hashes(b / "figures")


@pytest.mark.slow
def test_failure_names_the_notebook(tmp_path: Path, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Of the 10 delegations present, 7 spoke in favour.", "utf-8")
    out = tmp_path / "out"
    # a bad parameter type makes 01_clean fail: the runner stops there and says so
    code = main(["--corpus", str(corpus), "--out", str(out), "-p", "max_file_bytes", "\"x\""])
    err = capsys.readouterr().err
    assert code == 1 and "01_clean.ipynb failed" in err and "TypeError" in err
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert m["status"] == "failed at 01_clean.ipynb"
    assert not (out / "notebooks" / "02_entities.ipynb").exists()


@pytest.mark.slow
def test_unseen_corpus_without_metadata(tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "geneva.txt").write_text(
        "GENEVA: Of the 42 delegations that took part in the dialogue on Myanmar, 12 spoke in "
        "favour of the government while 30 were critical, according to the OHCHR.\n\n"
        "Japan and the EU expressed concern.", "utf-8")
    (corpus / "empty.txt").write_text("", "utf-8")
    assert main(["--corpus", str(corpus), "--out", str(tmp_path / "out"), "--no-html"]) == 0
    ev = read_table(tmp_path / "out", "events")
    assert ev[["total", "favourable", "critical", "check"]].values.tolist() == [
        [42, 12, 30, "ok"]]
    docs = read_table(tmp_path / "out", "documents").set_index("doc_id")
    assert docs.loc["empty", "status"] == "rejected: empty file"
    assert docs.loc["geneva", "subject_country"] == "MMR"
    st = read_table(tmp_path / "out", "stances")
    assert set(zip(st["actor"], st["stance"], st["target"], strict=True)) == {
        ("JPN", "critical", "MMR"), ("EU", "critical", "MMR")}


@pytest.mark.slow
def test_corpus_with_no_usable_article(tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "img.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (corpus / "metadata.csv").write_text("doc_id,outlet\nnope,X\n", "utf-8")
    out = tmp_path / "out"
    assert main(["--corpus", str(corpus), "--out", str(out), "--no-html"]) == 0
    for table in CONTRACT_TABLES:
        assert list(read_table(out, table).columns[:len(COLUMNS[table])]) == COLUMNS[table]
    assert len(read_table(out, "events")) == 0
    for name in FIGURES:
        assert (out / "figures" / f"{name}.png").exists()
    w = read_table(out, "warnings")
    assert set(zip(w["doc_id"], w["source_file"], strict=True)) >= {
        ("nope", "metadata.csv"), ("empty", "empty.txt"), ("img", "img.txt")}
