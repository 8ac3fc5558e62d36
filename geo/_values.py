"""Frozen, validated value objects: confidence, sources, validity, vertical bands."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from ._enum import ParamEnum

__all__ = ["AltitudeBand", "Confidence", "Source", "Validity", "as_utc"]


class Confidence(ParamEnum):
    """How far a fact can be trusted (the scale of the project's fact sheets).

    ``high``: primary text seen, or two independent good sources agree;
    ``medium``: one good secondary source, or primary text seen through a copy;
    ``low``: a single weak source, a reconstruction or an inference.
    The in-between grades are kept where the evidence sits between two levels.
    """

    HIGH = "high"
    MEDIUM_HIGH = "medium-high"
    MEDIUM = "medium"
    MEDIUM_LOW = "medium-low"
    LOW = "low"

    @classmethod
    def _what(cls) -> str:
        return "confidence"

    @classmethod
    def _aliases(cls) -> dict[str, str]:
        return {"low-medium": "medium-low", "high-medium": "medium-high"}

    @classmethod
    def _normalise(cls, text: str) -> str:
        """Accept ``Medium_Low``, ``medium low`` … as ``medium-low``.

        >>> Confidence.parse("low-medium")
        <Confidence.MEDIUM_LOW: 'medium-low'>
        """
        return text.strip().lower().replace("_", "-").replace(" ", "-")

    @property
    def rank(self) -> int:
        """Order from 0 (low) to 4 (high)."""
        return {"low": 0, "medium-low": 1, "medium": 2, "medium-high": 3, "high": 4}[
            self.value
        ]


def as_utc(value: dt.datetime, *, what: str = "datetime") -> dt.datetime:
    """Return ``value`` converted to UTC; refuse naive datetimes.

    >>> import datetime as dt
    >>> kst = dt.timezone(dt.timedelta(hours=9))
    >>> as_utc(dt.datetime(2019, 7, 23, 9, 9, tzinfo=kst)).isoformat()
    '2019-07-23T00:09:00+00:00'
    """
    if not isinstance(value, dt.datetime):
        raise TypeError(f"{what} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise ValueError(
            f"{what} {value.isoformat()} is naive: give a time zone or UTC offset"
        )
    return value.astimezone(dt.UTC)


@dataclass(frozen=True, slots=True)
class Source:
    """One original source that facts cite by ``id``.

    URLs are kept as given; only ``http`` and ``https`` are accepted.
    """

    #: Stable id that records cite, e.g. ``"newdaily-2013-12-08"``.
    id: str
    #: Address of the original (not of a fact sheet that quotes it).
    url: str
    #: Title of the page or document, in its own language or translated.
    title: str
    #: How far the facts taken from it can be trusted.
    confidence: Confidence
    #: Who published it (ministry, newspaper, registry package …).
    publisher: str = ""
    #: Publication date, where known.
    published: dt.date | None = None
    #: Language code (BCP 47, e.g. ``"ko"``), where known.
    language: str = ""
    #: When the project read it, where recorded.
    retrieved: dt.date | None = None
    #: Anything a reader should know (mirror, translation, secondary data …).
    note: str = ""

    def __post_init__(self) -> None:
        if not self.id or not isinstance(self.id, str):
            raise ValueError("source id must be a non-empty string")
        if not isinstance(self.url, str) or not self.url.lower().startswith(
            ("http://", "https://")
        ):
            raise ValueError(
                f"source {self.id}: url must start with http:// or https://"
            )
        if not isinstance(self.title, str) or not self.title.strip():
            raise ValueError(f"source {self.id}: title must be a non-empty string")
        if not isinstance(self.confidence, Confidence):
            object.__setattr__(self, "confidence", Confidence.parse(self.confidence))


@dataclass(frozen=True, slots=True)
class Validity:
    """A half-open time interval ``[start, end)`` in UTC; ``None`` is open-ended.

    >>> import datetime as dt
    >>> v = Validity(None, dt.datetime(2013, 12, 15, 5, tzinfo=dt.UTC))
    >>> v.contains(dt.datetime(2013, 12, 15, 4, 59, tzinfo=dt.UTC))
    True
    >>> v.contains(dt.datetime(2013, 12, 15, 5, tzinfo=dt.UTC))
    False
    """

    #: First instant in force (inclusive), aware UTC; ``None`` = since ever.
    start: dt.datetime | None = None
    #: First instant no longer in force (exclusive), aware UTC; ``None`` = open.
    end: dt.datetime | None = None

    def __post_init__(self) -> None:
        if self.start is not None:
            object.__setattr__(self, "start", as_utc(self.start, what="valid_from"))
        if self.end is not None:
            object.__setattr__(self, "end", as_utc(self.end, what="valid_to"))
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ValueError(
                f"valid_to {self.end.isoformat()} is not after "
                f"valid_from {self.start.isoformat()}"
            )

    def contains(self, when: dt.datetime) -> bool:
        """Whether the instant ``when`` (aware) falls inside the interval."""
        when = as_utc(when, what="when")
        if self.start is not None and when < self.start:
            return False
        return not (self.end is not None and when >= self.end)

    def overlaps(self, other: Validity) -> bool:
        """Whether two half-open intervals share at least one instant."""
        a0 = self.start or dt.datetime.min.replace(tzinfo=dt.UTC)
        b0 = other.start or dt.datetime.min.replace(tzinfo=dt.UTC)
        a1 = self.end or dt.datetime.max.replace(tzinfo=dt.UTC)
        b1 = other.end or dt.datetime.max.replace(tzinfo=dt.UTC)
        return a0 < b1 and b0 < a1

    def __str__(self) -> str:
        def fmt(t: dt.datetime) -> str:
            return t.strftime("%Y-%m-%d %H:%M UTC")

        if self.start is None and self.end is None:
            return "no dates recorded"
        if self.start is None:
            return f"until {fmt(self.end)}"  # type: ignore[arg-type]
        if self.end is None:
            return f"from {fmt(self.start)}"
        return f"{fmt(self.start)} – {fmt(self.end)}"


@dataclass(frozen=True, slots=True)
class AltitudeBand:
    """A vertical band in feet above mean sea level; ``upper_ft`` may be ``inf``.

    >>> AltitudeBand(0, math.inf).contains(35_000)
    True
    """

    #: Lower limit, feet (0 = surface).
    lower_ft: float = 0.0
    #: Upper limit, feet (``math.inf`` = unlimited).
    upper_ft: float = math.inf
    #: How the limits were printed, e.g. ``"GND–UNL"``.
    printed: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        for name in ("lower_ft", "upper_ft"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValueError(f"{name} must be a number, got {value!r}")
            if math.isnan(value):
                raise ValueError(f"{name} must not be NaN")
        if self.lower_ft > self.upper_ft:
            raise ValueError(
                f"lower_ft {self.lower_ft} is above upper_ft {self.upper_ft}"
            )
        if self.lower_ft == math.inf:
            raise ValueError("lower_ft must be finite")

    def contains(self, altitude_ft: float) -> bool:
        """Whether an altitude in feet lies in the band (limits included)."""
        return self.lower_ft <= altitude_ft <= self.upper_ft
