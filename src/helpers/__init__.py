"""tallybook helpers: the tested logic behind the four notebooks.

Modules by stage: :mod:`helpers.clean` (01), :mod:`helpers.entities` (02),
:mod:`helpers.tallies` and :mod:`helpers.stances` (03), :mod:`helpers.charts` and
:mod:`helpers.explore` (04); :mod:`helpers.contract` holds the table columns and writers,
:mod:`helpers.pipeline` runs the notebooks headless.
"""

from __future__ import annotations

import os
from pathlib import Path

__version__ = "0.1.0"


def data_dir() -> Path:
    """Folder of reference data (word lists, aliases, gold).

    ``TALLYBOOK_DATA`` overrides it; otherwise the ``data/`` folder of the repository this
    package was installed from (editable install, src layout).
    """
    env = os.environ.get("TALLYBOOK_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "data"


def repo_root() -> Path:
    """Root of the repository the package was installed from."""
    return Path(__file__).resolve().parents[2]
