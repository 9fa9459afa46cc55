"""``python -m coopmap.server``: serve the dashboard (:func:`coopmap.server.cli.main`)."""

from coopmap.server.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
