"""Score the pipeline's tables against gold annotations (``<gold>/<doc_id>.json``).

Scores are micro precision, recall and F1 over (document, item) pairs, per field:

* ``countries`` (ISO3), ``blocs``, ``persons`` (canonical full names) — from entities.csv;
* ``tallies`` — (stance, count) of delegation counts; ``votes`` — (stance, count, vote) of
  the gold tallies that belong to a recorded vote (their literal vote must be right too);
* ``stances`` — (actor, stance); ``sources`` — canonical source names of tallies;
* ``events`` — (kind, session, date, total, favourable, critical, neutral) per document;
* ``event_summary`` — the same figures per real-world event across documents, with its
  ``agreement``; the gold side is built here from every document's gold ``events``,
  independently of the pipeline's merging code.

Items listed in a field's ``*_optional`` list are neither required nor penalised. Only
documents that have a gold file and were analysed (status ``ok``) are scored. Every miss and
false alarm gets a *cause*, read off the run's own tables, so errors can be worked through
rule kind by rule kind.

Command line (what ``make eval`` calls)::

    python -m helpers.evaluate --corpus data/devset/corpus --gold data/devset/gold --out DIR
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

FIELDS = ("countries", "blocs", "persons", "tallies", "votes", "stances", "sources", "events",
          "event_summary")
Item = tuple[str, ...] | str
PARTS = ("favourable", "critical", "neutral")


def load_gold(gold_dir: str | Path) -> dict[str, dict]:
    """``{doc_id: gold}`` for every ``*.json`` in ``gold_dir`` (none if it does not exist)."""
    gold_dir = Path(gold_dir)
    if not gold_dir.is_dir():
        return {}
    out = {}
    for p in sorted(gold_dir.glob("*.json")):
        g = json.loads(p.read_text(encoding="utf-8"))
        out[g.get("doc_id", p.stem)] = g
    return out


def _num(v: object) -> str:
    """A figure as text: empty for missing."""
    if v is None or (isinstance(v, float) and v != v) or v is pd.NA or v == "":
        return ""
    return str(int(v))  # type: ignore[arg-type]


def _part(v: object) -> str:
    """A part of an event: missing and 0 read alike ("not stated" vs "none"), since a report
    whose parts add up leaves the unstated ones at 0."""
    s = _num(v)
    return "" if s in ("", "0") else s


def event_item(kind: object, session: object, date: object, total: object,
               parts: Iterable[object]) -> tuple[str, ...]:
    """The scored form of an event: kind, session, date, total and the three parts."""
    return (_s(kind), _s(session), _s(date), _num(total),
            *(_part(p) for p in parts))


def gold_items(g: dict, field: str) -> tuple[set[Item], set[Item]]:
    """(required, optional) items of one gold document for one field."""
    def conv(items: Iterable) -> set[Item]:
        out: set[Item] = set()
        for it in items or ():
            if field == "tallies":
                out.add((str(it["stance"]), str(int(it["count"]))))
            elif field == "votes":
                if it.get("vote"):
                    out.add((str(it["stance"]), str(int(it["count"])), str(it["vote"])))
            elif field == "stances":
                out.add((str(it["actor"]), str(it["stance"])))
            elif field == "events":
                out.add(event_item(it.get("kind"), it.get("hrc_session"), it.get("event_date"),
                                   it.get("total"), (it.get(p) for p in PARTS)))
            else:
                out.add(str(it))
        return out
    src = "tallies" if field == "votes" else field
    return conv(g.get(src, [])), conv(g.get(f"{src}_optional", []))


def predicted_items(entities: pd.DataFrame, tallies: pd.DataFrame, stances: pd.DataFrame,
                    events: pd.DataFrame | None = None) -> dict[str, dict[str, set[Item]]]:
    """``{field: {doc_id: items}}`` from the contract tables."""
    out: dict[str, dict[str, set[Item]]] = {f: {} for f in FIELDS}
    for field, label in (("countries", "COUNTRY"), ("blocs", "BLOC"), ("persons", "PERSON")):
        sub = entities[entities["label"] == label]
        for doc_id, grp in sub.groupby("doc_id"):
            out[field][str(doc_id)] = {str(c) for c in grp["canonical"].dropna()}
    sub = tallies[tallies["subject"] == "delegations"]
    vote_col = sub["vote"] if "vote" in sub.columns else pd.Series("", index=sub.index)
    for doc_id, grp in sub.groupby("doc_id"):
        out["tallies"][str(doc_id)] = {(str(s), str(int(c))) for s, c in
                                       zip(grp["stance"], grp["count"], strict=True)}
        votes = vote_col.loc[grp.index].fillna("")
        out["votes"][str(doc_id)] = {(str(s), str(int(c)), str(v)) for s, c, v in
                                     zip(grp["stance"], grp["count"], votes, strict=True) if v}
        if "source" in grp.columns:
            out["sources"][str(doc_id)] = {str(s) for s in grp["source"].dropna() if str(s)}
    for doc_id, grp in stances.groupby("doc_id"):
        out["stances"][str(doc_id)] = {(str(a), str(s)) for a, s in
                                       zip(grp["actor"], grp["stance"], strict=True)}
    if events is not None and len(events):
        kinds = events["kind"] if "kind" in events.columns else pd.Series("", index=events.index)
        for doc_id, grp in events.groupby("doc_id"):
            out["events"][str(doc_id)] = {
                event_item(kinds.loc[i], r.hrc_session, r.event_date, r.total,
                           (r.favourable, r.critical, r.neutral))
                for i, r in zip(grp.index, grp.itertuples(), strict=True)}
    return out


# --------------------------------------------------------------------------- causes


def _cause(field: str, doc: str, item: Item, error: str, ctx: dict) -> str:
    """Why an item was missed or wrongly found, read off the run's own tables."""
    if field in ("tallies", "votes"):
        count = item[1]
        rows = ctx["tallies"].get(doc, [])
        same = [r for r in rows if str(r["count"]) == count]
        if error == "miss":
            if not same:
                return "count not extracted"
            deleg = [r for r in same if r["subject"] == "delegations"]
            if not deleg:
                return f"counted as '{same[0]['subject']}', not delegations"
            if field == "votes":
                return "vote not read (got " + ", ".join(
                    sorted({f"{r['stance']}/{r['vote'] or '-'}" for r in deleg})) + ")"
            return "stance wrong (got " + ", ".join(sorted({r["stance"] for r in deleg})) + ")"
        gold = ctx["gold"].get(doc, {})
        if any(str(t["count"]) == count for t in gold.get("tallies", [])):
            return "stance wrong (gold: " + ", ".join(sorted(
                {t["stance"] for t in gold["tallies"] if str(t["count"]) == count})) + ")"
        if any(count in d for d in gold.get("distractors", [])):
            return "distractor read as a delegation count"
        return "not a delegation tally in gold"
    if field == "stances":
        actor = item[0]
        if error == "miss":
            got = ctx["stances"].get(doc, {}).get(actor)
            if got:
                return f"stance wrong (got {'/'.join(sorted(got))})"
            if actor not in ctx["actors"].get(doc, set()):
                return "actor not tagged"
            return "no stance cue tied to the actor"
        gold = {s["actor"]: s["stance"] for s in ctx["gold"].get(doc, {}).get("stances", [])}
        if actor in gold:
            return f"stance wrong (gold: {gold[actor]})"
        if actor == ctx["gold"].get(doc, {}).get("subject_country"):
            return "country under review taken as an actor"
        return "actor has no stated position in gold"
    if field in ("persons", "countries", "blocs"):
        if error == "miss":
            return "not tagged"
        gold = ctx["gold"].get(doc, {}).get(field, [])
        if any(str(item) in g or g in str(item) for g in gold):
            return "partial or overlong form of a gold name"
        return "not in gold"
    if field == "sources":
        return "source not named" if error == "miss" else "not a gold source"
    if field == "events":
        other = ctx["pred"]["events"].get(doc, set()) if error == "miss" else \
            gold_items(ctx["gold"].get(doc, {}), "events")[0]
        if any(o[3:] == item[3:] for o in other):
            return "same figures, other kind, session or date"
        if any(o[1:3] == item[1:3] and o[1:3] != ("", "") for o in other):
            return "same session and date, other figures or kind"
        return "event not found" if error == "miss" else "no such event in gold"
    return ""


