"""A real browser: headless Chromium opens an executed notebook in JupyterLab.

JupyterLab is started with the command line ``make lab`` runs (read from ``make -n lab``), on
the executed notebooks of a run on the seeds; Chromium is driven over the Chrome DevTools
protocol (``websocket-client``, already a JupyterLab dependency) and the test waits until the
page shows the notebook's headings and its figures. Run with ``make test-browser``; skipped
when Chromium is not installed (Debian: ``apt-get install chromium``).
"""

from __future__ import annotations

import itertools
import json
import os
import re
import secrets
import shlex
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from helpers.pipeline import main

pytestmark = pytest.mark.browser

CHROMIUM = next(filter(None, map(shutil.which, ("chromium", "chromium-browser",
                                                "google-chrome"))), None)
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--remote-allow-origins=*",
                  "--window-size=1400,2000")
NOTEBOOK = "04_compare.ipynb"

# What the page shows: the markdown headings' text (without JupyterLab's "¶" anchor) and, for
# every image in an output area, whether it has loaded (natural width > 0).
PAGE_STATE = """(() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  if (!panel) return null;
  const heads = [...panel.querySelectorAll('.jp-RenderedMarkdown :is(h1,h2,h3)')]
    .map(h => h.textContent.replace(/\\u00b6/g, '').trim());
  const imgs = [...panel.querySelectorAll('.jp-OutputArea-output img')]
    .map(i => ({src: i.getAttribute('src').slice(0, 22), w: i.naturalWidth}));
  const tabs = [...document.querySelectorAll('.lm-TabBar-tab.lm-mod-current')]
    .map(t => t.textContent.trim());
  return {tabs, heads, imgs};
})()"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_lab_command(root: Path, port: int, token: str) -> list[str]:
    """The command ``make lab PORT=... TOKEN=...`` runs, as make prints it."""
    printed = subprocess.run(["make", "-n", "lab", f"PORT={port}", f"TOKEN={token}"], cwd=root,
                             capture_output=True, text=True, check=True).stdout
    line = next(ln for ln in printed.splitlines() if "helpers.kernel lab" in ln)
    argv = shlex.split(line)
    argv[0] = str(root / argv[0]) if not os.path.isabs(argv[0]) else argv[0]
    return argv


def expected_headings(nb_path: Path) -> list[str]:
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    heads = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            src = "".join(cell["source"])
            heads += [m.group(1).strip() for m in re.finditer(r"^#{1,3}\s+(.+)$", src, re.M)]
    return heads


class DevTools:
    """The smallest Chrome DevTools protocol client: send a command, wait for its answer."""

    def __init__(self, ws_url: str) -> None:
        import websocket

        self.ws = websocket.create_connection(ws_url, timeout=30, suppress_origin=True)
        self.ids = itertools.count(1)

    def call(self, method: str, **params):
        msg_id = next(self.ids)
        self.ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == msg_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg["result"]

    def evaluate(self, expression: str):
        res = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return res["result"].get("value")

    def close(self) -> None:
        self.ws.close()


def _wait_http(url: str, proc: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"exited early: {proc.stderr.read()[-3000:] if proc.stderr else ''}")
            time.sleep(0.5)
    pytest.fail(f"{url} did not answer within {timeout} s")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (apt-get install chromium)")
@pytest.mark.skipif(shutil.which("make") is None, reason="make not installed")
def test_executed_notebook_shows_headings_and_figures(root: Path, tmp_path: Path):
    out = tmp_path / "run"
    assert main(["--corpus", str(root / "seeds"), "--out", str(out), "--no-html",
                 "--quiet"]) == 0
    executed = out / "notebooks" / NOTEBOOK
    heads = expected_headings(executed)
    n_figures = sum("image/png" in o.get("data", {})
                    for c in json.loads(executed.read_text(encoding="utf-8"))["cells"]
                    for o in c.get("outputs", []))
    assert len(heads) >= 5 and n_figures >= 6

    port, token = _free_port(), secrets.token_hex(16)
    argv = make_lab_command(root, port, token)
    assert argv[1:6] == ["-m", "helpers.kernel", "lab", "--root", "notebooks"]
    argv[5] = str(out / "notebooks")  # serve the executed notebooks instead of the sources
    argv += ["--no-browser"]
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp_path / "jcfg"),
               JUPYTER_RUNTIME_DIR=str(tmp_path / "jrt"), JUPYTER_DATA_DIR=str(tmp_path / "jd"))
    log = (tmp_path / "lab.log").open("w+")
    lab = subprocess.Popen(argv, cwd=root, stdout=log, stderr=subprocess.STDOUT, env=env)
    profile = tmp_path / "chromium"
    chrome = None
    try:
        _wait_http(f"http://127.0.0.1:{port}/api/status?token={token}", lab)
        chrome = subprocess.Popen(
            [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
             "--remote-debugging-port=0", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while not (profile / "DevToolsActivePort").exists():
            if time.monotonic() > deadline or chrome.poll() is not None:
                pytest.fail(f"chromium did not start: {chrome.stderr.read()[-2000:]}")
            time.sleep(0.2)
        time.sleep(0.2)
        cdp_port = (profile / "DevToolsActivePort").read_text().split()[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{cdp_port}/json/list", timeout=10) as r:
            page = next(t for t in json.load(r) if t["type"] == "page")
        tools = DevTools(page["webSocketDebuggerUrl"])
        try:
            tools.call("Page.enable")
            tools.call("Page.navigate",
                       url=f"http://127.0.0.1:{port}/lab/tree/{NOTEBOOK}?token={token}")
            state, deadline = None, time.monotonic() + 120
            while time.monotonic() < deadline:
                state = tools.evaluate(PAGE_STATE)
                if (state and set(heads) <= set(state["heads"])
                        and sum(i["w"] > 0 for i in state["imgs"]) >= n_figures):
                    break
                time.sleep(1)
            shot = tools.call("Page.captureScreenshot", format="png")["data"]
        finally:
            tools.close()
        import base64

        (tmp_path / "page.png").write_bytes(base64.b64decode(shot))
        assert state is not None, "JupyterLab never showed the notebook panel"
        missing = [h for h in heads if h not in state["heads"]]
        assert not missing, f"headings not shown: {missing}; shown: {state['heads']}"
        shown = [i for i in state["imgs"] if i["w"] > 0 and i["src"].startswith("data:image/")]
        assert len(shown) >= n_figures, state["imgs"]
        assert NOTEBOOK in state["tabs"], state["tabs"]
    finally:
        if chrome is not None:
            _stop(chrome)
        _stop(lab)
        log.seek(0)
        lab_log = log.read()
        log.close()
    # the kernel started for the open notebook talked to the server over IPC, quietly
    assert "Kernel started" in lab_log, lab_log[-3000:]
    assert "without encryption" not in lab_log
