"""What the stages return and how the notebooks read large tables back (bounded memory)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pandas as pd

from helpers import stages
from helpers.contract import read_table


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_stages_return_the_rows_they_wrote(tmp_path: Path, root: Path):
    out = tmp_path / "out"
    clean = stages.run_clean(root / "seeds", out, progress=False, workers=1)
    ents = stages.run_entities(out, progress=False, workers=1)
    tall = stages.run_tallies(out, progress=False, workers=1)
    tables = out / "tables"
    for written in (clean, ents, tall):
        for table, n in written.items():
            if table == "warnings":
                continue
            assert n == len(_csv_rows(tables / f"{table}.csv")), table
    assert clean["documents"] == len(list((root / "seeds").glob("*.txt")))
    assert set(tall) >= {"tallies", "stances", "events", "event_summary", "actor_record"}


def test_offset_check_finds_a_text_that_no_longer_matches(tmp_path: Path, seed_run: Path):
    out = tmp_path / "run"
    shutil.copytree(seed_run, out)
    ok = stages.check_sentence_offsets(out)
    n_sent = len(_csv_rows(out / "tables" / "sentences.csv"))
    assert ok["mismatches"] == [] and ok["sentences"] == n_sent
    assert ok["documents"] == ok["of"] == len(list((out / "texts").glob("*.txt")))
    # shift one document's text by a character: its sentences no longer cut out their text
    victim = sorted((out / "texts").glob("*.txt"))[1]
    victim.write_text("X" + victim.read_text(encoding="utf-8"), encoding="utf-8")
    bad = stages.check_sentence_offsets(out)["mismatches"]
    assert bad and {d for d, _ in bad} == {victim.stem}


def test_offset_check_samples_a_large_corpus_evenly(seed_run: Path):
    some = stages.check_sentence_offsets(seed_run, max_docs=2)
    assert some["of"] == 5 and some["documents"] == 2  # every third document: 1st and 4th


def test_read_table_columns_rows_and_categories(seed_run: Path):
    full = read_table(seed_run, "entities")
    part = read_table(seed_run, "entities", columns=["doc_id", "label", "start"],
                      categories=True)
    assert list(part.columns) == ["doc_id", "label", "start"]
    assert isinstance(part["label"].dtype, pd.CategoricalDtype)
    assert str(part["start"].dtype) == "Int64"
    assert part["start"].tolist() == full["start"].tolist()
    assert part["label"].astype(str).tolist() == full["label"].tolist()
    head = read_table(seed_run, "sentences", nrows=3)
    assert len(head) == 3 and head["sentence_id"].tolist() == [1, 2, 3]


def test_row_tuples_read_back_as_the_dicts_given():
    rows = stages.RowTuples(("doc_id", "n", "label"))
    given = [{"doc_id": "a", "n": 1, "label": "x"}, {"doc_id": "b", "n": None, "label": ""}]
    for r in given:
        rows.add(r[k] for k in rows.keys)
    assert len(rows) == 2 and list(rows) == given
    assert rows[1] == given[1] and rows[-1] == given[1] and rows[:1] == given[:1]
    # equal text values are one object (interned), whichever row they came from
    rows.add(["".join(["a"]), 2, "x"])
    assert rows[2]["doc_id"] is rows[0]["doc_id"]
