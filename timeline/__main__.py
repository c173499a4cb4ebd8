"""``python -m timeline`` runs the same app as the ``timeline`` command."""

from timeline.cli import main

main()
