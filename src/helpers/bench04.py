"""Benchmark of notebooks 04 and 05 at scale: synthetic run tables for N articles, then both.

``python -m helpers.bench04 --articles 10000`` (what ``make bench-04 N=10000`` calls) writes
the tables a run of N articles would hold — documents, sentences, entities, tallies, events,
stances, event_summary, actor_record, speakers — reproducibly (fixed seed, sizes of a real run:
about 10.5 sentences, 30 entity mentions, 9 stated positions and 6.6 tallies per article, the
positions and tallies with their sentence as evidence, about five reports per event), then
runs notebooks 04 and 05 on them as the runner does and reports, as JSON, the wall seconds of
each and the peak resident memory of each one's kernel (its ``VmHWM``). ``--inprocess`` times
04's chart functions in this process instead (no Jupyter), for profiling.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

COUNTRIES = ("KHM", "LKA", "MMR", "BLR", "ERI", "SYR", "VEN", "PRK", "BDI", "AFG", "IRN",
             "NIC")
STATES = ("CHN", "RUS", "JPN", "USA", "GBR", "FRA", "DEU", "CAN", "AUS", "NZL", "IND", "PAK",
          "VNM", "LAO", "THA", "PHL", "MYS", "IDN", "SGP", "BRA", "MEX", "ARG", "ZAF", "NGA",
          "EGY", "SAU", "ARE", "QAT", "TUR", "IRN", "CUB", "VEN", "BLR", "SYR", "PRK", "KOR",
          "NLD", "BEL", "SWE", "NOR", "DNK", "FIN", "CHE", "AUT", "ITA", "ESP", "PRT", "POL",
          "CZE", "IRL", "ISR", "UKR", "KEN", "ETH", "SEN", "MAR", "DZA", "TUN", "BGD", "NPL",
          "LKA", "MMR", "KHM", "BOL", "NIC", "CHL", "PER", "COL", "URY", "ECU")
BLOCS = ("EU", "ASEAN", "OIC", "African Group", "Arab Group", "Nordic-Baltic",
         "Like-Minded Group", "NAM")
OUTLETS = ("Phnom Penh Post", "Khmer Times", "Reuters", "AFP", "Xinhua", "Daily Mirror",
           "The Irrawaddy", "BelTA", "UN News", "OHCHR press release")
PERSONS = ("Rhona Smith", "Vitit Muntarbhorn", "An Sokkhoeurn", "Ney Sam Ol", "Tom Andrews",
           "Anais Marin", "Volker Turk", "Michelle Bachelet", "Chen Xu", "Li Song")
ORGS = ("UN Human Rights Council", "UN Office at Geneva", "OHCHR", "Amnesty International",
        "Human Rights Watch", "Cambodian People's Party")
FILLER = ("the", "a", "of", "to", "and", "in", "on", "for", "with", "as", "by", "at", "from",
          "that", "this", "was", "were", "is", "has", "had", "its", "their", "which", "who",
          "also", "said", "told", "added", "week", "year", "meeting", "Geneva", "minister",
          "delegation", "representative", "spokesman", "ambassador", "official", "report",
          "situation", "government", "statement", "country", "state", "member", "issue",
          "call", "work", "plan", "policy", "national", "international", "region", "process")
WORDS = ("the", "council", "rights", "report", "situation", "government", "said", "human",
         "statement", "concern", "progress", "support", "dialogue", "session", "country",
         "reform", "mission", "people", "law", "development", "cooperation", "civil",
         "society", "press", "media", "election", "court", "opposition", "health", "Covid-19",
         "freedom", "expression", "economy", "UN", "mandate", "rapporteur", "resolution")


def synthetic_tables(n_articles: int, *, seed: int = 20221005) -> dict[str, pd.DataFrame]:
    """The tables of a run of ``n_articles`` (reproducible for a given seed)."""
    rng = np.random.default_rng(seed)
    n_events = max(1, n_articles // 5)
    ev_country = rng.choice(COUNTRIES, n_events, p=_zipf(len(COUNTRIES)))
    ev_session = rng.integers(20, 58, n_events)
    ev_year = 2006 + (ev_session - 1) // 3
    ev_date = [f"{y}-{m:02d}-{d:02d}" for y, m, d in
               zip(ev_year, rng.choice([3, 6, 9], n_events), rng.integers(1, 29, n_events),
                   strict=True)]
    ev_kind = rng.choice(["dialogue", "vote", "review", "joint_statement"], n_events,
                         p=[0.7, 0.15, 0.1, 0.05])
    ev_id = [f"{c}-HRC{s}-{d}-{k}" for c, s, d, k in
             zip(ev_country, ev_session, ev_date, ev_kind, strict=True)]
    seen: dict[str, int] = {}
    for i, e in enumerate(ev_id):  # two random events may share all parts: keep ids unique
        seen[e] = seen.get(e, 0) + 1
        if seen[e] > 1:
            ev_id[i] = f"{e}-{seen[e]}"

    total = rng.integers(15, 80, n_events)
    fav = (total * rng.uniform(0.2, 0.9, n_events)).astype(int)
    crit = total - fav - rng.integers(0, 3, n_events)
    crit = np.maximum(crit, 0)
    neu = total - fav - crit

    doc_ids = [f"{i:06d}_{rng.integers(16**8):08x}" for i in range(n_articles)]
    doc_event = rng.integers(0, n_events, n_articles)
    outlet = rng.choice(OUTLETS, n_articles)
    documents = pd.DataFrame({
        "doc_id": doc_ids, "source_file": [f"{d}.txt" for d in doc_ids], "sha256": "0" * 64,
        "encoding": "utf-8", "status": "ok", "outlet": outlet, "url": "",
        "published": [ev_date[e][:7] for e in doc_event],
        "hrc_session": [f"HRC{ev_session[e]}" for e in doc_event],
        "event_date": [ev_date[e] for e in doc_event], "dateline": "",
        "n_chars": 0, "n_sentences": 0, "boilerplate_chars": 0, "title": "", "format": "text",
        "notes": "", "subject_country": [ev_country[e] for e in doc_event]})

    # sentences: ~10.5 per article, ~195 characters each (a real run of 10,000 articles has
    # 107,000 sentences in 21 MB)
    n_sent = rng.integers(5, 17, n_articles)
    sent_doc = np.repeat(np.arange(n_articles), n_sent)
    n_total = int(n_sent.sum())
    words = np.array(WORDS + FILLER * 3)  # theme words in about one word of ten
    body = rng.integers(0, len(words), (n_total, 22))
    names = np.array([_name(c) for c in STATES])
    actor_i = rng.integers(0, len(STATES), n_total)
    nums = rng.integers(2, 80, n_total)
    texts = [f"{names[a]} {' '.join(words[row[:10]])} {k} delegations {' '.join(words[row[10:]])}."
             for a, row, k in zip(actor_i, body, nums, strict=True)]
    sid = np.concatenate([np.arange(1, k + 1) for k in n_sent])
    lengths = np.fromiter((len(t) for t in texts), int, n_total)
    start = np.zeros(n_total, int)
    ends = np.cumsum(lengths + 1)
    doc_first = np.r_[0, np.cumsum(n_sent)[:-1]]
    offset_in_doc = ends - lengths - 1 - np.repeat(ends[doc_first] - lengths[doc_first] - 1,
                                                   n_sent)
    start = offset_in_doc
    sentences = pd.DataFrame({"doc_id": np.array(doc_ids)[sent_doc], "sentence_id": sid,
                              "paragraph_id": sid, "start": start, "end": start + lengths,
                              "text": texts})
    documents["n_sentences"] = n_sent
    documents["n_chars"] = sentences.groupby("doc_id", sort=False)["end"].max().to_numpy()

    # entities: ~30 per article
    n_ent = n_articles * 30
    pick = rng.integers(0, n_total, n_ent)
    lab = rng.choice(["COUNTRY", "BLOC", "PERSON", "ORG", "DATE"], n_ent,
                     p=[0.5, 0.1, 0.15, 0.15, 0.1])
    canon = np.where(lab == "COUNTRY", rng.choice(STATES, n_ent),
                     np.where(lab == "BLOC", rng.choice(BLOCS, n_ent),
                              np.where(lab == "PERSON", rng.choice(PERSONS, n_ent),
                                       np.where(lab == "ORG", rng.choice(ORGS, n_ent),
                                                "2022-10-05"))))
    entities = pd.DataFrame({"doc_id": sentences["doc_id"].to_numpy()[pick],
                             "sentence_id": sid[pick], "start": start[pick],
                             "end": start[pick] + np.char.str_len(canon.astype(str)),
                             "text": canon, "label": lab,
                             "canonical": canon})

    # events as each document reports them; tallies behind them
    ev_rows, tal_rows = [], []
    for i, d in enumerate(doc_ids):
        e = doc_event[i]
        if rng.random() < 0.6:
            f = fav[e] + (1 if rng.random() < 0.05 else 0)
            ev_rows.append({"doc_id": d, "hrc_session": f"HRC{ev_session[e]}",
                            "event_date": ev_date[e], "total": total[e], "favourable": f,
                            "critical": crit[e], "neutral": neu[e],
                            "check": "ok" if f + crit[e] + neu[e] == total[e] else "mismatch",
                            "source": "Permanent Mission of " + _name(ev_country[e]),
                            "kind": ev_kind[e], "event_id": ev_id[e], "sentence_ids": "1;2",
                            "notes": "", "outlet": outlet[i],
                            "subject_country": ev_country[e]})
            for st, k in (("all", total[e]), ("favourable", f), ("critical", crit[e])):
                tal_rows.append({"doc_id": d, "sentence_id": 1, "subject": "delegations",
                                 "stance": st, "count": k, "total": total[e],
                                 "source": ev_rows[-1]["source"],
                                 "evidence": f"{k} delegations spoke.",
                                 "kind": ev_kind[e], "vote": "", "cue": "spoke"})
    events = pd.DataFrame(ev_rows)
    # the other counts a document states (meetings, resolutions, votes, speakers), each with
    # its sentence as evidence: ~6.6 tallies per article in all, ~260 bytes a row, as in a
    # real run (66,000 rows and 17 MB for 10,000 articles)
    n_other = int(n_articles * 5.5)
    pick = rng.integers(0, n_total, n_other)
    text_arr = np.array(texts, dtype=object)
    other = pd.DataFrame({
        "doc_id": sentences["doc_id"].to_numpy()[pick], "sentence_id": sid[pick],
        "subject": rng.choice(["meetings", "resolutions", "votes", "speakers"], n_other),
        "stance": "unspecified", "count": rng.integers(2, 60, n_other), "total": None,
        "source": "", "evidence": text_arr[pick],
        "kind": rng.choice(["dialogue", "vote", "review"], n_other), "vote": "", "cue": ""})
    tallies = pd.concat([pd.DataFrame(tal_rows), other], ignore_index=True)

    # stated positions: ~9 per article, each with its sentence as evidence (a real run of
    # 10,000 articles has 89,000 in 29 MB)
    n_st = n_articles * 9
    st_doc = rng.integers(0, n_articles, n_st)
    is_bloc = rng.random(n_st) < 0.15
    actor = np.where(is_bloc, rng.choice(BLOCS, n_st), rng.choice(STATES, n_st, p=_zipf(
        len(STATES), 0.8)))
    stance = rng.choice(["supportive", "critical", "neutral"], n_st, p=[0.5, 0.4, 0.1])
    stances = pd.DataFrame({
        "doc_id": np.array(doc_ids)[st_doc], "sentence_id": rng.integers(1, 12, n_st),
        "actor": actor, "actor_label": np.where(is_bloc, "BLOC", "COUNTRY"), "stance": stance,
        "target": np.array([ev_country[doc_event[i]] for i in st_doc]),
        "cue": "said", "evidence": text_arr[rng.integers(0, n_total, n_st)],
        "bloc_members": ""})

    # event_summary: one row per event with at least one document
    docs_by_event = documents.assign(e=doc_event).groupby("e")
    rows = []
    official = rng.random(n_events) < 0.3
    for e, g in docs_by_event:
        n = len(g)
        agree = "single" if n == 1 else ("disagree" if rng.random() < 0.1 else "agree")
        rows.append({"event_id": ev_id[e], "subject_country": ev_country[e],
                     "kind": ev_kind[e], "hrc_session": f"HRC{ev_session[e]}",
                     "event_date": ev_date[e], "n_reports": n,
                     "doc_ids": ";".join(g["doc_id"]), "outlets": ";".join(sorted(set(
                         g["outlet"]))),
                     "sources": "Permanent Mission of " + _name(ev_country[e]),
                     "total": total[e], "favourable": fav[e], "critical": crit[e],
                     "neutral": neu[e], "agreement": agree,
                     "check": "ok" if fav[e] + crit[e] + neu[e] == total[e] else "mismatch",
                     "official_speakers": int(total[e] + rng.integers(-3, 4)) if official[e]
                     else None,
                     "notes": (f"favourable {fav[e]} ({g['doc_id'].iloc[0]}) vs {fav[e] + 1} "
                               f"({g['doc_id'].iloc[1]})") if agree == "disagree" else ""})
    event_summary = pd.DataFrame(rows)

    st = stances.assign(event_id=[ev_id[doc_event[i]] for i in st_doc])
    actor_record = (st.groupby(["actor", "actor_label", "target", "event_id"])
                    .agg(stance=("stance", "first"), n_statements=("stance", "size"),
                         doc_ids=("doc_id", lambda v: ";".join(sorted(set(v)))),
                         conflict=("stance", lambda v: "yes" if v.nunique() > 1 else "no"))
                    .reset_index().rename(columns={"target": "subject_country"}))
    sp = []
    for e in np.flatnonzero(official):
        for k in range(int(total[e])):
            sp.append({"event_id": ev_id[e], "doc_id": doc_ids[0], "sentence_id": 1,
                       "speaker": STATES[k % len(STATES)], "speaker_label": "COUNTRY",
                       "on_behalf_of": ""})
    speakers = pd.DataFrame(sp, columns=["event_id", "doc_id", "sentence_id", "speaker",
                                         "speaker_label", "on_behalf_of"])
    return {"documents": documents, "sentences": sentences, "entities": entities,
            "tallies": tallies, "events": events, "stances": stances,
            "event_summary": event_summary, "actor_record": actor_record, "speakers": speakers}


def _zipf(n: int, a: float = 1.0) -> np.ndarray:
    w = 1 / np.arange(1, n + 1) ** a
    return w / w.sum()


def _name(code: str) -> str:
    from helpers.explore import country_name

    return country_name(code)


def write_synthetic_run(out: Path, n_articles: int, *, seed: int = 20221005) -> Path:
    """Write the synthetic tables under ``out/tables`` (contract writer) and return ``out``."""
    from helpers.contract import write_table

    for name, df in synthetic_tables(n_articles, seed=seed).items():
        write_table(out, name, df)
    return out


def _peak_mb(who: int) -> float:
    # ru_maxrss is in kilobytes on Linux
    return resource.getrusage(who).ru_maxrss / 1024


def _vm_hwm_mb(pid: int) -> float:
    """A process's peak resident memory so far (Linux ``VmHWM``), 0 if unknown."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return 0.0


