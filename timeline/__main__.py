"""``python -m timeline`` runs the same program as the ``timeline`` command."""

from timeline.entry import main

main()
