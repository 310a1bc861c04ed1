"""The runner: lock on OUT, honest manifest, signals, parameters per notebook, messages.

The end-to-end cases run a tiny notebook made here (one cell that can wait) instead of the
real pipeline, so each costs a kernel start, not a full run.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from helpers.pipeline import (
    LOCK_NAME,
    RunLocked,
    acquire_lock,
    declared_parameters,
    discover_notebooks,
    main,
    parameters_for,
    pid_alive,
    relativise_notebook,
)


def _notebook(path: Path, parameters: str, *cells: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    p = nbformat.v4.new_code_cell(parameters)
    p.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# tiny"), p,
                *(nbformat.v4.new_code_cell(c) for c in cells)]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


# The test notebook: writes its kernel's pid to OUT/started.json, then waits `wait_s` seconds.
WAIT_CELL = (
    "import json, os, time\n"
    "from pathlib import Path\n"
    "Path(out_dir).mkdir(parents=True, exist_ok=True)\n"
    "(Path(out_dir) / 'started.json').write_text(json.dumps({'pid': os.getpid()}))\n"
    "time.sleep(wait_s)\n"
    "(Path(out_dir) / 'done.txt').write_text('done')\n")


@pytest.fixture()
def waiting(tmp_path: Path) -> tuple[Path, Path, Path]:
    """(notebooks folder, corpus, out) for a run whose one notebook waits."""
    nbs = tmp_path / "nbs"
    _notebook(nbs / "01_wait.ipynb",
              'corpus_dir = "corpus"\nout_dir = "out"\nwait_s = 60.0', WAIT_CELL)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Of the 10 delegations present, 7 spoke in favour.", "utf-8")
    return nbs, corpus, tmp_path / "out"


def _start(nbs: Path, corpus: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "helpers.pipeline", "--corpus", str(corpus), "--out", str(out),
         "--notebooks", str(nbs), "--no-html"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for(path: Path, proc: subprocess.Popen, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.read_text():
            return json.loads(path.read_text())
        if proc.poll() is not None:
            pytest.fail(f"run ended early ({proc.returncode}): {proc.stderr.read()[-2000:]}")
        time.sleep(0.1)
    proc.kill()
    pytest.fail(f"{path.name} did not appear within {timeout} s")


def _gone(pid: int, timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not pid_alive(pid):
            return True
        try:  # a zombie still answers kill(0); count it as gone
            if Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] == "Z":
                return True
        except OSError:
            return True
        time.sleep(0.1)
    return False


def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


# --- lock -------------------------------------------------------------------------------------


def test_second_lock_on_the_same_out_is_refused_and_names_the_holder(tmp_path: Path):
    first = acquire_lock(tmp_path, "first run")
    held = json.loads((tmp_path / LOCK_NAME).read_text())
    assert held["pid"] == os.getpid() and held["command"] == "first run"
    with pytest.raises(RunLocked, match=rf"pid {os.getpid()}\b"):
        acquire_lock(tmp_path, "second run")
    first.release()
    assert not (tmp_path / LOCK_NAME).exists()
    again = acquire_lock(tmp_path)  # free again, and no stale holder to report
    assert again.took_over is None
    again.release()
    again.release()  # twice is harmless


def test_stale_lock_of_a_dead_process_is_taken_over(tmp_path: Path):
    dead = _dead_pid()
    (tmp_path / LOCK_NAME).write_text(json.dumps({"pid": dead, "started": "earlier"}))
    lock = acquire_lock(tmp_path)
    assert lock.took_over == {"pid": dead, "started": "earlier"}
    assert json.loads((tmp_path / LOCK_NAME).read_text())["pid"] == os.getpid()
    lock.release()


def test_lock_in_another_process_is_refused(tmp_path: Path):
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from pathlib import Path; from helpers.pipeline import acquire_lock;"
         f"acquire_lock(Path({str(tmp_path)!r}), 'holder'); print('held', flush=True);"
         "time.sleep(60)"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(RunLocked, match=rf"pid {holder.pid}\b"):
            acquire_lock(tmp_path)
    finally:
        holder.kill()
        holder.wait()
    lock = acquire_lock(tmp_path)  # the kernel dropped the dead holder's lock
    assert lock.took_over["pid"] == holder.pid
    lock.release()


# --- parameters and paths ---------------------------------------------------------------------


def test_each_notebook_gets_only_what_it_declares(tmp_path: Path):
    nb = _notebook(tmp_path / "01_x.ipynb",
                   'corpus_dir: str = "c"  # corpus\nterm: str = "favour"\nn: int = 3', "n")
    declared = declared_parameters(nb)
    assert list(declared) == ["corpus_dir", "term", "n"]
    assert declared["n"]["default"] == "3"
    offered = {"corpus_dir": "../seeds", "out_dir": "../reports", "term": "Covid",
               "engine": "local"}
    assert parameters_for(declared, offered) == {"corpus_dir": "../seeds", "term": "Covid"}


def test_pipeline_notebooks_are_numbered_and_in_order(tmp_path: Path):
    for name in ("02_b.ipynb", "10_z.ipynb", "01_a.ipynb", "scratch.ipynb", "1_bad.ipynb"):
        (tmp_path / name).write_text("{}")
    assert discover_notebooks(tmp_path) == ["01_a.ipynb", "02_b.ipynb", "10_z.ipynb"]


def test_repository_notebooks_declare_what_they_use(root: Path):
    # every declared parameter is read somewhere in the notebook's own code
    for name in ("01_clean.ipynb", "02_entities.ipynb"):
        nb = nbformat.read(root / "notebooks" / name, as_version=4)
        code = "\n".join(c.source for c in nb.cells if c.cell_type == "code"
                         and "parameters" not in c.metadata.get("tags", []))
        for param in declared_parameters(root / "notebooks" / name):
            assert param in code, (name, param)


def test_executed_notebook_loses_the_absolute_paths(tmp_path: Path):
    nb = {"cells": [{"cell_type": "code", "source": 'out_dir = "../../x/out"\n',
                     "outputs": [{"output_type": "stream", "name": "stdout",
                                  "text": ["corpus: /home/ann/corpus\n",
                                           "out:    /home/ann/x/out\n",
                                           "see /home/ann/x/outside/f.txt\n"]},
                                 {"output_type": "display_data",
                                  "data": {"image/png": "/home/ann/x/out"}}]}],
          "metadata": {"papermill": {"input_path": "/repo/notebooks/01.ipynb",
                                     "output_path": "/home/ann/x/out/.01.tmp.ipynb",
                                     "parameters": {"out_dir": "../../x/out"},
                                     "environment_variables": {"HOME": "/home/ann"}}},
          "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(nb))
    relativise_notebook(path, {"/home/ann/corpus": "../corpus", "/home/ann/x/out": "../x/out"},
                        input_path="01.ipynb", output_path="../x/out/notebooks/01.ipynb")
    got = json.loads(path.read_text())
    cell = got["cells"][0]
    assert cell["source"] == 'out_dir = "../../x/out"\n'  # already relative: untouched
    assert cell["outputs"][0]["text"] == ["corpus: ../corpus\n", "out:    ../x/out\n",
                                          "see /home/ann/x/outside/f.txt\n"]
    assert cell["outputs"][1]["data"]["image/png"] == "/home/ann/x/out"  # images untouched
    meta = got["metadata"]["papermill"]
    assert meta["input_path"] == "01.ipynb"
    assert meta["output_path"] == "../x/out/notebooks/01.ipynb"
    assert "environment_variables" not in meta


def test_missing_corpus_fails_before_writing_anything(tmp_path: Path, capsys):
    out = tmp_path / "out"
    assert main(["--corpus", str(tmp_path / "nope"), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"corpus folder not found: {tmp_path / 'nope'}" in err
    assert "see" not in err and not out.exists()


# --- whole runs (a kernel each) -------------------------------------------------------------


@pytest.mark.slow
def test_contended_then_terminated_run(waiting, capsys):
    nbs, corpus, out = waiting
    proc = _start(nbs, corpus, out)
    try:
        kernel = _wait_for(out / "started.json", proc)["pid"]
        m = json.loads((out / "manifest.json").read_text())
        assert m["status"] == "running" and m["run"]["pid"] == proc.pid
        assert m["notebooks"] == [{"name": "01_wait.ipynb", "status": "running",
                                   "parameters": {"corpus_dir": "../corpus",
                                                  "out_dir": "../out"}}]
        # a second run into the same OUT stops at once and names the first
        t0 = time.monotonic()
        assert main(["--corpus", str(corpus), "--out", str(out), "--notebooks", str(nbs)]) == 2
        assert time.monotonic() - t0 < 10
        err = capsys.readouterr().err
        assert f"another run is writing into {out} (pid {proc.pid}" in err
        assert json.loads((out / "manifest.json").read_text())["run"]["pid"] == proc.pid
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 128 + signal.SIGTERM, stderr
    assert "interrupted by SIGTERM" in stderr
    m = json.loads((out / "manifest.json").read_text())
    assert m["status"] == "interrupted" and m["interrupted_by"] == "SIGTERM"
    assert m["notebooks"][0]["status"] == "interrupted" and m["run"]["finished"]
    assert not (out / LOCK_NAME).exists()
    assert _gone(kernel), "the kernel outlived the run"
    assert not (out / "done.txt").exists()
    assert not list((out / "notebooks").glob(".*"))  # no half-written notebook left


@pytest.mark.slow
def test_killed_run_is_reported_by_the_next(waiting, capsys):
    nbs, corpus, out = waiting
    proc = _start(nbs, corpus, out)
    try:
        _wait_for(out / "started.json", proc)
        started = json.loads((out / "manifest.json").read_text())["run"]["started"]
        proc.kill()  # kill -9: no handler runs
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert json.loads((out / "manifest.json").read_text())["status"] == "running"
    assert (out / LOCK_NAME).exists()
    code = main(["--corpus", str(corpus), "--out", str(out), "--notebooks", str(nbs),
                 "--no-html", "--set", "wait_s=0"])
    err = capsys.readouterr().err
    assert code == 0, err
    assert f"took over the lock of pid {proc.pid}" in err
    assert f"previous run into this folder (pid {proc.pid}, started {started}) did not finish" \
        in err
    m = json.loads((out / "manifest.json").read_text())
    assert m["status"] == "ok" and m["run"]["pid"] == os.getpid()
    assert m["previous_run"]["status"] == "did not finish"
    assert (m["previous_run"]["pid"], m["previous_run"]["started"]) == (proc.pid, started)
    assert m["previous_run"]["last_notebook"] == "01_wait.ipynb"
    assert m["parameters"] == {"corpus_dir": "../corpus", "out_dir": "../out", "wait_s": 0}
    assert (out / "done.txt").exists() and not (out / LOCK_NAME).exists()


@pytest.mark.slow
def test_error_names_notebook_cell_and_input_file(tmp_path: Path, capsys):
    nbs = tmp_path / "nbs"
    _notebook(nbs / "01_ok.ipynb", 'out_dir = "out"', "x = 1")
    _notebook(nbs / "02_bad.ipynb", 'corpus_dir = "corpus"\nunused = 1',
              "from pathlib import Path\n"
              "for f in sorted(Path(corpus_dir).glob('*.txt')):\n"
              "    if 'broken' in f.name:\n"
              "        raise ValueError(f'cannot read {f.resolve()}')")
    _notebook(nbs / "03_never.ipynb", 'out_dir = "out"', "x = 1")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "fine.txt").write_text("fine", "utf-8")
    (corpus / "broken doc.txt").write_text("broken", "utf-8")
    out = tmp_path / "out"
    code = main(["--corpus", str(corpus), "--out", str(out), "--notebooks", str(nbs),
                 "--no-html", "--set", "nobody=1"])
    err = capsys.readouterr().err
    assert code == 1
    assert "no notebook declares parameter 'nobody'; ignored" in err
    assert "[1/3] 01_ok.ipynb" in err
    assert "02_bad.ipynb failed in cell 3 (In [3]): from pathlib import Path" in err
    assert "ValueError: cannot read" in err
    assert "input file: ../corpus/broken doc.txt" in err
    assert "Passed unknown parameter" not in err and "encryption" not in err
    assert f"see {out / 'notebooks' / '02_bad.ipynb'} and {out / 'manifest.json'}" in err
    m = json.loads((out / "manifest.json").read_text())
    assert m["status"] == "failed at 02_bad.ipynb" and m["ignored_parameters"] == ["nobody"]
    assert [n["status"] for n in m["notebooks"]] == ["ok", "failed"]
    assert m["notebooks"][1]["parameters"] == {"corpus_dir": "../corpus"}
    assert not (out / "notebooks" / "03_never.ipynb").exists()
    executed = (out / "notebooks" / "02_bad.ipynb").read_text()
    assert str(tmp_path) not in executed  # the traceback's path was made relative


@pytest.mark.slow
def test_ctrl_c_marks_the_run_interrupted(waiting):
    nbs, corpus, out = waiting
    proc = _start(nbs, corpus, out)
    try:
        kernel = _wait_for(out / "started.json", proc)["pid"]
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 128 + signal.SIGINT, stderr
    m = json.loads((out / "manifest.json").read_text())
    assert (m["status"], m["interrupted_by"]) == ("interrupted", "SIGINT")
    assert not (out / LOCK_NAME).exists() and _gone(kernel)


def test_readme_commands_run_from_anywhere(tmp_path: Path):
    # the installed console script and `python -m` from the environment, outside the repo
    script = Path(sys.executable).parent / "tallybook"
    for argv in ([str(script)], [sys.executable, "-m", "helpers.pipeline"]):
        res = subprocess.run([*argv, "--corpus", "missing", "--out", "o"], cwd=tmp_path,
                             capture_output=True, text=True, timeout=60)
        assert res.returncode == 1, res.stderr
        assert res.stderr.strip() == f"tallybook: corpus folder not found: {tmp_path / 'missing'}"
        assert not (tmp_path / "o").exists()


# --- notebooks side by side --------------------------------------------------------------

# Waits (up to 60 s) for another notebook's file, so the run only ends if both ran at once.
MEET_CELL = (
    "import time\n"
    "from pathlib import Path\n"
    "Path(out_dir).mkdir(parents=True, exist_ok=True)\n"
    "(Path(out_dir) / mine).write_text('here')\n"
    "deadline = time.monotonic() + 60\n"
    "while not (Path(out_dir) / theirs).exists():\n"
    "    assert time.monotonic() < deadline, f'{theirs} never appeared'\n"
    "    time.sleep(0.05)\n")


def _needs(path: Path, *prefixes: str) -> None:
    nb = nbformat.read(path, as_version=4)
    nb.metadata["tallybook"] = {"needs": list(prefixes)}
    nbformat.write(nb, path)


def test_notebook_needs_default_to_every_earlier_one(tmp_path: Path):
    from helpers.pipeline import notebook_needs

    plain = _notebook(tmp_path / "04_a.ipynb", 'out_dir = "out"', "x = 1")
    assert notebook_needs(plain, ["01_x", "02_y", "03_z"]) == ["01_x", "02_y", "03_z"]
    side = _notebook(tmp_path / "05_b.ipynb", 'out_dir = "out"', "x = 1")
    _needs(side, "01", "03")
    assert notebook_needs(side, ["01_x", "02_y", "03_z", "04_a"]) == ["01_x", "03_z"]
    # the repository's explorer runs beside 04_compare, after the stages
    root = Path(__file__).resolve().parents[1] / "notebooks"
    assert notebook_needs(root / "05_explore.ipynb", discover_notebooks(root)[:4]) == [
        "01_clean.ipynb", "02_entities.ipynb", "03_tallies.ipynb"]


@pytest.mark.slow
def test_independent_notebooks_run_side_by_side_and_report_in_order(tmp_path: Path, capsys):
    nbs = tmp_path / "nbs"
    _notebook(nbs / "01_first.ipynb", 'out_dir = "out"', "x = 1")
    # 02 cannot finish before 03 has started, and 03 ends first: lines still come 1, 2, 3
    _notebook(nbs / "02_slow.ipynb", 'out_dir = "out"\nmine = "a"\ntheirs = "b"', MEET_CELL,
              "time.sleep(1.5)")
    _needs(_notebook(nbs / "03_side.ipynb", 'out_dir = "out"\nmine = "b"\ntheirs = "a"',
                     MEET_CELL), "01")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    out = tmp_path / "out"
    code = main(["--corpus", str(corpus), "--out", str(out), "--notebooks", str(nbs)])
    err = capsys.readouterr().err
    assert code == 0, err
    lines = [ln for ln in err.splitlines() if "] 0" in ln]
    assert [ln.split("] ")[1].split()[0] for ln in lines] == [
        "01_first.ipynb", "02_slow.ipynb", "03_side.ipynb"]
    m = json.loads((out / "manifest.json").read_text())
    assert m["status"] == "ok"
    assert [(n["name"], n["status"]) for n in m["notebooks"]] == [
        ("01_first.ipynb", "ok"), ("02_slow.ipynb", "ok"), ("03_side.ipynb", "ok")]
    for name in ("01_first", "02_slow", "03_side"):
        assert (out / "notebooks" / f"{name}.html").stat().st_size > 1000
    assert not list((out / "notebooks").glob(".*"))


@pytest.mark.slow
def test_a_failure_stops_the_notebooks_after_it(tmp_path: Path, capsys):
    nbs = tmp_path / "nbs"
    _notebook(nbs / "01_first.ipynb", 'out_dir = "out"', "x = 1")
    _notebook(nbs / "02_bad.ipynb", 'out_dir = "out"\nmine = "a"\ntheirs = "b"', MEET_CELL,
              "raise ValueError('no tables')")
    _needs(_notebook(nbs / "03_side.ipynb", 'out_dir = "out"',
                     "import time\nfrom pathlib import Path\n"
                     "(Path(out_dir) / 'b').write_text('here')\ntime.sleep(60)"), "01")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    out = tmp_path / "out"
    t0 = time.monotonic()
    code = main(["--corpus", str(corpus), "--out", str(out), "--notebooks", str(nbs),
                 "--no-html"])
    err = capsys.readouterr().err
    assert code == 1 and time.monotonic() - t0 < 50  # 03 was stopped, not waited for
    assert "02_bad.ipynb failed in cell 4 (In [4]): raise ValueError('no tables')" in err
    assert re.search(r"\[2/3\] 02_bad\.ipynb +FAILED", err) and "03_side.ipynb " not in err
    assert "Kernel died" not in err  # stopping 03 is no news to the user
    m = json.loads((out / "manifest.json").read_text())
    assert m["status"] == "failed at 02_bad.ipynb"
    assert [(n["name"], n["status"]) for n in m["notebooks"]] == [
        ("01_first.ipynb", "ok"), ("02_bad.ipynb", "failed"), ("03_side.ipynb", "stopped")]
    assert m["notebooks"][2]["error"] == "stopped: 02_bad.ipynb failed"
    assert not (out / "notebooks" / "03_side.ipynb").exists()
    assert not list((out / "notebooks").glob(".*"))


def test_notebook_imports_are_read_from_the_code_cells(tmp_path: Path):
    from helpers.pipeline import notebook_imports

    nb = _notebook(tmp_path / "01_x.ipynb", 'out_dir = "out"',
                   "import json, os.path as osp\nfrom helpers import charts, explore  # both\n"
                   "def f():\n    import csv\n    from . import y",
                   "from collections import (OrderedDict)\nx = 'import re'")
    assert notebook_imports(nb) == ["json", "os.path", "helpers", "helpers.charts",
                                    "helpers.explore", "collections",
                                    "collections.OrderedDict"]


@pytest.mark.slow
def test_prestarted_kernel_leaves_no_trace_in_the_notebook(tmp_path: Path):
    """A kernel started (and warmed up with the notebook's imports) before its turn runs the
    notebook as a fresh kernel does: execution counts from 1, the same names bound; only the
    modules were imported ahead."""
    from helpers.pipeline import NotebookJob, run_notebook

    src = _notebook(tmp_path / "nbs" / "01_x.ipynb", 'out_dir = "out"',
                    "import sys\nprint('colorsys' in sys.modules, 'helpers.charts' in sys.modules)",
                    "import colorsys\nfrom helpers import charts\n"
                    "print(charts._shared_subset.cache_info().currsize > 0)",
                    "print(sorted(k for k in globals() if not k.startswith('_')))")
    cold = tmp_path / "cold" / "01_x.ipynb"
    run_notebook(src, cold, {"out_dir": "out"}, cwd=src.parent)
    warm = tmp_path / "warm" / "01_x.ipynb"
    job = NotebookJob(src, warm, {"out_dir": "out"}, cwd=src.parent).prestart()
    time.sleep(3)  # the kernel starts and imports meanwhile
    job.start()
    while not job.done():
        time.sleep(0.05)
    assert job.finish().status == "ok"
    runs = [[c for c in nbformat.read(p, as_version=4).cells if c.cell_type == "code"]
            for p in (cold, warm)]
    for code in runs:
        assert [c.execution_count for c in code] == [1, 2, 3, 4, 5]
    assert runs[0][2].outputs[0]["text"] == "False False\n"
    assert runs[1][2].outputs[0]["text"] == "True True\n"  # imported ahead
    # charts.warm_up ran in the prestarted kernel (it saved a PDF: the shared font subset)
    assert [r[3].outputs[0]["text"] for r in runs] == ["False\n", "True\n"]
    assert runs[0][4].outputs[0]["text"] == runs[1][4].outputs[0]["text"]
    assert "colorsys" in runs[1][4].outputs[0]["text"]


COUNT_CELL = (
    "from pathlib import Path\n"
    "(Path(out_dir) / 'tables').mkdir(parents=True, exist_ok=True)\n"
    "(Path(out_dir) / 'tables' / 'x.csv').write_text('term\\n' + term + '\\n')\n"
    "with (Path(out_dir) / 'executions.log').open('a') as fh:\n"
    "    fh.write('ran\\n')\n")


@pytest.mark.slow
def test_unchanged_run_has_nothing_to_redo_and_anything_changed_runs_again(
        tmp_path: Path, capsys):
    nbs = tmp_path / "nbs"
    _notebook(nbs / "01_count.ipynb", 'corpus_dir = "corpus"\nout_dir = "out"\nterm = "a"',
              COUNT_CELL)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Of the 10 delegations present, 7 spoke in favour.", "utf-8")
    out = tmp_path / "out"
    args = ["--corpus", str(corpus), "--out", str(out), "--notebooks", str(nbs), "--no-html"]

    def run(*extra: str) -> tuple[int, str]:
        assert main([*args, *extra]) == 0
        said = capsys.readouterr()
        return len((out / "executions.log").read_text().splitlines()), said.out + said.err

    assert run()[0] == 1
    n, said = run()
    assert n == 1 and "nothing to redo" in said and "REDO=1" in said
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "ok" and manifest["outputs"]["tables/x.csv"] == 7
    (corpus / "a.txt").write_text("Of the 12 delegations present, 7 spoke in favour.", "utf-8")
    assert run()[0] == 2  # a corpus file changed
    assert run()[0] == 2
    assert run("--redo")[0] == 3  # asked to
    (out / "tables" / "x.csv").unlink()
    assert run()[0] == 4  # an output is missing
    assert run("--set", "term=bb")[0] == 5  # another parameter
    assert (out / "tables" / "x.csv").read_text() == "term\nbb\n"
    assert run("--set", "term=bb")[0] == 5
    (corpus / "b.txt").write_text("Twelve states spoke.", "utf-8")
    assert run("--set", "term=bb")[0] == 6  # a file added


def test_input_files_hashes_a_file_again_only_when_its_stat_changed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import hashlib

    from helpers import pipeline

    corpus, memo = tmp_path / "corpus", tmp_path / "out" / "cache" / "file-hashes.json"
    corpus.mkdir()
    old = 1_600_000_000_000_000_000
    for name, text in (("a.txt", "first"), ("b.txt", "second"), ("c.txt", "third")):
        (corpus / name).write_text(text, encoding="utf-8")
        os.utime(corpus / name, ns=(old, old))
    hashed: list[str] = []
    real = pipeline._sha256

    def counted(path: Path) -> str:
        hashed.append(path.name)
        return real(path)

    monkeypatch.setattr(pipeline, "_sha256", counted)
    first = pipeline.input_files(corpus, memo)
    assert hashed == ["a.txt", "b.txt", "c.txt"]
    assert first[1]["sha256"] == hashlib.sha256(b"second").hexdigest()

    hashed.clear()
    (corpus / "b.txt").write_text("SECOND", encoding="utf-8")  # same size, new time
    (corpus / "d.txt").write_text("just now", encoding="utf-8")  # too recent to remember
    again = pipeline.input_files(corpus, memo)
    assert hashed == ["b.txt", "d.txt"]
    assert again[1]["sha256"] == hashlib.sha256(b"SECOND").hexdigest()
    assert again[0] == first[0] and again[2] == first[2]
    hashed.clear()
    pipeline.input_files(corpus, memo)
    assert hashed == ["b.txt", "d.txt"]  # both changed within the last two seconds
    for broken in ("[1, 2]", "{not json", json.dumps({"a.txt": [1, 2, 3, 4]})):
        memo.write_text(broken, encoding="utf-8")  # a damaged memo: everything hashed
        hashed.clear()
        assert pipeline.input_files(corpus, memo)[0] == first[0]
        assert hashed == ["a.txt", "b.txt", "c.txt", "d.txt"]