def _cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far, 0 if unknown (Linux)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def run_measured(notebook: Path, out: Path) -> tuple[float, float, float]:
    """Run one notebook on ``out`` as the runner does: its wall seconds, its kernel's peak RSS
    in MB and the kernel's CPU seconds (what a loaded machine does not inflate).

    The peak is the kernel's own high-water mark (``VmHWM``), read while it runs, so 04 and 05
    are measured apart (``RUSAGE_CHILDREN`` would only give the larger of the two); the CPU
    time is read at the same polls (up to 0.1 s short).
    """
    from helpers.pipeline import NotebookJob

    job = NotebookJob(notebook, out / "notebooks" / notebook.name, {"out_dir": str(out)},
                      cwd=notebook.parent)
    t0 = time.perf_counter()
    job.start()
    peak = cpu = 0.0
    try:
        while not job.done():
            for km in job.kernels:
                proc = getattr(getattr(km, "provisioner", None), "process", None)
                if proc is not None:
                    peak = max(peak, _vm_hwm_mb(proc.pid))
                    cpu = max(cpu, _cpu_seconds(proc.pid))
            job.worker.join(0.1)
    except BaseException:
        job.stop()
        raise
    job.finish()
    return time.perf_counter() - t0, peak, cpu


def run(n_articles: int, *, seed: int, inprocess: bool, keep: Path | None) -> dict:
    """Build the tables, run notebooks 04 and 05 (or 04's chart calls), measure seconds and
    peak RSS."""
    tmp = tempfile.TemporaryDirectory(prefix="tallybook-bench04-")
    out = keep or Path(tmp.name)
    t0 = time.perf_counter()
    write_synthetic_run(out, n_articles, seed=seed)
    gen = time.perf_counter() - t0
    sizes = {p.stem: sum(1 for _ in p.open(encoding="utf-8")) - 1
             for p in sorted((out / "tables").glob("*.csv"))}
    t0 = time.perf_counter()
    notebooks: dict[str, dict[str, float]] = {}
    if inprocess:
        from helpers import charts, explore

        tables, _ = explore.load_run(out, "04")
        for name, fig in charts.draw_all(tables, terms=["delegations", "election"]):
            charts.save_figure(fig, out / "figures", name)
    else:
        from helpers import repo_root

        for name in ("04_compare", "05_explore"):
            secs, peak, cpu = run_measured(repo_root() / "notebooks" / f"{name}.ipynb", out)
            notebooks[name[:2]] = {"seconds": round(secs, 1), "peak_rss_mb": round(peak, 0),
                                   "cpu_seconds": round(cpu, 1)}
    seconds = time.perf_counter() - t0
    result = {
        "articles": n_articles, "seed": seed, "rows": sizes,
        "table_mb": {p.stem: round(p.stat().st_size / 1e6, 1)
                     for p in sorted((out / "tables").glob("*.csv"))},
        "generate_seconds": round(gen, 1),
        "notebook_04_seconds": notebooks.get("04", {}).get("seconds", round(seconds, 1)),
        "notebook_05_seconds": notebooks.get("05", {}).get("seconds"),
        "kernel_cpu_seconds_04": notebooks.get("04", {}).get("cpu_seconds"),
        "kernel_cpu_seconds_05": notebooks.get("05", {}).get("cpu_seconds"),
        "mode": "in process" if inprocess else "runner's kernels (one child process each)",
        "peak_rss_mb_kernel_04": notebooks.get("04", {}).get("peak_rss_mb"),
        "peak_rss_mb_kernel_05": notebooks.get("05", {}).get("peak_rss_mb"),
        "peak_rss_mb_kernel": max([v["peak_rss_mb"] for v in notebooks.values()], default=0),
        "peak_rss_mb_this_process": round(_peak_mb(resource.RUSAGE_SELF), 0),
        "figures": sorted(p.name for p in (out / "figures").glob("*.png")),
    }
    if keep is None:
        tmp.cleanup()
    return result


