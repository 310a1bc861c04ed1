"""Incremental re-runs: a per-document cache whose results equal a fresh run's, byte for byte."""

from __future__ import annotations

import filecmp
import re
import shutil
from pathlib import Path

import pytest

from helpers.cache import DocCache, digest


def _run(corpus: Path, out: Path) -> dict[str, tuple[int, int]]:
    """Stages 01-03 in this process; ``{label: (cached, processed)}`` from the summary lines."""
    from helpers import stages

    stages.run_clean(corpus, out, progress=False, workers=1)
    stages.run_entities(out, progress=False, workers=1)
    stages.run_tallies(out, progress=False, workers=1)
    counts = {}
    for f in sorted((out / "cache").glob("summary-*.txt")):
        for line in f.read_text().splitlines():
            m = re.match(r"^(.*): (\d+) documents cached, (\d+) to process$", line)
            assert m, line
            counts[m.group(1)] = (int(m.group(2)), int(m.group(3)))
    return counts


def _assert_same_tables(a: Path, b: Path) -> None:
    names = sorted(p.name for p in (a / "tables").iterdir())
    assert names == sorted(p.name for p in (b / "tables").iterdir())
    _, mismatch, errors = filecmp.cmpfiles(a / "tables", b / "tables", names, shallow=False)
    assert not mismatch and not errors, mismatch


def test_digest_is_stable_and_separates_parts():
    assert digest("ab", "c") == digest("ab", "c")
    assert digest("ab", "c") != digest("a", "bc")
    assert digest(1, None) != digest("1", None)


def test_cache_returns_a_value_only_under_its_key(tmp_path: Path):
    with DocCache(tmp_path) as c:
        c.put("s", "d1", "k1", {"rows": [1, 2]})
    with DocCache(tmp_path) as c:
        assert c.get("s", "d1", "k1") == {"rows": [1, 2]}
        assert c.get("s", "d1", "k2") is None
        assert c.get("t", "d1", "k1") is None
        c.put("s", "d1", "k2", "new")
        c.flush()
        assert c.get("s", "d1", "k1") is None  # one entry per document: replaced


def test_unchanged_corpus_has_nothing_to_redo(tmp_path: Path, root: Path):
    out = tmp_path / "out"
    first = _run(root / "seeds", out)
    assert all(cached == 0 for cached, _ in first.values())
    before = {p.name: p.read_bytes() for p in (out / "tables").iterdir()}
    again = _run(root / "seeds", out)
    assert again == {k: (n, 0) for k, (_, n) in first.items()}
    assert {p.name: p.read_bytes() for p in (out / "tables").iterdir()} == before


def test_changed_and_added_files_redo_only_themselves(tmp_path: Path, root: Path):
    """Change one file and add one to 26: a re-run redoes those (and the one document whose
    person a newly common word turns into a plain word), and equals a fresh full run."""
    from helpers.bench import build_scale_corpus

    corpus = tmp_path / "corpus"
    build_scale_corpus(24, corpus)
    for p in sorted((root / "seeds").glob("*.txt"))[:2]:
        shutil.copy(p, corpus / p.name)
    # A name whose first part is not yet a lower-case word anywhere in the corpus.
    (corpus / "z_name.txt").write_text(
        "Envoy meets council\n\nThe envoy Quillon Barsky told the Council on Monday that "
        "eleven delegations had asked for a vote. Quillon Barsky later left Geneva.\n",
        encoding="utf-8")
    out = tmp_path / "out"
    _run(corpus, out)
    entities_before = (out / "tables" / "entities.csv").read_text()
    assert "Quillon Barsky" in entities_before

    changed = sorted(corpus.glob("a*.txt"))[3]
    changed.write_text(changed.read_text() + "\nA late paragraph: nine states abstained.\n",
                       encoding="utf-8")
    (corpus / "new_doc.txt").write_text(
        "Report from the floor\n\nObservers said the quillon of the old sword was on show, "
        "and that thirty delegations attended the debate on Tuesday.\n", encoding="utf-8")

    counts = _run(corpus, out)
    fresh = tmp_path / "fresh"
    _run(corpus, fresh)
    _assert_same_tables(out, fresh)
    assert counts["01 clean"] == (26, 2)
    # the splitter was trained again (its sample is the whole corpus, which changed), yet
    # only documents whose looked-up words' parameters moved are split again
    assert counts["01 clean: sentences"][1] <= 4
    assert counts["02 entities"][1] == 3  # the changed, the new, and the one naming Quillon
    assert counts["03 tallies"][1] <= 3
    assert (out / "tables" / "entities.csv").read_text() != entities_before


