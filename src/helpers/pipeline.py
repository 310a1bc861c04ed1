"""Run the four notebooks headless with papermill: ``python -m helpers.pipeline``.

Usage::

    python -m helpers.pipeline --corpus seeds --out reports
    python -m helpers.pipeline --corpus /data/articles --out /tmp/run1 -p subject_country KHM

Every notebook gets the same parameters, runs with kernel ``python3`` from the notebooks'
folder, and is written executed to ``OUT/notebooks/`` with an HTML copy; the source
notebooks are never touched. The run stops at the first failing notebook, naming it and the
error. ``OUT/manifest.json`` records parameters, input files (sha256), package versions and
the duration of each notebook.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from helpers import __version__, repo_root
from helpers.contract import atomic_write_bytes, atomic_write_text

NOTEBOOKS = ("01_clean.ipynb", "02_entities.ipynb", "03_tallies.ipynb", "04_compare.ipynb")
RECORDED_PACKAGES = ("tallybook-helpers", "pandas", "numpy", "matplotlib", "seaborn", "nltk",
                     "papermill", "nbconvert", "ipykernel", "jupyterlab", "pycountry",
                     "charset-normalizer", "text2num", "tqdm", "beautifulsoup4")


class NotebookFailed(RuntimeError):
    """A notebook raised; the message names the notebook and the error."""


@dataclass
class NotebookRun:
    name: str
    status: str
    seconds: float
    error: str = ""


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def input_files(corpus: Path) -> list[dict[str, Any]]:
    """Every file the run reads from the corpus folder, with size and sha256."""
    out = []
    for p in sorted(corpus.iterdir(), key=lambda p: p.name):
        if p.is_file() and (p.suffix.lower() == ".txt" or p.name == "metadata.csv"):
            out.append({"name": p.name, "bytes": p.stat().st_size, "sha256": _sha256(p)})
    return out


def package_versions() -> dict[str, str]:
    """Versions of the packages the analysis depends on."""
    out = {"python": platform.python_version()}
    for name in RECORDED_PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def resolve(path: str | os.PathLike[str], base: Path) -> Path:
    """An absolute path: ``path`` itself if absolute, else relative to ``base``."""
    p = Path(path).expanduser()
    return (p if p.is_absolute() else base / p).resolve()


def export_html(nb_path: Path, html_path: Path) -> None:
    """Write an HTML copy of an executed notebook (nbconvert's lab template)."""
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(nb_path, as_version=4)
    body, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    atomic_write_text(html_path, body)


def run_notebook(src: Path, dest: Path, parameters: dict[str, Any], *, cwd: Path,
                 kernel_name: str = "python3") -> NotebookRun:
    """Execute one notebook into ``dest`` (written atomically; the source is not touched).

    Raises:
        NotebookFailed: the notebook raised; the partly executed copy is still written.
    """
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.stem}.", suffix=".ipynb", dir=dest.parent)
    os.close(fd)
    t0 = time.perf_counter()
    try:
        pm.execute_notebook(str(src), tmp, parameters=parameters, kernel_name=kernel_name,
                            cwd=str(cwd), progress_bar=False, log_output=False)
    except PapermillExecutionError as exc:
        os.replace(tmp, dest)
        msg = f"{src.name} failed in cell {exc.exec_count}: {exc.ename}: {exc.evalue}"
        raise NotebookFailed(msg) from exc
    except Exception as exc:
        Path(tmp).unlink(missing_ok=True)
        raise NotebookFailed(f"{src.name} could not run: {type(exc).__name__}: {exc}") from exc
    os.replace(tmp, dest)
    return NotebookRun(src.name, "ok", round(time.perf_counter() - t0, 2))


