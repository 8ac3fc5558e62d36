"""Atomic file output: write beside the target, then rename into place."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

__all__ = ["OutputPathError", "atomic_path", "replace_keeping_mode"]


class OutputPathError(OSError):
    """The target of an output cannot be written (missing directory, no permission).

    The message names the target and the reason, in one line.
    """


def replace_keeping_mode(tmp: str | Path, target: str | Path) -> None:
    """Rename ``tmp`` over ``target`` with the mode a plain ``open()`` would give.

    ``tempfile.mkstemp`` creates files readable by their owner only (0600); the
    result takes the mode of the file it replaces, or 0666 less the umask.
    """
    try:
        mode = Path(target).stat().st_mode & 0o7777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        mode = 0o666 & ~mask
    os.chmod(tmp, mode)
    os.replace(tmp, target)


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a fresh temporary path beside ``target``; rename it into place on success.

    For writers that want a path, not an open file (GDAL, matplotlib). The
    temporary file keeps the target's suffix, is created empty (writers may
    delete and recreate it) and is removed on any error, leaving ``target`` as
    it was.

    Raises
    ------
    OutputPathError
        The directory does not exist, is not writable, or ``target`` is a
        directory.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> with atomic_path(d / "out.txt") as tmp:
    ...     _ = tmp.write_text("done")
    >>> (d / "out.txt").read_text(), sorted(p.name for p in d.iterdir())
    ('done', ['out.txt'])
    """
    target = Path(target)
    directory = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise OutputPathError(f"{target}: cannot write: is a directory")
    try:
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{target.stem}.", suffix=f".tmp{target.suffix}", dir=directory
        )
    except FileNotFoundError:
        raise OutputPathError(
            f"{target}: cannot write: directory {directory} does not exist"
        ) from None
    except PermissionError:
        raise OutputPathError(
            f"{target}: cannot write: permission denied in {directory}"
        ) from None
    except OSError as exc:
        raise OutputPathError(f"{target}: cannot write: {exc.strerror}") from None
    os.close(fd)
    tmp = Path(tmp_name)
    ok = False
    try:
        yield tmp
        replace_keeping_mode(tmp, target)
        ok = True
    finally:
        if not ok:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
