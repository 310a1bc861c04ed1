"""Run the numbered notebooks headless with papermill (``tallybook``).

Usage (from the repository, after ``make env``)::

    .venv/bin/tallybook --corpus seeds --out reports
    .venv/bin/python -m helpers.pipeline --corpus /data/articles --out /tmp/run1 \\
        --set subject_country=KHM --set term=Covid

Every ``notebooks/NN_name.ipynb`` runs in order with kernel ``python3`` from the notebooks'
folder and is written executed to ``OUT/notebooks/`` with an HTML copy; the source notebooks
are never touched. Each notebook gets only the parameters its ``parameters`` cell declares;
a ``--set`` name that no notebook declares is reported and ignored. Paths handed to the
notebooks, and printed in them, are relative to the notebooks' folder.

One run per OUT: ``OUT/.tallybook.lock`` names the running process; a second run into the
same OUT stops at once. ``OUT/manifest.json`` says ``running`` from the start and ``ok``,
``failed`` or ``interrupted`` at the end (Ctrl-C and SIGTERM stop the kernel, release the lock
and exit non-zero). A run killed outright leaves ``running``; the next run says so and records
it under ``previous_run``. The manifest also records the parameters, the input files (sha256),
package versions and the duration of each notebook.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import functools
import hashlib
import json
import logging
import os
import platform
import re
import shlex
import shutil
import signal
import socket
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import helpers.nbformat_import  # noqa: F401  (before papermill: nbformat without the IRI parser)

# isort: split
from helpers import __version__, repo_root
from helpers.contract import atomic_write_bytes, atomic_write_text

# The pipeline is every notebook named NN_<name>.ipynb in notebooks/, in numeric order
# (01_clean, 02_entities, 03_tallies, 04_compare, and any later one such as 05_explore).
NOTEBOOK_NAME = re.compile(r"^\d{2}_[\w-]+\.ipynb$")  # two digits, underscore, a name
LOCK_NAME = ".tallybook.lock"
RECORDED_PACKAGES = ("tallybook-helpers", "pandas", "numpy", "matplotlib", "seaborn", "nltk",
                     "papermill", "nbconvert", "ipykernel", "jupyterlab", "pycountry",
                     "charset-normalizer", "text2num", "tqdm", "beautifulsoup4")
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")  # terminal colour codes in IPython tracebacks


def discover_notebooks(folder: Path) -> list[str]:
    """The pipeline's notebooks in ``folder``: ``NN_name.ipynb``, in order.

    Args:
        folder: the notebooks folder.

    Returns:
        File names sorted by name (so by their two-digit prefix).
    """
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if NOTEBOOK_NAME.match(p.name))


NOTEBOOKS: tuple[str, ...] = tuple(discover_notebooks(repo_root() / "notebooks"))


class PipelineError(RuntimeError):
    """The run could not start or did not finish; the message says why, for the user."""


class NotebookFailed(PipelineError):
    """A notebook raised; the message names the notebook, the cell and the error."""


class RunLocked(PipelineError):
    """Another live run holds the lock on this OUT."""


class RunInterrupted(PipelineError):
    """SIGINT or SIGTERM arrived during the run."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(f"interrupted by {signal.Signals(signum).name}")


@dataclass
class NotebookRun:
    """Outcome of one executed notebook."""

    name: str
    status: str
    seconds: float
    error: str = ""


# ---------------------------------------------------------------------------------------------
# Lock: one run per OUT


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists (on this host)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


@dataclass
class RunLock:
    """A held lock on a run folder (``OUT/.tallybook.lock``).

    Attributes:
        path: the lock file.
        info: what this run wrote into it (pid, host, started, command).
        took_over: what a previous holder that died without releasing it had written, if any.
    """

    path: Path
    info: dict[str, Any]
    took_over: dict[str, Any] | None = None
    _fd: int = field(default=-1, repr=False)

    def release(self) -> None:
        """Remove the lock file and let go of the lock (safe to call twice)."""
        if self._fd < 0:
            return
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)  # unlink while still holding the lock, then close
        os.close(self._fd)
        self._fd = -1


def _read_lock(fd: int) -> dict[str, Any]:
    os.lseek(fd, 0, os.SEEK_SET)
    raw = os.read(fd, 65536)
    try:
        info = json.loads(raw.decode("utf-8")) if raw.strip() else {}
    except (UnicodeDecodeError, json.JSONDecodeError):
        info = {"unreadable": raw[:200].decode("utf-8", "replace")}
    return info if isinstance(info, dict) else {}


def acquire_lock(out: Path, command: str = "") -> RunLock:
    """Take the lock on ``out`` or stop at once if a live run holds it.

    The lock is an ``flock`` on ``OUT/.tallybook.lock``: the kernel releases it when its holder
    dies, however it dies, so a lock left behind by a killed run is taken over (and
    :attr:`RunLock.took_over` says whose it was).

    Args:
        out: the run folder (created if needed).
        command: the command line, recorded in the lock file for whoever finds it.

    Returns:
        The held lock; call :meth:`RunLock.release` when the run ends.

    Raises:
        RunLocked: another process holds it; the message names its pid and start time.
    """
    import fcntl

    out.mkdir(parents=True, exist_ok=True)
    path = out / LOCK_NAME
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                os.close(fd)
                raise
            holder = _read_lock(fd)
            os.close(fd)
            who = f"pid {holder.get('pid', '?')}"
            if holder.get("host"):
                who += f" on {holder['host']}"
            since = f", started {holder['started']}" if holder.get("started") else ""
            raise RunLocked(
                f"another run is writing into {out} ({who}{since}); wait for it to finish or "
                f"choose another --out") from None
        # the holder may have unlinked the file between our open() and flock(): then the lock
        # we hold is on a file nobody else will see, so start again on the current one
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    previous = _read_lock(fd)
    info = {"pid": os.getpid(), "host": socket.gethostname(), "started": _now(),
            "command": command}
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, (json.dumps(info) + "\n").encode("utf-8"))
    os.fsync(fd)
    return RunLock(path, info, took_over=previous or None, _fd=fd)


