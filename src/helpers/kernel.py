"""Make sure a Jupyter kernel named ``python3`` exists and runs in *this* environment.

``python -m helpers.kernel`` installs the spec into the environment's own data folder
(``sys.prefix/share/jupyter/kernels/python3``). :func:`kernel_env` returns environment
variables that put that folder first, so a user-wide ``python3`` kernel pointing at another
interpreter cannot shadow it when the runner starts notebooks.
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


def main() -> None:
    spec = ensure_kernel()
    print(f"kernel '{KERNEL_NAME}' -> {sys.executable} ({spec})")


if __name__ == "__main__":
    main()
