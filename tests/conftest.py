from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def seed_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Stages 01-03 on the seeds, without Jupyter (fast)."""
    from helpers import stages

    out = tmp_path_factory.mktemp("seed_run")
    stages.run_clean(SEEDS, out, progress=False)
    stages.run_entities(out, progress=False)
    stages.run_tallies(out, progress=False)
    return out