def default_bounds(articles: int) -> tuple[float, float]:
    """``(seconds for notebook 04, MB per kernel)`` a run of ``articles`` should stay within:
    30 s and 1 GB up to 10,000 articles (the figures are the same size at any scale; the
    tables are read once), then growing linearly to 90 s and 2 GB at 100,000 (the
    pipeline's own bound at that size)."""
    extra = max(0, articles - 10_000) / 90_000
    return 30.0 + 60.0 * extra, 1024.0 + 1024.0 * extra


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m helpers.bench04 --articles 10000``."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=20221005)
    ap.add_argument("--inprocess", action="store_true", help="time the chart calls, no Jupyter")
    ap.add_argument("--keep", type=Path, help="write the run folder here and keep it")
    ap.add_argument("--max-seconds", type=float, default=None,
                    help="bound on notebook 04 (default: 30 s up to 10,000 articles, then "
                         "growing to 90 s at 100,000)")
    ap.add_argument("--max-mb", type=float, default=None,
                    help="bound on a kernel's peak memory (default: 1 GB up to 10,000 "
                         "articles, then growing to 2 GB at 100,000)")
    args = ap.parse_args(argv)
    seconds, megabytes = default_bounds(args.articles)
    args.max_seconds = seconds if args.max_seconds is None else args.max_seconds
    args.max_mb = megabytes if args.max_mb is None else args.max_mb
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    res = run(args.articles, seed=args.seed, inprocess=args.inprocess, keep=args.keep)
    peak = max(res["peak_rss_mb_kernel"], res["peak_rss_mb_this_process"] if args.inprocess
               else 0)
    res["within_bounds"] = bool(res["notebook_04_seconds"] <= args.max_seconds
                                and peak <= args.max_mb)
    print(json.dumps(res, indent=2))
    return 0 if res["within_bounds"] else 1


if __name__ == "__main__":
    sys.exit(main())
