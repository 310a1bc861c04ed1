"""The engine: per-document maps in order, faults isolated, the same tables on every engine."""

from __future__ import annotations

import filecmp
import shutil
from pathlib import Path

import pytest

from helpers.engine import FAULT_ENV, MISSING, SERIAL_UP_TO, Engine, Fault


def _square(doc_id: str, payload: int, context: int) -> int:
    if payload == 13:
        raise ValueError("thirteen is unlucky")
    return payload * payload + context


@pytest.mark.parametrize("workers", [1, 2])
def test_map_keeps_input_order_and_isolates_faults(workers: int):
    items = [(f"d{i:02d}", i) for i in range(40)]
    with Engine("local", workers=workers, chunksize=3) as eng:
        got = list(eng.map(_square, items, context=1, stage="t", progress=False))
    assert [d for d, _ in got] == [d for d, _ in items]
    for (_d, i), (_d2, res) in zip(items, got, strict=True):
        if i == 13:
            assert res == Fault("ValueError", "thirteen is unlucky")
        else:
            assert res == i * i + 1


def test_cached_items_pass_through_in_place():
    items = [(f"d{i}", i, (-i if i % 3 == 0 else MISSING)) for i in range(20) if i != 13]
    with Engine("local", workers=2, chunksize=4) as eng:
        got = list(eng.map_cached(_square, items, context=0, stage="t", progress=False))
    assert [d for d, _, _ in got] == [d for d, _, _ in items]
    for (_, i, _), (_d, res, cached) in zip(items, got, strict=True):
        assert cached == (i % 3 == 0)
        assert res == (-i if i % 3 == 0 else i * i)


def test_fault_hook_reaches_worker_processes(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(FAULT_ENV, "t=d3")
    with Engine("local", workers=2) as eng:
        got = dict(eng.map(_square, [(f"d{i}", i) for i in range(6)], context=0, stage="t",
                           progress=False))
    assert isinstance(got["d3"], Fault) and got["d3"].error_type == "RuntimeError"
    assert got["d4"] == 16


def test_unknown_engine_is_refused():
    with pytest.raises(ValueError, match="engine must be one of"):
        Engine("spark")


def _run(corpus: Path, out: Path, **kw) -> Path:
    from helpers import stages

    stages.run_clean(corpus, out, progress=False, **kw)
    stages.run_entities(out, progress=False, **kw)
    stages.run_tallies(out, progress=False, **kw)
    return out


def _same_tree(a: Path, b: Path, sub: str) -> None:
    names = sorted(p.name for p in (a / sub).iterdir())
    assert names == sorted(p.name for p in (b / sub).iterdir())
    _, mismatch, errors = filecmp.cmpfiles(a / sub, b / sub, names, shallow=False)
    assert not mismatch and not errors, mismatch


@pytest.mark.slow
def test_tables_identical_on_every_engine(tmp_path: Path, root: Path):
    """In this process, two local processes and a two-worker Dask LocalCluster: same bytes."""
    from helpers.bench import build_scale_corpus

    corpus = tmp_path / "corpus"
    build_scale_corpus(SERIAL_UP_TO, corpus)  # with the seeds: more than run in-process
    for p in (root / "seeds").glob("*.txt"):
        shutil.copy(p, corpus / p.name)
    one = _run(corpus, tmp_path / "one", workers=1)
    two = _run(corpus, tmp_path / "two", engine="local", workers=2)
    dask = _run(corpus, tmp_path / "dask", engine="dask", workers=2)
    for other in (two, dask):
        _same_tree(one, other, "tables")
        _same_tree(one, other, "texts")
    assert (one / "tables" / "tallies.csv").stat().st_size > 200  # not trivially empty
