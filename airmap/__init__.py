"""airspace-incidents: where was an incident, relative to whose airspace, when.

The work lives in the subpackages: :mod:`airmap.geo` (geodesy),
:mod:`airmap.seeds` (shipped data), :mod:`airmap.layers` (zones and membership),
:mod:`airmap.incidents` (incident records and tracks) and :mod:`airmap.maps`
(maps, exports and the ``airmap`` command). This module stays thin on purpose.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