def compare(gold: dict[str, dict], predicted: dict[str, dict[str, set[Item]]],
            doc_ids: Iterable[str], *, fields: Iterable[str] = FIELDS,
            context: dict | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score table and error list.

    Returns:
        ``(scores, errors)``: scores has one row per field (documents, tp, fp, fn,
        precision, recall, f1); errors one row per miss or false alarm (field, doc_id, item,
        error, cause).
    """
    docs = [d for d in doc_ids if d in gold]
    ctx = {"gold": gold, "pred": predicted, "tallies": {}, "stances": {}, "actors": {},
           **(context or {})}
    rows, errs = [], []
    for field in fields:
        if field == "event_summary":
            continue
        tp = fp = fn = 0
        for d in docs:
            req, opt = gold_items(gold[d], field)
            if field in ("votes", "events", "sources") and field not in gold[d] \
                    and not (field == "votes" and "tallies" in gold[d]):
                continue  # older gold (the seeds) may lack the newer fields
            pred = predicted[field].get(d, set())
            tp += len(pred & req)
            for it in sorted(pred - req - opt, key=str):
                fp += 1
                errs.append({"field": field, "doc_id": d, "item": _fmt(it),
                             "error": "false alarm",
                             "cause": _cause(field, d, it, "false alarm", ctx)})
            for it in sorted(req - pred, key=str):
                fn += 1
                errs.append({"field": field, "doc_id": d, "item": _fmt(it), "error": "miss",
                             "cause": _cause(field, d, it, "miss", ctx)})
        rows.append(_score_row(field, len(docs), tp, fp, fn))
    return (pd.DataFrame(rows, columns=SCORE_COLUMNS),
            pd.DataFrame(errs, columns=ERROR_COLUMNS))


SCORE_COLUMNS = ["field", "documents", "tp", "fp", "fn", "precision", "recall", "f1"]
ERROR_COLUMNS = ["field", "doc_id", "item", "error", "cause"]


def _score_row(field: str, docs: int, tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"field": field, "documents": docs, "tp": tp, "fp": fp, "fn": fn,
            "precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def _fmt(item: Item) -> str:
    return " / ".join(item) if isinstance(item, tuple) else item


# --------------------------------------------------------------------------- events across docs


def gold_event_summary(gold: dict[str, dict], doc_ids: Iterable[str]) -> dict[tuple, tuple]:
    """Real-world events from the gold of every document: ``{(subject, kind, session, date):
    (total, favourable, critical, neutral, agreement)}``.

    Figures are the value most reports state (ties: the smaller); ``agreement`` is
    ``single`` for one report, ``disagree`` when two reports state different values for one
    figure, else ``agree``.
    """
    reports: dict[tuple, list[dict]] = defaultdict(list)
    for d in doc_ids:
        g = gold.get(d)
        if not g:
            continue
        for e in g.get("events", []):
            key = (g.get("subject_country", ""), e.get("kind") or "", e.get("hrc_session") or "",
                   e.get("event_date") or "")
            reports[key].append(e)
    out = {}
    for key, es in reports.items():
        figs, disagree = [], False
        for f in ("total", *PARTS):
            vals = Counter(int(e[f]) for e in es if e.get(f) is not None)
            disagree |= len(vals) > 1
            figs.append(min(vals, key=lambda v: (-vals[v], v)) if vals else None)
        agreement = "single" if len(es) == 1 else ("disagree" if disagree else "agree")
        out[key] = (*figs, agreement)
    return out


def score_event_summary(gold: dict[str, dict], summary: pd.DataFrame,
                        doc_ids: Iterable[str]) -> tuple[dict, list[dict]]:
    """Score event_summary.csv against the events merged from gold (see
    :func:`gold_event_summary`). An event counts as found when subject, kind, session, date,
    the four figures and the agreement all match."""
    want = gold_event_summary(gold, doc_ids)
    req = {(*k, _num(v[0]), *(_part(x) for x in v[1:4]), v[4]) for k, v in want.items()}
    pred = set()
    for r in summary.itertuples():
        pred.add((str(r.subject_country or ""), str(r.kind or ""), _s(r.hrc_session),
                  _s(r.event_date), _num(r.total), _part(r.favourable), _part(r.critical),
                  _part(r.neutral), str(r.agreement or "")))
    keys_req = {x[:4] for x in req}
    keys_pred = {x[:4] for x in pred}
    errs = []
    for it in sorted(req - pred, key=str):
        errs.append({"field": "event_summary", "doc_id": "*", "item": _fmt(it), "error": "miss",
                     "cause": "figures or agreement differ" if it[:4] in keys_pred
                     else "event not found"})
    for it in sorted(pred - req, key=str):
        errs.append({"field": "event_summary", "doc_id": "*", "item": _fmt(it),
                     "error": "false alarm",
                     "cause": "figures or agreement differ" if it[:4] in keys_req
                     else "no such event in gold"})
    tp = len(req & pred)
    return _score_row("event_summary", len(want), tp, len(pred - req), len(req - pred)), errs


def _s(v: object) -> str:
    """A cell as text: empty for None, NA and NaN."""
    return "" if v is None or v is pd.NA or (isinstance(v, float) and v != v) else str(v)


# --------------------------------------------------------------------------- run folders


def evaluate_run(out_dir: str | Path, gold_dir: str | Path,
                 fields: Iterable[str] = FIELDS) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score a finished run folder against a gold folder (missing tables score nothing).

    Only the rows of documents that have gold are read (in chunks), so scoring the few
    annotated documents of a large run costs little time and memory.
    """
    from helpers.contract import COLUMNS, read_table, typed

    gold = load_gold(gold_dir)

    def table(name: str) -> pd.DataFrame:
        path = Path(out_dir) / "tables" / f"{name}.csv"
        if not path.exists():
            return pd.DataFrame(columns=COLUMNS[name])  # a stage not run yet scores nothing
        parts = [c[c["doc_id"].isin(gold)] if "doc_id" in c.columns else c for c in pd.read_csv(
            path, dtype=str, keep_default_na=False, na_values=[""], chunksize=200_000)]
        return typed(pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
            columns=COLUMNS[name]))

    fields = list(fields)
    docs = read_table(out_dir, "documents")
    ok = docs.loc[docs["status"] == "ok", "doc_id"].tolist()
    ents, tallies, stances = table("entities"), table("tallies"), table("stances")
    ctx: dict = {"tallies": defaultdict(list), "stances": defaultdict(dict),
                 "actors": defaultdict(set)}
    for r in tallies.to_dict("records"):
        r["vote"] = r.get("vote") if isinstance(r.get("vote"), str) else ""
        ctx["tallies"][r["doc_id"]].append(r)
    for r in stances.itertuples():
        ctx["stances"][r.doc_id].setdefault(r.actor, set()).add(r.stance)
    for r in ents[ents["label"].isin(["COUNTRY", "BLOC"])].itertuples():
        ctx["actors"][r.doc_id].add(r.canonical)
    pred = predicted_items(ents, tallies, stances, table("events"))  # gold documents only
    scores, errors = compare(gold, pred, ok, fields=fields, context=ctx)
    if "event_summary" in fields and any("events" in gold[d] for d in ok if d in gold):
        summary = table("event_summary")
        annotated = [bool(set(str(d).replace("|", ";").split(";")) & set(gold))
                     for d in summary["doc_ids"].fillna("")]
        row, errs = score_event_summary(gold, summary[annotated], ok)
        scores = pd.concat([scores, pd.DataFrame([row])], ignore_index=True)
        errors = pd.concat([errors, pd.DataFrame(errs, columns=ERROR_COLUMNS)],
                           ignore_index=True)
    return scores, errors


