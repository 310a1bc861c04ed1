"""Bad inputs (issue 12, point 5): each gets a status or a warning, nothing else is affected.

Every test puts one good article beside the bad input and checks that the good one still
comes out whole.
"""

from __future__ import annotations

import json
import os
import signal
import unicodedata
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest

from helpers.clean import clean_corpus
from helpers.readers import read_metadata

GOOD = ("Council Hears Report\n\nTwenty-one delegations took the floor on Monday. Fourteen "
        "of them praised the cooperation of the government.")


def _good(folder: Path) -> None:
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")


def _assert_good_whole(res) -> None:
    status = {d["doc_id"]: d["status"] for d in res.documents}
    assert status["good"] == "ok"
    sents = [s["text"] for s in res.sentences if s["doc_id"] == "good"]
    assert sents == ["Council Hears Report", "Twenty-one delegations took the floor on Monday.",
                     "Fourteen of them praised the cooperation of the government."]


def _status(res) -> dict[str, str]:
    return {str(d["doc_id"]): str(d["status"]) for d in res.documents}


def _messages(res) -> list[str]:
    return [w["message"] for w in res.warnings]


@contextmanager
def _deadline(seconds: int):
    """Fail instead of hanging: SIGALRM after ``seconds`` (a hang guard, not a timing test)."""
    def boom(signum, frame):
        raise TimeoutError(f"took longer than {seconds} s")

    old = signal.signal(signal.SIGALRM, boom)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _forbid_reading(monkeypatch: pytest.MonkeyPatch, name: str, exc: BaseException) -> None:
    """Make every way stage 01 reads a file raise ``exc`` for the file called ``name``."""
    real_open, real_read = Path.open, Path.read_bytes

    def fake_open(self: Path, *args, **kwargs):
        if self.name == name:
            raise exc
        return real_open(self, *args, **kwargs)

    def fake_read(self: Path):
        if self.name == name:
            raise exc
        return real_read(self)

    monkeypatch.setattr(Path, "open", fake_open)
    monkeypatch.setattr(Path, "read_bytes", fake_read)


# --------------------------------------------------------------------------- files


def test_50_mb_file_rejected_from_stat_without_reading(tmp_path: Path, monkeypatch):
    _good(tmp_path)
    with (tmp_path / "huge.txt").open("wb") as fh:
        fh.truncate(50_000_000)  # sparse: 50 MB by stat, nothing written
    _forbid_reading(monkeypatch, "huge.txt", AssertionError("huge.txt was read"))
    res = clean_corpus(tmp_path, progress=False)
    assert _status(res)["huge"] == "rejected: too large (50,000,000 bytes > limit 2,000,000)"
    assert any(w["doc_id"] == "huge" and w["message"].startswith("rejected: too large")
               for w in res.warnings)
    _assert_good_whole(res)


def test_one_megabyte_line_finishes(tmp_path: Path):
    _good(tmp_path)
    topics = ["elections", "detentions", "land rights", "the press", "the courts", "trade unions",
              "civil society", "the report", "the mandate", "free speech", "the opposition"]
    parts = []
    n = 0
    while sum(map(len, parts)) < 1_000_000:
        n += 1
        a, b = topics[n % len(topics)], topics[(n * 7 + 3) % len(topics)]
        parts.append(f"Delegation {n} spoke on {a} for {n % 17 + 2} minutes and then on {b}. ")
    (tmp_path / "one_line.txt").write_text("".join(parts), encoding="utf-8")
    (tmp_path / "one_word.txt").write_text("x" * 1_000_000, encoding="utf-8")
    with _deadline(240):
        res = clean_corpus(tmp_path, progress=False)
    st = _status(res)
    assert st["one_line"] == "ok" and st["one_word"] == "ok"
    line = [s for s in res.sentences if s["doc_id"] == "one_line"]
    assert len(line) > 1000
    text = res.texts["one_line"]
    assert all(text[s["start"]:s["end"]] == s["text"] for s in line)
    _assert_good_whole(res)


