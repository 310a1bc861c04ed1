from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from helpers.contract import (
    COLUMNS,
    ContractError,
    atomic_write_bytes,
    read_table,
    write_table,
)


def test_write_table_puts_contract_columns_first(tmp_path: Path):
    path = write_table(tmp_path, "events", [
        {"notes": "x", "check": "ok", "doc_id": "a", "total": 39.0, "favourable": 30,
         "critical": 9, "neutral": 0, "kind": "dialogue", "event_id": "KHM-dialogue",
         "extra_col": 1.5}])
    header, row = path.read_text(encoding="utf-8").splitlines()
    cols = header.split(",")
    assert cols[:len(COLUMNS["events"])] == COLUMNS["events"]
    assert cols[-1] == "extra_col"
    assert row.startswith("a,,,39,30,9,0,ok,,dialogue,KHM-dialogue,")  # no ".0" on integers
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


@pytest.mark.parametrize(("table", "row", "rule"), [
    ("tallies", {"doc_id": "a", "sentence_id": 1, "subject": "delegations", "stance": "for",
                 "count": 3, "evidence": "x", "kind": "vote", "vote": "yes"}, "'stance' must be"),
    ("tallies", {"doc_id": "a", "sentence_id": 1, "subject": "delegations", "stance": "all",
                 "count": -3, "evidence": "x", "kind": "vote"}, "non-negative integer"),
    ("tallies", {"doc_id": "a", "sentence_id": 1, "subject": "delegations", "stance": "all",
                 "count": 3, "evidence": "x", "kind": "vote", "vote": "maybe"}, "'vote'"),
    ("events", {"doc_id": "a", "event_id": "e", "check": "fine", "kind": "vote"}, "'check'"),
    ("stances", {"doc_id": "a", "sentence_id": 2, "actor": "", "actor_label": "COUNTRY",
                 "stance": "critical", "target": "KHM", "evidence": "x"}, "'actor' must not"),
    ("sentences", {"doc_id": "a", "sentence_id": 1, "paragraph_id": 1, "start": 10,
                   "end": 12, "text": "abc"}, "offsets must span the text"),
    ("documents", {"doc_id": "a", "source_file": "a.txt", "status": "maybe"}, "'status'"),
    ("sentences", {"doc_id": "a", "sentence_id": 1, "paragraph_id": 1, "start": 12,
                   "end": 10, "text": ""}, "'end' must not come before 'start'"),
    ("sentences", {"doc_id": "a", "sentence_id": "1.5", "paragraph_id": 1, "start": 0,
                   "end": 3, "text": "abc"}, "'sentence_id' must be a non-negative integer"),
    ("tallies", {"doc_id": "a", "sentence_id": 1, "subject": "delegations", "stance": "all",
                 "count": "1\n2", "evidence": "x", "kind": "vote"}, "'count' must be a non-neg"),
    ("entities", {"doc_id": "a", "sentence_id": 1, "start": 0, "end": 3, "text": "abcd",
                  "label": "COUNTRY", "canonical": "FRA"}, "offsets must span the text"),
])
def test_a_table_that_breaks_the_contract_is_not_written(tmp_path: Path, table, row, rule):
    ok = {"documents": {"doc_id": "b", "source_file": "b.txt", "status": "ok"},
          "sentences": {"doc_id": "b", "sentence_id": 1, "paragraph_id": 1, "start": 0,
                        "end": 3, "text": "abc"}}
    rows = [ok[table], row] if table in ok else [row]
    with pytest.raises(ContractError) as err:
        write_table(tmp_path, table, rows)
    msg = str(err.value)
    assert msg.startswith(f"{table}.csv row {len(rows) - 1} ") and rule in msg
    assert not (tmp_path / "tables" / f"{table}.csv").exists()


def test_valid_rows_pass_validation(tmp_path: Path):
    write_table(tmp_path, "tallies", [
        {"doc_id": "a", "sentence_id": 1, "subject": "delegations", "stance": "critical",
         "count": 20, "evidence": "20 in favour", "kind": "vote", "vote": "yes"},
        {"doc_id": "a", "sentence_id": 2, "subject": "seats", "stance": "unspecified",
         "count": 125, "evidence": "125 seats", "kind": "other", "vote": None}])
    assert len(read_table(tmp_path, "tallies")) == 2


def test_the_first_offending_row_is_named_among_many(tmp_path: Path):
    """Checks over whole columns at once still name the first row that breaks a rule, and
    where (row numbers given per row, as a stream's batch of rows from several places)."""
    import pandas as pd

    from helpers.contract import validate

    rows = [{"doc_id": "d", "sentence_id": str(i), "paragraph_id": "1", "start": str(i * 10),
             "end": str(i * 10 + 3), "text": "abc"} for i in range(1, 200)]
    validate("sentences", pd.DataFrame(rows), as_text=True)  # all fine
    bad = [dict(r) for r in rows]
    bad[150]["end"] = str(int(bad[150]["end"]) + 1)
    bad[170]["paragraph_id"] = "x"
    with pytest.raises(ContractError, match=r"row 170 .*'paragraph_id'"):
        validate("sentences", pd.DataFrame(bad), as_text=True)
    bad[170]["paragraph_id"] = "1"
    numbers = list(range(1000, 1100)) + list(range(5000, 5099))
    with pytest.raises(ContractError, match=r"row 5050 .*offsets must span"):
        validate("sentences", pd.DataFrame(bad), as_text=True, row_numbers=numbers)
