from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from helpers.evaluate import compare, evaluate_run, load_gold, predicted_items


def test_scores_count_optional_items_as_neutral():
    gold = {"a": {"countries": ["KHM", "CHN"], "countries_optional": ["CHE"],
                  "tallies": [{"stance": "all", "count": 39}], "stances": []}}
    ents = pd.DataFrame({"doc_id": ["a"] * 4, "label": ["COUNTRY"] * 4,
                         "canonical": ["KHM", "CHE", "USA", "KHM"]})
    tallies = pd.DataFrame({"doc_id": ["a", "a"], "subject": ["delegations", "pages"],
                            "stance": ["all", "unspecified"], "count": [39, 39]})
    stances = pd.DataFrame({"doc_id": ["a"], "actor": ["CHN"], "stance": ["supportive"]})
    scores, errors = compare(gold, predicted_items(ents, tallies, stances), ["a", "b"])
    c = scores.set_index("field").loc["countries"]
    # KHM right, CHE optional, USA false alarm, CHN missed
    assert (c.tp, c.fp, c.fn) == (1, 1, 1)
    assert c.precision == pytest.approx(0.5) and c.f1 == pytest.approx(0.5)
    t = scores.set_index("field").loc["tallies"]
    assert (t.tp, t.fp, t.fn, t.f1) == (1, 0, 0, 1.0)
    s = scores.set_index("field").loc["stances"]
    assert (s.tp, s.fp, s.fn, s.precision) == (0, 1, 0, 0.0)
    assert set(map(tuple, errors[["field", "item", "error"]].to_numpy())) == {
        ("countries", "USA", "false alarm"), ("countries", "CHN", "miss"),
        ("stances", "CHN / supportive", "false alarm")}


def test_seed_gold_is_well_formed(root: Path):
    gold = load_gold(root / "data" / "gold")
    seeds = {p.stem for p in (root / "seeds").glob("*.txt")}
    assert set(gold) == seeds
    for doc_id, g in gold.items():
        assert g["doc_id"] == doc_id and g["subject_country"] == "KHM"
        for t in g["tallies"]:
            assert t["stance"] in ("all", "favourable", "critical", "neutral")
        for st in g["stances"]:
            assert st["stance"] in ("supportive", "critical", "neutral")
            assert st["actor"] != g["subject_country"]
        json.dumps(g)


def test_seed_scores_meet_the_bar(seed_run: Path, root: Path):
    scores, errors = evaluate_run(seed_run, root / "data" / "gold")
    f1 = dict(zip(scores["field"], scores["f1"], strict=True))
    assert f1["countries"] >= 0.98 and f1["blocs"] >= 0.98 and f1["persons"] >= 0.95
    assert f1["tallies"] == 1.0 and f1["stances"] >= 0.90, errors
