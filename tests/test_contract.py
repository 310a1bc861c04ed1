from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from helpers.contract import COLUMNS, atomic_write_bytes, read_table, write_table


def test_write_table_puts_contract_columns_first(tmp_path: Path):
    path = write_table(tmp_path, "events", [
        {"notes": "x", "check": "ok", "doc_id": "a", "total": 39.0, "favourable": 30,
         "critical": 9, "neutral": 0, "extra_col": 1.5}])
    header, row = path.read_text(encoding="utf-8").splitlines()
    cols = header.split(",")
    assert cols[:len(COLUMNS["events"])] == COLUMNS["events"]
    assert cols[-1] == "extra_col"
    assert row.startswith("a,,,39,30,9,0,ok,")  # integers stay integers, no ".0"
    back = read_table(tmp_path, "events")
    assert back.loc[0, "total"] == 39 and str(back["total"].dtype) == "Int64"


def test_atomic_write_leaves_no_temporary_files_and_keeps_old_on_failure(tmp_path: Path):
    target = tmp_path / "sub" / "f.bin"
    atomic_write_bytes(target, b"old")
    assert target.read_bytes() == b"old"
    assert oct(target.stat().st_mode & 0o777) != oct(0o600)  # follows the umask, not mkstemp

    with pytest.raises(TypeError):
        atomic_write_bytes(target, "not bytes")  # type: ignore[arg-type]
    assert target.read_bytes() == b"old"
    assert [p.name for p in target.parent.iterdir()] == ["f.bin"]


def test_empty_table_still_has_every_column(tmp_path: Path):
    write_table(tmp_path, "tallies", pd.DataFrame())
    df = read_table(tmp_path, "tallies")
    assert list(df.columns) == COLUMNS["tallies"] + ["cue"] and len(df) == 0


def test_kernel_spec_points_at_this_interpreter():
    import json
    import sys

    from helpers.kernel import ensure_kernel, kernel_env

    spec = json.loads((ensure_kernel() / "kernel.json").read_text(encoding="utf-8"))
    assert spec["argv"][0] == sys.executable
    assert kernel_env()["JUPYTER_PATH"].split(os.pathsep)[0] == str(
        Path(sys.prefix) / "share" / "jupyter")


def test_bench_runs_on_a_small_corpus(root: Path):
    from helpers.bench import run

    res = run(root / "seeds", 0.05, repeat=1)
    assert res["megabytes"] >= 0.05 and res["tokens"] > 5000
    assert set(res["stages"]) >= {"02 entities: tagging", "03 tallies", "03 stances"}
    assert all(r["tokens_per_second"] > 0 for r in res["stages"].values())
