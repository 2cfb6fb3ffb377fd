"""The demo's grid tree: zone, townships, communities and villages, grids and micro-grids, with
the names and the addresses of each micro-grid's households."""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from ..models import Grid
from ..models.grid import MICRO_LEVEL, segment
from . import bulk, words
from .scales import Scale

# Micro-grid kinds by what they sit in, with the share of each.
COMMUNITY_KINDS = (
    ("stairwell", 0.58),
    ("building", 0.12),
    ("street", 0.12),
    ("organisation", 0.09),
    ("enterprise", 0.09),
)
VILLAGE_KINDS = (
    ("villager_group", 0.80),
    ("enterprise", 0.08),
    ("street", 0.06),
    ("organisation", 0.06),
)
# Relative household counts per kind: offices and firms house only a dormitory's worth.
KIND_HOUSEHOLDS = {
    "stairwell": 1.0,
    "building": 1.3,
    "street": 0.5,
    "organisation": 0.2,
    "enterprise": 0.3,
    "villager_group": 1.1,
}


@dataclass
class Place:
    """A community or village (level 2) and the counters its micro-grids draw from."""

    row: dict
    township: str
    stem: str
    village: bool
    region: str
    buildings: int = 0
    groups: int = 0
    houses: int = 0
    names: set[str] = field(default_factory=set)


@dataclass
class Micro:
    """A micro-grid, how many households it gets, and the maker of their addresses."""

    row: dict
    place: Place
    households: int
    address: Callable[[int], str]


@dataclass
class Tree:
    """The written tree's rows, by level, as the workers and households are placed on it."""

    root: dict
    townships: list[dict]
    places: list[Place]
    grids: list[tuple[dict, Place]]
    micros: list[Micro]


def spread(total: int, weights: list[float], minimum: int = 0) -> list[int]:
    """Split `total` into integer parts proportional to `weights`, each at least `minimum`."""
    rest = total - minimum * len(weights)
    if rest < 0:
        raise ValueError("total too small for the minimum")
    whole = sum(weights)
    shares = [rest * w / whole for w in weights]
    counts = [int(s) for s in shares]
    # Largest remainders take the units that rounding down left over, so the sum is exact.
    order = sorted(range(len(shares)), key=lambda i: counts[i] - shares[i])
    for i in order[: rest - sum(counts)]:
        counts[i] += 1
    return [c + minimum for c in counts]


def build_tree(
    scale: Scale, rng: random.Random, created: datetime, echo: Callable[[str], None]
) -> Tree:
    """Write the tree of `scale`, drawing from `rng`; returns its rows for the people."""
    ids = itertools.count(bulk.next_id(Grid))
    rows: list[dict] = []

    def add(parent: dict | None, level: int, name: str, code: str, kind: str | None = None):
        grid_id = next(ids)
        row = {
            "id": grid_id,
            "parent_id": parent["id"] if parent else None,
            "level": level,
            "kind": kind,
            "name": name,
            "code": code,
            "path": (parent["path"] if parent else "") + segment(grid_id),
            "active": True,
            "created_at": created,
        }
        rows.append(row)
        return row

    # Ids go level by level, so a level's nodes are one contiguous id range.
    root = add(None, 0, words.ZONE_NAME, "Z")
    townships = [add(root, 1, name, f"T{t:02d}") for t, (name, *_) in enumerate(scale.townships, 1)]

    n_communities = sum(t[1] for t in scale.townships)
    n_villages = sum(t[2] for t in scale.townships)
    community_stems = iter(rng.sample(words.COMMUNITY_STEMS, n_communities))
    village_stems = iter(
        rng.sample(
            [a + b for a in words.VILLAGE_FIRST for b in words.VILLAGE_SECOND if a != b],
            n_villages,
        )
    )
    places: list[Place] = []
    for township, (name, communities, villages, region) in zip(
        townships, scale.townships, strict=True
    ):
        for p in range(communities + villages):
            village = p >= communities
            stem = next(village_stems if village else community_stems)
            code = f"{'V' if village else 'C'}{township['code'][1:]}{p + 1:02d}"
            row = add(township, 2, stem + ("村" if village else "社区"), code)
            places.append(Place(row, name, stem, village, region))

    # Communities hold about twice as many grids as villages (natural villages are few).
    weights = [(1.0 if p.village else 2.0) * rng.uniform(0.7, 1.3) for p in places]
    grids: list[tuple[dict, Place]] = []
    for place, count in zip(places, spread(scale.grids, weights, 1), strict=True):
        naturals = _natural_villages(rng, count) if place.village else []
        for k in range(1, count + 1):
            if place.village:
                name = naturals[k - 1] + "自然村"
            else:
                name = f"{place.row['name']}第{words.cn_number(k)}网格"
            code = f"G{place.row['code'][1:]}{k:03d}"
            grids.append((add(place.row, 3, name, code), place))

    counts = spread(scale.micro_grids, [rng.uniform(0.7, 1.3) for _ in grids], 1)
    plan: list[tuple[dict, Place, int, str]] = []
    for (grid, place), count in zip(grids, counts, strict=True):
        choices = VILLAGE_KINDS if place.village else COMMUNITY_KINDS
        kinds = rng.choices([k for k, _ in choices], weights=[w for _, w in choices], k=count)
        plan.extend((grid, place, k, kind) for k, kind in enumerate(kinds, 1))
    _ensure_every_kind(rng, plan)

    households = spread(
        scale.households,
        [KIND_HOUSEHOLDS[kind] * rng.uniform(0.6, 1.4) for *_, kind in plan],
        5,
    )
    micros: list[Micro] = []
    for (grid, place, k, kind), n in zip(plan, households, strict=True):
        name, address = _dress_micro(rng, place, kind, n)
        row = add(grid, MICRO_LEVEL, name, f"M{grid['code'][1:]}{k:02d}", kind)
        micros.append(Micro(row, place, n, address))

    bulk.insert(Grid, rows)
    echo(f"grids {len(rows):,} ({len(micros):,} micro-grids)")
    return Tree(root, townships, places, grids, micros)


