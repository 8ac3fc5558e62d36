"""The incident catalogue: the seeded incidents (and users' own), with verdicts."""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from airmap.geo import AirmapError, Source

from ._load import IncidentLoad, load_incident_files, load_incident_seeds
from ._model import Incident, Landmark
from ._verdict import Assessment, assess

if TYPE_CHECKING:
    from airmap.layers import ZoneCatalogue

__all__ = ["IncidentCatalogue", "UnknownIncidentError"]


class UnknownIncidentError(AirmapError, KeyError):
    """No incident has this id; the message suggests close ids."""

    def __init__(self, incident_id: str, known: Iterable[str]) -> None:
        self.incident_id = incident_id
        known = sorted(known)
        self.suggestions = tuple(
            difflib.get_close_matches(incident_id, known, n=3, cutoff=0.5)
        )
        msg = f"no incident with id {incident_id!r}"
        if self.suggestions:
            msg += "; did you mean " + ", ".join(map(repr, self.suggestions)) + "?"
        else:
            msg += "; run 'airmap incidents' for the list"
        self.message = msg
        super().__init__(msg)

    def __str__(self) -> str:  # KeyError would quote the whole message
        return self.message


class IncidentCatalogue:
    """Loaded incidents, by id and in date order, with the zones they refer to.

    Examples
    --------
    >>> cat = IncidentCatalogue.default()
    >>> inc = cat.get("2019-07-23-dokdo")
    >>> inc.window.start.isoformat()
    '2019-07-22T21:44:00+00:00'
    """

    def __init__(
        self,
        incidents: Iterable[Incident],
        zones: ZoneCatalogue,
        landmarks: dict[str, Landmark] | None = None,
        sources: dict[str, Source] | None = None,
    ) -> None:
        self._incidents = {
            i.id: i for i in sorted(incidents, key=lambda i: (i.window.start, i.id))
        }
        self.zones = zones
        self.landmarks: dict[str, Landmark] = dict(landmarks or {})
        self.sources: dict[str, Source] = dict(sources or {})
        self._assessments: dict[str, Assessment] = {}

    @classmethod
    def default(cls) -> IncidentCatalogue:
        """The shipped incidents against the shipped zones (loaded once)."""
        return _default()

    @classmethod
    def from_load(cls, load: IncidentLoad, zones: ZoneCatalogue) -> IncidentCatalogue:
        """Build from an :class:`IncidentLoad`, raising if it has problems."""
        load.raise_for_problems()
        return cls(load.incidents, zones, load.landmarks, load.sources)

    @classmethod
    def load(
        cls,
        *paths: str | Path,
        zones: ZoneCatalogue | None = None,
        with_seeds: bool = True,
    ) -> IncidentCatalogue:
        """Users' incident files (TOML/JSON), with the seeds unless ``with_seeds=False``.

        Raises :class:`~airmap.geo.ValidationError` listing every problem.
        """
        from airmap.layers import ZoneCatalogue

        zones = zones if zones is not None else ZoneCatalogue.default()
        return cls.from_load(
            load_incident_files(paths, zones, with_seeds=with_seeds), zones
        )

    def get(self, incident_id: str) -> Incident:
        """The incident with this id; an unknown id suggests close ones."""
        try:
            return self._incidents[incident_id]
        except KeyError:
            raise UnknownIncidentError(incident_id, self._incidents) from None

    def __getitem__(self, incident_id: str) -> Incident:
        return self.get(incident_id)

    def __iter__(self) -> Iterator[Incident]:
        return iter(self._incidents.values())

    def __len__(self) -> int:
        return len(self._incidents)

    def __contains__(self, incident_id: object) -> bool:
        return incident_id in self._incidents

    def __repr__(self) -> str:
        return f"IncidentCatalogue({len(self)} incidents)"

    def assess(self, incident_id: str) -> Assessment:
        """Verdicts, zones, totals and track analyses of one incident (cached)."""
        if incident_id not in self._assessments:
            self._assessments[incident_id] = assess(
                self.get(incident_id), self.zones, self.landmarks
            )
        return self._assessments[incident_id]


@functools.cache
def _default() -> IncidentCatalogue:
    from airmap.layers import ZoneCatalogue

    zones = ZoneCatalogue.default()
    return IncidentCatalogue.from_load(load_incident_seeds(zones), zones)
