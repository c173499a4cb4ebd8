"""timeline: ask questions of a YAML timeline of the AI industry."""

__version__ = "0.1.0"