# ---------------------------------------------------------------------------------------------
# Inputs, parameters, paths


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def input_files(corpus: Path, memo: Path | None = None) -> list[dict[str, Any]]:
    """Every readable file in the corpus folder (hidden files aside), with size and sha256.

    ``memo`` (a JSON file, ``OUT/cache/file-hashes.json`` for the runner) remembers each
    file's sha256 with its device, inode, size and modification time; a file whose four are
    unchanged is not hashed again — the way git's index notices changed files. A file
    modified in the last two seconds is not remembered (it may change again within the
    same clock tick).
    """
    from helpers.cache import settled, stat_signature

    known: dict[str, list[Any]] = {}
    if memo is not None and memo.is_file():
        try:
            known = json.loads(memo.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            known = {}
        if not isinstance(known, dict):
            known = {}
    remembered: dict[str, list[Any]] = {}
    out = []
    for p in sorted(corpus.iterdir(), key=lambda p: p.name):
        if p.name.startswith(".") or not p.is_file():
            continue
        try:
            sig = list(stat_signature(p.stat()))
            was = known.get(p.name)  # by name: the inode tells a copy from the file
            sha = (was[4] if isinstance(was, list) and len(was) == 5 and was[:4] == sig
                   else _sha256(p))
            if settled(tuple(sig)):
                remembered[p.name] = [*sig, sha]
            out.append({"name": p.name, "bytes": sig[2], "sha256": sha})
        except OSError as exc:
            out.append({"name": p.name, "error": f"{type(exc).__name__}: {exc.strerror}"})
    if memo is not None and remembered != known:
        with contextlib.suppress(OSError):  # not written: only a slower next run
            atomic_write_text(memo, json.dumps(remembered))
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


def relative_to(path: Path, start: Path) -> str:
    """``path`` written relative to ``start`` (``..`` allowed); absolute only across drives."""
    try:
        return os.path.relpath(path, start)
    except ValueError:  # another drive on Windows: no relative form exists
        return str(path)


def declared_parameters(notebook: Path) -> dict[str, dict[str, Any]]:
    """The parameters a notebook's ``parameters`` cell declares (papermill's inspection).

    Returns:
        Name -> ``{"type": ..., "default": ..., "help": ...}``, in declaration order.
    """
    import papermill as pm

    found = pm.inspect_notebook(str(notebook))
    return {name: {"type": p.get("inferred_type_name"), "default": p.get("default"),
                   "help": p.get("help", "")} for name, p in found.items()}


def parameters_for(declared: dict[str, Any], offered: dict[str, Any]) -> dict[str, Any]:
    """The offered parameters this notebook declares, in the offered order."""
    return {k: v for k, v in offered.items() if k in declared}


def _relativise(value: Any, pairs: list[tuple[re.Pattern[str], str]]) -> Any:
    """Replace each absolute path by its relative form in every string of a JSON value."""
    if isinstance(value, str):
        for pattern, new in pairs:
            value = pattern.sub(lambda _m, new=new: new, value)
        return value
    if isinstance(value, list):
        return [_relativise(v, pairs) for v in value]
    if isinstance(value, dict):
        return {k: (v if k.startswith("image/") else _relativise(v, pairs))
                for k, v in value.items()}
    return value


def relativise_notebook(path: Path, replacements: dict[str, str], *, input_path: str,
                        output_path: str) -> None:
    """Rewrite an executed notebook so it names the run's folders relatively.

    Printed paths (``corpus: /home/...``), tracebacks and papermill's metadata otherwise carry
    the user's absolute paths into the report and its HTML copy.

    Args:
        path: the executed notebook (rewritten in place, atomically).
        replacements: absolute path -> relative form; longer paths are replaced first.
        input_path: what papermill's metadata should give as the source notebook.
        output_path: what it should give as the executed notebook.
    """
    nb = json.loads(path.read_text(encoding="utf-8"))
    # a whole absolute path: not inside "../../tmp/x" (already relative), not a prefix of a
    # longer name ("/a/out" in "/a/outside"); a following "/" or punctuation is fine
    pairs = [(re.compile(r"(?<![\w.~/-])" + re.escape(k) + r"(?![\w-])"), v)
             for k, v in sorted(replacements.items(), key=lambda kv: -len(kv[0]))
             if k not in ("", "/")]
    nb["cells"] = _relativise(nb["cells"], pairs)
    pm_meta = nb.get("metadata", {}).get("papermill")
    if isinstance(pm_meta, dict):
        pm_meta["input_path"], pm_meta["output_path"] = input_path, output_path
        pm_meta["parameters"] = _relativise(pm_meta.get("parameters", {}), pairs)
        pm_meta.pop("environment_variables", None)
    atomic_write_text(path, json.dumps(nb, indent=1, ensure_ascii=False) + "\n")


@functools.lru_cache(maxsize=1)
def _html_exporter() -> Any:
    """One nbconvert exporter per process: its templates and filters are set up once."""
    from nbconvert import HTMLExporter

    return HTMLExporter(template_name="lab")


def _warm_html() -> None:
    """Set up the exporter and compile its templates (about 2 s) on an empty notebook, so
    the first real copy does not wait for it."""
    import nbformat

    _html_exporter().from_notebook_node(nbformat.v4.new_notebook())


def export_html(nb_path: Path, html_path: Path) -> None:
    """Write an HTML copy of an executed notebook (nbconvert's lab template)."""
    import nbformat

    nb = nbformat.read(nb_path, as_version=4)
    body, _ = _html_exporter().from_notebook_node(nb)
    atomic_write_text(html_path, body)


# ---------------------------------------------------------------------------------------------
# Executing one notebook


def _describe_failure(src: Path, exc: Any, input_names: list[str], corpus_rel: str) -> str:
    """One message naming the notebook, the cell, the error and (if named) the input file."""
    source = str(getattr(exc, "source", "") or "")
    first = next((ln.strip() for ln in source.splitlines() if ln.strip()), "")
    if len(first) > 70:
        first = first[:67] + "..."
    cell = getattr(exc, "cell_index", None)
    where = f"cell {cell}" if cell is not None else "a cell"
    if getattr(exc, "exec_count", None):
        where += f" (In [{exc.exec_count}])"
    msg = f"{src.name} failed in {where}"
    if first:
        msg += f": {first}"
    msg += f"\n  {exc.ename}: {exc.evalue}"
    text = ANSI.sub("", "\n".join(getattr(exc, "traceback", []) or []) + "\n" + str(exc.evalue))
    named = [n for n in input_names if n in text]
    if named:
        msg += "\n  input file: " + ", ".join(f"{corpus_rel}/{n}" for n in named[:3])
    return msg


def _kernel_config(tmpdir: Path) -> Any:
    """Kernel manager settings: talk to the kernel over local IPC sockets, not TCP.

    With TCP, ipykernel prints "Kernel is running over TCP without encryption" at every start;
    Unix-domain sockets in a private folder are neither reachable from the network nor noisy.
    The connection file and the sockets live in ``tmpdir``, so concurrent runs never collide.
    """
    from traitlets.config import Config

    if os.name == "nt" or len(str(tmpdir)) > 80:  # no IPC on Windows; socket paths are short
        return Config()
    return Config({"KernelManager": {"transport": "ipc", "ip": str(tmpdir / "k"),
                                     "connection_file": str(tmpdir / "kernel.json")}})


def _stop_kernel(km: Any) -> None:
    """Terminate a kernel process started by ``km`` (used when the run is interrupted)."""
    proc = getattr(getattr(km, "provisioner", None), "process", None)
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except Exception:
        proc.kill()
        with contextlib.suppress(Exception):
            proc.wait(timeout=5)


def _recording_kernel_manager(started: list[Any], stderr_path: Path,
                              cwd: Path | None = None) -> type:
    """A kernel manager class that records its instances and sends kernel stderr to a file.

    nbclient still creates, owns and shuts down the kernel as usual; the list (of managers and
    the log files they opened) lets the runner stop the kernel itself if the run is
    interrupted, and close the files. The kernel's own log (stderr) goes to
    ``stderr_path`` so the runner can show what matters and drop the noise of a normal
    shutdown (see :func:`_kernel_log_lines`).
    """
    from jupyter_client.manager import AsyncKernelManager

    class RecordingKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            started.append(self)

        def start_kernel(self, **kw: Any) -> Any:
            sink = stderr_path.open("ab")  # the kernel keeps its own copy of the descriptor
            started.append(sink)
            kw.setdefault("stderr", sink)
            if cwd is not None:  # the kernel's own working folder; the runner's is untouched
                kw["cwd"] = str(cwd)
            return super().start_kernel(**kw)

    return RecordingKernelManager


# Kernel log lines that a normal run produces and that tell the user nothing: jupyter_client
# interrupts a kernel before shutting it down, and ipykernel logs that interrupt.
# (The TCP "without encryption" warning is not filtered: its cause is removed instead, see
# _kernel_config, and it stays visible where TCP must be used.)
KERNEL_NOISE = re.compile(r"KeyboardInterrupt caught in kernel")


def _kernel_log_lines(path: Path) -> list[str]:
    """What a kernel wrote to stderr, less the noise of a normal shutdown."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    return [ln for ln in text.splitlines() if ln.strip() and not KERNEL_NOISE.search(ln)]


# A top-level import statement in a code cell: "import a, b.c as d" or "from a.b import c, d".
_IMPORT_LINE = re.compile(r"^(?:import\s+([\w., ]+?)|from\s+([\w.]+)\s+import\s+\(?([\w, ]+?)\)?)"
                          r"\s*(?:#.*)?$", re.MULTILINE)


def notebook_imports(notebook: Path) -> list[str]:
    """The modules a notebook's code cells import at top level (``from a import b`` gives
    ``a`` and ``a.b``, which may or may not be a module), in order, each once."""
    try:
        cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError):
        return []
    found: list[str] = []
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        src = "".join(cell.get("source", []))
        for m in _IMPORT_LINE.finditer(src):
            if m.group(1):
                found += [p.split(" as ")[0].strip() for p in m.group(1).split(",")]
            else:
                names = [p.split(" as ")[0].strip() for p in m.group(3).split(",")]
                found += [m.group(2), *(f"{m.group(2)}.{n}" for n in names if n)]
    return list(dict.fromkeys(f for f in found if f and not f.startswith(".")))


async def _awaited(awaitable: Any) -> Any:
    """``await`` it (for jupyter_core's run_sync, which takes coroutine functions)."""
    return await awaitable


def _warm_up(km: Any, modules: list[str], timeout: float = 120,
             on_ready: Any = None) -> None:
    """Import ``modules`` in the kernel, silently: no name is bound in its namespace, nothing
    is recorded in its history, the execution count does not move; a module that fails to
    import is skipped (the notebook's own import then says why). A ``helpers`` module with a
    ``warm_up(names)`` function (:func:`helpers.stages.warm_up`) has it called too, with the
    names the notebook imports from it. Waits for the kernel to answer first, then calls
    ``on_ready()``."""
    from jupyter_core.utils import run_sync

    code = ("exec(compile(" + repr(
        "import importlib\n"
        f"for _m in {modules!r}:\n"
        "    try:\n"
        "        _mod = importlib.import_module(_m)\n"
        "        if _m.startswith('helpers.') and callable(getattr(_mod, 'warm_up', None)):\n"
        f"            _mod.warm_up([n[len(_m) + 1:] for n in {modules!r} "
        "if n.startswith(_m + '.')])\n"
        "    except Exception:\n"
        "        pass\n") + ", '<tallybook warm-up>', 'exec'), {})")
    kc = km.client()
    kc.start_channels()
    try:
        run_sync(_awaited)(kc.wait_for_ready(timeout=timeout))
        if on_ready is not None:
            on_ready()
        if modules:
            run_sync(_awaited)(kc.execute_interactive(code, silent=True, store_history=False,
                                                      timeout=timeout,
                                                      output_hook=lambda msg: None))
    finally:
        kc.stop_channels()


class NotebookJob:
    """One notebook executing in a worker thread (papermill), started and collected apart.

    papermill runs in a worker thread, so the main thread keeps its own SIGINT/SIGTERM
    handlers (nbclient installs its own only in the main thread, and resets them to the
    defaults afterwards), and several notebooks can run at once (see :func:`run_pipeline`).
    The executed notebook is written to a hidden file beside ``dest`` and moved into place
    only when :meth:`finish` collects it.
    """

    def __init__(self, src: Path, dest: Path, parameters: dict[str, Any], *, cwd: Path,
                 kernel_name: str = "python3", input_names: list[str] | None = None,
                 corpus_rel: str = "") -> None:
        self.src, self.dest, self.parameters, self.cwd = src, dest, parameters, cwd
        self.kernel_name, self.input_names, self.corpus_rel = (kernel_name, input_names or [],
                                                               corpus_rel)
        self.kernels: list[Any] = []  # kernel managers and the log files they opened
        self.outcome: dict[str, BaseException] = {}
        self.worker: Any = None
        self.tmp = ""
        self.kdir = Path()
        self.t0 = 0.0
        self.prestarted = False
        self.cancelled = False
        self._go: Any = None
        self._executed: Any = None  # set when the notebook has run (ok or not)
        self._ready: Any = None
        self._collected: Any = None  # set by finish()/stop(): the kernel may go

    def _launch(self) -> None:
        import threading

        self.dest.parent.mkdir(parents=True, exist_ok=True)
        fd, self.tmp = tempfile.mkstemp(prefix=f".{self.dest.stem}.", suffix=".ipynb",
                                        dir=self.dest.parent)
        os.close(fd)
        self.kdir = Path(tempfile.mkdtemp(prefix="tb-"))  # short: Unix socket paths are limited
        self._go = threading.Event()
        self._executed, self._collected = threading.Event(), threading.Event()
        self._ready = threading.Event()  # the kernel answers
        self.worker = threading.Thread(target=self._work, name=f"papermill {self.src.name}",
                                       daemon=True)
        self.worker.start()

    def prestart(self) -> NotebookJob:
        """Start the kernel now and import the modules the notebook imports, then wait:
        :meth:`start` executes the notebook on this kernel (returns at once).

        Used for the next notebook while the current one runs, so its kernel start-up and
        imports overlap the work before it. The warm-up runs silently (no execution count,
        no history) and binds no name in the kernel's namespace.
        """
        self.prestarted = True
        self._launch()
        return self

    def start(self) -> NotebookJob:
        """Start executing (returns at once)."""
        self.t0 = time.perf_counter()
        if self.worker is None:
            self._launch()
        self._go.set()
        return self

    def _work(self) -> None:
        import papermill as pm
        from jupyter_core.utils import run_sync

        km = None
        try:
            km_class = _recording_kernel_manager(self.kernels, self.kdir / "kernel.log",
                                                 self.cwd)
            config = _kernel_config(self.kdir)
            km = km_class(kernel_name=self.kernel_name, config=config)
            run_sync(_awaited)(km.start_kernel())
            _warm_up(km, notebook_imports(self.src) if self.prestarted else [],
                     on_ready=self._ready.set)
            self._go.wait()
            if self.cancelled:
                return
            # no cwd= for papermill: it would chdir the whole process, which notebooks
            # running side by side must not do; the kernel manager starts the kernel there.
            # The notebook is written once, when it ends (ok or not), not at every cell's
            # start and end: nobody sees the hidden copy before finish() moves it into place.
            pm.execute_notebook(str(self.src), self.tmp, parameters=self.parameters,
                                kernel_name=self.kernel_name, progress_bar=False,
                                log_output=False, config=config, kernel_manager_class=km_class,
                                km=km, request_save_on_cell_execute=False)
        except BaseException as exc:
            self.outcome["error"] = exc
        finally:
            self._executed.set()
            # the kernel (which nbclient leaves running: it was given one) is shut down once
            # the notebook is collected, off the run's critical path: the next notebook
            # starts meanwhile
            self._collected.wait()
            if km is not None and not self.cancelled:
                with contextlib.suppress(Exception):
                    run_sync(_awaited)(km.shutdown_kernel())

    def ready(self) -> bool:
        """Whether the kernel has started and answers (or the job has ended)."""
        return self._ready is not None and (self._ready.is_set() or self._executed.is_set())

    def done(self) -> bool:
        """Whether the notebook has finished (ok or not)."""
        return self._executed is not None and self._executed.is_set()

    def wait(self, timeout: float) -> None:
        """Wait up to ``timeout`` seconds for the notebook to finish."""
        self._executed.wait(timeout)

    def close(self) -> None:
        """After :meth:`finish`: wait until the kernel is shut down, remove its files."""
        if self.worker is not None:
            self.worker.join()
        self._close_logs()
        shutil.rmtree(self.kdir, ignore_errors=True)

    def _close_logs(self) -> None:
        for fh in self.kernels:
            if hasattr(fh, "close"):
                fh.close()

    def stop(self) -> None:
        """Stop the kernel, wait for the worker, and remove what it wrote (nothing is kept)."""
        self.cancelled = True
        if self._go is not None:
            self._go.set()
            self._collected.set()
        for km in self.kernels:
            _stop_kernel(km)
        if self.worker is not None:
            self.worker.join(10)
        self._close_logs()
        if self.tmp:
            Path(self.tmp).unlink(missing_ok=True)
        shutil.rmtree(self.kdir, ignore_errors=True)

    def finish(self) -> NotebookRun:
        """Collect a finished notebook: move it into place, show what its kernel logged.

        Raises:
            NotebookFailed: the notebook raised; the partly executed copy is still written.
        """
        from papermill.exceptions import PapermillExecutionError

        self._executed.wait()
        seconds = round(time.perf_counter() - self.t0, 2)
        for line in _kernel_log_lines(self.kdir / "kernel.log"):
            print(f"tallybook: {self.src.name} kernel: {line}", file=sys.stderr)
        self._collected.set()  # the worker shuts the kernel down; close() waits for it
        exc = self.outcome.get("error")
        if isinstance(exc, PapermillExecutionError):
            os.replace(self.tmp, self.dest)
            raise NotebookFailed(_describe_failure(self.src, exc, self.input_names,
                                                   self.corpus_rel)) from exc
        if exc is not None:
            Path(self.tmp).unlink(missing_ok=True)
            raise NotebookFailed(f"{self.src.name} could not run: {type(exc).__name__}: "
                                 f"{exc}") from exc
        os.replace(self.tmp, self.dest)
        return NotebookRun(self.src.name, "ok", seconds)


def run_notebook(src: Path, dest: Path, parameters: dict[str, Any], *, cwd: Path,
                 kernel_name: str = "python3", input_names: list[str] | None = None,
                 corpus_rel: str = "") -> NotebookRun:
    """Execute one notebook into ``dest`` (written atomically; the source is not touched).

    Raises:
        NotebookFailed: the notebook raised; the partly executed copy is still written.
        RunInterrupted: SIGINT/SIGTERM arrived; the kernel is stopped, nothing is written.
    """
    job = NotebookJob(src, dest, parameters, cwd=cwd, kernel_name=kernel_name,
                      input_names=input_names, corpus_rel=corpus_rel)
    try:
        job.start()
        while not job.done():
            job.wait(0.2)
    except BaseException:  # RunInterrupted from the signal handler, or KeyboardInterrupt
        job.stop()
        raise
    try:
        return job.finish()
    finally:
        job.close()


# ---------------------------------------------------------------------------------------------
# The run


def notebook_needs(notebook: Path, earlier: list[str]) -> list[str]:
    """The notebooks of this run that must finish before ``notebook`` starts.

    By default every earlier one. A notebook whose metadata says
    ``"tallybook": {"needs": ["01", "02", "03"]}`` waits only for the earlier notebooks whose
    names start with one of those prefixes, so it may run beside the others (05_explore reads
    the tables of 01-03 and nothing 04_compare writes).
    """
    try:
        meta = json.loads(notebook.read_text(encoding="utf-8")).get("metadata", {})
    except (OSError, ValueError):
        return list(earlier)
    wanted = meta.get("tallybook", {}).get("needs") if isinstance(meta, dict) else None
    if not isinstance(wanted, list):
        return list(earlier)
    return [n for n in earlier if any(n.startswith(str(w)) for w in wanted)]


# At most this many notebooks execute at once (each has its own kernel process).
MAX_PARALLEL = 2
# Kernels of notebooks still to come started ahead: on a small corpus a kernel's start,
# imports and warm-up (2 s) take longer than stage 02 or 03, so three start at once; on a
# larger one a single spare keeps up, and an idle kernel would hold its memory (150 MB) for
# a whole stage.
SMALL_CORPUS_BYTES = 5_000_000


def spare_kernels(corpus_bytes: int) -> int:
    """How many kernels to start ahead for a corpus of ``corpus_bytes``."""
    return 3 if corpus_bytes <= SMALL_CORPUS_BYTES else 1


def _run_scheduled(names: list[str], needs: dict[str, list[str]], *, out: Path,
                   manifest: dict[str, Any], run_one: Any, parameters: dict[str, Any],
                   collect: Any, html: bool, quiet: bool, prestart: int = 1) -> None:
    """Execute ``names``, each once the notebooks it needs have finished, and record them.

    The manifest lists the notebooks in their order, each ``running`` from its start; the
    progress lines come one per notebook, in notebook order, whatever order they finish in.
    While notebooks run, the kernels of the next ``prestart`` ones are started
    (:meth:`NotebookJob.prestart`; 0: none).
    The HTML copies are written in a background thread while the next notebooks run. When a
    notebook fails, nothing new starts, the notebooks after it that are running are stopped
    (``stopped``), those before it finish, and the first failure in notebook order is raised.

    Args:
        run_one: name -> a :class:`NotebookJob` (not started).
        collect: called on each executed notebook's path before its HTML copy is made.
    """
    from concurrent.futures import ThreadPoolExecutor

    order = {n: i for i, n in enumerate(names)}
    entries: dict[str, dict[str, Any]] = {}
    running: dict[str, NotebookJob] = {}
    spares: dict[str, NotebookJob] = {}  # prestarted: kernel up, waiting for their turn
    done: set[str] = set()
    lines: dict[str, str] = {}
    failures: dict[str, NotebookFailed] = {}
    collected: list[NotebookJob] = []  # finished: their kernels shut down in the background
    shown = 0
    exporter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="html")
    exports = []
    if html:  # while the first notebook runs in its kernel, this process is mostly idle
        exports.append(exporter.submit(_warm_html))

    def save() -> None:
        manifest["notebooks"] = [entries[n] for n in sorted(entries, key=order.__getitem__)]
        _write_manifest(out, manifest)

    def show() -> None:
        nonlocal shown
        while shown < len(names) and names[shown] in lines:
            if lines[names[shown]]:  # a stopped notebook has no line, as if never started
                _say(lines[names[shown]], quiet)
            shown += 1

    try:
        while True:
            first_failure = min(failures, key=order.__getitem__) if failures else None
            if first_failure is None:
                for name in names:
                    if (name in entries or len(running) >= MAX_PARALLEL
                            or not all(d in done for d in needs[name])):
                        continue
                    entries[name] = {"name": name, "status": "running",
                                     "parameters": parameters[name]}
                    save()
                    running[name] = (spares.pop(name, None) or run_one(name)).start()
                # the next notebooks' kernels start (and import, and warm up) while these run
                # (once the running ones' kernels answer: their start comes first)
                upcoming = [n for n in names if n not in entries and n not in spares]
                if not all(job.ready() for job in running.values()):
                    upcoming = []
                for name in upcoming[:max(0, prestart - len(spares))]:
                    spares[name] = run_one(name).prestart()
            else:  # stop what a sequential run would not have started
                later = [n for n in running if order[n] > order[first_failure]]
                if later:  # papermill would log the stopped kernel's death as an error
                    logging.getLogger("papermill").setLevel(logging.CRITICAL)
                for name in later:
                    running.pop(name).stop()
                    entries[name].update(status="stopped",
                                         error=f"stopped: {first_failure} failed")
                    lines[name] = ""
                save()
            if not running:
                break
            finished = [n for n, job in running.items() if job.done()]
            if not finished:
                next(iter(running.values())).wait(0.1)
                continue
            for name in sorted(finished, key=order.__getitem__):
                job = running.pop(name)
                collected.append(job)
                i = order[name] + 1
                try:
                    run = job.finish()
                except NotebookFailed as exc:
                    entries[name].update(status="failed", error=str(exc))
                    if job.dest.exists():
                        collect(job.dest)
                    failures[name] = exc
                    lines[name] = f"[{i}/{len(names)}] {name:<20} FAILED"
                    continue
                collect(job.dest)
                if html:
                    exports.append(exporter.submit(export_html, job.dest,
                                                   job.dest.with_suffix(".html")))
                entries[name].update(status=run.status, seconds=run.seconds)
                done.add(name)
                lines[name] = f"[{i}/{len(names)}] {name:<20} ok  {run.seconds:5.1f} s"
            save()
            show()
        for f in exports:
            f.result()  # an HTML copy that could not be written fails the run
    except BaseException:
        for job in [*running.values(), *spares.values()]:
            job.stop()
        exporter.shutdown(wait=True, cancel_futures=True)
        for job in collected:
            job.close()
        raise
    for job in spares.values():  # a failure left them waiting
        job.stop()
    exporter.shutdown(wait=True)
    for job in collected:
        job.close()
    if failures:
        first = min(failures, key=order.__getitem__)
        manifest["status"] = f"failed at {first}"
        raise failures[first]