def _natural_villages(rng: random.Random, count: int) -> list[str]:
    """Distinct natural-village names such as 下徐 or 王宅 for one administrative village."""
    names: list[str] = []
    while len(names) < count:
        surname = rng.choice(words.SURNAMES[:60])
        if rng.random() < 0.5:
            name = rng.choice(words.NATURAL_PREFIXES) + surname
        else:
            name = surname + rng.choice(words.NATURAL_SUFFIXES)
        if name not in names:
            names.append(name)
    return names


def _ensure_every_kind(rng: random.Random, plan: list[tuple[dict, Place, int, str]]) -> None:
    """Turn a common micro-grid into each kind that chance left out (small scale)."""
    present = {kind for *_, kind in plan}
    for kind, _ in COMMUNITY_KINDS + VILLAGE_KINDS:
        if kind in present:
            continue
        in_village = kind == "villager_group"
        common = "villager_group" if in_village else "stairwell"
        spots = [
            i
            for i, (_, place, _, k) in enumerate(plan)
            if place.village == in_village and k == common
        ]
        if spots:
            i = rng.choice(spots)
            plan[i] = (*plan[i][:3], kind)
            present.add(kind)


def _dress_micro(
    rng: random.Random, place: Place, kind: str, n: int
) -> tuple[str, Callable[[int], str]]:
    """A micro-grid's name, and the maker of its `n` households' addresses."""
    prefix = f"{place.township} {place.row['name']} "
    if kind == "stairwell":
        place.buildings += rng.randint(1, 2)
        b = place.buildings
        floors = max(rng.choice((6, 6, 6, 7, 11, 18)), -(-n // 8))  # at most 4 units
        return f"{b}幢", _stairwell_address(prefix, b, floors)
    if kind == "villager_group":
        place.groups += 1
        start = place.houses + 1
        place.houses += n + rng.randint(0, 6)  # numbers of empty houses are skipped
        return f"第{words.cn_number(place.groups)}村民小组", _house_address(prefix, start)
    if kind == "street":
        # One segment per road in a place, so no two households share an address.
        road = _unique_name(place, lambda: rng.choice(words.ROADS))
        start = rng.randrange(1, 400)
        return f"{road}{start}-{start + 2 * (n - 1)}号", _street_address(prefix, road, start)
    if kind == "building":
        suffixes = words.BUILDING_SUFFIXES
        name = _unique_name(place, lambda: rng.choice(words.BUILDING_STEMS) + rng.choice(suffixes))
        return name, _tower_address(prefix + name)
    if kind == "organisation":
        types = words.ORGANISATION_TYPES
        name = _unique_name(place, lambda: place.stem + rng.choice(types))
        return name, _dormitory_address(prefix + name + "宿舍")
    trades = words.ENTERPRISE_TRADES
    firm = _unique_name(place, lambda: rng.choice(words.ENTERPRISE_STEMS) + rng.choice(trades))
    name = f"金华{firm}有限公司"
    return name, _dormitory_address(prefix + name + "职工宿舍")


def _unique_name(place: Place, make: Callable[[], str]) -> str:
    """A name from `make` that no other micro-grid of the place has (two 西苑小学 confuse)."""
    for _ in range(20):
        if (name := make()) not in place.names:
            break
    else:  # the word lists ran out for this place: number the duplicate
        name = f"{name}{len(place.names)}"
    place.names.add(name)
    return name


# Address makers: each returns a function from a household's index in its micro-grid to its
# address, so that 200,000 addresses are made while streaming, not held in memory.


def _stairwell_address(prefix: str, building: int, floors: int) -> Callable[[int], str]:
    per_unit = floors * 2

    def address(i: int) -> str:
        unit, k = divmod(i, per_unit)
        floor, room = divmod(k, 2)
        return f"{prefix}{building}幢{unit + 1}单元{floor + 1}{room + 1:02d}室"

    return address


def _house_address(prefix: str, start: int) -> Callable[[int], str]:
    return lambda i: f"{prefix}{start + i}号"


def _street_address(prefix: str, road: str, start: int) -> Callable[[int], str]:
    return lambda i: f"{prefix}{road}{start + 2 * i}号"


def _tower_address(prefix: str) -> Callable[[int], str]:
    # Eight flats a floor above shops on the ground floor.
    return lambda i: f"{prefix}{i // 8 + 2}{i % 8 + 1:02d}室"


def _dormitory_address(prefix: str) -> Callable[[int], str]:
    def address(i: int) -> str:
        block, k = divmod(i, 24)
        floor, room = divmod(k, 4)
        return f"{prefix}{block + 1}幢{floor + 1}{room + 1:02d}室"

    return address
