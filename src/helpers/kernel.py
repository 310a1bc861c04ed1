"""Make sure a Jupyter kernel named ``python3`` exists and runs in *this* environment.

``python -m helpers.kernel`` installs the spec into the environment's own data folder
(``sys.prefix/share/jupyter/kernels/python3``). :func:`kernel_env` returns environment
variables that put that folder first, so a user-wide ``python3`` kernel pointing at another
interpreter cannot shadow it when the runner starts notebooks. ``python -m helpers.kernel lab``
starts JupyterLab with the command line :func:`lab_argv` builds (what ``make lab`` runs).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

KERNEL_NAME = "python3"


def prefix_data_dir() -> Path:
    """The environment's Jupyter data folder."""
    return Path(sys.prefix) / "share" / "jupyter"


def ensure_kernel() -> Path:
    """Install (or refresh) the ``python3`` kernel spec for ``sys.executable``.

    Returns:
        The kernel spec folder.
    """
    from ipykernel.kernelspec import install

    spec_dir = prefix_data_dir() / "kernels" / KERNEL_NAME
    argv0 = None
    kernel_json = spec_dir / "kernel.json"
    if kernel_json.exists():
        import json

        argv0 = json.loads(kernel_json.read_text(encoding="utf-8")).get("argv", [None])[0]
    if argv0 != sys.executable:
        install(kernel_name=KERNEL_NAME, prefix=sys.prefix, display_name="Python 3 (tallybook)")
    return spec_dir


def kernel_env() -> dict[str, str]:
    """Environment for starting Jupyter so that ``python3`` resolves to this environment."""
    env = dict(os.environ)
    first = str(prefix_data_dir())
    rest = env.get("JUPYTER_PATH", "")
    env["JUPYTER_PATH"] = first + (os.pathsep + rest if rest else "")
    return env


# Unix socket paths hold at most 104-108 bytes; a kernel's sockets are named
# <connection dir>/kernel-<36-character id>-ipc-<n>, 50 bytes after the folder.
SOCKET_PATH_MAX = 100
KERNEL_SOCKET_NAME = len("/kernel-") + 36 + len("-ipc-5")


def ipc_env() -> dict[str, str]:
    """Environment changes that let kernels talk to JupyterLab over IPC sockets, not TCP.

    The sockets sit beside each kernel's connection file in Jupyter's runtime folder. If that
    folder's path is too long for a socket, a short private runtime folder under ``/tmp`` is
    used instead (``jupyter server list`` then does not list that server).

    Returns:
        ``{}`` when the runtime folder is fine, else ``{"JUPYTER_RUNTIME_DIR": <short>}``.
    """
    from jupyter_core.paths import jupyter_runtime_dir

    if len(jupyter_runtime_dir()) + KERNEL_SOCKET_NAME <= SOCKET_PATH_MAX:
        return {}
    import tempfile

    for parent in ("/tmp", tempfile.gettempdir()):
        if os.path.isdir(parent) and len(parent) + 16 + KERNEL_SOCKET_NAME <= SOCKET_PATH_MAX:
            return {"JUPYTER_RUNTIME_DIR": tempfile.mkdtemp(prefix="tb-lab-", dir=parent)}
    raise OSError("no folder short enough for kernel sockets")


def lab_argv(root_dir: str | os.PathLike[str], *, port: int | None = None,
             token: str | None = None, open_browser: bool = True,
             ip: str | None = None) -> list[str]:
    """The JupyterLab command line ``make lab`` runs (the browser test starts the same one).

    Kernels talk to the server over local IPC sockets, so no "Kernel is running over TCP
    without encryption" warning is printed at each kernel start (TCP is kept on Windows).

    Args:
        root_dir: folder JupyterLab serves (``notebooks/`` for ``make lab``).
        port: port to listen on; given, JupyterLab fails rather than pick another one.
        token: the access token; ``None`` lets JupyterLab make one and print it.
        open_browser: open the user's browser on start.
        ip: interface to listen on (JupyterLab's default, localhost, when ``None``).

    Returns:
        The argv list, starting with this interpreter.
    """
    argv = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={root_dir}"]
    if port is not None:
        argv += [f"--port={int(port)}", "--ServerApp.port_retries=0"]
    if token is not None:
        argv.append(f"--IdentityProvider.token={token}")
    if ip is not None:
        argv.append(f"--ip={ip}")
    if not open_browser:
        argv.append("--no-browser")
    if os.name != "nt":  # no IPC transport on Windows: TCP as before
        argv.append("--KernelManager.transport=ipc")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        argv.append("--allow-root")  # containers often run as root
    return argv


def main(argv: list[str] | None = None) -> None:
    """``python -m helpers.kernel`` registers the kernel; ``... lab`` starts JupyterLab."""
    import argparse

    ap = argparse.ArgumentParser(prog="python -m helpers.kernel")
    sub = ap.add_subparsers(dest="cmd")
    lab = sub.add_parser("lab", help="start JupyterLab with this environment's kernel")
    lab.add_argument("--root", default="notebooks", help="folder to serve")
    lab.add_argument("--port", type=int, default=None)
    lab.add_argument("--token", default=None)
    lab.add_argument("--ip", default=None)
    lab.add_argument("--no-browser", action="store_true")
    args = ap.parse_args(argv)
    spec = ensure_kernel()
    if args.cmd != "lab":
        print(f"kernel '{KERNEL_NAME}' -> {sys.executable} ({spec})")
        return
    cmd = lab_argv(Path(args.root).resolve(), port=args.port, token=args.token or None,
                   open_browser=not args.no_browser, ip=args.ip)
    env = kernel_env()
    if os.name != "nt":
        env.update(ipc_env())
    sys.stdout.flush()
    os.execve(cmd[0], cmd, env)


if __name__ == "__main__":
    main()
