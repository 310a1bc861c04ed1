"""Benchmarks: tokens per second of each stage, and the whole pipeline at scale.

``python -m helpers.bench --scale 10000`` (what ``make bench-scale N=10000`` calls) builds N
distinct articles reproducibly (see :func:`build_scale_corpus`), runs the runner on them (the
notebooks included) into a fresh folder, then once more on the unchanged corpus, and prints per
stage and end to end: seconds, words per second and the peak resident memory of all the
processes together (runner, kernels, workers).

``python -m helpers.bench --corpus seeds --megabytes 5`` (what ``make bench`` calls). Runs in
this one process (one core). Each seed is repeated with a numbered line appended, so no two
copies are identical; the stages are timed directly (no Jupyter), after one warm-up pass.
Each timed stage runs ``--repeat`` times; the best run is the figure to compare (as timeit
does: other load on the machine only ever slows a run down) and the median is shown beside it.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import time
from collections import defaultdict
from pathlib import Path


def build_corpus(corpus: Path, megabytes: float) -> list[tuple[str, str]]:
    """``(doc_id, raw_text)`` pairs: the corpus's articles repeated to ``megabytes``."""
    from helpers.clean import decode_bytes, list_corpus

    seeds = []
    for p in list_corpus(corpus):
        d = decode_bytes(p.read_bytes())
        if d.text:
            seeds.append((p.stem, d.text))
    if not seeds:
        raise SystemExit(f"no readable .txt files in {corpus}")
    out, size, n = [], 0, 0
    while size < megabytes * 1_000_000:
        doc_id, text = seeds[n % len(seeds)]
        text = f"{text}\n\nCopy {n} of the article for the benchmark."
        out.append((f"{doc_id}_{n}", text))
        size += len(text.encode("utf-8"))
        n += 1
    return out


def _timed(fn, repeat: int) -> tuple[float, float]:
    import statistics

    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times), statistics.median(times)


