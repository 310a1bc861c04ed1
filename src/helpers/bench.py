"""Benchmark: tokens per second of each stage on the seeds repeated to N megabytes.

``python -m helpers.bench --corpus seeds --megabytes 5`` (what ``make bench`` calls). Runs in
this one process (one core). Each seed is repeated with a numbered line appended, so no two
copies are identical; the stages are timed directly (no Jupyter), after one warm-up pass.
Each timed stage runs ``--repeat`` times; the best run is the figure to compare (as timeit
does: other load on the machine only ever slows a run down) and the median is shown beside it.
"""

from __future__ import annotations

import argparse
import json
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


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpus", default="seeds")
    ap.add_argument("--megabytes", type=float, default=5.0)
    ap.add_argument("--repeat", type=int, default=3, help="timed runs of each tagging stage")
    ap.add_argument("--json", help="also write the results to this file")
    args = ap.parse_args(argv)
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
