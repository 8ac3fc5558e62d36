"""The project's error hierarchy.

Every error derives from :class:`AirmapError` and also from the builtin that a
caller would naturally catch (``ValueError``, ``KeyError``, ``OSError``), so
``except ValueError`` keeps working for code that does not know this package.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

__all__ = [
    "AirmapError",
    "CRSMismatchError",
    "CoordinateError",
    "DataError",
    "InputError",
    "Problem",
    "SeedError",
    "UnknownZoneError",
    "ValidationError",
]


class AirmapError(Exception):
    """Base class of every error raised on purpose by ``airmap``."""


class CoordinateError(AirmapError, ValueError):
    """A printed coordinate could not be parsed.

    Parameters
    ----------
    text : str
        The text as given.
    reason : str
        What is wrong with it, in words.
    """

    def __init__(self, text: str, reason: str) -> None:
        self.text = text
        self.reason = reason
        super().__init__(f"cannot parse coordinate {text!r}: {reason}")


class Problem:
    """One problem found in a file: where it is and what is wrong.

    Parameters
    ----------
    path : str or None
        File the problem is in (``None`` for in-memory data).
    reason : str
        What is wrong, in words.
    line : int or None
        1-based line number, where the format has lines (CSV).
    record : str or None
        The record's id or position, e.g. ``"zone kadiz, version 2013, vertex 4"``.
    field : str or None
        The field (column, key) that is wrong.
    """

    __slots__ = ("field", "line", "path", "reason", "record")

    def __init__(
        self,
        path: str | None,
        reason: str,
        *,
        line: int | None = None,
        record: str | None = None,
        field: str | None = None,
    ) -> None:
        self.path = path
        self.reason = reason
        self.line = line
        self.record = record
        self.field = field

    def __str__(self) -> str:
        where = self.path or "<data>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        parts = [where]
        if self.record:
            parts.append(self.record)
        if self.field:
            parts.append(self.field)
        parts.append(self.reason)
        return ": ".join(parts)

    def __repr__(self) -> str:
        return f"Problem({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Problem):
            return NotImplemented
        return str(self) == str(other)

    def __hash__(self) -> int:
        return hash(str(self))


class DataError(AirmapError, ValueError):
    """Bad data in a file or record: names the file, line or record, and field.

    The message reads ``<file>:<line>: <record>: <field>: <reason>`` with the
    parts that are known; the parts are also attributes.
    """

    def __init__(
        self,
        path: str | None,
        reason: str,
        *,
        line: int | None = None,
        record: str | None = None,
        field: str | None = None,
    ) -> None:
        self.problem = Problem(path, reason, line=line, record=record, field=field)
        self.path = path
        self.reason = reason
        self.line = line
        self.record = record
        self.field = field
        super().__init__(str(self.problem))

    @classmethod
    def from_problem(cls, problem: Problem) -> DataError:
        """Build the error that reports one :class:`Problem`."""
        return cls(
            problem.path,
            problem.reason,
            line=problem.line,
            record=problem.record,
            field=problem.field,
        )


class SeedError(DataError):
    """A zone, source or incident record (shipped seed or user file) is invalid."""


class InputError(DataError):
    """A user's input table (positions, tracks) is invalid."""


class ValidationError(SeedError):
    """Several problems found in one file; ``problems`` lists every one.

    ``str()`` gives the first problem and a count, so that a one-line error
    stays one line; iterate over ``problems`` for the full report.
    """

    def __init__(self, problems: Sequence[Problem]) -> None:
        if not problems:
            raise ValueError("ValidationError needs at least one problem")
        self.problems: tuple[Problem, ...] = tuple(problems)
        first = self.problems[0]
        super().__init__(
            first.path,
            first.reason,
            line=first.line,
            record=first.record,
            field=first.field,
        )
        if len(self.problems) > 1:
            more = len(self.problems) - 1
            self.args = (f"{first} (and {more} more problem{'s' if more > 1 else ''})",)

    def __str__(self) -> str:
        return str(self.args[0])


class UnknownZoneError(AirmapError, KeyError):
    """No zone has this id; the message suggests close ids.

    Parameters
    ----------
    zone_id : str
        The id asked for.
    known : iterable of str
        The ids that exist.
    """

    def __init__(self, zone_id: str, known: Iterable[str]) -> None:
        self.zone_id = zone_id
        known = sorted(known)
        self.suggestions = tuple(
            difflib.get_close_matches(zone_id, known, n=3, cutoff=0.5)
        )
        msg = f"no zone with id {zone_id!r}"
        if self.suggestions:
            msg += (
                "; did you mean " + ", ".join(repr(s) for s in self.suggestions) + "?"
            )
        else:
            msg += f"; known ids: {', '.join(known)}"
        self.message = msg
        super().__init__(msg)

    def __str__(self) -> str:  # KeyError would quote the whole message
        return self.message


class CRSMismatchError(AirmapError, ValueError):
    """Input is not in WGS84 longitude/latitude; we refuse instead of guessing."""
