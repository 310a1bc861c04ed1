"""The environment files agree, and the notebooks are committed the way the run contract needs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest


def _pins(text: str) -> dict[str, str]:
    out = {}
    for line in text.splitlines():
        m = re.match(r"^\s*(?:-\s+)?([A-Za-z0-9_.\-\[\]]+)==([^\s#]+)", line)
        if m:
            out[m.group(1).lower().replace("_", "-")] = m.group(2)
    return out


def test_environment_yml_matches_lock(root: Path):
    lock = _pins((root / "requirements.lock").read_text())
    env = _pins((root / "environment.yml").read_text())
    assert len(lock) > 50
    assert lock == env
    assert "python=3.11" in (root / "environment.yml").read_text()


def test_every_direct_requirement_is_pinned(root: Path):
    lock = _pins((root / "requirements.lock").read_text())
    direct = [ln.split("#")[0].strip().lower() for ln in
              (root / "requirements.in").read_text().splitlines()]
    missing = [d for d in direct if d and d.replace("_", "-") not in lock]
    assert not missing


# Each notebook declares only the parameters it uses (04 and 05 read tables, not the corpus).
_REQUIRED = {"04_compare": {"out_dir", "subject_country"},
             "05_explore": {"out_dir", "subject_country"}}


@pytest.mark.parametrize("name", ["01_clean", "02_entities", "03_tallies", "04_compare",
                                  "05_explore"])
def test_notebooks_are_clean_and_parameterised(root: Path, name: str):
    required = _REQUIRED.get(name, {"corpus_dir", "out_dir", "subject_country"})
    nb = json.loads((root / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code)
    tagged = [c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", [])]
    assert len(tagged) == 1
    src = "".join(tagged[0]["source"])
    for p in sorted(required):
        assert re.search(rf"^{p}: \w+ = .+  # ", src, re.M), p
    import nbformat
    from papermill.translators import PythonTranslator

    cell = next(c for c in nbformat.read(root / "notebooks" / f"{name}.ipynb", as_version=4).cells
                if "parameters" in c.metadata.get("tags", []))
    params = PythonTranslator.inspect(cell)  # papermill parses every line of the cell
    assert required <= {p.name for p in params}
