"""Import a package with one of its optional dependencies held back (see
:mod:`helpers.nltk_import` and :mod:`helpers.nbformat_import`)."""

from __future__ import annotations

import importlib
import sys


def import_holding_back(modules: tuple[str, ...], held: str) -> None:
    """Import ``modules`` (in order) with ``held`` unimportable meanwhile, and importable
    again straight after. Does nothing when the first of ``modules`` is imported already
    (the hold would come too late)."""
    if modules[0] in sys.modules:
        return
    hold = held not in sys.modules
    if hold:
        sys.modules[held] = None  # type: ignore[assignment]  # import -> ImportError
    try:
        for name in modules:
            importlib.import_module(name)
    finally:
        if hold and sys.modules.get(held, False) is None:
            del sys.modules[held]
