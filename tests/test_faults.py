"""Per-document fault isolation: an exception for one document costs that document's rows for
that stage (and a warnings.csv row saying why), never the run or the other documents."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from helpers import stages
from helpers.engine import FAULT_ENV

DOCS = sorted(p.stem for p in (Path(__file__).resolve().parents[1] / "seeds").glob("*.txt"))
VICTIM = DOCS[1]


def _rows(out: Path, table: str) -> list[dict[str, str]]:
    with (out / "tables" / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _run(corpus: Path, out: Path, workers: int = 1) -> Path:
    stages.run_clean(corpus, out, progress=False, workers=workers)
    stages.run_entities(out, progress=False, workers=workers)
    stages.run_tallies(out, progress=False, workers=workers)
    return out


@pytest.fixture(scope="module")
def clean_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = Path(__file__).resolve().parents[1]
    return _run(root / "seeds", tmp_path_factory.mktemp("clean"))


def _without(rows: list[dict[str, str]], doc_id: str) -> list[dict[str, str]]:
    return [r for r in rows if r["doc_id"] != doc_id]


def test_a_rule_failing_in_stage_03_costs_one_document(tmp_path: Path, root: Path,
                                                       clean_run: Path,
                                                       monkeypatch: pytest.MonkeyPatch):
    import helpers.tallies

    real = helpers.tallies.extract_tallies

    def flaky(doc_id, *args, **kwargs):
        if doc_id == VICTIM:
            raise ZeroDivisionError("a rule divided by zero")
        return real(doc_id, *args, **kwargs)

    monkeypatch.setattr(helpers.tallies, "extract_tallies", flaky)
    out = _run(root / "seeds", tmp_path / "out")
    assert any(r["doc_id"] == VICTIM for r in _rows(clean_run, "tallies"))  # it had rows
    for table in ("tallies", "events", "stances"):
        assert _rows(out, table) == _without(_rows(clean_run, table), VICTIM), table
    warn = [r for r in _rows(out, "warnings") if r["stage"] == "03_tallies"]
    assert [(r["doc_id"], r["source_file"]) for r in warn] == [(VICTIM, VICTIM + ".txt")]
    assert "ZeroDivisionError: a rule divided by zero" in warn[0]["message"]
    # stages 01 and 02 are untouched, and the 01 warnings are still there
    assert _rows(out, "entities") == _rows(clean_run, "entities")
    assert [r for r in _rows(out, "warnings") if r["stage"] != "03_tallies"] == \
        _rows(clean_run, "warnings")

    # the failure was not cached: fixed, a re-run redoes that document alone
    monkeypatch.setattr(helpers.tallies, "extract_tallies", real)
    stages.run_tallies(out, progress=False, workers=1)
    assert "03 tallies: 4 documents cached, 1 to process" in \
        (out / "cache" / "summary-03.txt").read_text()
    for table in ("tallies", "events", "stances", "warnings"):
        assert _rows(out, table) == _rows(clean_run, table), table


def test_a_rule_failing_in_stage_02_costs_one_document(tmp_path: Path, root: Path,
                                                       clean_run: Path,
                                                       monkeypatch: pytest.MonkeyPatch):
    from helpers.entities import EntityTagger

    real = EntityTagger.tag

    def flaky(self, doc_id, *args, **kwargs):
        if doc_id == VICTIM:
            raise KeyError("no such gazetteer entry")
        return real(self, doc_id, *args, **kwargs)

    monkeypatch.setattr(EntityTagger, "tag", flaky)
    out = _run(root / "seeds", tmp_path / "out")
    assert _rows(out, "entities") == _without(_rows(clean_run, "entities"), VICTIM)
    warn = [r for r in _rows(out, "warnings") if r["stage"] == "02_entities"]
    assert [r["doc_id"] for r in warn] == [VICTIM]
    assert "KeyError" in warn[0]["message"] and "left out" in warn[0]["message"]
    # stage 03 still processed every document, the victim without entities
    other = [r["doc_id"] for r in _rows(out, "tallies")]
    assert set(other) - {VICTIM} == {r["doc_id"] for r in _rows(clean_run, "tallies")} - {VICTIM}


@pytest.mark.parametrize("stage", ["01_clean", "02_entities", "03_tallies"])
def test_fault_hook_in_worker_processes(tmp_path: Path, root: Path, clean_run: Path,
                                        monkeypatch: pytest.MonkeyPatch, stage: str):
    """The test-only environment hook reaches local worker processes (monkeypatching does not)."""
    monkeypatch.setenv(FAULT_ENV, f"{stage}={VICTIM}")
    out = _run(root / "seeds", tmp_path / "out", workers=2)
    warn = [r for r in _rows(out, "warnings") if r["doc_id"] == VICTIM and r["stage"] == stage]
    assert len(warn) == 1 and "fault injected" in warn[0]["message"]
    if stage == "01_clean":
        doc = next(r for r in _rows(out, "documents") if r["doc_id"] == VICTIM)
        assert doc["status"].startswith("rejected: cleaning failed (RuntimeError")
        assert not any(r["doc_id"] == VICTIM for r in _rows(out, "sentences"))
        assert _rows(out, "sentences") == _without(_rows(clean_run, "sentences"), VICTIM)
    elif stage == "02_entities":
        assert _rows(out, "entities") == _without(_rows(clean_run, "entities"), VICTIM)
    else:
        assert _rows(out, "stances") == _without(_rows(clean_run, "stances"), VICTIM)
