"""JupyterLab, started with ``make lab``'s own command line, lists the notebooks and serves /lab."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from helpers.kernel import lab_argv


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_jupyterlab_lists_the_notebooks(root: Path, tmp_path: Path):
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
               JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"))
    if shutil.which("make"):  # exactly what `make lab PORT=... TOKEN=...` runs
        from test_browser import make_lab_command

        argv = make_lab_command(root, port, token)
    else:
        argv = [sys.executable, "-m", "helpers.kernel", "lab", "--root", "notebooks",
                "--port", str(port), "--token", token]
    assert argv[2:] == ["helpers.kernel", "lab", "--root", "notebooks", "--port", str(port),
                        "--token", token]
    proc = subprocess.Popen([*argv, "--no-browser"], cwd=root, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        listing = None
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{base}/api/contents?token={token}",
                                            timeout=5) as r:
                    listing = json.load(r)
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(proc.stderr.read().decode(errors="replace")[-2000:])
                time.sleep(0.5)
        assert listing is not None, "JupyterLab did not answer within 60 s"
        names = {c["name"] for c in listing["content"]}
        assert {"01_clean.ipynb", "02_entities.ipynb", "03_tallies.ipynb",
                "04_compare.ipynb"} <= names
        with urllib.request.urlopen(f"{base}/lab?token={token}", timeout=10) as r:
            assert r.status == 200 and b"JupyterLab" in r.read()
        req = urllib.request.Request(f"{base}/api/contents")  # no token: refused
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(req, timeout=10)
        assert err.value.code == 403
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_lab_command_line(tmp_path: Path):
    argv = lab_argv(tmp_path, port=8899, token="abc", open_browser=False)
    assert argv[1:3] == ["-m", "jupyterlab"]
    assert {f"--ServerApp.root_dir={tmp_path}", "--port=8899", "--ServerApp.port_retries=0",
            "--IdentityProvider.token=abc", "--no-browser"} <= set(argv)
    if os.name != "nt":
        assert "--KernelManager.transport=ipc" in argv
    default = lab_argv(tmp_path)  # no port, no token: JupyterLab picks and prints them
    assert not any(a.startswith(("--port", "--IdentityProvider.token")) for a in default)
