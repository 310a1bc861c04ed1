"""One function per notebook stage: read the previous stage's tables, write this stage's.

The notebooks call these and then show what they wrote, so every notebook is thin, any one
can be re-run alone, and the tests can run a stage without Jupyter.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import asdict
from pathlib import Path

import pandas as pd

from helpers.contract import COLUMNS, EXTRA_COLUMNS, atomic_write_text, read_table, write_table
from helpers.text import Mention, sentences_from_rows

# What a Tally contributes to tallies.csv: the contract's columns and the cue.
TALLY_COLUMNS = (*COLUMNS["tallies"], *EXTRA_COLUMNS["tallies"])


def _text(value: object) -> str:
    """A table cell as text: empty cells (NA) become ""."""
    return value if isinstance(value, str) else ""


def _year(row: pd.Series) -> int | None:
    for col in ("event_date", "published"):
        val = _text(row.get(col))
        if re.match(r"^\d{4}", val):
            return int(val[:4])
    return None


def run_clean(corpus_dir: str | Path, out_dir: str | Path, *, subject_country: str = "",
              max_file_bytes: int = 2_000_000, near_duplicate_jaccard: float = 0.9,
              progress: bool = True) -> dict[str, pd.DataFrame]:
    """Stage 01: documents.csv, sentences.csv, warnings.csv and ``OUT/texts/<doc_id>.txt``.

    The country under review (``documents.subject_country``) is, in order: the parameter,
    a ``subject_country`` column of metadata.csv, or the state the document names most.
    """
    from helpers.clean import clean_corpus
    from helpers.entities import infer_subject_country

    res = clean_corpus(corpus_dir, max_bytes=max_file_bytes,
                       near_duplicate=near_duplicate_jaccard, progress=progress)
    for row in res.documents:
        given = subject_country or str(row.get("subject_country") or "")
        text = res.texts.get(str(row["doc_id"]), "")
        row["subject_country"] = given or (infer_subject_country([text]) if text else "")
    out = Path(out_dir)
    write_table(out, "documents", res.documents)
    write_table(out, "sentences", sorted(res.sentences,
                                         key=lambda r: (r["doc_id"], r["sentence_id"])))
    write_table(out, "warnings", res.warnings)
    for doc_id, text in res.texts.items():
        atomic_write_text(out / "texts" / f"{doc_id}.txt", text)
    return {t: read_table(out, t) for t in ("documents", "sentences", "warnings")}


def run_entities(out_dir: str | Path, *, subject_country: str = "",
                 progress: bool = True) -> pd.DataFrame:
    """Stage 02: entities.csv from sentences.csv (and documents.csv for subject and year)."""
    from helpers.entities import tag_corpus

    out = Path(out_dir)
    docs = read_table(out, "documents")
    sents = read_table(out, "sentences")
    subjects = {r.doc_id: r.subject_country for r in docs.itertuples()
                if _text(r.subject_country)}
    years = {r["doc_id"]: y for _, r in docs.iterrows() if (y := _year(r))}
    mentions = tag_corpus(sents.to_dict("records"), subject_country=subject_country,
                          subjects=subjects, years=years, progress=progress)
    rows = [asdict(m) for m in mentions]
    rows.sort(key=lambda r: (r["doc_id"], r["start"], -r["end"], r["label"]))
    write_table(out, "entities", rows)
    return read_table(out, "entities")


def person_roles(entities: pd.DataFrame, sentences: pd.DataFrame) -> dict[str, dict[str, str]]:
    """``{doc_id: {person: context}}``: the words around each person's mentions, so a figure
    attributed to a person can be traced to the office they speak for. A person is keyed by
    their canonical name and by each form the text writes ("Ney Samol" for "Ney Sam Ol")."""
    text = {(r.doc_id, r.sentence_id): (r.start, r.text) for r in sentences.itertuples()}
    out: dict[str, dict[str, str]] = defaultdict(dict)
    for r in entities[entities["label"] == "PERSON"].itertuples():
        start, sent = text.get((r.doc_id, r.sentence_id), (0, ""))
        a, b = int(r.start) - int(start), int(r.end) - int(start)
        ctx = sent[max(0, a - 90):b + 60]
        for name in dict.fromkeys((r.canonical, r.text)):
            prev = out[r.doc_id].get(name, "")
            out[r.doc_id][name] = (prev + " | " + ctx) if prev else ctx
    return out


def run_tallies(out_dir: str | Path, *, subject_country: str = "",
                progress: bool = True) -> dict[str, pd.DataFrame]:
    """Stage 03: tallies.csv, events.csv, stances.csv and the corpus tables event_summary.csv,
    actor_record.csv and speakers.csv (see :mod:`helpers.events`)."""
    from tqdm.auto import tqdm

    from helpers.events import corpus_tables, doc_event_rows
    from helpers.stances import extract_stances
    from helpers.tallies import extract_tallies, summarise_events

    out = Path(out_dir)
    docs = read_table(out, "documents")
    sents = read_table(out, "sentences")
    ents = read_table(out, "entities")
    roles = person_roles(ents, sents)
    by_doc = {d: g for d, g in sents.groupby("doc_id", sort=True)}
    ent_by_doc = {d: g for d, g in ents.groupby("doc_id", sort=True)}
    meta = {r["doc_id"]: r for _, r in docs.iterrows()}
    tally_rows, event_rows, stance_rows = [], [], []
    ok_docs = [d for d in sorted(by_doc) if meta.get(d) is not None
               and meta[d]["status"] == "ok"]
    for doc_id in tqdm(ok_docs, desc="03 tallies", disable=not progress, unit="doc"):
        g = by_doc[doc_id]
        m = meta[doc_id]
        subject = subject_country or _text(m["subject_country"])
        sentences = sentences_from_rows(g.to_dict("records"))
        tallies = extract_tallies(doc_id, sentences, subject_country=subject,
                                  persons_roles=roles.get(doc_id, {}))
        for t in tallies:
            tally_rows.append({c: getattr(t, c, "") for c in TALLY_COLUMNS})
        doc_ents = ent_by_doc.get(doc_id, ents.iloc[:0])
        dates = doc_ents[doc_ents["label"] == "DATE"]
        event_rows += doc_event_rows(
            doc_id, summarise_events(tallies), [(s.sentence_id, s.text) for s in sentences],
            list(zip(dates["sentence_id"].astype(int), dates["text"].fillna(""),
                     dates["canonical"].fillna(""),
                     strict=True)), m.to_dict(), subject=subject)
        mentions = [Mention(r.doc_id, int(r.sentence_id), int(r.start), int(r.end), r.text,
                            r.label, r.canonical) for r in doc_ents.itertuples()]
        for s in extract_stances(doc_id, sentences, mentions, subject_country=subject):
            stance_rows.append(asdict(s))
    tables = corpus_tables(event_rows, stance_rows, docs, sents, ents,
                           subject_country=subject_country)
    write_table(out, "tallies", tally_rows)
    write_table(out, "stances", stance_rows)
    for name, rows in tables.items():
        write_table(out, name, rows)
    return {t: read_table(out, t) for t in ("tallies", "stances", *tables)}
