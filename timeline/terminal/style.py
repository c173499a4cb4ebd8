"""The one palette: each company gets a stable colour, the same in the terminal and in HTML.

A company's colour is chosen by a checksum of its name, so it is the same in every view, every
export and every run. Each entry is a rich colour name and its hex twin for HTML.
"""

from __future__ import annotations

import zlib

PALETTE: tuple[tuple[str, str], ...] = (
    ("dodger_blue1", "#1e6fd9"),
    ("orange3", "#b86e00"),
    ("green3", "#15803d"),
    ("magenta", "#a21caf"),
    ("gold3", "#8a6d00"),
    ("cyan3", "#0e7490"),
    ("red3", "#b91c1c"),
    ("medium_purple2", "#6d28d9"),
    ("spring_green3", "#047857"),
    ("hot_pink3", "#be185d"),
    ("steel_blue1", "#2563eb"),
    ("dark_orange", "#c2410c"),
)
RAIL = "grey50"


def _index(name: str) -> int:
    return zlib.crc32(name.encode()) % len(PALETTE)


def company_style(name: str) -> str:
    """The rich style of a company's name in the terminal."""
    return PALETTE[_index(name)][0]


def company_hex(name: str) -> str:
    """The same colour as ``company_style``, for HTML."""
    return PALETTE[_index(name)][1]
