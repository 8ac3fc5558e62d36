"""``airmap incidents``: list incidents, show one with computed verdicts, validate files."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import sys
import textwrap
from typing import Any, TextIO

from ._common import (
    CLIError,
    ExitStatus,
    add_catalogue_options,
    add_zones_option,
    load_incidents,
)


def add_parser(sub: Any) -> None:
    """Register ``incidents`` and its subcommands."""
    p = sub.add_parser(
        "incidents",
        help="list incidents, show one with verdicts, validate incident files",
        description=(
            "List the incidents (seeded, plus --incidents files), show one: timeline "
            "in UTC and local time, positions and the zones they are in, each claim "
            "with its computed verdict, and totals; or validate incident files."
        ),
    )
    _common_options(p)
    p.set_defaults(func=_list)
    isub = p.add_subparsers(dest="incidents_command", metavar="ACTION")
    lst = isub.add_parser("list", help="list incidents (the default)")
    _common_options(lst)
    lst.set_defaults(func=_list)
    show = isub.add_parser(
        "show", help="one incident: timeline, positions, claims with verdicts, totals"
    )
    show.add_argument("incident_id", metavar="INCIDENT")
    _common_options(show)
    show.set_defaults(func=_show)
    val = isub.add_parser("validate", help="report every problem in incident files")
    val.add_argument("files", nargs="+", metavar="FILE")
    add_zones_option(val)
    val.set_defaults(func=_validate)


def _common_options(p: Any) -> None:
    add_catalogue_options(p)
    p.add_argument("--format", choices=("text", "json"), default="text")


# ------------------------------------------------------------------------ list


def _list(args: argparse.Namespace) -> int:
    from airmap.incidents import Verdict

    cat = load_incidents(args)
    out = sys.stdout
    rows = []
    for inc in cat:
        a = cat.assess(inc.id)
        counts = dict.fromkeys(Verdict, 0)
        for c in a.claims:
            counts[c.verdict] += 1
        rows.append((inc, counts))
    if args.format == "json":
        data = [
            {
                **inc.properties,
                "claims": len(inc.claims),
                "verdicts": {v.value: n for v, n in counts.items()},
            }
            for inc, counts in rows
        ]
        json.dump({"incidents": data}, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return ExitStatus.OK
    if not rows:
        print("no incidents", file=out)
        return ExitStatus.OK
    width = max(len(inc.id) for inc, _ in rows)
    print(
        f"{'INCIDENT':<{width}} {'START (UTC)':<17} {'CLAIMS':>6}  VERDICTS  TITLE",
        file=out,
    )
    for inc, counts in rows:
        summary = "/".join(
            str(counts[v])
            for v in (
                Verdict.SUPPORTED,
                Verdict.CONTRADICTED,
                Verdict.UNDECIDABLE,
                Verdict.NOT_CHECKABLE,
            )
        )
        print(
            f"{inc.id:<{width}} {inc.window.start:%Y-%m-%d %H:%M}  {len(inc.claims):>6}  "
            f"{summary:<9} {inc.title}",
            file=out,
        )
    print(
        "\nVERDICTS = supported/contradicted/undecidable/not checkable claims "
        "(computed; `airmap incidents show ID` explains each)",
        file=out,
    )
    return ExitStatus.OK


# ------------------------------------------------------------------------ show


def _utc(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S UTC")


def _local(t: dt.datetime, tz: Any) -> str:
    loc = t.astimezone(tz)
    return loc.strftime("%Y-%m-%d %H:%M:%S ") + (loc.tzname() or "")


def _hms(t: dt.datetime) -> str:
    """Time of day, rounded to the nearest second."""
    return (t + dt.timedelta(microseconds=500_000)).strftime("%H:%M:%S")


def _latlon(lat: float, lon: float) -> str:
    return f"{abs(lat):.4f}°{'N' if lat >= 0 else 'S'} {abs(lon):.4f}°{'E' if lon >= 0 else 'W'}"


def _km(m: float) -> str:
    return f"{m / 1000:.1f} km" if abs(m) >= 1000 else f"{m:.0f} m"


def _wrap(text: str, indent: str, out: TextIO) -> None:
    for line in textwrap.wrap(
        " ".join(text.split()),
        width=100,
        initial_indent=indent,
        subsequent_indent=indent,
    ):
        print(line, file=out)


def _show(args: argparse.Namespace) -> int:
    from airmap.incidents import UnknownIncidentError

    cat = load_incidents(args)
    try:
        inc = cat.get(args.incident_id)
    except UnknownIncidentError as exc:
        raise CLIError(str(exc)) from None
    a = cat.assess(inc.id)
    if args.format == "json":
        json.dump(_show_json(a, cat), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return ExitStatus.OK
    _show_text(a, cat, sys.stdout)
    return ExitStatus.OK


def _show_text(a: Any, cat: Any, out: TextIO) -> None:
    from airmap.incidents._model import format_minutes

    inc = a.incident
    w = inc.window
    tz = w.tz
    print(f"{inc.id}: {inc.title}", file=out)
    print(
        f"  window: {_utc(w.start)} – {_utc(w.end)}\n"
        f"          {_local(w.start, tz)} – {_local(w.end, tz)} ({w.time_zone})\n"
        f"  times reported to the {w.precision.value}; confidence {inc.confidence.value}"
        + (f"; region: {inc.region}" if inc.region else ""),
        file=out,
    )
    if inc.summary:
        _wrap(inc.summary, "  ", out)
    if inc.note:
        _wrap(f"note: {inc.note}", "  ", out)

    if inc.actors:
        print("\nactors:", file=out)
        for act in inc.actors:
            n = f"{act.count} × " if act.count else ""
            svc = f", {act.service}" if act.service else ""
            print(
                f"  {act.id:<16} {act.state}  {n}{act.aircraft} ({act.role}{svc})",
                file=out,
            )
            if act.note:
                _wrap(act.note, " " * 20, out)

    if inc.events:
        print(f"\ntimeline (UTC | local {w.time_zone}):", file=out)
        for e in inc.events:
            what = e.kind.value + (f" {e.zone}" if e.zone else "")
            who = ",".join(e.actors)
            print(
                f"  {e.at:%Y-%m-%d %H:%M:%S} | {_local(e.at, tz)}  {what:<24} {who}",
                file=out,
            )
            _wrap(f"{e.says} [{e.by}; {', '.join(e.sources)}]", "      ", out)

    if inc.positions:
        print("\npositions (and the zones they are in, as of their time):", file=out)
        for pz in a.positions:
            p = pz.position
            if p.is_offset:
                where = (
                    f"line {_km(p.distance_m)} {p.side} {p.offset_zone}'s edge, "
                    f"within {_km(p.within_m)} of {p.near}"
                )
            elif p.is_ring:
                where = f"ring of radius {_km(p.distance_m)} around {p.from_landmark}"
            else:
                where = _latlon(p.lat, p.lon)
            by = f" [{p.by}]" if p.by else ""
            print(f"  {p.id}{by}: {p.label}", file=out)
            print(f"      {p.tag.value}: {where} ± {_km(p.uncertainty_m)}", file=out)
            _wrap(f"how: {p.derivation}", "      ", out)
            zones = _zone_list(pz.memberships)
            _wrap(f"zones at {pz.when:%Y-%m-%d %H:%M} UTC: {zones}", "      ", out)

    if a.tracks:
        print("\ntracks:", file=out)
        for ta in a.tracks:
            t = ta.track
            kind = "HYPOTHESIS" if t.hypothesis else "observed"
            print(
                f"  {t.id} ({kind}; {len(t)} samples, {_utc(t.start)} – {_utc(t.end)})",
                file=out,
            )
            if t.hypothesis:
                _wrap(t.hypothesis, "      ", out)
            for z in ta.zones:
                for i in z.intervals:
                    entry = (
                        "(before start)" if i.entry is None else f"{i.entry:%H:%M:%S}"
                    )
                    exit_ = "(after end)" if i.exit is None else f"{i.exit:%H:%M:%S}"
                    print(
                        f"      inside {z.key}: {entry} – {exit_} UTC, "
                        f"{i.duration_s / 60:.1f} min, max depth {_km(i.max_depth_m)}",
                        file=out,
                    )

    print("\nclaims, each with its computed verdict:", file=out)
    if not a.claims:
        print("  (none recorded)", file=out)
    for cv in a.claims:
        c = cv.claim
        role = "counter-claim" if c.role.value == "counter_claim" else "claim"
        speaker = f"; {c.speaker}" if c.speaker else ""
        print(
            f"\n  [{c.by}] {c.id} ({role}{speaker}; confidence {c.confidence.value})",
            file=out,
        )
        _wrap(f"says: {c.says}", "      ", out)
        print(f"      sources: {', '.join(c.sources)}", file=out)
        if c.conflicts_with:
            print(f"      conflicts with: {', '.join(c.conflicts_with)}", file=out)
        print(f"      VERDICT: {cv.verdict.label.upper()}", file=out)
        if not cv.results:
            print("        nothing machine-checkable in this claim", file=out)
        for r in cv.results:
            _wrap(
                f"- {r.check.describe()}: {r.verdict.label} — {r.detail}",
                "        ",
                out,
            )
        if c.note:
            _wrap(f"note: {c.note}", "      ", out)

    if a.conflicts:
        print("\naccounts that cannot both be true (computed):", file=out)
        for cf in a.conflicts:
            _wrap(
                f"- {cf.inside.claim.id} [{cf.inside.claim.by}] vs {cf.outside.claim.id} "
                f"[{cf.outside.claim.by}]: {cf.detail}",
                "  ",
                out,
            )

    if a.totals:
        print("\ntotals from the timeline (paired events):", file=out)
        for t in a.totals:
            what = "violating" if t.violation else "in"
            parts = " + ".join(
                format_minutes((b - s).total_seconds() / 60) for s, b in t.intervals
            )
            text = (
                f"{parts} = {format_minutes(t.minutes)}"
                if t.intervals
                else "no complete interval"
            )
            extra = f" ({len(t.unpaired)} unpaired event(s))" if t.unpaired else ""
            print(f"  {t.actor} {what} {t.zone}: {text}{extra}", file=out)

    if inc.responses:
        print("\nresponses (as reported):", file=out)
        for r in inc.responses:
            when = f" at {r.at:%H:%M} UTC" if r.at else ""
            _wrap(f"[{r.by}]{when} {r.action} ({', '.join(r.sources)})", "  ", out)
            if r.conflicts_with:
                _wrap(f"conflicts with: {r.conflicts_with}", "      ", out)

    cited = _cited(inc)
    print("\nsources:", file=out)
    for sid in cited:
        s = cat.sources.get(sid)
        if s is None:
            continue
        print(f"  {sid}: {s.title} — {s.url} ({s.confidence.value})", file=out)


def _zone_list(memberships: Any) -> str:
    if not memberships:
        return "none of the catalogue's zones"
    parts = []
    for m in memberships:
        claim = ",".join(m.claimants)
        holder = f"; held by {m.holder}" if m.holder else ""
        disputed = " DISPUTED" if len(m.claimants) > 1 else ""
        parts.append(
            f"{m.zone_version.key} ({m.status.label}, {_km(abs(m.distance_to_edge_m))} "
            f"{'inside' if m.distance_to_edge_m <= 0 else 'outside'} the edge; "
            f"claimed by {claim}{holder}{disputed})"
        )
    return "; ".join(parts)


def _cited(inc: Any) -> list[str]:
    seen: dict[str, None] = dict.fromkeys(inc.sources)
    for group in (inc.actors, inc.events, inc.positions, inc.claims, inc.responses):
        for item in group:
            seen.update(dict.fromkeys(item.sources))
    for t in inc.tracks:
        seen.update(dict.fromkeys(t.sources))
    return list(seen)


def _num(x: float | None) -> float | None:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    return round(float(x), 3)


def _show_json(a: Any, cat: Any) -> dict[str, Any]:
    inc = a.incident
    tz = inc.window.tz
    return {
        **inc.properties,
        "summary": inc.summary,
        "conflicts": [
            {
                "inside": cf.inside.claim.id,
                "outside": cf.outside.claim.id,
                "zone": cf.zone,
                "detail": cf.detail,
            }
            for cf in a.conflicts
        ],
        "events": [
            {
                "at_utc": e.at.isoformat(),
                "at_local": e.at.astimezone(tz).isoformat(),
                "kind": e.kind.value,
                "zone": e.zone,
                "actors": list(e.actors),
                "says": e.says,
                "by": e.by,
                "sources": list(e.sources),
            }
            for e in inc.events
        ],
        "positions": [
            {
                "id": pz.position.id,
                "tag": pz.position.tag.value,
                "lon": _num(pz.position.lon),
                "lat": _num(pz.position.lat),
                "ring": pz.position.is_ring,
                "uncertainty_m": _num(pz.position.uncertainty_m),
                "derivation": pz.position.derivation,
                "zones": [
                    {
                        "zone": m.zone_version.key,
                        "status": m.status.label,
                        "distance_to_edge_m": _num(m.distance_to_edge_m),
                        "holder": m.holder,
                        "claimants": list(m.claimants),
                    }
                    for m in pz.memberships
                ],
            }
            for pz in a.positions
        ],
        "claims": [
            {
                "id": cv.claim.id,
                "role": cv.claim.role.value,
                "by": cv.claim.by,
                "speaker": cv.claim.speaker,
                "says": cv.claim.says,
                "sources": list(cv.claim.sources),
                "verdict": cv.verdict.value,
                "checks": [
                    {
                        "check": r.check.describe(),
                        "verdict": r.verdict.value,
                        "detail": r.detail,
                        "margin_m": _num(r.margin_m),
                        "value": _num(r.value),
                    }
                    for r in cv.results
                ],
            }
            for cv in a.claims
        ],
        "totals": [
            {
                "actor": t.actor,
                "zone": t.zone,
                "violation": t.violation,
                "minutes": t.minutes,
                "intervals": [[s.isoformat(), b.isoformat()] for s, b in t.intervals],
            }
            for t in a.totals
        ],
    }


# -------------------------------------------------------------------- validate


def _validate(args: argparse.Namespace) -> int:
    from airmap.incidents import load_incident_files
    from airmap.layers import ZoneCatalogue

    zones = ZoneCatalogue.load(*args.zones) if args.zones else ZoneCatalogue.default()
    res = load_incident_files(args.files, zones)
    mine = [p for p in res.problems if p.path in set(args.files)] or res.problems
    for p in mine:
        print(f"airmap: error: {p}", file=sys.stderr)
    if mine:
        n = len(mine)
        print(f"{n} problem{'s' if n != 1 else ''} found", file=sys.stderr)
        return ExitStatus.DATA_ERROR
    n_inc = len([i for i in res.incidents if i.origin in set(args.files)])
    files = len(args.files)
    print(
        f"{files} file{'s' if files != 1 else ''} valid "
        f"({n_inc} incident{'s' if n_inc != 1 else ''})",
        file=sys.stdout,
    )
    return ExitStatus.OK
