"""What every subcommand shares: exit codes, one-line errors, atomic output files."""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, TextIO

__all__ = [
    "CLIError",
    "ExitStatus",
    "add_catalogue_options",
    "add_incident_option",
    "add_incidents_option",
    "add_kind_option",
    "add_zones_option",
    "atomic_output",
    "load_incidents",
    "parse_bbox",
    "parse_when",
]


@enum.unique
class ExitStatus(enum.IntEnum):
    """Exit codes of ``airmap``."""

    OK = 0
    DATA_ERROR = 1
    USAGE = 2
    INTERRUPTED = 130


class CLIError(Exception):
    """An error to print as one line (``airmap: error: ...``) with an exit code."""

    def __init__(
        self, message: str, status: ExitStatus = ExitStatus.DATA_ERROR
    ) -> None:
        super().__init__(message)
        self.status = status


def add_zones_option(parser: Any, dest: str = "zones") -> None:
    """Add ``--zones FILE`` (repeatable): users' zone files joining the seeds."""
    parser.add_argument(
        "--zones",
        action="append",
        default=[],
        metavar="FILE",
        dest=dest,
        help="add a user zone file (repeatable)",
    )


def add_incidents_option(parser: Any, dest: str = "incidents") -> None:
    """Add ``--incidents FILE`` (repeatable): users' incident files joining the seeds."""
    parser.add_argument(
        "--incidents",
        action="append",
        default=[],
        metavar="FILE",
        dest=dest,
        help="add a user incident file (TOML or JSON; repeatable)",
    )


def add_catalogue_options(parser: Any) -> None:
    """Add ``--incidents FILE``, ``--zones FILE`` (repeatable) and ``--no-seeds``."""
    add_incidents_option(parser)
    add_zones_option(parser)
    parser.add_argument(
        "--no-seeds",
        action="store_true",
        help="only the --incidents files (the seeded zones stay loaded)",
    )


def add_incident_option(
    parser: Any, help: str = "only this incident (repeatable; default: all)"
) -> None:
    """Add ``--incident ID`` (repeatable) as ``incident_ids``."""
    parser.add_argument(
        "--incident",
        action="append",
        default=[],
        metavar="ID",
        dest="incident_ids",
        help=help,
    )


def add_kind_option(
    parser: Any,
    help: str = "only zones of this kind (adiz, territorial_airspace, fir, …; "
    "repeatable)",
) -> None:
    """Add ``--kind KIND`` (repeatable) as ``kinds``."""
    parser.add_argument(
        "--kind",
        action="append",
        default=[],
        metavar="KIND",
        dest="kinds",
        help=help,
    )


def load_incidents(args: Any) -> Any:
    """The incident catalogue the options of :func:`add_catalogue_options` ask for.

    The seeds alone (loaded once, cached) unless ``--incidents``, ``--zones`` or
    ``--no-seeds`` is given.
    """
    from airmap.incidents import IncidentCatalogue
    from airmap.layers import ZoneCatalogue

    if not (args.incidents or args.zones or args.no_seeds):
        return IncidentCatalogue.default()
    zones = ZoneCatalogue.load(*args.zones) if args.zones else ZoneCatalogue.default()
    return IncidentCatalogue.load(
        *args.incidents, zones=zones, with_seeds=not args.no_seeds
    )


def parse_bbox(
    text: str, *, antimeridian: bool = False
) -> tuple[float, float, float, float]:
    """Parse and check ``--bbox MINLON,MINLAT,MAXLON,MAXLAT`` (a usage error if bad)."""
    from airmap.geo import BBOX_FIELDS, BBoxError, check_bbox

    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 4:
        raise CLIError(
            f"--bbox: {text!r}: expected 4 numbers {','.join(BBOX_FIELDS)}, "
            f"got {len(parts)}",
            ExitStatus.USAGE,
        )
    try:
        return check_bbox(parts, antimeridian=antimeridian)
    except BBoxError as exc:
        raise CLIError(f"--{exc}", ExitStatus.USAGE) from None


@contextlib.contextmanager
def atomic_output(path: str | Path, *, newline: str | None = "") -> Iterator[TextIO]:
    """Write text to a temporary file beside ``path``; move it into place on success.

    On any error the temporary file is removed and ``path`` is left as it was; a
    target that cannot be written is a one-line :class:`CLIError`.
    """
    from airmap.geo import OutputPathError, atomic_path

    try:
        with (
            atomic_path(path) as tmp,
            open(tmp, "w", encoding="utf-8", newline=newline) as fh,
        ):
            yield fh
    except OutputPathError as exc:
        raise CLIError(str(exc)) from None


def parse_when(text: str, *, what: str = "--when") -> dt.datetime:
    """Parse an ISO 8601 instant with a zone (``2019-07-23T00:09Z``, ``…+09:00``)."""
    raw = text.strip()
    norm = raw[:-1] + "+00:00" if raw.endswith(("Z", "z")) else raw
    try:
        value = dt.datetime.fromisoformat(norm)
    except ValueError:
        raise CLIError(
            f"{what}: {text!r} is not an ISO 8601 date-time (e.g. 2019-07-23T00:09Z)",
            ExitStatus.USAGE,
        ) from None
    if value.tzinfo is None:
        raise CLIError(
            f"{what}: {text!r} has no time zone; add Z for UTC or an offset like +09:00",
            ExitStatus.USAGE,
        )
    return value.astimezone(dt.UTC)


def write_error(stream: IO[str], message: str) -> None:
    """Print ``airmap: error: <message>`` as one line."""
    one_line = " ".join(str(message).split())
    print(f"airmap: error: {one_line}", file=stream)