def test_nul_bytes_in_text(tmp_path: Path):
    _good(tmp_path)
    (tmp_path / "stray_nul.txt").write_bytes(
        b"Eleven delegations\x00 spoke in favour of the text. Three abstained.\x00")
    (tmp_path / "mostly_nul.txt").write_bytes(b"a\x00\x00\x00" * 500)
    res = clean_corpus(tmp_path, progress=False)
    st = _status(res)
    assert st["stray_nul"] == "ok"
    assert res.texts["stray_nul"] == ("Eleven delegations spoke in favour of the text. "
                                      "Three abstained.")
    row = next(d for d in res.documents if d["doc_id"] == "stray_nul")
    assert "2 NUL byte(s) removed" in str(row["notes"])
    assert st["mostly_nul"] == "rejected: binary file (contains NUL bytes)"
    _assert_good_whole(res)


def test_folder_named_txt_broken_link_fifo_and_unsupported(tmp_path: Path):
    _good(tmp_path)
    (tmp_path / "x.txt").mkdir()
    (tmp_path / "gone.txt").symlink_to(tmp_path / "missing-target.txt")
    os.mkfifo(tmp_path / "pipe.txt")  # reading it would block forever
    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    (tmp_path / "sub").mkdir()
    (tmp_path / ".hidden.txt").write_text("never read", encoding="utf-8")
    with _deadline(60):
        res = clean_corpus(tmp_path, progress=False)
    st = _status(res)
    assert st["x"] == "rejected: a folder, not a file"
    assert st["gone"] == (f"rejected: broken symbolic link (to {tmp_path}/missing-target.txt)")
    assert st["pipe"] == "rejected: not a regular file (a pipe, socket or device)"
    assert ".hidden" not in st and "old" not in st
    msgs = _messages(res)
    assert any(m.startswith("old.doc: not read: unsupported file type") for m in msgs)
    assert "sub/: sub-folder not read (the corpus folder is read without its sub-folders)" in msgs
    for doc_id in ("x", "gone", "pipe"):
        assert any(w["doc_id"] == doc_id for w in res.warnings)
    _assert_good_whole(res)


def test_unreadable_file_simulated(tmp_path: Path, monkeypatch):
    _good(tmp_path)
    (tmp_path / "locked.txt").write_text("Some words.", encoding="utf-8")
    _forbid_reading(monkeypatch, "locked.txt",
                    PermissionError(13, "Permission denied", "locked.txt"))
    res = clean_corpus(tmp_path, progress=False)
    assert _status(res)["locked"] == ("rejected: unreadable (permission denied: "
                                      "Permission denied)")
    _assert_good_whole(res)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a chmod 000 file")
def test_unreadable_file_for_real(tmp_path: Path):
    _good(tmp_path)
    locked = tmp_path / "locked.txt"
    locked.write_text("Some words.", encoding="utf-8")
    locked.chmod(0)
    try:
        res = clean_corpus(tmp_path, progress=False)
    finally:
        locked.chmod(0o644)
    assert _status(res)["locked"].startswith("rejected: unreadable")
    _assert_good_whole(res)


