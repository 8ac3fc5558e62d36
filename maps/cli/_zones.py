"""``airmap zones``: list zones and versions, show one, validate users' zone files."""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any

from ._common import CLIError, ExitStatus, add_zones_option


def add_parser(sub: Any) -> None:
    """Register ``zones`` and its subcommands."""
    p = sub.add_parser(
        "zones",
        help="list zones, show one, validate zone files",
        description=(
            "List the zone catalogue (kind, validity, claimants, confidence), show one "
            "zone's vertices with their printed forms and sources, or validate zone files."
        ),
    )
    add_zones_option(p)
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=_list)
    zsub = p.add_subparsers(dest="zones_command", metavar="ACTION")
    show = zsub.add_parser("show", help="show one zone: versions, vertices, sources")
    show.add_argument("zone_id", metavar="ZONE")
    add_zones_option(show, dest="zones_extra")
    show.add_argument(
        "--format", choices=("text", "json"), default="text", dest="format_show"
    )
    show.set_defaults(func=_show)
    val = zsub.add_parser("validate", help="report every problem in zone files")
    val.add_argument("files", nargs="+", metavar="FILE")
    val.set_defaults(func=_validate)
    lst = zsub.add_parser("list", help="list zones (the default)")
    lst.set_defaults(func=_list)


def _catalogue(files: list[str]) -> Any:
    from airmap.layers import ZoneCatalogue

    return ZoneCatalogue.load(*files)


def _fmt_when(t: Any) -> str:
    return "…" if t is None else t.strftime("%Y-%m-%d %H:%M")


def _list(args: argparse.Namespace) -> int:
    cat = _catalogue(args.zones)
    out = sys.stdout
    if args.format == "json":
        rows = [v.properties() for z in cat for v in z.versions]
        json.dump(
            {"zones": rows, "reference_lines": [ln.id for ln in cat.reference_lines]},
            out,
            ensure_ascii=False,
            indent=2,
        )
        out.write("\n")
        return ExitStatus.OK
    head = f"{'ZONE@VERSION':<28} {'KIND':<21} {'VALID (UTC)':<35} {'CLAIMANTS':<14} {'HOLDER':<6} CONF"
    print(head, file=out)
    for z in cat:
        for v in z.versions:
            valid = f"{_fmt_when(v.validity.start)} – {_fmt_when(v.validity.end)}"
            claim = ",".join(z.claimants)
            flag = (
                "  (partial: line only)"
                if not v.is_area
                else ("  (partial)" if v.partial else "")
            )
            print(
                f"{v.key:<28} {z.kind.value:<21} {valid:<35} {claim:<14} "
                f"{z.holder or '-':<6} {v.confidence.value}{flag}",
                file=out,
            )
    if cat.reference_lines:
        print(
            "\nreference lines: " + ", ".join(ln.id for ln in cat.reference_lines),
            file=out,
        )
    return ExitStatus.OK


