"""The styles the HTML map and the static figures share.

Colours by zone kind, outline dashes by position tag, colours by the side of an
account (claim or counter-claim), and the rules that decide a position's side and
its account label. One place, so a figure in a report looks like the map.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from airmap.incidents import Incident

__all__ = [
    "DISPUTED_DASH",
    "HYPOTHESIS_DASH",
    "KIND_COLOUR",
    "KIND_LABEL",
    "REFERENCE_STYLE",
    "RING_DASH",
    "SIDE_COLOUR",
    "TAG_LABEL",
    "TAG_STYLE",
    "TRACK_COLOUR",
    "ZONE_FILL_OPACITY",
    "ZONE_GROUPS",
    "account_labels",
    "kind_colour",
    "position_roles",
]

#: Layer-control groups of zone kinds, in display order.
ZONE_GROUPS: dict[str, tuple[str, ...]] = {
    # largest first, so that smaller zones are drawn (and clicked) on top
    "FIRs": ("fir",),
    "ADIZs": ("adiz",),
    "Territorial airspace": ("territorial_airspace", "claimed_airspace"),
}
#: Outline colour (and fill colour, at 8 % opacity) of each zone kind.
KIND_COLOUR = {
    "adiz": "#d95f02",
    "territorial_airspace": "#1b9e77",
    "claimed_airspace": "#66a61e",
    "fir": "#7570b3",
}
#: How each position tag is drawn: outline dash pattern and fill opacity.
TAG_STYLE = {
    "published": ("", 0.35),
    "named_place": ("", 0.25),
    "derived": ("6 4", 0.2),
    "estimate": ("2 4", 0.12),
}
SIDE_COLOUR = {"claim": "#c51b7d", "counter_claim": "#2166ac"}


#: Dash pattern of a disputed zone's outline (Leaflet ``dashArray``, in pixels).
DISPUTED_DASH = "10 6"
#: Dash pattern of a hypothetical track.
HYPOTHESIS_DASH = "6 6"
#: Dash pattern of a distance-only account (a line of points).
RING_DASH = "12 6"
#: Reference lines (median lines, shelf boundaries): colour, weight, dash.
REFERENCE_STYLE = {"color": "#444444", "weight": 2, "dashArray": "4 4"}
#: Observed and hypothetical tracks.
TRACK_COLOUR = "#000000"
#: Fill opacity of zones.
ZONE_FILL_OPACITY = 0.08


def kind_colour(kind: str) -> str:
    """The colour of a zone kind (grey for kinds without one)."""
    return KIND_COLOUR.get(kind, "#666666")


KIND_LABEL = {
    "fir": "FIR",
    "adiz": "ADIZ",
    "territorial_airspace": "Territorial airspace",
    "claimed_airspace": "Claimed airspace",
}
TAG_LABEL = {
    "published": "published coordinates",
    "named_place": "named place",
    "derived": "derived (bearing/distance)",
    "estimate": "our estimate",
}


def position_roles(incident: Incident) -> dict[str, str]:
    """Claim or counter-claim for each position: the role of its own state's claims.

    A position takes the role of the claims by its state (``by``) that check it;
    failing that, the role most of that state's claims have in this incident.
    Only the claims and their checks are read, never computed verdicts, so this
    costs nothing.
    """
    from collections import Counter

    checked: dict[str, Counter[str]] = {}
    overall: dict[str, Counter[str]] = {}
    for claim in incident.claims:
        role = claim.role.value
        overall.setdefault(claim.by, Counter())[role] += 1
        for check in claim.checks:
            checked.setdefault(f"{claim.by}/{check.subject}", Counter())[role] += 1
    out = {}
    for p in incident.positions:
        votes = checked.get(f"{p.by}/{p.id}") or overall.get(p.by) or Counter()
        out[p.id] = votes.most_common(1)[0][0] if votes else "claim"
    return out


def account_labels(incident: Incident) -> dict[str, str]:
    """One permanent label per state's account: position id -> ``"KOR account (claim)"``.

    Labelled only where accounts disagree: a state's first position that one of
    its own claims checks, when that claim declares a conflict (``conflicts_with``)
    and at least two states' accounts are placed this way.
    """
    by_id = {p.id: p for p in incident.positions}
    first: dict[str, tuple[str, str]] = {}
    for claim in incident.claims:
        if not claim.conflicts_with:
            continue
        for check in claim.checks:
            p = by_id.get(check.subject)
            if p is None or p.by != claim.by or p.by in first:
                continue
            role = "counter-claim" if claim.role.value == "counter_claim" else "claim"
            first[p.by] = (p.id, role)
    if len(first) < 2:
        return {}
    return {pid: f"{by} account ({role})" for by, (pid, role) in first.items()}
