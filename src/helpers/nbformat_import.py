"""Import ``nbformat`` (and with it ``jsonschema``) without the IRI syntax checker.

``jsonschema`` registers a format check for IRIs when ``rfc3987_syntax`` is installed (it is:
JupyterLab's event schemas ask for it), and importing that package builds a Lark parser for
the RFC 3987 grammar: about 1 s, paid by the runner before its first notebook could start.
No notebook schema uses the ``iri`` format, so while ``jsonschema``'s format checks are
imported ``rfc3987_syntax`` is made unimportable (``jsonschema`` skips that one check), and
importable again straight after. Import this module before papermill, nbformat or nbconvert;
importing it again, or after ``jsonschema`` was imported elsewhere, does nothing.
"""

from __future__ import annotations

from helpers.lean_import import import_holding_back


def import_nbformat() -> None:
    """Import ``nbformat`` and ``jsonschema``'s format checks (once per process) with
    ``rfc3987_syntax`` held back."""
    import_holding_back(("jsonschema", "nbformat", "nbformat.validator"), "rfc3987_syntax")


import_nbformat()