def print_report(name: str, scores: pd.DataFrame, errors: pd.DataFrame, *,
                 file=sys.stdout) -> None:
    """Scores, then every error grouped by field and cause."""
    print(f"\n== {name}: precision, recall, F1 per field", file=file)
    print(scores.to_string(index=False), file=file)
    if not len(errors):
        print("no misses, no false alarms", file=file)
        return
    print(f"\n== {name}: misses and false alarms by field and cause", file=file)
    for (field, cause), grp in errors.groupby(["field", "cause"], sort=True):
        print(f"-- {field} · {cause} ({len(grp)})", file=file)
        for r in grp.itertuples():
            print(f"   {r.error:<11} {r.doc_id:<24} {r.item}", file=file)


def print_summary(out_dirs: Iterable[str | Path], *, file=sys.stdout) -> None:
    """F1 per field of earlier evaluations (their ``scores.csv``), one column per set."""
    frames = [pd.read_csv(Path(d) / "scores.csv") for d in out_dirs
              if (Path(d) / "scores.csv").exists()]
    if not frames:
        return
    table = pd.concat(frames).pivot_table(index="field", columns="set", values="f1",
                                          sort=False)
    table = table[[f["set"].iloc[0] for f in frames]]
    print("\n== F1 per field and set (micro; see the reports above for every error)", file=file)
    print(table.to_string(float_format=lambda v: f"{v:.3f}"), file=file)


