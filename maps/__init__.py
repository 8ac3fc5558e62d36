"""Rendering, exports and the ``airmap`` command.

May import every other ``airmap`` package. Folium-backed names are resolved lazily
(module ``__getattr__``) so that ``airmap check`` never loads folium.
"""

__all__: list[str] = []
