"""Serve a notebook exactly as ``coopmap serve`` serves the dashboard, with two knobs.

Used for the one-widget baseline (``--notebook benchmarks/baseline/one_widget.ipynb``),
for cold starts (``--cold``: no preheated kernels) and, in quick runs, to delay the
refill of the kernel pool (``--fill-delay``) so that it does not compete for the CPU
while latencies are measured. Everything else comes from
:func:`coopmap.server.config.voila_argv`, so the baseline gets the same template, the same
Voila settings and the same server class as the dashboard.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def argv_for(port: int, notebook: Path | None, cold: bool, pool_size: int, fill_delay: float | None = None) -> list[str]:
    """Return ``coopmap.server.config.voila_argv`` with the notebook, preheating and refill delay replaced."""
    from coopmap.server.config import voila_argv

    argv = voila_argv(port, open_browser=False, pool_size=pool_size)
    out = []
    for arg in argv[:-1]:
        if notebook is not None and arg.startswith("--Voila.root_dir="):
            arg = f"--Voila.root_dir={notebook.parent}"
        if cold and arg.startswith("--VoilaConfiguration.preheat_kernel="):
            arg = "--VoilaConfiguration.preheat_kernel=False"
        if fill_delay is not None and arg.startswith("--VoilaKernelManager.fill_delay="):
            arg = f"--VoilaKernelManager.fill_delay={fill_delay:g}"
        out.append(arg)
    out.append(str(notebook) if notebook is not None else argv[-1])
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--notebook", type=Path, help="notebook to serve (default: the dashboard)")
    parser.add_argument("--cold", action="store_true", help="no preheated kernels")
    parser.add_argument("--pool-size", type=int, default=1)
    parser.add_argument("--fill-delay", type=float, help="seconds before a used preheated kernel is replaced")
    args = parser.parse_args(argv)
    from coopmap.server.launch import check_port
    from coopmap.server.voila import voila_class

    check_port(args.port)
    app = voila_class()()  # the same server class as `coopmap serve`
    app.initialize(argv_for(args.port, args.notebook.resolve() if args.notebook else None, args.cold, args.pool_size, args.fill_delay))
    print(f"serving on http://127.0.0.1:{args.port}/", flush=True)
    app.start()
    return 0


if __name__ == "__main__":
    sys.exit(main())
