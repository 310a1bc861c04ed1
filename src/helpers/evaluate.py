"""Score the pipeline's tables against gold annotations (``data/gold/<doc_id>.json``).

Scores are micro precision, recall and F1 over (document, item) pairs, per field:
``countries`` (ISO3), ``blocs``, ``persons`` (canonical full names), ``tallies``
((stance, count) of delegation counts) and ``stances`` ((actor, stance)). Items listed in a
field's ``*_optional`` list are neither required nor penalised. Only documents that have a
gold file and were analysed (status ``ok``) are scored.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

FIELDS = ("countries", "blocs", "persons", "tallies", "stances")
Item = tuple[str, ...] | str


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


def gold_items(g: dict, field: str) -> tuple[set[Item], set[Item]]:
    """(required, optional) items of one gold document for one field."""
    def conv(items: Iterable) -> set[Item]:
        out: set[Item] = set()
        for it in items or ():
            if field == "tallies":
                out.add((str(it["stance"]), str(int(it["count"]))))
            elif field == "stances":
                out.add((str(it["actor"]), str(it["stance"])))
            else:
                out.add(str(it))
        return out
    return conv(g.get(field, [])), conv(g.get(f"{field}_optional", []))


def predicted_items(entities: pd.DataFrame, tallies: pd.DataFrame,
                    stances: pd.DataFrame) -> dict[str, dict[str, set[Item]]]:
    """``{field: {doc_id: items}}`` from the contract tables."""
    out: dict[str, dict[str, set[Item]]] = {f: {} for f in FIELDS}
    for field, label in (("countries", "COUNTRY"), ("blocs", "BLOC"), ("persons", "PERSON")):
        sub = entities[entities["label"] == label]
        for doc_id, grp in sub.groupby("doc_id"):
            out[field][str(doc_id)] = {str(c) for c in grp["canonical"].dropna()}
    sub = tallies[tallies["subject"] == "delegations"]
    for doc_id, grp in sub.groupby("doc_id"):
        out["tallies"][str(doc_id)] = {(str(s), str(int(c))) for s, c in
                                       zip(grp["stance"], grp["count"], strict=True)}
    for doc_id, grp in stances.groupby("doc_id"):
        out["stances"][str(doc_id)] = {(str(a), str(s)) for a, s in
                                       zip(grp["actor"], grp["stance"], strict=True)}
    return out


def compare(gold: dict[str, dict], predicted: dict[str, dict[str, set[Item]]],
            doc_ids: Iterable[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score table and error list.

    Returns:
        ``(scores, errors)``: scores has one row per field (documents, tp, fp, fn,
        precision, recall, f1); errors one row per miss or false alarm (field, doc_id, item,
        error).
    """
    docs = [d for d in doc_ids if d in gold]
    rows, errs = [], []
    for field in FIELDS:
        tp = fp = fn = 0
        for d in docs:
            req, opt = gold_items(gold[d], field)
            pred = predicted[field].get(d, set())
            tp += len(pred & req)
            for it in sorted(pred - req - opt, key=str):
                fp += 1
                errs.append({"field": field, "doc_id": d, "item": _fmt(it),
                             "error": "false alarm"})
            for it in sorted(req - pred, key=str):
                fn += 1
                errs.append({"field": field, "doc_id": d, "item": _fmt(it), "error": "miss"})
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        rows.append({"field": field, "documents": len(docs), "tp": tp, "fp": fp, "fn": fn,
                     "precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)})
    return (pd.DataFrame(rows),
            pd.DataFrame(errs, columns=["field", "doc_id", "item", "error"]))


def _fmt(item: Item) -> str:
    return " / ".join(item) if isinstance(item, tuple) else item


def evaluate_run(out_dir: str | Path, gold_dir: str | Path,
                 fields: Iterable[str] = FIELDS) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score a finished run folder against a gold folder (the tables must exist)."""
    from helpers.contract import COLUMNS, read_table

    def table(name: str) -> pd.DataFrame:
        if (Path(out_dir) / "tables" / f"{name}.csv").exists():
            return read_table(out_dir, name)
        return pd.DataFrame(columns=COLUMNS[name])  # a stage not run yet scores nothing

    docs = read_table(out_dir, "documents")
    ok = docs.loc[docs["status"] == "ok", "doc_id"].tolist()
    pred = predicted_items(table("entities"), table("tallies"), table("stances"))
    scores, errors = compare(load_gold(gold_dir), pred, ok)
    fields = list(fields)
    return (scores[scores["field"].isin(fields)].reset_index(drop=True),
            errors[errors["field"].isin(fields)].reset_index(drop=True))
