"""Start-up cost: the stage modules import NLTK without SciPy's statistics, which stay
importable for the modules that need them."""

from __future__ import annotations

import subprocess
import sys

CHECK = """
import sys
import helpers.stages, helpers.clean, helpers.entities, helpers.tallies
assert "nltk" in sys.modules
assert "scipy.stats" not in sys.modules, "scipy.stats was imported"
from nltk.tokenize.punkt import PunktSentenceTokenizer
print(PunktSentenceTokenizer().tokenize("One sentence here. Another one there."))
import scipy.stats
assert scipy.stats.fisher_exact([[1, 2], [3, 4]])[1] > 0
print("ok")
"""


def test_stage_modules_do_not_import_scipy_stats_yet_it_still_imports():
    out = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["['One sentence here.', 'Another one there.']", "ok"]


CHECK_RUNNER = """
import sys
import helpers.pipeline
import nbformat
assert "rfc3987_syntax" not in sys.modules, "rfc3987_syntax was imported"
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
nbformat.validate(nb)
try:
    nbformat.validate({"nbformat": 4})
except nbformat.ValidationError:
    print("invalid notebook refused")
import rfc3987_syntax
assert rfc3987_syntax.is_valid_syntax(term="iri", value="https://example.org/x")
print("ok")
"""


def test_runner_imports_nbformat_without_the_iri_parser_which_still_imports():
    out = subprocess.run([sys.executable, "-c", CHECK_RUNNER], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["invalid notebook refused", "ok"]