def test_names_with_spaces_and_non_ascii_letters(tmp_path: Path):
    from helpers.stages import run_clean

    corpus = tmp_path / "my corpus"
    corpus.mkdir()
    _good(corpus)
    nfd = unicodedata.normalize("NFD", "Déclaration du Conseil.txt")
    (corpus / nfd).write_text("Le Conseil a entendu douze délégations.", encoding="utf-8")
    (corpus / "بيان المجلس.txt").write_text("Nine delegations spoke.", encoding="utf-8")
    (corpus / os.fsdecode(b"caf\xe9 note.txt")).write_text("Four states spoke.", "utf-8")
    (corpus / "metadata.csv").write_text(
        "doc_id,outlet\nDéclaration du Conseil.txt,Le Journal\n", encoding="utf-8")
    out = tmp_path / "out dir"
    run_clean(corpus, out, progress=False)
    docs = pd.read_csv(out / "tables" / "documents.csv", dtype=str, keep_default_na=False)
    d = docs.set_index("doc_id")
    assert set(d.index) == {"good", "Déclaration du Conseil", "بيان المجلس", "caf\ufffd note"}
    assert (d["status"] == "ok").all()
    assert d.loc["Déclaration du Conseil", "outlet"] == "Le Journal"
    assert d.loc["caf\ufffd note", "source_file"] == "caf\ufffd note.txt"
    assert (out / "texts" / "بيان المجلس.txt").read_text(encoding="utf-8") == (
        "Nine delegations spoke.")


def test_same_stem_in_two_formats_gets_distinct_ids(tmp_path: Path):
    _good(tmp_path)
    (tmp_path / "report.txt").write_text("Plain text version of it.", encoding="utf-8")
    (tmp_path / "report.html").write_text("<p>The page version of it.</p>", encoding="utf-8")
    res = clean_corpus(tmp_path, progress=False)
    st = _status(res)
    assert st["report"] == "ok" and st["report~2"] == "ok"
    src = {d["doc_id"]: d["source_file"] for d in res.documents}
    assert (src["report"], src["report~2"]) == ("report.html", "report.txt")
    assert "doc_id 'report' is already used by report.html; report.txt is 'report~2'" in (
        _messages(res))
    _assert_good_whole(res)


# --------------------------------------------------------------------------- broken containers


def test_broken_pdf_docx_and_jsonl_rows_each_get_a_status(tmp_path: Path):
    from test_readers import make_pdf

    _good(tmp_path)
    (tmp_path / "cut.pdf").write_bytes(make_pdf([["Words on a page."]])[:70])
    (tmp_path / "scan.pdf").write_bytes(make_pdf([[]]))
    (tmp_path / "fake.docx").write_bytes(b"this is not a zip file")
    (tmp_path / "feed.jsonl").write_text(
        json.dumps({"text": "Row one is fine and complete."}) + "\n{oops\n"
        + json.dumps({"text": ""}) + "\n" + json.dumps({"text": "Row four is fine too."})
        + "\n", encoding="utf-8")
    res = clean_corpus(tmp_path, progress=False)
    st = _status(res)
    assert st["cut"].startswith("rejected: unreadable PDF")
    assert st["scan"].startswith("rejected: no text layer (1 page without extractable text")
    assert st["fake"].startswith("rejected: unreadable DOCX")
    assert st["feed-1"] == "ok" and st["feed-4"] == "ok"
    assert st["feed-2"].startswith("rejected: row 2 (line 2) is not valid JSON")
    assert st["feed-3"] == "rejected: row 3 has no text in column 'text'"
    assert res.texts["feed-4"] == "Row four is fine too."
    _assert_good_whole(res)


def test_jsonl_line_longer_than_the_limit_is_skipped_unheld(tmp_path: Path):
    _good(tmp_path)
    (tmp_path / "feed.jsonl").write_text(
        json.dumps({"text": "y " * 60_000}) + "\n" + json.dumps({"text": "Short row here."})
        + "\n", encoding="utf-8")
    res = clean_corpus(tmp_path, max_bytes=20_000, progress=False)
    st = _status(res)
    assert st["feed-1"].startswith("rejected: row 1 (line 1) longer than 81,024 bytes")
    assert st["feed-2"] == "ok"
    _assert_good_whole(res)


# --------------------------------------------------------------------------- metadata.csv


