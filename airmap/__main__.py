"""``python -m airmap`` runs the ``airmap`` command."""

from airmap.maps.cli import run

run()
