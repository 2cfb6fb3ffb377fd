"""The demo's two sizes: the seed's whole development zone, or one township of it."""

from __future__ import annotations

from dataclasses import dataclass

from . import words


@dataclass(frozen=True)
class Scale:
    townships: tuple[tuple[str, int, int, str], ...]  # name, communities, villages, region code
    grids: int
    micro_grids: int
    households: int
    workers: int
    full_time: int


SCALES = {
    "zone": Scale(words.ZONE_TOWNSHIPS, 440, 2_000, 200_000, 14_406, 338),
    "small": Scale((("江南街道", 2, 2, "330702"),), 10, 40, 400, 60, 8),
}