def run_pipeline(corpus: Path, out: Path, *, notebooks_dir: Path | None = None,
                 extra_parameters: dict[str, Any] | None = None, html: bool = True,
                 only: list[str] | None = None, progress: bool = True) -> dict[str, Any]:
    """Run the notebooks in order on ``corpus`` into ``out`` and write the manifest.

    Args:
        corpus: folder of ``.txt`` articles (``metadata.csv`` optional).
        out: run folder; ``tables/``, ``figures/`` and ``notebooks/`` go under it.
        notebooks_dir: where the source notebooks are (default: the repository's).
        extra_parameters: more parameters, passed to every notebook.
        html: also write an HTML copy of each executed notebook.
        only: run only these notebooks (names or numeric prefixes), in order.
        progress: show a progress bar.

    Returns:
        The manifest (also written to ``out/manifest.json``).

    Raises:
        NotebookFailed: the first notebook that failed; the manifest says so too.
    """
    from tqdm.auto import tqdm

    from helpers.kernel import KERNEL_NAME, ensure_kernel, kernel_env

    notebooks_dir = notebooks_dir or repo_root() / "notebooks"
    if not corpus.is_dir():
        raise NotebookFailed(f"corpus folder not found: {corpus}")
    ensure_kernel()
    os.environ.update({"JUPYTER_PATH": kernel_env()["JUPYTER_PATH"]})
    parameters: dict[str, Any] = {"corpus_dir": str(corpus), "out_dir": str(out)}
    parameters.update(extra_parameters or {})
    names = list(NOTEBOOKS)
    if only:
        names = [n for n in names if any(n == o or n.startswith(o) for o in only)]
    manifest: dict[str, Any] = {
        "tallybook": __version__, "status": "running", "parameters": parameters,
        "kernel": KERNEL_NAME, "corpus": {"path": str(corpus), "files": input_files(corpus)},
        "packages": package_versions(), "notebooks": [],
    }
    out.mkdir(parents=True, exist_ok=True)
    t_all = time.perf_counter()
    bar = tqdm(names, desc="tallybook", unit="notebook", disable=not progress)
    try:
        for name in bar:
            bar.set_postfix_str(name)
            src = notebooks_dir / name
            dest = out / "notebooks" / name
            try:
                run = run_notebook(src, dest, parameters, cwd=notebooks_dir,
                                   kernel_name=KERNEL_NAME)
            except NotebookFailed as exc:
                manifest["notebooks"].append({"name": name, "status": "failed",
                                              "error": str(exc)})
                manifest["status"] = f"failed at {name}"
                raise
            manifest["notebooks"].append({"name": name, "status": run.status,
                                          "seconds": run.seconds})
            if html:
                export_html(dest, dest.with_suffix(".html"))
        manifest["status"] = "ok"
    finally:
        bar.close()
        manifest["seconds"] = round(time.perf_counter() - t_all, 2)
        atomic_write_bytes(out / "manifest.json",
                           (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
                           .encode("utf-8"))
    return manifest


def _parse_value(raw: str) -> Any:
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        return raw


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m helpers.pipeline", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default="seeds", help="folder of .txt articles")
    ap.add_argument("--out", default="reports", help="run folder for tables, figures, notebooks")
    ap.add_argument("--base", default=".", help="folder that relative paths start from")
    ap.add_argument("-p", "--parameter", nargs=2, action="append", default=[],
                    metavar=("NAME", "VALUE"), help="extra notebook parameter (JSON or text)")
    ap.add_argument("--only", action="append", help="run only this notebook (e.g. 01)")
    ap.add_argument("--no-html", action="store_true", help="skip the HTML copies")
    ap.add_argument("--engine", choices=("local", "dask"),
                    help="where stages 01-03 process documents: local processes (default) or dask")
    ap.add_argument("--workers", type=int, help="worker processes (default: all cores)")
    ap.add_argument("--scheduler", help="dask scheduler address, e.g. tcp://host:8786 "
                                        "(default: a LocalCluster on this machine)")
    args = ap.parse_args(argv)
    base = Path(args.base).resolve()
    corpus, out = resolve(args.corpus, base), resolve(args.out, base)
    extra = {k: _parse_value(v) for k, v in args.parameter}
    for name in ("engine", "workers", "scheduler"):
        if getattr(args, name) is not None:
            extra[name] = getattr(args, name)
    try:
        manifest = run_pipeline(corpus, out, extra_parameters=extra, html=not args.no_html,
                                only=args.only)
    except NotebookFailed as exc:
        print(f"tallybook: {exc}", file=sys.stderr)
        print(f"tallybook: see {out / 'notebooks'} and {out / 'manifest.json'}", file=sys.stderr)
        return 1
    for n in manifest["notebooks"]:  # what each stage reused from OUT/cache and what it redid
        summary = out / "cache" / f"summary-{n['name'][:2]}.txt"
        if summary.exists():
            print(summary.read_text(encoding="utf-8"), end="")
    secs = ", ".join(f"{n['name']} {n['seconds']}s" for n in manifest["notebooks"])
    print(f"tallybook: {len(manifest['notebooks'])} notebooks ok ({secs}); results in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
