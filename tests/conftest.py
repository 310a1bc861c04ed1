from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


def run_stages(corpus: Path, out: Path) -> Path:
    """Stages 01-03 on a corpus folder, without Jupyter (fast)."""
    from helpers import stages

    stages.run_clean(corpus, out, progress=False)
    stages.run_entities(out, progress=False)
    stages.run_tallies(out, progress=False)
    return out


@pytest.fixture(scope="session")
def seed_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run_stages(SEEDS, tmp_path_factory.mktemp("seed_run"))
