"""The ``coopmap serve`` command: its options, and running it from parsed arguments.

``coopmap serve`` (:mod:`coopmap.cli`) adds these options with :func:`add_arguments`
and runs :func:`coopmap.server.launch.serve` with :func:`options`;
``python -m coopmap.server`` runs :func:`main`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

from coopmap.errors import CoopmapError
from coopmap.server.config import CRS_CHOICES, DEFAULT_IDLE_TIMEOUT, DEFAULT_POOL_SIZE, DEFAULT_PORT, HOST, PUBLIC_HOST
from coopmap.server.launch import serve

__all__ = ["add_arguments", "main", "options", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``serve`` options to ``parser`` (used by ``coopmap serve``)."""
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port on {HOST} (default {DEFAULT_PORT})")
    parser.add_argument("--registry", type=Path, help="registry file (.xlsx/.csv) instead of the shipped sample")
    parser.add_argument("--boundaries", type=Path, help="official township boundaries instead of the schematic default")
    parser.add_argument("--crs", choices=CRS_CHOICES,
                        help="coordinates of a --boundaries file that cannot state them: gcj02 (AMap/Gaode, "
                             "Tencent), bd09 (Baidu); default wgs84")
    parser.add_argument("--pool-size", type=int, default=DEFAULT_POOL_SIZE, metavar="N",
                        help=f"preheated kernels kept ready, ~250 MB each (default {DEFAULT_POOL_SIZE}; 0: none)")
    parser.add_argument("--idle-timeout", type=int, default=DEFAULT_IDLE_TIMEOUT, metavar="SECONDS",
                        help="shut down the kernel of a page that is gone without closing (crashed browser, laptop "
                             "asleep) after this many seconds without activity; open pages are kept (default "
                             f"{DEFAULT_IDLE_TIMEOUT}; 0: never). Closed pages free their kernel at once")
    parser.add_argument("--public", action="store_true",
                        help=f"listen on every interface ({PUBLIC_HOST}) for the office network, with a generated "
                             "token in the printed URL (default: 127.0.0.1 only)")
    parser.add_argument("--no-token", action="store_true",
                        help="with --public: ask visitors for no token (a warning is printed)")
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser")


def options(args: argparse.Namespace) -> dict:
    """Return :func:`serve`'s keyword arguments from parsed ``serve`` arguments.

    Raises
    ------
    CoopmapError
        For ``--no-token`` without ``--public`` (there is no token to turn off).
    """
    if args.no_token and not args.public:
        raise CoopmapError("--no-token only applies with --public (on 127.0.0.1 no token is asked)")
    return {"port": args.port, "registry": args.registry, "boundaries": args.boundaries,
            "open_browser": not args.no_browser, "pool_size": args.pool_size, "crs": args.crs,
            "public": args.public, "token": not args.no_token, "idle_timeout": args.idle_timeout}


def run(args: argparse.Namespace) -> int:
    """Run ``serve`` from parsed arguments; return the exit code (2 on unusable input)."""
    try:
        serve(**options(args))
    except CoopmapError as exc:
        print(f"coopmap serve: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m coopmap.server [--port N] [--registry PATH] [--boundaries PATH [--crs C]] [--pool-size N]
    [--idle-timeout SECONDS] [--public [--no-token]] [--no-browser]``."""
    parser = argparse.ArgumentParser(prog="coopmap serve", description="Serve the Longling cooperative dashboard")
    add_arguments(parser)
    return run(parser.parse_args(argv))
