"""Import NLTK without importing SciPy's statistics.

NLTK's package ``__init__`` imports its collocation metrics, which import
``scipy.stats.fisher_exact`` (about 1.2 s: most of the time a notebook kernel or worker needs
to start) for one association measure tallybook never uses. The metrics module has its own
fallback when SciPy is missing, so while NLTK is imported ``scipy.stats`` is made
unimportable, and importable again straight after (seaborn and datasketch import SciPy
normally). Import this module before anything from ``nltk``; importing it again, or after
NLTK was imported elsewhere, does nothing.
"""

from __future__ import annotations

from helpers.lean_import import import_holding_back


def import_nltk() -> None:
    """Import ``nltk`` (once per process) with ``scipy.stats`` held back."""
    import_holding_back(("nltk",), "scipy.stats")


import_nltk()
