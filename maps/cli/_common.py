"""What every subcommand shares: exit codes, one-line errors, atomic output files."""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, TextIO

from airmap.geo import replace_keeping_mode

__all__ = ["CLIError", "ExitStatus", "add_zones_option", "atomic_output", "parse_when"]


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


@contextlib.contextmanager
def atomic_output(path: str | Path, *, newline: str | None = "") -> Iterator[TextIO]:
    """Write to a temporary file beside ``path`` and move it into place on success.

    On any error the temporary file is removed and ``path`` is left as it was.
    """
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".tmp", dir=directory
        )
    except FileNotFoundError:
        raise CLIError(
            f"{target}: cannot write: directory {directory} does not exist"
        ) from None
    except PermissionError:
        raise CLIError(
            f"{target}: cannot write: permission denied in {directory}"
        ) from None
    except OSError as exc:
        raise CLIError(f"{target}: cannot write: {exc.strerror}") from None
    ok = False
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as fh:
            yield fh
        if target.is_dir():
            raise CLIError(f"{target}: cannot write: is a directory")
        replace_keeping_mode(tmp, target)
        ok = True
    finally:
        if not ok:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)


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