def run(corpus: Path, megabytes: float, repeat: int = 3) -> dict[str, object]:
    from helpers.clean import clean_text, split_sentences, train_sentence_splitter
    from helpers.entities import EntityTagger, common_words, infer_subject_country
    from helpers.stances import extract_stances
    from helpers.tallies import extract_tallies
    from helpers.text import TOKENIZER, Sentence

    docs = build_corpus(corpus, megabytes)
    mb = sum(len(t.encode("utf-8")) for _, t in docs) / 1e6
    timings: dict[str, float] = {}

    t0 = time.perf_counter()
    cleaned = {d: clean_text(t) for d, t in docs}
    timings["01 clean: decode-free cleaning"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    splitter = train_sentence_splitter(c.text for c in cleaned.values())
    timings["01 clean: Punkt training"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    sentences = {d: [Sentence(i, s, c.text[s:e], p) for i, (p, s, e) in
                     enumerate(split_sentences(c, splitter), start=1)]
                 for d, c in cleaned.items()}
    timings["01 clean: sentence splitting"] = time.perf_counter() - t0
    tokens = sum(len(TOKENIZER.tokenize(c.text)) for c in cleaned.values())

    texts = [s.text for ss in sentences.values() for s in ss]
    subject = infer_subject_country(texts[:2000])
    tagger = EntityTagger(subject_country=subject, common=common_words(texts))
    first = next(iter(sentences))
    tagger.tag(first, sentences[first])  # warm-up (loads the reference data)
    mentions: dict[str, list] = {}

    def tag_all() -> None:
        mentions.update({d: tagger.tag(d, ss) for d, ss in sentences.items()})

    def tallies_all() -> None:
        for d, ss in sentences.items():
            extract_tallies(d, ss, subject_country=subject)

    def stances_all() -> None:
        for d, ss in sentences.items():
            extract_stances(d, ss, mentions[d],
                            subject_country=subject)

    best: dict[str, tuple[float, float]] = {}
    best["02 entities: tagging"] = _timed(tag_all, repeat)
    best["03 tallies"] = _timed(tallies_all, repeat)
    best["03 stances"] = _timed(stances_all, repeat)
    n_tallies = sum(len(extract_tallies(d, ss, subject_country=subject))
                    for d, ss in list(sentences.items())[:len(docs) // 50 + 1])
    per_label: dict[str, int] = defaultdict(int)
    for ms in mentions.values():
        for m in ms:
            per_label[m.label] += 1
    return {
        "megabytes": round(mb, 2), "documents": len(docs), "tokens": tokens,
        "tallies_in_sample": n_tallies, "mentions": dict(sorted(per_label.items())),
        "stages": {**{k: {"seconds": round(v, 3), "tokens_per_second": round(tokens / v)}
                      for k, v in timings.items()},
                   **{k: {"seconds": round(b, 3), "tokens_per_second": round(tokens / b),
                          "median_tokens_per_second": round(tokens / m)}
                      for k, (b, m) in best.items()}},
    }


_NUMBER = re.compile(r"\b\d+\b")  # a whole number in a paragraph, varied per article
_BENCH_NAMES = ("Amara Okafor", "Lucia Ferreira", "Tomas Lindqvist", "Mei-Ling Zhou",
                "Rahim Haddad", "Ingrid Solberg", "Kwame Mensah", "Elena Petrova",
                "Diego Alvarez", "Yuki Tanaka", "Farah Siddiqui", "Jonas Becker")
_BENCH_PLACES = ("Geneva", "Nairobi", "Bangkok", "Lima", "Oslo", "Dakar", "Manila", "Quito")


def _paragraph_pool(folders: list[Path]) -> list[str]:
    """Article paragraphs (cleaned, at least 12 words) of every readable file in ``folders``."""
    from helpers.clean import clean_text, decode_bytes, list_corpus

    pool: list[str] = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for p in list_corpus(folder):
            d = decode_bytes(p.read_bytes())
            if not d.text:
                continue
            cd = clean_text(d.text)
            pool.extend(cd.text[a:b] for a, b in cd.paragraphs
                        if len(cd.text[a:b].split()) >= 12)
    return pool


def build_scale_corpus(n: int, dest: Path, *, seed: int = 20240601,
                       sources: list[Path] | None = None) -> dict[str, int]:
    """Write ``n`` distinct articles to ``dest`` (``a000001.txt`` ...), reproducibly.

    Each article is a headline and 4-9 paragraphs drawn (seeded per article) from the seeds'
    and the devset's paragraphs, with every number replaced by another of similar size and a
    closing paragraph naming a person, a place and figures of its own: articles share
    paragraphs, never enough to be near-duplicates. Files already there are kept (the folder
    is a cache: ``.stamp`` records what built it).

    Returns:
        ``{"documents": n, "words": total words}``.
    """
    import random

    from helpers import repo_root

    root = repo_root()
    sources = sources or [root / "seeds", root / "data" / "devset" / "corpus"]
    stamp = dest / ".stamp"
    want = json.dumps({"n": n, "seed": seed, "sources": [str(s) for s in sources]})
    if stamp.exists() and stamp.read_text() == want:
        return json.loads((dest / ".words").read_text())
    dest.mkdir(parents=True, exist_ok=True)
    for old in dest.glob("*.txt"):
        old.unlink()
    pool = _paragraph_pool(sources)
    if not pool:
        raise SystemExit("no paragraphs to build articles from")
    words = 0
    for i in range(1, n + 1):
        rng = random.Random(seed * 1_000_003 + i)
        paras = [rng.choice(pool) for _ in range(rng.randint(4, 9))]
        paras = [_NUMBER.sub(lambda m, r=rng: str(max(1, int(m.group()) + r.randint(-3, 3))
                                                  if len(m.group()) < 4 else m.group()), p)
                 for p in paras]
        who, where = rng.choice(_BENCH_NAMES), rng.choice(_BENCH_PLACES)
        closing = (f"Speaking in {where} on day {rng.randint(1, 28)}, {who} said that "
                   f"{rng.randint(5, 60)} delegations had taken the floor and that "
                   f"{rng.randint(2, 40)} of them raised concerns (item {i}).")
        text = (f"Council session report {i} from {where}\n\n" + "\n\n".join(paras)
                + "\n\n" + closing + "\n")
        words += len(text.split())
        (dest / f"a{i:06d}.txt").write_text(text, encoding="utf-8")
    info = {"documents": n, "words": words}
    (dest / ".words").write_text(json.dumps(info))
    stamp.write_text(want)
    return info


def _tree_rss(pid: int) -> int:
    """Memory of a process and all its children: the sum of their proportional set sizes
    (PSS: a page shared by n processes — forked workers share most of theirs — counts 1/n
    to each), so the figure is what they occupy together; RSS where PSS cannot be read."""
    import psutil

    try:
        proc = psutil.Process(pid)
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for p in procs:
        with contextlib.suppress(psutil.Error):
            try:
                total += p.memory_full_info().pss
            except (AttributeError, psutil.AccessDenied):
                total += p.memory_info().rss
    return total


def _run_measured(cmd: list[str]) -> tuple[int, float, int, list[str]]:
    """Run ``cmd``; return (exit code, seconds, peak RSS of it and all its children, its
    output lines)."""
    import subprocess
    import threading

    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = 0
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True)
    reader.start()
    while proc.poll() is None:
        peak = max(peak, _tree_rss(proc.pid))
        time.sleep(0.2)
    reader.join()
    secs = time.perf_counter() - t0
    if proc.returncode:
        print("".join(lines[-30:]))
    else:
        print("".join(ln for ln in lines if "documents cached" in ln or "nothing to redo" in ln
                      or ln.startswith("SECONDS")), end="")
    return proc.returncode, secs, peak, lines


_DIRECT = """
import json, sys, time
from pathlib import Path
from helpers import stages
corpus, out, engine, workers = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
kw = dict(engine=engine, workers=workers, progress=False)
secs = {}
for name, call in (("01 clean", lambda: stages.run_clean(corpus, out, **kw)),
                   ("02 entities", lambda: stages.run_entities(out, **kw)),
                   ("03 tallies", lambda: stages.run_tallies(out, **kw))):
    t = time.perf_counter()
    call()
    secs[name] = round(time.perf_counter() - t, 1)
print("SECONDS " + json.dumps(secs))
"""


def run_direct(n: int, *, cache_dir: Path, engine: str = "local",
               workers: int = 0) -> dict[str, object]:
    """Stages 01-03 called directly (no Jupyter, no notebook display or evaluation cells)."""
    import shutil
    import sys

    corpus = cache_dir / f"corpus-{n}"
    info = build_scale_corpus(n, corpus)
    out = cache_dir / f"direct-{n}"
    shutil.rmtree(out, ignore_errors=True)
    results: dict[str, object] = {"documents": n, "words": info["words"], "runs": {}}
    for label in ("fresh", "unchanged re-run"):
        cmd = [sys.executable, "-c", _DIRECT, str(corpus), str(out), engine, str(workers)]
        code, secs, peak, _lines = _run_measured(cmd)
        if code:
            raise SystemExit(f"stages failed ({label})")
        results["runs"][label] = {"seconds": round(secs, 1), "peak_rss_mb": peak // 2**20}
        print(f"\n{label} (stage functions, no notebooks): {n:,} articles, "
              f"{info['words']:,} words: {secs:.1f} s, {info['words'] / secs:,.0f} words/s, "
              f"peak memory (PSS) {peak / 2**20:,.0f} MB")
    return results


def changed_corpus(corpus: Path, dest: Path, *, share: float = 0.01) -> dict[str, int]:
    """``dest``: the articles of ``corpus`` with ``share`` of them touched — half changed (a
    paragraph appended), half new articles — the rest hard links to the same files
    (copies where links cannot be made). Rebuilt on every call (a few seconds at 100,000).

    Returns:
        ``{"changed": n, "added": n, "unchanged": n}``.
    """
    import os
    import shutil

    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    files = sorted(corpus.glob("*.txt"))
    k = max(1, round(len(files) * share / 2))
    step = max(1, len(files) // k)
    touched = set(files[::step][:k])
    for f in files:
        target = dest / f.name
        if f in touched:
            target.write_text(f.read_text(encoding="utf-8") + "\nIn a late addition, "
                              "nine delegations said they would abstain.\n", encoding="utf-8")
            continue
        try:
            os.link(f, target)
        except OSError:
            shutil.copyfile(f, target)
    for i in range(k):  # new: the first paragraphs of one article, the last of another
        a, b = (files[(i * step + step // d) % len(files)].read_text(encoding="utf-8")
                .split("\n\n") for d in (2, 3))
        body = a[1:1 + len(a) // 2] + b[len(b) // 2:]
        (dest / f"new{i:06d}.txt").write_text(f"Follow-up report {i}\n\n"
                                              + "\n\n".join(body), encoding="utf-8")
    return {"changed": len(touched), "added": k, "unchanged": len(files) - len(touched)}


RUNS = ("fresh", "unchanged", "1pct")
_CACHE_LINE = re.compile(r"^(\S.*?): (\d+) documents cached, (\d+) to process$")


def redone_documents(lines: list[str]) -> dict[str, tuple[int, int]]:
    """``{step: (documents processed, documents in all)}`` from the stages' cache lines
    (``01 clean: sentences: 9,560 documents cached, 490 to process``)."""
    out: dict[str, tuple[int, int]] = {}
    for ln in lines:
        m = _CACHE_LINE.search(ln)
        if m:
            cached, todo = int(m.group(2)), int(m.group(3))
            out[m.group(1)] = (todo, cached + todo)
    return out


def run_scale(n: int, *, cache_dir: Path, engine: str = "local", workers: int = 0,
              only: list[str] | None = None,
              runs: tuple[str, ...] = RUNS) -> dict[str, object]:
    """Build (or reuse) ``n`` articles, run the pipeline fresh, again unchanged, and once
    more with 1% of the articles changed or added (:func:`changed_corpus`); ``runs`` picks
    which of these (``fresh`` always comes first)."""
    import shutil
    import sys

    corpus = cache_dir / f"corpus-{n}"
    t0 = time.perf_counter()
    info = build_scale_corpus(n, corpus)
    print(f"corpus: {n:,} articles, {info['words']:,} words in {corpus} "
          f"(built or reused in {time.perf_counter() - t0:.1f} s)")
    results: dict[str, object] = {"documents": n, "words": info["words"], "runs": {}}
    out = cache_dir / f"out-{n}"
    shutil.rmtree(out, ignore_errors=True)
    touched = cache_dir / f"corpus-{n}-1pct"
    plan = [(label, folder) for name, label, folder in
            (("fresh", "fresh", corpus), ("unchanged", "unchanged re-run", corpus),
             ("1pct", "1% changed re-run", touched))
            if name == "fresh" or name in runs]
    for label, folder in plan:
        if folder == touched:
            what = changed_corpus(corpus, touched)
            print(f"\n{what['changed']:,} articles changed and {what['added']:,} added "
                  f"in {touched}")
        cmd = [sys.executable, "-m", "helpers.pipeline", "--corpus", str(folder), "--out",
               str(out), "--no-html", "--engine", engine]
        if workers:
            cmd += ["--workers", str(workers)]
        for o in only or []:
            cmd += ["--only", o]
        code, secs, peak, lines = _run_measured(cmd)
        if code:
            raise SystemExit(f"the pipeline failed ({label}); see {out}")
        manifest = json.loads((out / "manifest.json").read_text())
        skipped = any("nothing to redo" in ln for ln in lines)  # no notebook ran
        stages = {nb["name"]: 0.0 if skipped else nb["seconds"]
                  for nb in manifest["notebooks"]}
        s13 = sum(v for k, v in stages.items() if k[:2] in ("01", "02", "03"))
        results["runs"][label] = {"seconds": round(secs, 1), "peak_rss_mb": peak // 2**20,
                                  "stages": stages, "stages_01_03": round(s13, 1)}
        print(f"\n{label}: {n:,} articles, {info['words']:,} words")
        print(f"  {'stage':<22}{'seconds':>10}{'words/s':>12}")
        for name, sec in [*stages.items(), ("01-03 together", s13),
                          ("end to end (runner)", secs)]:
            wps = f"{info['words'] / sec:,.0f}" if sec else "-"
            print(f"  {name:<22}{sec:>10.1f}{wps:>12}")
        print(f"  peak memory (PSS), all processes: {peak / 2**20:,.0f} MB")
        redone = redone_documents(lines)
        results["runs"][label]["documents_redone"] = redone
        if label != "fresh" and redone:
            print("  documents processed again (per-document work): " + "; ".join(
                f"{k} {done:,} of {total:,} ({done / total:.1%})"
                for k, (done, total) in redone.items() if total))
        fresh = results["runs"]["fresh"]
        if label != "fresh" and fresh["seconds"]:
            print(f"  {secs / fresh['seconds']:.0%} of the fresh run's time end to end, "
                  f"{s13 / fresh['stages_01_03']:.0%} in stages 01-03")
    shutil.rmtree(touched, ignore_errors=True)
    return results


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--scale", type=int, help="run the whole pipeline on this many articles")
    ap.add_argument("--cache-dir", default="reports/bench-scale",
                    help="where --scale keeps its generated corpus and run folder")
    ap.add_argument("--engine", default="local", help="--scale: local or dask")
    ap.add_argument("--workers", type=int, default=0, help="--scale: worker processes")
    ap.add_argument("--only", action="append", help="--scale: run only these notebooks")
    ap.add_argument("--runs", default=",".join(RUNS),
                    help="--scale: which runs after the fresh one: unchanged,1pct (or none)")
    ap.add_argument("--direct", action="store_true",
                    help="--scale: call stages 01-03 directly, without Jupyter")
    ap.add_argument("--corpus", default="seeds")
    ap.add_argument("--megabytes", type=float, default=5.0)
    ap.add_argument("--repeat", type=int, default=3, help="timed runs of each tagging stage")
    ap.add_argument("--json", help="also write the results to this file")
    args = ap.parse_args(argv)
    if args.scale and args.direct:
        res = run_direct(args.scale, cache_dir=Path(args.cache_dir), engine=args.engine,
                         workers=args.workers)
        return
    if args.scale:
        res = run_scale(args.scale, cache_dir=Path(args.cache_dir), engine=args.engine,
                        workers=args.workers, only=args.only,
                        runs=tuple(r.strip() for r in args.runs.split(",") if r.strip()))
        if args.json:
            from helpers.contract import atomic_write_text

            atomic_write_text(args.json, json.dumps(res, indent=2) + "\n")
        return
    res = run(Path(args.corpus), args.megabytes, args.repeat)
    print(f"corpus: {res['documents']} documents, {res['megabytes']} MB, "
          f"{res['tokens']:,} tokens (one process, one core)")
    for name, r in res["stages"].items():
        med = r.get("median_tokens_per_second")
        extra = f"   (median of {args.repeat}: {med:,})" if med else ""
        print(f"  {name:<34} {r['seconds']:>8.2f} s  {r['tokens_per_second']:>12,} tokens/s"
              + extra)
    if args.json:
        from helpers.contract import atomic_write_text

        atomic_write_text(args.json, json.dumps(res, indent=2) + "\n")


if __name__ == "__main__":
    main()
