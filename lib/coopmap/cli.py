"""The ``coopmap`` command line.

Exit status 0 on success; 2 on unusable input, with one line on stderr and no
traceback. Each subcommand is a small ``_cmd_*`` function registered in
:func:`build_parser`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Sequence

from coopmap.errors import CoopmapError
from coopmap.i18n import format_number


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _load(path: str | None):
    from coopmap.data import sources

    return sources.load(path)[0]


def _cmd_validate(args: argparse.Namespace) -> int:
    from coopmap.data.registry import load_registry

    registry = load_registry(args.path, sheet=args.sheet)
    report = registry.report
    if args.json:
        _print_json(report.to_dict())
        return 0
    print(f"{report.source}{' [' + report.sheet + ']' if report.sheet else ''}")
    if report.title:
        print(f"  title: {report.title}")
    print(f"  rows read {report.rows_read} = accepted {report.accepted} + rejected {report.rejected} + skipped {report.skipped}")
    for kind, issues in (("error", report.errors), ("warning", report.warnings), ("skipped", report.skipped_rows)):
        for issue in issues:
            where = f"row {issue.row}" if issue.row else "file"
            column = f", {issue.column}" if issue.column else ""
            value = f" [{issue.value}]" if issue.value else ""
            print(f"  {kind}: {where}{column}{value}: {issue.message}")
    return 0


def _cmd_summary(args: argparse.Namespace) -> int:
    from coopmap.figures import tables

    registry = _load(args.registry)
    county = tables.county_summary(registry.frame)
    table = tables.township_table(registry.frame)
    villages = tables.village_table(registry.frame)
    by_status = {"total": len(villages), **tables.village_status_counts(villages)}  # none: 未覆盖
    if args.json:
        _print_json({
            "source": registry.report.source,
            "illustrative": registry.illustrative,
            "county": county,
            "villages": by_status,
            "townships": json.loads(table.to_json(orient="records", force_ascii=False)),
        })
        return 0
    label = "illustrative sample data (示例数据)" if registry.illustrative else "registry"
    print(f"龙陵县党组织领办合作社 — {label}: {registry.report.source}")
    for key, value in county.items():
        print(f"  {key:28} {value}")
    print("  villages: " + ", ".join(f"{key} {value}" for key, value in by_status.items())
          + " (coop: a village- or group-led cooperative of their own; reached: served by one based elsewhere; none: not covered)")
    print()
    print(table[["code", "name", "coops", "villages_total", "villages_covered", "villages_reached", "villages_not_covered",
                 "coverage_pct"]].round(1).to_string(index=False))
    return 0


def _cmd_reconcile(args: argparse.Namespace) -> int:
    from coopmap.figures.reconcile import reconcile

    registry = _load(args.registry)
    table = reconcile(registry.frame)
    if args.json:
        _print_json(json.loads(table.to_json(orient="records", force_ascii=False)))
        return 0
    print(table.to_string(index=False))
    return 0


def _cmd_sample(args: argparse.Namespace) -> int:
    from coopmap.data import sample

    out = Path(args.out)
    written = sample.write_sample(out, seed=args.seed)
    for path in written:
        print(path)
    return 0


def _print_version(version) -> None:
    mark = "*" if version.active else " "
    if version.base:
        what = "the shipped illustrative sample (示例数据)" if version.shipped_sample else "the file named by COOPMAP_REGISTRY / --registry"
        print(f"{mark} {version.id}  {version.path}  ({what}; shown when no stored version is active)")
        return
    counts = "counts unknown" if version.accepted is None else (
        f"accepted {version.accepted}, rejected {version.rejected}, skipped {version.skipped}"
        + (" (rejected rows acknowledged)" if version.acknowledged_rejected else "")
    )
    print(f"{mark} {version.id}  {counts}")


def _cmd_versions(args: argparse.Namespace) -> int:
    from coopmap.data import sources, versions

    listed = versions.list_versions(include_base=True)
    if args.json:
        _print_json([v.to_dict() for v in listed])
        return 0
    if len(listed) == 1:
        print(f"no stored registry versions in {versions.store_dir()}; in use: {sources.default_registry()}")
        return 0
    print(f"{versions.store_dir()} (* = active; 'coopmap activate base' switches back to the base version)")
    for version in listed:
        _print_version(version)
    return 0


def _cmd_activate(args: argparse.Namespace) -> int:
    from coopmap.data import versions

    _print_version(versions.activate(args.version))
    return 0


def _cmd_accept(args: argparse.Namespace) -> int:
    from coopmap.data import versions

    version = versions.accept(args.path, acknowledge_rejected=args.acknowledge_rejected)
    if args.json:
        _print_json(version.to_dict())
        return 0
    _print_version(version)
    return 0


def _cmd_boundaries(args: argparse.Namespace) -> int:
    from coopmap.errors import BoundaryError
    from coopmap.geo.official import boundary_report

    report = boundary_report(args.path, crs=args.crs)
    if args.json:
        _print_json(report)
    else:
        column = f" (column {report['column']})" if report["column"] else ""
        source_crs = f", file CRS {report['source_crs']}" if report["source_crs"] else ""
        print(f"{report['source']}: {report['townships_matched']} of 10 townships matched{column}; "
              f"coordinates {report['crs']}{source_crs}")
        km2 = lambda value, decimals=1: format_number(value, "km2", "en", decimals)  # noqa: E731
        print(f"  area {km2(report['area_km2'])}, overlaps {km2(report['overlap_km2'], 2)}, "
              f"gaps {km2(report['gap_km2'], 2)} ({report['gap_count']})")
        for town in report["townships"]:
            print(f"  {town['code']}  {town['name']:<10} {format_number(town['area_km2'], 'count', 'en', 1):>8} km²")
        for key in ("unmatched", "missing", "duplicates"):
            if report[key]:
                print(f"  {key}: {', '.join(report[key])}")
        for warning in report["warnings"]:
            print(f"  warning: {warning}")
    if not report["usable"]:
        raise BoundaryError(report["error"])
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    from coopmap.data import versions
    from coopmap.server.cli import options
    from coopmap.server.launch import serve

    active = versions.active_version() if args.registry else None
    if active is not None:
        # The store's choice comes first (sources.STORE_FIRST): an official's accepted
        # upload survives a restart. Say so to the person who named a file.
        print(f"note: the dashboard shows the accepted version {active.id} (data panel 数据, {versions.store_dir()}); "
              f"{args.registry} is its base version: make it active there, or with 'coopmap activate base'",
              file=sys.stderr)
    serve(**options(args))
    return 0


def _out_path(out: str, fmt: str) -> Path:
    from coopmap.errors import ExportError

    path = Path(out)
    if not path.suffix:
        return path.with_suffix(f".{fmt}")
    if path.suffix.lower() != f".{fmt}":
        raise ExportError(f"--out {out} does not end in .{fmt}, the --format asked for: name the file *.{fmt}")
    return path


def _cmd_report(args: argparse.Namespace) -> int:
    from coopmap.outputs.report import write_report

    registry = _load(args.registry)
    out = write_report(registry, _out_path(args.out, args.format), township=args.township,
                       boundaries=args.boundaries, lang=args.lang)
    print(out)
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from coopmap.outputs.tables import export_table

    registry = _load(args.registry)
    out = export_table(registry.frame, _out_path(args.out, args.format), township=args.township,
                       illustrative=registry.illustrative, mask=args.mask)
    print(out)
    return 0


def _cmd_meeting(args: argparse.Namespace) -> int:
    from coopmap.meeting import serve

    serve.serve(port=args.port, registry=args.registry, boundaries=args.boundaries, open_browser=not args.no_browser)
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every subcommand."""
    parser = argparse.ArgumentParser(prog="coopmap", description="Party-led cooperatives of Longling County: data checks, maps and the dashboard.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="check a registry file and report every row")
    p.add_argument("path")
    p.add_argument("--sheet")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser("summary", help="county and township figures computed from a registry")
    p.add_argument("--registry", help="registry file (default: the shipped illustrative sample)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_summary)

    p = sub.add_parser("reconcile", help="published figures against the figures computed from a registry")
    p.add_argument("--registry")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_reconcile)

    p = sub.add_parser("sample", help="write the illustrative sample registry (.xlsx and .csv)")
    p.add_argument("--out", default="data/registry", help="output folder")
    p.add_argument("--seed", type=int, default=2023)
    p.set_defaults(func=_cmd_sample)

    p = sub.add_parser("versions", help="list the registry versions accepted into the local store (* = active)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_versions)

    p = sub.add_parser("activate", help="make a stored registry version the active one (switch back)")
    p.add_argument("version", help="version id, or a unique start of it such as 20240601-0900; 'base' for the "
                                   "shipped sample (or the COOPMAP_REGISTRY file)")
    p.set_defaults(func=_cmd_activate)

    p = sub.add_parser("accept", help="check a registry file and store it as the new active version")
    p.add_argument("path")
    p.add_argument("--acknowledge-rejected", action="store_true", help="accept although some rows are rejected (they are left out)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_accept)

    p = sub.add_parser("boundaries", help="check a township boundary file (GeoJSON, Shapefile, GeoPackage)")
    p.add_argument("path")
    p.add_argument("--crs", choices=("wgs84", "gcj02", "bd09"), default="wgs84",
                   help="coordinates the file cannot declare: gcj02 (AMap/Gaode, Tencent) or bd09 (Baidu)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_boundaries)

    p = sub.add_parser("report", help="a report of the county or one township as one HTML file or an A4 PDF")
    p.add_argument("--registry", help="registry file (default: the shipped illustrative sample)")
    p.add_argument("--township", help="one township (code or name) instead of the county")
    p.add_argument("--boundaries", help="official township boundaries instead of the schematic default")
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    p.add_argument("--format", choices=("html", "pdf"), required=True)
    p.add_argument("--out", required=True, help="output file")
    p.set_defaults(func=_cmd_report)

    p = sub.add_parser("export", help="the county's or one township's cooperatives as .xlsx or .csv")
    p.add_argument("--registry", help="registry file (default: the shipped illustrative sample)")
    p.add_argument("--township", help="one township (code or name) instead of the county")
    p.add_argument("--format", choices=("csv", "xlsx"), required=True)
    p.add_argument("--out", required=True, help="output file")
    p.add_argument("--mask", action="store_true", help="mask chairs' names, phone and identity numbers")
    p.set_defaults(func=_cmd_export)

    p = sub.add_parser("meeting", help="serve the review-meeting slides on http://127.0.0.1 (full screen, clicker keys, offline)")
    from coopmap.meeting.serve import add_arguments as _meeting_arguments

    _meeting_arguments(p)
    p.set_defaults(func=_cmd_meeting)

    p = sub.add_parser("serve", help="serve the dashboard on http://127.0.0.1 (offline, preheated)")
    from coopmap.server.cli import add_arguments as _serve_arguments

    _serve_arguments(p)
    p.set_defaults(func=_cmd_serve)

    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except BrokenPipeError:  # output piped into `head` and closed early: not an error
        sys.stderr.close()
        return 0
    except CoopmapError as exc:
        print(f"coopmap {args.command}: {exc}", file=sys.stderr)
        return 2
    except (OSError, ValueError) as exc:
        print(f"coopmap {args.command}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