@contextlib.contextmanager
def _signals_raise() -> Iterator[None]:
    """Turn SIGINT and SIGTERM into :class:`RunInterrupted` for the duration of the run."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: Any) -> None:
        # ignore a second signal while we clean up
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise RunInterrupted(signum)

    old = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)


def _write_manifest(out: Path, manifest: dict[str, Any]) -> None:
    atomic_write_bytes(out / "manifest.json",
                       (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode())


def _previous_run(out: Path) -> dict[str, Any] | None:
    """What the last manifest in ``out`` says, if that run never finished (status running)."""
    try:
        old = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(old, dict) or old.get("status") != "running":
        return None
    run = old.get("run", {}) if isinstance(old.get("run"), dict) else {}
    return {"status": "did not finish", "pid": run.get("pid"), "host": run.get("host"),
            "started": run.get("started"),
            "last_notebook": next((n["name"] for n in reversed(old.get("notebooks", []))
                                   if isinstance(n, dict) and "name" in n), None)}


def _say(msg: str, quiet: bool) -> None:
    if not quiet:
        print(f"tallybook: {msg}", file=sys.stderr, flush=True)


def run_fingerprint(files: list[dict[str, Any]], notebooks: list[Path],
                    parameters: dict[str, dict[str, Any]], packages: dict[str, str], *,
                    html: bool) -> str:
    """A hash of everything a run's results depend on: the corpus files' names and sha256,
    the notebooks' sources, each notebook's parameters, the code and ``data/`` versions (those
    of the per-document cache), the package versions and whether HTML copies are made."""
    from helpers.cache import base_version, digest

    return digest(__version__, base_version(), packages,
                  [(f.get("name"), f.get("sha256"), f.get("error")) for f in files],
                  [(nb.name, _sha256(nb)) for nb in notebooks],
                  sorted((k, json.dumps(v, sort_keys=True, default=str))
                         for k, v in parameters.items()), html)


def _unchanged(out: Path, fingerprint: str, names: list[str]) -> dict[str, Any] | None:
    """The manifest of the last run into ``out`` if it finished ``ok`` with this fingerprint
    and the files it left (:func:`run_outputs`) are all there with their sizes; else None."""
    try:
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if (not isinstance(manifest, dict) or manifest.get("status") != "ok"
            or manifest.get("fingerprint") != fingerprint
            or [n.get("name") for n in manifest.get("notebooks", [])] != names):
        return None
    if not manifest.get("outputs") or manifest["outputs"] != run_outputs(out):
        return None  # a table, figure or executed notebook was removed, added or changed
    return manifest


def run_outputs(out: Path) -> dict[str, int]:
    """The files a run leaves in ``tables/``, ``figures/`` and ``notebooks/``, with sizes."""
    found = {}
    for sub in ("tables", "figures", "notebooks"):
        folder = out / sub
        if folder.is_dir():
            for f in sorted(folder.iterdir()):
                if f.is_file() and not f.name.startswith("."):
                    found[f"{sub}/{f.name}"] = f.stat().st_size
    return found


def run_pipeline(corpus: Path, out: Path, *, notebooks_dir: Path | None = None,
                 extra_parameters: dict[str, Any] | None = None, html: bool = True,
                 only: list[str] | None = None, progress: bool = True,
                 command: str = "", redo: bool = False) -> dict[str, Any]:
    """Run the notebooks in order on ``corpus`` into ``out`` and write the manifest.

    When the last run into ``out`` finished ``ok`` on the same corpus files, notebooks,
    parameters, code, ``data/`` and packages (:func:`run_fingerprint`) and its results are
    still there, nothing is run: the function says so and returns that run's manifest
    (``redo`` runs the notebooks anyway; their stages still reuse ``OUT/cache``).

    Args:
        corpus: folder of articles (``metadata.csv`` optional).
        out: run folder; ``tables/``, ``figures/`` and ``notebooks/`` go under it.
        notebooks_dir: where the source notebooks are (default: the repository's).
        extra_parameters: more parameters; each notebook gets those it declares.
        html: also write an HTML copy of each executed notebook.
        only: run only these notebooks (names or numeric prefixes), in order.
        progress: print one line per notebook (and warnings) on stderr.
        command: the command line, for the lock file and the manifest.
        redo: run even when nothing changed since the last successful run.

    Returns:
        The manifest (also written to ``out/manifest.json``); with ``"unchanged": True``
        added when nothing was run.

    Raises:
        PipelineError: nothing was written (missing corpus, no notebooks, OUT locked).
        NotebookFailed: the first notebook that failed; the manifest says so too.
        RunInterrupted: SIGINT/SIGTERM; the manifest says ``interrupted``.
    """
    from helpers.kernel import KERNEL_NAME, ensure_kernel, kernel_env

    quiet = not progress
    notebooks_dir = (notebooks_dir or repo_root() / "notebooks").resolve()
    # --- checks that write nothing -----------------------------------------------------------
    if not corpus.is_dir():
        what = "is not a folder" if corpus.exists() else "not found"
        raise PipelineError(f"corpus folder {what}: {corpus}")
    every = discover_notebooks(notebooks_dir)
    names = [n for n in every if not only or any(n == o or n.startswith(o) for o in only)]
    if not names:
        raise PipelineError(f"no notebooks to run in {notebooks_dir}"
                            + (f" matching {only}" if only else ""))
    corpus_rel, out_rel = relative_to(corpus, notebooks_dir), relative_to(out, notebooks_dir)
    offered: dict[str, Any] = {"corpus_dir": corpus_rel, "out_dir": out_rel}
    offered.update(extra_parameters or {})
    # unknown names are checked against every notebook, so --only 01 does not flag 04's terms
    declared = {n: declared_parameters(notebooks_dir / n) for n in every}
    ignored = [n for n in extra_parameters or {} if not any(n in d for d in declared.values())]
    for name in ignored:
        if name:
            _say(f"warning: no notebook declares parameter {name!r}; ignored "
                 f"(declared: {', '.join(sorted({k for d in declared.values() for k in d}))})",
                 quiet=False)
    needs = {n: notebook_needs(notebooks_dir / n, names[:i]) for i, n in enumerate(names)}
    ensure_kernel()
    os.environ["JUPYTER_PATH"] = kernel_env()["JUPYTER_PATH"]

    # --- from here on, OUT is ours --------------------------------------------------------
    lock = acquire_lock(out, command)
    try:
        if lock.took_over:
            t = lock.took_over
            _say(f"took over the lock of pid {t.get('pid', '?')} (started "
                 f"{t.get('started', '?')}), which is no longer running", quiet=False)
        previous = _previous_run(out)
        if previous:
            _say(f"the previous run into this folder (pid {previous['pid']}, started "
                 f"{previous['started']}) did not finish; its tables are being replaced",
                 quiet=False)
        manifest: dict[str, Any] = {
            "tallybook": __version__, "status": "running",
            "run": {"pid": os.getpid(), "host": socket.gethostname(),
                    "started": lock.info["started"], "command": command},
            "parameters": {k: v for k, v in offered.items() if k not in ignored},
            "ignored_parameters": ignored, "kernel": KERNEL_NAME,
            "corpus": {"path": corpus_rel, "files": []}, "packages": {}, "notebooks": [],
        }
        files = input_files(corpus, out / "cache" / "file-hashes.json")
        packages = package_versions()
        params = {n: parameters_for(declared[n], offered) for n in names}
        fingerprint = run_fingerprint(files, [notebooks_dir / n for n in names], params,
                                      packages, html=html)
        last = None if (redo or previous) else _unchanged(out, fingerprint, names)
        if last is not None:
            _say(f"nothing to redo: the corpus ({len(files)} files), notebooks, parameters, "
                 f"code and data are those of the run that finished "
                 f"{last.get('run', {}).get('finished', '?')}; its results in {out_rel} stand "
                 f"(--redo, or make run REDO=1, runs the notebooks again)", quiet)
            return {**last, "unchanged": True}
        manifest["fingerprint"] = fingerprint
        if previous:
            manifest["previous_run"] = previous
        _write_manifest(out, manifest)  # "running" before anything else is written
        t_all = time.perf_counter()
        with _signals_raise():
            try:
                manifest["corpus"]["files"] = files
                manifest["packages"] = packages
                input_names = [f["name"] for f in manifest["corpus"]["files"]]
                replacements = {str(out): out_rel, str(corpus): corpus_rel,
                                str(notebooks_dir): ".",
                                str(repo_root()): relative_to(repo_root(), notebooks_dir)}
                _say(f"{len(names)} notebooks on {corpus_rel} -> {out_rel} "
                     f"(paths from {relative_to(notebooks_dir, Path.cwd())}/)", quiet)
                _run_scheduled(names, needs, out=out, manifest=manifest,
                               run_one=lambda name: NotebookJob(
                                   notebooks_dir / name, out / "notebooks" / name,
                                   params[name], cwd=notebooks_dir,
                                   kernel_name=KERNEL_NAME, input_names=input_names,
                                   corpus_rel=corpus_rel),
                               parameters=params,
                               collect=lambda dest: relativise_notebook(
                                   dest, replacements, input_path=dest.name,
                                   output_path=relative_to(dest, notebooks_dir)),
                               html=html, quiet=quiet,
                               prestart=spare_kernels(sum(f.get("bytes", 0) for f in files)))
                manifest["status"] = "ok"
                manifest["outputs"] = run_outputs(out)
            except (RunInterrupted, KeyboardInterrupt) as exc:
                manifest["status"] = "interrupted"
                manifest["interrupted_by"] = (signal.Signals(exc.signum).name
                                              if isinstance(exc, RunInterrupted) else "SIGINT")
                for entry in manifest["notebooks"]:
                    if entry["status"] == "running":
                        entry["status"] = "interrupted"
                if isinstance(exc, KeyboardInterrupt):
                    raise RunInterrupted(signal.SIGINT) from exc
                raise
            except BaseException as exc:
                if manifest["status"] == "running":
                    manifest["status"] = "failed"
                    manifest["error"] = f"{type(exc).__name__}: {exc}"
                raise
            finally:
                manifest["run"]["finished"] = _now()
                manifest["seconds"] = round(time.perf_counter() - t_all, 2)
                _write_manifest(out, manifest)
    finally:
        lock.release()
    return manifest


def _parse_value(raw: str) -> Any:
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        return raw


def _existing(*paths: Path) -> list[Path]:
    return [p for p in paths if p.exists()]


def _skip_unused_imports() -> None:
    """Keep the command line from importing what the run never uses.

    nbformat validates notebooks with jsonschema, whose format checkers import
    ``rfc3987_syntax`` when it is installed; that module builds a parser at import (1.4 s).
    nbformat's schemas check no IRI format, so the checker is left out of this process (the
    kernels never import it). A process that already imported jsonschema is unaffected.
    """
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


def main(argv: list[str] | None = None) -> int:
    """Command line entry point (``tallybook`` and ``python -m helpers.pipeline``).

    Returns:
        0 on success, 1 if a notebook failed or the run could not start, 2 if OUT is locked
        by another run, 128 + signal number if interrupted.
    """
    ap = argparse.ArgumentParser(prog="tallybook", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default="seeds", help="folder of articles")
    ap.add_argument("--out", default="reports", help="run folder for tables, figures, notebooks")
    ap.add_argument("--base", default=".", help="folder that relative paths start from")
    ap.add_argument("--set", dest="sets", action="append", default=[], metavar="NAME=VALUE",
                    help="notebook parameter, VALUE as JSON or text (repeatable)")
    ap.add_argument("-p", "--parameter", nargs=2, action="append", default=[],
                    metavar=("NAME", "VALUE"), help="the same as --set NAME=VALUE")
    ap.add_argument("--only", action="append", help="run only this notebook (e.g. 01)")
    ap.add_argument("--notebooks", default=None,
                    help="folder of NN_name.ipynb notebooks (default: the repository's)")
    ap.add_argument("--no-html", action="store_true", help="skip the HTML copies")
    ap.add_argument("--redo", action="store_true",
                    help="run the notebooks even when nothing changed since the last run")
    ap.add_argument("--quiet", action="store_true",
                    help="no progress lines (warnings and errors still shown)")
    ap.add_argument("--engine", choices=("local", "dask"),
                    help="where stages 01-03 process documents: local processes (default) or dask")
    ap.add_argument("--workers", type=int, help="worker processes (default: all cores)")
    ap.add_argument("--scheduler", help="dask scheduler address, e.g. tcp://host:8786 "
                                        "(default: a LocalCluster on this machine)")
    args = ap.parse_args(argv)
    _skip_unused_imports()
    pairs = list(args.parameter)
    for s in args.sets:
        name, eq, value = s.partition("=")
        if not eq or not name.strip():
            ap.error(f"--set expects NAME=VALUE, got {s!r}")
        pairs.append((name.strip(), value))
    extra_named = {"engine": args.engine, "workers": args.workers,
                   "scheduler": args.scheduler}
    pairs += [(k, json.dumps(v)) for k, v in extra_named.items() if v is not None]
    base = Path(args.base).resolve()
    corpus, out = resolve(args.corpus, base), resolve(args.out, base)
    extra = {k: _parse_value(v) for k, v in pairs}
    prog = Path(sys.argv[0]).name
    prog = "python -m helpers.pipeline" if prog in ("pipeline.py", "__main__.py") else prog
    command = " ".join([prog, shlex.join(sys.argv[1:] if argv is None else argv)])
    try:
        nb_dir = resolve(args.notebooks, base) if args.notebooks else None
        manifest = run_pipeline(corpus, out, notebooks_dir=nb_dir, extra_parameters=extra,
                                html=not args.no_html, redo=args.redo,
                                only=args.only, progress=not args.quiet, command=command)
    except RunLocked as exc:
        print(f"tallybook: {exc}", file=sys.stderr)
        return 2
    except RunInterrupted as exc:
        print(f"tallybook: {exc}; manifest says interrupted: {out / 'manifest.json'}",
              file=sys.stderr)
        return 128 + exc.signum
    except PipelineError as exc:
        print(f"tallybook: {exc}", file=sys.stderr)
        failed = Path(str(exc).split(" ", 1)[0])
        see = _existing(out / "notebooks" / failed.name, out / "manifest.json")
        if see:
            print(f"tallybook: see {' and '.join(map(str, see))}", file=sys.stderr)
        return 1
    if manifest.get("unchanged"):
        return 0
    for n in manifest["notebooks"]:  # what each stage reused from OUT/cache and what it redid
        summary = out / "cache" / f"summary-{n['name'][:2]}.txt"
        if summary.exists():
            print(summary.read_text(encoding="utf-8"), end="")
    secs = ", ".join(f"{n['name']} {n['seconds']}s" for n in manifest["notebooks"])
    shown = relative_to(out, Path.cwd()) if out.is_relative_to(Path.cwd()) else str(out)
    print(f"tallybook: {len(manifest['notebooks'])} notebooks ok ({secs}); results in {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