@pytest.mark.parametrize("param", ["near_duplicate_jaccard", "subject_country"])
def test_changed_parameters_give_the_fresh_run_tables(tmp_path: Path, root: Path, param: str):
    from helpers import stages

    value = {"near_duplicate_jaccard": 0.5, "subject_country": "FRA"}[param]
    out, fresh = tmp_path / "out", tmp_path / "fresh"
    _run(root / "seeds", out)
    for o in (out, fresh):
        stages.run_clean(root / "seeds", o, progress=False, workers=1, **{param: value})
        stages.run_entities(o, progress=False, workers=1)
        stages.run_tallies(o, progress=False, workers=1)
    _assert_same_tables(out, fresh)


def test_sentence_splitter_is_trained_again_only_when_its_sample_changes(
        tmp_path: Path, root: Path, monkeypatch: pytest.MonkeyPatch):
    from helpers import clean

    corpus = tmp_path / "corpus"
    shutil.copytree(root / "seeds", corpus)
    out = tmp_path / "out"
    calls: list[int] = []
    train = clean.train_sentence_splitter

    def counted(texts, **kw):
        calls.append(1)
        return train(texts, **kw)

    monkeypatch.setattr(clean, "train_sentence_splitter", counted)
    _run(corpus, out)
    _run(corpus, out)
    assert len(calls) == 1  # unchanged: the cached splitter
    first = sorted(corpus.glob("*.txt"))[0]
    first.write_text(first.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    _run(corpus, out)
    assert len(calls) == 2  # a text of the sample changed: trained again
    fresh = tmp_path / "fresh"
    _run(corpus, fresh)
    _assert_same_tables(out, fresh)


def test_a_document_whose_looked_up_words_did_not_move_splits_alike(tmp_path: Path):
    """Two splitters trained on overlapping samples: wherever the parameters of the words a
    document's splitting looked up are equal, its sentences are equal too; and the check is
    not vacuous (some documents split differently, and some have equal look-ups)."""
    from helpers.bench import build_scale_corpus
    from helpers.clean import clean_text, split_sentences, split_traced, train_sentence_splitter

    build_scale_corpus(300, tmp_path)
    docs = [clean_text(p.read_text(encoding="utf-8")) for p in sorted(tmp_path.glob("*.txt"))]
    a = train_sentence_splitter(d.text for d in docs[:60])
    b = train_sentence_splitter(d.text for d in docs[40:100])
    equal_lookups = split_differently = 0
    for d in docs:
        spans_a, types = split_traced(d, a)
        assert spans_a == split_sentences(d, a)  # tracing changes nothing
        spans_b = split_sentences(d, b)
        if a.lookups(types) == b.lookups(types):
            equal_lookups += 1
            assert spans_a == spans_b
        else:
            split_differently += spans_a != spans_b
    assert equal_lookups >= 10 and split_differently >= 1


def test_the_benchmark_counts_the_documents_a_re_run_processed():
    from helpers.bench import redone_documents

    lines = ["tallybook: [1/5] 01_clean.ipynb ok\n",
             "01 clean: 9950 documents cached, 100 to process\n",
             "01 clean: sentences: 9560 documents cached, 490 to process\n",
             "03 tallies: 0 documents cached, 7 to process\n"]
    assert redone_documents(lines) == {"01 clean": (100, 10050),
                                       "01 clean: sentences": (490, 10050),
                                       "03 tallies": (7, 7)}


_STAGES_01_03 = """
import sys
from helpers import stages
if sys.argv[2] == "warm":
    stages.warm_up()
for run in (stages.run_clean, stages.run_entities, stages.run_tallies):
    kw = {"progress": False, "workers": 2}
    run(sys.argv[3], sys.argv[1], **kw) if run is stages.run_clean else run(sys.argv[1], **kw)
"""


def test_stage_warm_up_changes_no_table(tmp_path: Path, root: Path):
    """The runner warms a kernel up with stages.warm_up() before its notebook: the tables
    are byte for byte those of a cold process (workers forked after the warm-up)."""
    import subprocess
    import sys

    for mode in ("cold", "warm"):
        subprocess.run([sys.executable, "-c", _STAGES_01_03, str(tmp_path / mode), mode,
                        str(root / "seeds")], check=True)
    _assert_same_tables(tmp_path / "cold", tmp_path / "warm")


def test_a_result_is_cached_only_once_its_rows_pass_the_contract(
        tmp_path: Path, root: Path, monkeypatch: pytest.MonkeyPatch):
    """A document whose entity rows break the contract stops the stage with the row's number
    in the whole table, leaves no table and caches no result of its batch; a re-run checks
    only the rows it did not take from the cache (there, none)."""
    import csv

    from helpers import contract, stages
    from helpers.contract import ContractError

    good, out = tmp_path / "good", tmp_path / "out"
    for o in (good, out):
        stages.run_clean(root / "seeds", o, progress=False, workers=1)
    stages.run_entities(good, progress=False, workers=1)
    with (good / "tables" / "entities.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    victim = sorted({r["doc_id"] for r in rows})[1]
    first_row = next(i for i, r in enumerate(rows) if r["doc_id"] == victim)

    real = stages._tag_sentences  # what the stage's worker calls for a document's rows

    def broken(doc_id, sentences, payload, common):
        found = real(doc_id, sentences, payload, common)
        if doc_id == victim:
            found[0] = (*found[0][:5], "NOT_A_LABEL", *found[0][6:])
        return found

    monkeypatch.setattr(stages, "_tag_sentences", broken)
    with pytest.raises(ContractError, match=rf"entities\.csv row {first_row} .*'label'"):
        stages.run_entities(out, progress=False, workers=1)
    assert not (out / "tables" / "entities.csv").exists()
    assert not list((out / "tables").glob(".entities.csv.*"))  # no temporary file left
    monkeypatch.setattr(stages, "_tag_sentences", real)

    checked: list[int] = []
    validate = contract.validate

    def counting(table, df, **kw):
        if table == "entities":
            checked.append(len(df))
        return validate(table, df, **kw)

    monkeypatch.setattr(contract, "validate", counting)
    stages.run_entities(out, progress=False, workers=1)
    n_docs = len({r["doc_id"] for r in rows})
    summary = (out / "cache" / "summary-02.txt").read_text()
    assert f"0 documents cached, {n_docs} to process" in summary  # nothing was stored
    assert sum(checked) == len(rows)
    assert (out / "tables" / "entities.csv").read_bytes() == \
        (good / "tables" / "entities.csv").read_bytes()
    checked.clear()
    stages.run_entities(out, progress=False, workers=1)
    assert sum(checked) == 0  # the header only: every row came from the cache, checked
    assert f"{n_docs} documents cached, 0 to process" in \
        (out / "cache" / "summary-02.txt").read_text()


def test_a_file_whose_stat_is_unchanged_is_not_read_again(
        tmp_path: Path, root: Path, monkeypatch: pytest.MonkeyPatch):
    """Like git's index: a file whose device, inode, size and modification time are those
    recorded is not read (its record and cached result stand in); one edited in place — even
    to the same size — is read again; a text in OUT/texts edited by hand is written again."""
    import os

    from helpers import readers, stages

    corpus, out = tmp_path / "corpus", tmp_path / "out"
    shutil.copytree(root / "seeds", corpus)
    files = sorted(corpus.glob("*.txt"))
    old = 1_600_000_000_000_000_000  # long ago: not a file that may change unseen this second
    for p in files:
        os.utime(p, ns=(old, old))
    read: list[str] = []
    real = readers.read_input

    def counted(path, **kw):
        read.append(Path(path).name)
        return real(path, **kw)

    monkeypatch.setattr(readers, "read_input", counted)
    stages.run_clean(corpus, out, progress=False, workers=1)
    assert sorted(read) == [p.name for p in files]
    before = {p.name: p.read_bytes() for p in (out / "tables").iterdir()}

    read.clear()
    edited, text = files[1], files[1].read_text(encoding="utf-8")
    swapped = text.replace("Council", "Cuoncil", 1)  # the same size, other words
    assert swapped != text and len(swapped.encode()) == len(text.encode())
    edited.write_text(swapped, encoding="utf-8")
    os.utime(edited, ns=(old + 10**9, old + 10**9))
    hand = out / "texts" / f"{files[2].stem}.txt"
    hand.write_text("edited by hand", encoding="utf-8")
    stages.run_clean(corpus, out, progress=False, workers=1)
    assert read == [edited.name]
    assert hand.read_text(encoding="utf-8") != "edited by hand"

    edited.write_text(text, encoding="utf-8")
    os.utime(edited, ns=(old, old))
    stages.run_clean(corpus, out, progress=False, workers=1)
    assert {p.name: p.read_bytes() for p in (out / "tables").iterdir()} == before
    fresh = tmp_path / "fresh"
    stages.run_clean(corpus, fresh, progress=False, workers=1)
    assert {p.name: p.read_bytes() for p in (fresh / "tables").iterdir()} == before
    assert {p.name: p.read_bytes() for p in (out / "texts").iterdir()} == \
        {p.name: p.read_bytes() for p in (fresh / "texts").iterdir()}
