"""Moving a finished temporary file into place (the last step of atomic writes)."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["replace_keeping_mode"]


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