def main(argv: list[str] | None = None) -> int:
    """Run stages 01-03 on an annotated corpus and print scores and errors."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--summary", nargs="+", metavar="OUT",
                    help="only print the F1 of earlier evaluations side by side")
    ap.add_argument("--corpus", help="folder of articles")
    ap.add_argument("--gold", help="folder of <doc_id>.json gold files")
    ap.add_argument("--out", help="run folder for the tables")
    ap.add_argument("--name", default="", help="label for the report")
    ap.add_argument("--errors", type=Path, default=None, help="also write the errors as CSV")
    a = ap.parse_args(argv)
    if a.summary:
        print_summary(a.summary)
        return 0
    if not (a.corpus and a.gold and a.out):
        ap.error("--corpus, --gold and --out are needed (or --summary)")
    from helpers.stages import run_clean, run_entities, run_tallies

    run_clean(a.corpus, a.out, progress=False)
    run_entities(a.out, progress=False)
    run_tallies(a.out, progress=False)
    scores, errors = evaluate_run(a.out, a.gold)
    print_report(a.name or str(a.corpus), scores, errors)
    scores.assign(set=a.name or Path(a.corpus).name).to_csv(Path(a.out) / "scores.csv",
                                                              index=False)
    if a.errors:
        a.errors.parent.mkdir(parents=True, exist_ok=True)
        errors.to_csv(a.errors, index=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