def test_metadata_with_bom_semicolons_duplicates_and_extra_columns(tmp_path: Path):
    _good(tmp_path)
    (tmp_path / "other.txt").write_text("Another article about the session.", "utf-8")
    (tmp_path / "metadata.csv").write_bytes(
        "\ufeffdoc_id;outlet;published;hrc_session;Reader Notes;status\n"
        "good.txt;Daily Post;2022-10-06;HRC51;checked twice;looks fine\n"
        "good;Second Row;;;;\n"
        "other;Evening Star;2022-10;;;\n".encode("utf-8"))
    res = clean_corpus(tmp_path, progress=False)
    rows = {d["doc_id"]: d for d in res.documents}
    assert rows["good"]["outlet"] == "Daily Post"
    assert rows["good"]["published"] == "2022-10-06" and rows["good"]["hrc_session"] == "HRC51"
    assert rows["good"]["reader_notes"] == "checked twice"
    assert rows["good"]["status"] == "ok"  # an extra column never overrides the stage's own
    assert rows["other"]["outlet"] == "Evening Star" and rows["other"]["published"] == "2022-10"
    assert "metadata.csv line 3: doc_id good repeated; first row kept" in _messages(res)
    _assert_good_whole(res)


def test_metadata_in_utf16_with_tabs(tmp_path: Path):
    (tmp_path / "metadata.csv").write_bytes(
        "doc_id\toutlet\tevent_date\na\tThe Daily\t2022-10-05\n".encode("utf-16"))
    meta, warns = read_metadata(tmp_path / "metadata.csv", ["a"])
    assert meta["a"]["outlet"] == "The Daily" and meta["a"]["event_date"] == "2022-10-05"
    assert warns == []


def test_metadata_that_is_not_csv(tmp_path: Path):
    (tmp_path / "metadata.csv").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    meta, warns = read_metadata(tmp_path / "metadata.csv", ["a"])
    assert meta == {} and warns == [("", "metadata.csv binary file (PNG image); ignored")]
    (tmp_path / "metadata.csv").write_text("outlet,url\nX,Y\n", encoding="utf-8")
    meta, warns = read_metadata(tmp_path / "metadata.csv", ["a"])
    assert warns == [("", "metadata.csv has no doc_id column (header: outlet, url); "
                          "metadata ignored")]


def test_long_row_ids_become_short_stable_file_names(tmp_path: Path):
    from helpers.stages import run_clean

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    long_id = "https://example.org/news/" + "very-long-slug-" * 30
    (corpus / "feed.jsonl").write_text(
        json.dumps({"id": long_id, "text": "Five delegations spoke."}) + "\n"
        + json.dumps({"id": "a/b/../c", "text": "Six delegations spoke."}) + "\n",
        encoding="utf-8")
    run_clean(corpus, tmp_path / "out", progress=False)
    docs = pd.read_csv(tmp_path / "out" / "tables" / "documents.csv", dtype=str)
    ids = list(docs["doc_id"])
    assert ids[0] == "feed-a_b_.._c"
    assert ids[1].startswith("feed-https:_example.org_news_very-long-slug-")
    assert len(ids[1].encode()) <= 5 + 60 and (docs["status"] == "ok").all()
    for doc_id in ids:
        assert (tmp_path / "out" / "texts" / f"{doc_id}.txt").exists()


def test_a_file_larger_than_its_stat_said_is_still_read_whole_and_bounded(tmp_path):
    # /proc files say size 0 and hold text: the read goes on past the stat size, up to the
    # limit and no further
    from helpers.readers import _read_bytes, _TooLarge

    proc = Path("/proc/self/status")
    if not proc.exists() or os.stat(proc).st_size != 0:
        pytest.skip("needs a Linux /proc file")
    data = _read_bytes(proc, 1_000_000)
    assert data.startswith(b"Name:") and len(data) > 200
    with pytest.raises(_TooLarge):
        _read_bytes(proc, 50)
    small = tmp_path / "a.txt"
    small.write_bytes(b"x" * 100)
    assert _read_bytes(small, 100) == b"x" * 100
    with pytest.raises(_TooLarge):
        _read_bytes(small, 99)