def _show(args: argparse.Namespace) -> int:
    from airmap.geo import UnknownZoneError

    cat = _catalogue(args.zones_extra or args.zones)
    out = sys.stdout
    try:
        item: Any = cat.get(args.zone_id)
        is_line = False
    except UnknownZoneError:
        try:
            item = cat.reference_line(args.zone_id)
            is_line = True
        except UnknownZoneError as exc:
            raise CLIError(str(exc)) from None
    if getattr(args, "format_show", "text") == "json":
        json.dump(_item_json(item, is_line, cat), out, ensure_ascii=False, indent=2)
        out.write("\n")
        return ExitStatus.OK
    if is_line:
        print(
            f"{item.id}: {item.name}  (reference line, declared by {item.declared_by})",
            file=out,
        )
        _print_points(out, "vertices", item.vertices, cat)
        print(
            f"sources: {', '.join(item.sources)}; confidence {item.confidence.value}",
            file=out,
        )
        return ExitStatus.OK
    z = item
    print(f"{z.id}: {z.name}", file=out)
    disputed = "  DISPUTED" if z.disputed else ""
    print(
        f"  kind {z.kind.value}; declared by {z.declared_by}; held by {z.holder or '-'}; "
        f"claimed by {', '.join(z.claimants)}{disputed}",
        file=out,
    )
    for v in z.versions:
        print(f"\nversion {v.version}: in force {v.validity}", file=out)
        vert = (
            "unknown"
            if v.vertical is None
            else (
                v.vertical.printed
                or f"{v.vertical.lower_ft:g}–"
                f"{'UNL' if math.isinf(v.vertical.upper_ft) else f'{v.vertical.upper_ft:g} ft'}"
            )
        )
        print(
            f"  vertical: {vert}; edges: {v.edge_rule.value}; "
            f"uncertainty ±{v.uncertainty_m:,.0f} m; confidence {v.confidence.value}",
            file=out,
        )
        print(f"  derivation: {v.derivation}", file=out)
        if v.partial:
            print("  PARTIAL: only part of this zone is known", file=out)
        if v.note:
            print(f"  note: {v.note}", file=out)
        print(f"  sources: {', '.join(v.sources)}", file=out)
        _print_points(out, "vertices", v.vertices, cat)
        _print_points(out, "basepoints", v.basepoints, cat)
    return ExitStatus.OK


def _print_points(out: Any, title: str, points: Any, cat: Any) -> None:
    if not points:
        return
    print(f"  {title}:", file=out)
    for i, p in enumerate(points, start=1):
        name = f" {p.name}" if p.name else ""
        print(
            f"  {i:>3}. {p.printed:<40} {p.lat:>10.6f} {p.lon:>11.6f}  "
            f"[{p.confidence.value}] {', '.join(p.sources)}{name}",
            file=out,
        )
        for alt in p.alts:
            mark = "agrees" if alt.agrees else "DIFFERS"
            print(
                f"       also printed {alt.printed!r} ({mark}; {', '.join(alt.sources)}) {alt.note}",
                file=out,
            )


def _item_json(item: Any, is_line: bool, cat: Any) -> dict[str, Any]:
    def pts(points: Any) -> list[dict[str, Any]]:
        return [
            {
                "printed": p.printed,
                "lat": p.lat,
                "lon": p.lon,
                "sources": list(p.sources),
                "confidence": p.confidence.value,
                "name": p.name,
                "note": p.note,
                "alt": [
                    {
                        "printed": a.printed,
                        "agrees": a.agrees,
                        "sources": list(a.sources),
                        "note": a.note,
                    }
                    for a in p.alts
                ],
            }
            for p in points
        ]

    if is_line:
        return {
            "id": item.id,
            "name": item.name,
            "vertices": pts(item.vertices),
            "sources": list(item.sources),
        }
    return {
        "id": item.id,
        "name": item.name,
        "kind": item.kind.value,
        "declared_by": item.declared_by,
        "holder": item.holder,
        "claimants": list(item.claimants),
        "versions": [
            v.properties()
            | {
                "vertices": pts(v.vertices),
                "basepoints": pts(v.basepoints),
                "note": v.note,
            }
            for v in item.versions
        ],
        "sources": {
            sid: cat.sources[sid].url for sid in item.sources if sid in cat.sources
        },
    }


def _validate(args: argparse.Namespace) -> int:
    from airmap.layers import validate_file

    problems = []
    for path in args.files:
        problems.extend(validate_file(path))
    for p in problems:
        print(f"airmap: error: {p}", file=sys.stderr)
    if problems:
        n = len(problems)
        print(f"{n} problem{'s' if n != 1 else ''} found", file=sys.stderr)
        return ExitStatus.DATA_ERROR
    print(
        f"{len(args.files)} file{'s' if len(args.files) != 1 else ''} valid",
        file=sys.stdout,
    )
    return ExitStatus.OK
