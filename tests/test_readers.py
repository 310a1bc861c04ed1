"""Reading the corpus as researchers hold it: HTML, PDF, DOCX, CSV and JSON-lines exports."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from helpers.contract import read_table
from helpers.readers import (
    pdf_pages_to_text,
    read_columns,
    read_docx,
    read_input,
    read_pdf,
    sniff_delimiter,
)


def make_pdf(pages: list[list[str]]) -> bytes:
    """A minimal PDF written by hand: Helvetica, one text line per entry of each page.

    A page given no lines has an empty content stream: no text layer, as in a scan.
    """
    objs: list[str] = ["<< /Type /Catalog /Pages 2 0 R >>", "",
                       "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for lines in pages:
        esc = [ln.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") for ln in lines]
        ops = ("BT /F1 11 Tf 14 TL 72 740 Td " + " ".join(f"({t}) Tj T*" for t in esc) + " ET"
               if lines else "")
        objs.append(f"<< /Length {len(ops.encode('latin-1'))} >>\nstream\n{ops}\nendstream")
        objs.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font "
                    f"<< /F1 3 0 R >> >> /Contents {len(objs)} 0 R >>")
        kids.append(f"{len(objs)} 0 R")
    objs[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += (f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
            .encode())
    return bytes(out)


def make_docx(path: Path, paragraphs: list[str], table: list[list[str]] | None = None) -> None:
    """A Word file with these paragraphs (and a table after the first one)."""
    import docx

    d = docx.Document()
    d.add_heading(paragraphs[0], level=1)
    if table:
        t = d.add_table(rows=len(table), cols=len(table[0]))
        for r, cells in enumerate(table):
            for c, val in enumerate(cells):
                t.cell(r, c).text = val
    for p in paragraphs[1:]:
        d.add_paragraph(p)
    d.sections[0].footer.paragraphs[0].text = "Footer line that is not article text"
    d.save(str(path))


# --------------------------------------------------------------------------- PDF


def test_pdf_text_layer_rejoined_without_page_furniture():
    pdf = make_pdf([
        ["Mission Statement on the Dialogue",
         "GENEVA: Of the 41 delegations that took the floor on the report, twenty-",
         "eight spoke in favour of the government and the work it has done with the",
         "office of the High Commissioner.",
         "Page 1 of 2"],
        ["Thirteen delegations were critical of the arrests of opposition members.",
         "Page 2 of 2"],
    ])
    doc = read_pdf(pdf)
    assert doc.status == "ok" and doc.fmt == "pdf"
    assert doc.text == (
        "Mission Statement on the Dialogue\n\n"
        "GENEVA: Of the 41 delegations that took the floor on the report, twenty-eight spoke "
        "in favour of the government and the work it has done with the office of the High "
        "Commissioner.\n\n"
        "Thirteen delegations were critical of the arrests of opposition members.")
    assert doc.removed_chars == len("Page 1 of 2") + len("Page 2 of 2")


def test_pdf_running_head_repeated_on_pages_is_dropped():
    pages = [f"A/HRC/99/L.{n}\nText of page {n} ends here.\n{n}" for n in (1, 2, 3)]
    text, removed = pdf_pages_to_text(pages)
    assert "A/HRC" not in text
    assert text == "\n\n".join(f"Text of page {n} ends here." for n in (1, 2, 3))
    assert removed == 3 * len("A/HRC/99/L.1") + 3


def test_pdf_hyphenation_across_lines():
    text, _ = pdf_pages_to_text(["The delegates were criti-\ncal of the twenty-\n"
                                 "four non-\naligned members and the long list."])
    assert text == ("The delegates were critical of the twenty-four non-aligned members and the "
                    "long list.")


def test_pdf_without_text_layer_and_broken_pdf():
    doc = read_pdf(make_pdf([[], []]))
    assert doc.text is None
    assert doc.status.startswith("rejected: no text layer (2 pages")
    broken = make_pdf([["Some words here."]])[:60]
    doc = read_pdf(broken)
    assert doc.text is None and doc.status.startswith("rejected: unreadable PDF")


# --------------------------------------------------------------------------- DOCX


def test_docx_paragraphs_and_table_cells_in_order(tmp_path: Path):
    path = tmp_path / "statement.docx"
    make_docx(path, ["Joint Statement on Cambodia", "First paragraph of the statement.",
                     "Second paragraph, after the table."],
              table=[["Signatory", "Region"], ["Japan", "Asia"]])
    doc = read_docx(path.read_bytes())
    assert doc.status == "ok"
    assert doc.text == ("Joint Statement on Cambodia\n\nSignatory\n\nRegion\n\nJapan\n\nAsia\n\n"
                        "First paragraph of the statement.\n\nSecond paragraph, after the table.")
    assert "Footer" not in doc.text
    bad = read_docx(b"PK\x03\x04 not really a zip")
    assert bad.text is None and bad.status.startswith("rejected: unreadable DOCX")


# --------------------------------------------------------------------------- tables


def test_sniff_delimiter():
    assert sniff_delimiter("doc_id;outlet;published") == ";"
    assert sniff_delimiter("doc_id,outlet") == ","
    assert sniff_delimiter("doc_id\toutlet") == "\t"
    assert sniff_delimiter("doc_id") == ","


def test_jsonl_rows_become_documents_with_ids_and_metadata(tmp_path: Path):
    path = tmp_path / "wire export.jsonl"
    rows = [
        {"id": "A-17", "text": "First article body.", "title": "First Headline",
         "published": "2022-10-06T09:30:00Z", "outlet": "Wire", "hrc_session": "51"},
        {"text": "Second article body.", "url": "https://example.org/2"},
        "not an object",
        {"title": "No text here"},
    ]
    lines = [json.dumps(r) for r in rows[:2]] + ["", "{broken json", json.dumps(rows[2]),
                                                 json.dumps(rows[3])]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    docs = read_input(path)
    assert [d.doc_id for d in docs] == ["wire export-A-17", "wire export-2", "wire export-3",
                                        "wire export-4", "wire export-5"]
    assert [d.source_file for d in docs] == [f"wire export.jsonl#row={n}" for n in range(1, 6)]
    first, second, broken, scalar, notext = docs
    assert first.text == "First Headline\n\nFirst article body."
    assert first.metadata == {"title": "First Headline", "published": "2022-10-06",
                              "outlet": "Wire", "hrc_session": "HRC51"}
    assert second.text == "Second article body." and second.metadata == {
        "url": "https://example.org/2"}
    assert broken.status.startswith("rejected: row 3 (line 4) is not valid JSON")
    assert scalar.status == "rejected: row 4 (line 5) is a JSON str, not an object"
    assert notext.status.startswith("rejected: row 5 (line 6) has no 'text' field")
    assert all(d.fmt == "jsonl" for d in docs)


def test_csv_with_semicolons_bom_and_columns_json(tmp_path: Path):
    path = tmp_path / "export.csv"
    path.write_bytes("\ufeffArticle No;Headline;Body;Date;Source\n"
                     "7;Council Vote;\"Body one; with a semicolon.\";05/10/2022;Daily\n"
                     "8;;Body two.;2022-10-07;Daily\n"
                     "9;Too;many;fields;here;!\n".encode("utf-8"))
    (tmp_path / "export.columns.json").write_text(json.dumps(
        {"text": "Body", "title": "Headline", "published": "Date", "outlet": "Source",
         "id": "Article No"}), encoding="utf-8")
    docs = read_input(path)
    assert [d.doc_id for d in docs] == ["export-7", "export-8", "export-3"]
    assert docs[0].text == "Council Vote\n\nBody one; with a semicolon."
    assert docs[0].metadata == {"title": "Council Vote", "outlet": "Daily"}
    assert docs[0].warnings == ["row 1: published '05/10/2022' is not YYYY, YYYY-MM or "
                                "YYYY-MM-DD; left empty"]
    assert docs[1].metadata == {"published": "2022-10-07", "outlet": "Daily"}
    assert docs[2].status == "rejected: row 3 has 6 fields but the header has 5"
    assert docs[0].encoding == "utf-8-sig" and docs[0].fmt == "csv"


def test_csv_without_text_column_is_one_rejected_document(tmp_path: Path):
    path = tmp_path / "links.csv"
    path.write_text("url,outlet\nhttps://example.org,Post\n", encoding="utf-8")
    (doc,) = read_input(path)
    assert doc.doc_id == "links" and doc.text is None
    assert doc.status == ("rejected: no 'text' column (columns: url, outlet); name the text "
                          "column in columns.json")


def test_columns_json_unknown_field_warns(tmp_path: Path):
    (tmp_path / "columns.json").write_text('{"text": "Body Text", "colour": "x"}', "utf-8")
    cols, warns = read_columns(tmp_path / "columns.json")
    assert cols == {"text": "body_text"}
    assert warns and "unknown field(s) colour" in warns[0]
    (tmp_path / "columns.json").write_text("[1, 2]", "utf-8")
    assert read_columns(tmp_path / "columns.json")[0] == {}


def test_html_file_is_extracted(tmp_path: Path):
    # a fragment: no doctype, few tags; as .html it is still parsed as HTML
    (tmp_path / "page.htm").write_text("<p>Eleven states spoke.</p><p>Two were silent.</p>",
                                       encoding="utf-8")
    (doc,) = read_input(tmp_path / "page.htm")
    assert (doc.fmt, doc.text) == ("html", "Eleven states spoke.\n\nTwo were silent.")


# --------------------------------------------------------------------------- the whole stage

ARTICLES = {
    "txt": ("Delegates Debate Report\n\nGENEVA: Twenty delegations spoke during the dialogue "
            "on Tuesday. Most of them welcomed the report."),
    "html": ("<!DOCTYPE html><html><head><title>Page</title></head><body><nav>Home | News"
             "</nav><article><h1>Envoy Addresses Council</h1><p>The envoy said that sixteen "
             "states backed the resolution.</p></article></body></html>"),
    "pdf": [["Statement by the Mission", "The mission thanked the twelve delegations that",
             "supported its position in the debate."]],
    "docx": ["Press Release on the Review", "Fourteen countries made recommendations.",
             "The review ended in the afternoon."],
}
ROWS = [
    {"id": "101", "title": "Vote Recorded", "text": "The resolution passed with nine votes.",
     "outlet": "Wire A", "published": "2023-04-04", "hrc_session": "HRC52",
     "event_date": "2023-04-03", "url": "https://example.org/101", "subject_country": "KHM"},
    {"id": "102", "text": "Seven delegations asked for more time.", "outlet": "Wire B"},
    {"id": "103", "text": "The council adjourned after eleven speakers.", "published": "2023"},
]


def test_mixed_folder_runs_through_stage_01(tmp_path: Path):
    from helpers.stages import run_clean

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a_note.txt").write_text(ARTICLES["txt"], encoding="utf-8")
    (corpus / "b_page.html").write_text(ARTICLES["html"], encoding="utf-8")
    (corpus / "c_statement.pdf").write_bytes(make_pdf(ARTICLES["pdf"]))
    make_docx(corpus / "d_release.docx", ARTICLES["docx"])
    (corpus / "e_wire.jsonl").write_text("\n".join(json.dumps(r) for r in ROWS) + "\n",
                                         encoding="utf-8")
    (corpus / "metadata.csv").write_text(
        "doc_id,outlet,hrc_session\na_note.txt,Daily Note,HRC52\nc_statement.pdf,Mission,\n"
        "e_wire-102,Wire B (corrected),\n", encoding="utf-8")
    out = tmp_path / "out"
    written = run_clean(corpus, out, progress=False)
    docs = pd.read_csv(out / "tables" / "documents.csv", dtype=str, keep_default_na=False)
    sents = pd.read_csv(out / "tables" / "sentences.csv", dtype=str, keep_default_na=False)
    assert list(docs["doc_id"]) == ["a_note", "b_page", "c_statement", "d_release",
                                    "e_wire-101", "e_wire-102", "e_wire-103"]
    assert written["documents"] == len(docs) and written["sentences"] == len(sents)
    assert (docs["status"] == "ok").all()
    d = docs.set_index("doc_id")
    assert list(d["format"]) == ["text", "html", "pdf", "docx", "jsonl", "jsonl", "jsonl"]
    assert list(d["source_file"]) == ["a_note.txt", "b_page.html", "c_statement.pdf",
                                      "d_release.docx", "e_wire.jsonl#row=1",
                                      "e_wire.jsonl#row=2", "e_wire.jsonl#row=3"]
    assert d.loc["a_note", "outlet"] == "Daily Note" and d.loc["a_note", "hrc_session"] == "HRC52"
    assert d.loc["c_statement", "outlet"] == "Mission"
    for col in ("outlet", "published", "hrc_session", "event_date", "url", "subject_country"):
        assert d.loc["e_wire-101", col] == ROWS[0][col], col
    assert d.loc["e_wire-101", "title"] == "Vote Recorded"
    assert d.loc["e_wire-102", "outlet"] == "Wire B (corrected)"  # metadata.csv wins
    assert d.loc["e_wire-103", "published"] == "2023"
    assert d.loc["b_page", "title"] == "Envoy Addresses Council"
    assert d.loc["a_note", "dateline"] == "GENEVA"
    # offsets exact into the cleaned texts written under OUT/texts
    for r in sents.itertuples():
        text = (out / "texts" / f"{r.doc_id}.txt").read_text(encoding="utf-8")
        assert text[int(r.start):int(r.end)] == r.text
    by_doc = sents.groupby("doc_id")["text"].apply(list).to_dict()
    assert by_doc["c_statement"] == [
        "Statement by the Mission",
        "The mission thanked the twelve delegations that supported its position in the debate."]
    assert by_doc["d_release"] == ["Press Release on the Review",
                                   "Fourteen countries made recommendations.",
                                   "The review ended in the afternoon."]
    assert by_doc["e_wire-101"] == ["Vote Recorded", "The resolution passed with nine votes."]
    assert by_doc["e_wire-103"] == ["The council adjourned after eleven speakers."]
    assert by_doc["b_page"] == ["Envoy Addresses Council",
                                "The envoy said that sixteen states backed the resolution."]
    assert "Home" not in " ".join(sents["text"])
    # table rows are not expected in metadata.csv; files without a row are
    msgs = list(read_table(out, "warnings")["message"].fillna(""))
    assert "b_page: no row in metadata.csv" in msgs
    assert not [m for m in msgs if "e_wire-101: no row" in m]


@pytest.mark.parametrize("name", ["a.TXT", "b.Html", "c.PDF"])
def test_extension_case_is_ignored(tmp_path: Path, name: str):
    data = (make_pdf([["Upper case extension works."]]) if name.endswith("PDF")
            else b"Upper case extension works.")
    (tmp_path / name).write_bytes(data)
    (doc,) = read_input(tmp_path / name)
    assert doc.status == "ok" and "Upper case extension works." in (doc.text or "")


def test_csv_in_cp1252_with_a_multiline_quoted_text(tmp_path: Path):
    path = tmp_path / "excel.csv"
    path.write_bytes("id,text,outlet\n"
                     "1,\"The “Kingdom’s” envoy spoke.\r\nNine states – all Asian – agreed.\","
                     "Café Press\n".encode("cp1252"))
    (doc,) = read_input(path)
    assert doc.encoding == "cp1252" and doc.status == "ok"
    assert doc.text == "The “Kingdom’s” envoy spoke.\r\nNine states – all Asian – agreed."
    assert doc.metadata == {"outlet": "Café Press"}


def test_metadata_file_name_in_other_case(tmp_path: Path):
    from helpers.clean import clean_corpus

    (tmp_path / "a.txt").write_text("Ten delegations spoke.", encoding="utf-8")
    (tmp_path / "Metadata.CSV").write_text("doc_id,outlet\na,The Daily\n", encoding="utf-8")
    res = clean_corpus(tmp_path, progress=False)
    assert [(d["doc_id"], d["outlet"], d["status"]) for d in res.documents] == [
        ("a", "The Daily", "ok")]


def test_pdf_and_docx_saved_under_a_txt_name_are_read_as_such(tmp_path: Path):
    (tmp_path / "download.txt").write_bytes(make_pdf([["Sixteen delegations spoke."]]))
    make_docx(tmp_path / "real.docx", ["Statement Title", "Nine delegations spoke."])
    (tmp_path / "real.docx").rename(tmp_path / "note.txt")
    (pdf,) = read_input(tmp_path / "download.txt")
    (word,) = read_input(tmp_path / "note.txt")
    assert (pdf.fmt, pdf.status, pdf.text) == ("pdf", "ok", "Sixteen delegations spoke.")
    assert pdf.notes[0] == "a PDF file named .txt: read as PDF"
    assert (word.fmt, word.text) == ("docx", "Statement Title\n\nNine delegations spoke.")
