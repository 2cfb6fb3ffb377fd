"""Demo data: the seed's whole development zone, or one township of it, loaded in bulk.

Rows are made as plain dicts with explicit ids and written with Core executemany inserts in
batches: ORM objects for half a million residents would take many minutes and gigabytes.
Everything comes from one seeded Random, so two loads give the same data. A month of field
work (visits, colour history, home observation, follow-ups, errands) follows, written by
demo_history.py at the seed's rates.
"""

from __future__ import annotations

import itertools
import random
from bisect import bisect
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Table, func, insert, select, text
from werkzeug.security import generate_password_hash

from . import clock
from . import demo_names as words
from .demo_history import load_history
from .extensions import db
from .identity import id_check_char
from .models import Grid, Household, Resident, Worker
from .models.grid import MICRO_LEVEL, segment

# Every table the demo writes with explicit ids (PostgreSQL's sequences are set past them).
TABLES = (
    "grid",
    "worker",
    "household",
    "resident",
    "visit",
    "status_change",
    "observation",
    "observation_event",
    "follow_up",
    "errand",
)
PASSWORD = "demo1234"
SEED = 2020
BATCH = 10_000
DEMO_PHONES = ("13900000001", "13900000002", "13900000003", "13900000004")

# Household sizes 1–6: about 2.5 people a household (the zone: 200,000 households, 500,000
# residents).
SIZE_CUM_WEIGHTS = (0.22, 0.54, 0.80, 0.93, 0.98, 1.0)
# Colour shares: 0.1 % red, 0.5 % orange, 3 % yellow, 6 % light yellow, the rest green;
# cumulative from red down.
STATUS_CUM = (("red", 0.001), ("orange", 0.006), ("yellow", 0.036), ("light_yellow", 0.096))

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


@dataclass(frozen=True)
class DemoSignIn:
    """One demo account to print after loading: who it is, where it works, how to sign in."""

    role: str
    scope: str
    phone: str
    password: str


@dataclass(frozen=True)
class _Shape:
    townships: tuple[tuple[str, int, int, str], ...]  # name, communities, villages, region code
    grids: int
    micro_grids: int
    households: int
    workers: int
    full_time: int


SHAPES = {
    "zone": _Shape(words.ZONE_TOWNSHIPS, 440, 2_000, 200_000, 14_406, 338),
    "small": _Shape((("江南街道", 2, 2, "330702"),), 10, 40, 400, 60, 8),
}


@dataclass
class _Place:
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
class _Micro:
    row: dict
    place: _Place
    households: int
    address: Callable[[int], str]


def load_demo(scale: str, echo: Callable[[str], None] = print) -> list[DemoSignIn] | None:
    """Load the demo zone or township into an empty database; None if grids already exist."""
    if scale not in SHAPES:
        raise ValueError(f"unknown demo scale {scale!r}: use one of {', '.join(SHAPES)}")
    if db.session.execute(select(Grid.id).limit(1)).first() is not None:
        return None
    return _Loader(SHAPES[scale], echo).run()


def _spread(total: int, weights: list[float], minimum: int = 0) -> list[int]:
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


class _Loader:
    def __init__(self, shape: _Shape, echo: Callable[[str], None]) -> None:
        self.shape = shape
        self.echo = echo
        self.rng = random.Random(SEED)
        self.now = clock.now()
        self.created = (self.now - timedelta(days=120)).replace(hour=9, minute=0, second=0)
        self.surnames = list(words.SURNAMES) + list(words.COMPOUND_SURNAMES)
        # Zipf-like: 王 and 李 common, 诸葛 rare.
        self.surname_cum = list(
            itertools.accumulate(1 / (rank + 6) for rank in range(len(self.surnames)))
        )
        self.surname_total = self.surname_cum[-1]
        self.used_ids: set[str] = set()
        self.worker_phones: set[str] = set(DEMO_PHONES)
        self.workers_done = 0
        self.year_start = {y: date(y, 1, 1).toordinal() for y in range(1925, 2022)}

    # --- helpers -----------------------------------------------------------------------------

    def insert(self, model: type[db.Model], rows: list[dict]) -> None:
        # The Table, not the mapped class: plain Core executemany skips the ORM bulk machinery.
        table: Table = model.__table__
        for start in range(0, len(rows), BATCH):
            db.session.execute(insert(table), rows[start : start + BATCH])
        db.session.commit()

    def next_id(self, model: type[db.Model]) -> int:
        return (db.session.execute(select(func.max(model.id))).scalar() or 0) + 1

    # The per-resident helpers below draw with random() and bisect instead of choice(),
    # randrange() and choices(): they run millions of times and this halves their cost.

    def phone(self) -> str:
        draw = self.rng.random
        prefixes = words.PHONE_PREFIXES
        return f"{prefixes[int(draw() * len(prefixes))]}{int(draw() * 100_000_000):08d}"

    def unique_phone(self) -> str:
        # Worker phones are sign-in names, so unique; residents may share a family phone.
        while (phone := self.phone()) in self.worker_phones:
            pass
        self.worker_phones.add(phone)
        return phone

    def surname(self) -> str:
        return self.surnames[bisect(self.surname_cum, self.rng.random() * self.surname_total)]

    def given_name(self, male: bool, year: int) -> str:
        draw = self.rng.random
        if year < 1980:
            pool = words.MALE_OLD if male else words.FEMALE_OLD
        else:
            pool = words.MALE_YOUNG if male else words.FEMALE_YOUNG
        name = pool[int(draw() * len(pool))]
        if draw() < (0.55 if year < 1960 else 0.78):
            name += pool[int(draw() * len(pool))]
        if draw() < 0.004:  # now and then a character few fonts carry
            name = name[:-1] + self.rng.choice(words.RARE_GIVEN)
        return name

    def id_number(self, region: str, year: int, male: bool) -> str:
        draw = self.rng.random
        days = 366 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 365
        born = date.fromordinal(self.year_start[year] + int(draw() * days))
        stem = f"{region}{born.year}{born.month:02d}{born.day:02d}"
        while True:
            # The 17th digit is odd for men and even for women: 001–997 or 002–998.
            first17 = f"{stem}{int(draw() * 499) * 2 + 2 - male:03d}"
            if first17 not in self.used_ids:
                self.used_ids.add(first17)
                return first17 + id_check_char(first17)

    # --- the run -----------------------------------------------------------------------------

    def run(self) -> list[DemoSignIn]:
        self.password_hash = generate_password_hash(PASSWORD)  # once: scrypt costs ~0.1 s
        self.build_tree()
        sign_ins = self.load_workers()
        self.load_households()
        load_history(self.now, self.echo)
        if db.session.get_bind().dialect.name == "postgresql":
            # Explicit ids leave the serial sequences at 1; the app's next insert would collide.
            for table in TABLES:
                db.session.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
            db.session.commit()
        return sign_ins

    def build_tree(self) -> None:
        rng, shape = self.rng, self.shape
        ids = itertools.count(self.next_id(Grid))
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
                "created_at": self.created,
            }
            rows.append(row)
            return row

        # Ids go level by level, so a level's nodes are one contiguous id range.
        self.root = add(None, 0, words.ZONE_NAME, "Z")
        self.townships = [
            add(self.root, 1, name, f"T{t:02d}") for t, (name, *_) in enumerate(shape.townships, 1)
        ]

        n_communities = sum(t[1] for t in shape.townships)
        n_villages = sum(t[2] for t in shape.townships)
        community_stems = iter(rng.sample(words.COMMUNITY_STEMS, n_communities))
        village_stems = iter(
            rng.sample(
                [a + b for a in words.VILLAGE_FIRST for b in words.VILLAGE_SECOND if a != b],
                n_villages,
            )
        )
        self.places: list[_Place] = []
        for township, (name, communities, villages, region) in zip(
            self.townships, shape.townships, strict=True
        ):
            for p in range(communities + villages):
                village = p >= communities
                stem = next(village_stems if village else community_stems)
                code = f"{'V' if village else 'C'}{township['code'][1:]}{p + 1:02d}"
                row = add(township, 2, stem + ("村" if village else "社区"), code)
                self.places.append(_Place(row, name, stem, village, region))

        # Communities hold about twice as many grids as villages (natural villages are few).
        weights = [(1.0 if p.village else 2.0) * rng.uniform(0.7, 1.3) for p in self.places]
        grids: list[tuple[dict, _Place]] = []
        for place, count in zip(self.places, _spread(shape.grids, weights, 1), strict=True):
            naturals = self.natural_villages(count) if place.village else []
            for k in range(1, count + 1):
                if place.village:
                    name = naturals[k - 1] + "自然村"
                else:
                    name = f"{place.row['name']}第{words.cn_number(k)}网格"
                code = f"G{place.row['code'][1:]}{k:03d}"
                grids.append((add(place.row, 3, name, code), place))
        self.grids = grids

        counts = _spread(shape.micro_grids, [rng.uniform(0.7, 1.3) for _ in grids], 1)
        plan: list[tuple[dict, _Place, int, str]] = []
        for (grid, place), count in zip(grids, counts, strict=True):
            choices = VILLAGE_KINDS if place.village else COMMUNITY_KINDS
            kinds = rng.choices([k for k, _ in choices], weights=[w for _, w in choices], k=count)
            plan.extend((grid, place, k, kind) for k, kind in enumerate(kinds, 1))
        self.ensure_every_kind(plan)

        households = _spread(
            shape.households,
            [KIND_HOUSEHOLDS[kind] * rng.uniform(0.6, 1.4) for *_, kind in plan],
            5,
        )
        self.micros: list[_Micro] = []
        for (grid, place, k, kind), n in zip(plan, households, strict=True):
            name, address = self.dress_micro(place, kind, n)
            row = add(grid, MICRO_LEVEL, name, f"M{grid['code'][1:]}{k:02d}", kind)
            self.micros.append(_Micro(row, place, n, address))

        self.insert(Grid, rows)
        self.echo(f"grids {len(rows):,} ({len(self.micros):,} micro-grids)")

    def natural_villages(self, count: int) -> list[str]:
        """Distinct natural-village names such as 下徐 or 王宅 for one administrative village."""
        rng, names = self.rng, []
        while len(names) < count:
            surname = rng.choice(words.SURNAMES[:60])
            if rng.random() < 0.5:
                name = rng.choice(words.NATURAL_PREFIXES) + surname
            else:
                name = surname + rng.choice(words.NATURAL_SUFFIXES)
            if name not in names:
                names.append(name)
        return names

    def ensure_every_kind(self, plan: list[tuple[dict, _Place, int, str]]) -> None:
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
                i = self.rng.choice(spots)
                plan[i] = (*plan[i][:3], kind)
                present.add(kind)

    def dress_micro(self, place: _Place, kind: str, n: int) -> tuple[str, Callable[[int], str]]:
        """A micro-grid's name, and the maker of its `n` households' addresses."""
        rng = self.rng
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
            road = self.unique_name(place, lambda: rng.choice(words.ROADS))
            start = rng.randrange(1, 400)
            return f"{road}{start}-{start + 2 * (n - 1)}号", _street_address(prefix, road, start)
        if kind == "building":
            suffixes = words.BUILDING_SUFFIXES
            name = self.unique_name(
                place, lambda: rng.choice(words.BUILDING_STEMS) + rng.choice(suffixes)
            )
            return name, _tower_address(prefix + name)
        if kind == "organisation":
            types = words.ORGANISATION_TYPES
            name = self.unique_name(place, lambda: place.stem + rng.choice(types))
            return name, _dormitory_address(prefix + name + "宿舍")
        trades = words.ENTERPRISE_TRADES
        firm = self.unique_name(
            place, lambda: rng.choice(words.ENTERPRISE_STEMS) + rng.choice(trades)
        )
        name = f"金华{firm}有限公司"
        return name, _dormitory_address(prefix + name + "职工宿舍")

    def unique_name(self, place: _Place, make: Callable[[], str]) -> str:
        """A name from `make` that no other micro-grid of the place has (two 西苑小学 confuse)."""
        for _ in range(20):
            if (name := make()) not in place.names:
                break
        else:  # the word lists ran out for this place: number the duplicate
            name = f"{name}{len(place.names)}"
        place.names.add(name)
        return name

    # --- workers -----------------------------------------------------------------------------

    def load_workers(self) -> list[DemoSignIn]:
        rng, shape = self.rng, self.shape
        supervisors = len(self.townships) + len(self.places)
        on_micros = shape.workers - 1 - supervisors - len(self.grids)
        if on_micros < len(self.micros):
            raise ValueError("too few workers for one per micro-grid")

        # The demo accounts: a street (街道) if there is one, its first community, and the first
        # stairwell there, which always has households.
        street_offices = [t for t in self.townships if t["name"].endswith("街道")]
        township = (street_offices or self.townships)[0]
        community = next(
            p for p in self.places if p.row["parent_id"] == township["id"] and not p.village
        )
        in_community = [m for m in self.micros if m.place is community]
        stairwells = [m for m in in_community if m.row["kind"] == "stairwell"]
        demo_micro = (stairwells or in_community)[0]
        demo_phone = {
            self.root["id"]: DEMO_PHONES[0],
            township["id"]: DEMO_PHONES[1],
            community.row["id"]: DEMO_PHONES[2],
            demo_micro.row["id"]: DEMO_PHONES[3],
        }

        ids = itertools.count(self.next_id(Worker))
        rows: list[dict] = []

        def add(scope: dict, role: str, positions: list[str], full_time: bool = False) -> dict:
            male = rng.random() < (0.55 if role == "worker" else 0.6)
            year = rng.randint(1962, 1998)
            phone = demo_phone.pop(scope["id"], None) or self.unique_phone()
            # Cadres and full-timers are more often party members than volunteers from a stairwell.
            party = 0.7 if role != "worker" or full_time else 0.25
            tags = [
                tag
                for tag, share in (
                    ("party_member", party),
                    ("militia", 0.06),
                    ("teacher", 0.04),
                    ("volunteer", 0.3),
                )
                if rng.random() < share
            ]
            row = {
                "id": next(ids),
                "name": self.surname() + self.given_name(male, year),
                "phone": phone,
                "password_hash": self.password_hash,
                "role": role,
                "scope_id": scope["id"],
                # 专职/兼职 is about grid workers; office cadres count as part-time grid staff.
                "employment": "full_time" if full_time else "part_time",
                "tags": tags,
                "positions": positions,
                "active": True,
                "created_at": self.created,
            }
            rows.append(row)
            return row

        add(self.root, "admin", [])
        for node in self.townships + [p.row for p in self.places]:
            add(node, "supervisor", ["grid_leader"])

        # Full-time workers lead community grids first (towns hire them there), then villages.
        in_communities = [g["id"] for g, place in self.grids if not place.village]
        in_villages = [g["id"] for g, place in self.grids if place.village]
        if shape.full_time <= len(in_communities):
            full = set(rng.sample(in_communities, shape.full_time))
        else:
            extra = rng.sample(in_villages, shape.full_time - len(in_communities))
            full = set(in_communities) | set(extra)
        for grid, _ in self.grids:
            add(grid, "worker", ["grid_leader"], grid["id"] in full)

        # Bigger micro-grids get more floor and unit leaders.
        per_micro = _spread(on_micros, [m.households for m in self.micros], 1)
        for micro, count in zip(self.micros, per_micro, strict=True):
            add(micro.row, "worker", ["micro_leader"])
            housing = micro.row["kind"] in ("stairwell", "building")
            for _ in range(count - 1):
                if housing:
                    add(micro.row, "worker", [rng.choice(("floor_leader", "unit_leader"))])
                else:
                    add(micro.row, "worker", ["unit_leader"] if rng.random() < 0.5 else [])
            if len(rows) >= BATCH:
                self.flush_workers(rows)

        self.flush_workers(rows)
        return [
            DemoSignIn("admin", self.root["name"], DEMO_PHONES[0], PASSWORD),
            DemoSignIn("supervisor", township["name"], DEMO_PHONES[1], PASSWORD),
            DemoSignIn("supervisor", community.row["name"], DEMO_PHONES[2], PASSWORD),
            DemoSignIn("worker", demo_micro.row["name"], DEMO_PHONES[3], PASSWORD),
        ]

    def flush_workers(self, rows: list[dict]) -> None:
        if not rows:
            return
        self.insert(Worker, rows)
        self.workers_done += len(rows)
        self.echo(f"workers {self.workers_done:,} / {self.shape.workers:,}")
        rows.clear()

    # --- households and residents ------------------------------------------------------------

    def people(self, size: int) -> list[tuple[bool, int, str]]:
        """(male, birth year, role in family) for a household, the head first."""
        rng = self.rng
        if size == 1:
            year = rng.randint(1930, 1955) if rng.random() < 0.45 else rng.randint(1958, 2002)
            return [(rng.random() < 0.5, year, "head")]
        head = rng.randint(1945, 1996)
        male = rng.random() < 0.75
        spouse = min(max(head + rng.randint(-4, 5), 1930), 2002)
        members = [(male, head, "head"), (not male, spouse, "spouse")]
        # Two generations, or three when grandparents live in (三代同堂).
        children = min(size - 2, rng.choice((1, 2, 2, 3)))
        for k in range(children):
            year = min(head + rng.randint(22, 33) + 2 * k, 2020)
            members.append((rng.random() < 0.52, year, "child"))
        for _ in range(size - 2 - children):
            if head >= 1962:  # the head's parents live with them
                members.append((rng.random() < 0.45, max(head - rng.randint(24, 32), 1930), "old"))
            else:  # too old for living parents: a grandchild instead
                members.append((rng.random() < 0.52, min(head + rng.randint(48, 60), 2020), "kid"))
        return members

    def status(self) -> str:
        draw = self.rng.random()
        for status, edge in STATUS_CUM:
            if draw < edge:
                return status
        return "green"

    def load_households(self) -> None:
        rng, shape, now = self.rng, self.shape, self.now
        this_year = now.year
        household_id = self.next_id(Household)
        resident_id = self.next_id(Resident)
        households: list[dict] = []
        residents: list[dict] = []
        done_households = done_residents = 0
        next_echo = shape.households // 10
        month = 30 * 86_400

        for micro in self.micros:
            local = micro.place.region
            for i in range(micro.households):
                size = bisect(SIZE_CUM_WEIGHTS, rng.random()) + 1
                members = self.people(size)
                status = self.status()
                if rng.random() < 0.85:
                    region = local if rng.random() < 0.75 else rng.choice(words.LOCAL_REGIONS)
                else:
                    region = rng.choice(words.MIGRANT_REGIONS)
                family = self.surname()
                spouse_family = self.surname()
                father_family = family if members[0][0] else spouse_family

                rows = []
                for male, year, part in members:
                    if part in ("child", "kid"):
                        surname = father_family
                    elif part == "spouse":
                        surname = spouse_family
                    elif part == "old" and male:
                        surname = father_family if members[0][0] else self.surname()
                    elif part == "old":
                        surname = self.surname()
                    else:
                        surname = family
                    age = this_year - year
                    has_phone = rng.random() < (0.93 if age >= 16 else 0.3 if age >= 12 else 0.0)
                    tags = []
                    if size == 1 and age >= 65 and rng.random() < 0.7:
                        tags.append("elderly_alone")
                    if age >= 16 and rng.random() < 0.004:
                        tags.append("key_person")
                    rows.append(
                        {
                            "id": resident_id,
                            "household_id": household_id,
                            "name": surname + self.given_name(male, year),
                            "gender": "M" if male else "F",
                            "birth_year": year,
                            "id_number": self.id_number(
                                region if rng.random() < 0.9 else local, year, male
                            ),
                            "status": "green",
                            "phone": self.phone() if has_phone else None,
                            "tags": tags,
                            "origin": None,
                            "return_date": None,
                            "active": True,
                            "created_at": self.created,
                        }
                    )
                    resident_id += 1
                self.mark_returnee(rows, status)

                # Visits before the month of history that demo_history.py writes (it sets
                # last_visit_at again for the households it visits): 1-2 months ago for most,
                # up to 3 for some, never for a few.
                if rng.random() < 0.9:
                    visited = now - timedelta(seconds=month + rng.randrange(month))
                elif rng.random() < 0.6:
                    visited = now - timedelta(seconds=month + rng.randrange(2 * month))
                else:
                    visited = None
                phone = next((r["phone"] for r in rows if r["phone"]), None)
                households.append(
                    {
                        "id": household_id,
                        "grid_id": micro.row["id"],
                        "address": micro.address(i),
                        "phone": phone,
                        "status": status,
                        "member_count": len(rows),
                        "last_visit_at": visited,
                        "active": True,
                        "created_at": self.created,
                        "version": 1,
                    }
                )
                household_id += 1
                residents.extend(rows)

                if len(residents) >= BATCH:
                    # Households first: residents point at them and foreign keys are on.
                    self.insert(Household, households)
                    self.insert(Resident, residents)
                    done_households += len(households)
                    done_residents += len(residents)
                    households.clear()
                    residents.clear()
                    if done_households >= next_echo:
                        next_echo += shape.households // 10
                        self.echo(
                            f"households {done_households:,} / {shape.households:,}, "
                            f"residents {done_residents:,}"
                        )

        self.insert(Household, households)
        self.insert(Resident, residents)
        done_households += len(households)
        done_residents += len(residents)
        self.echo(f"households {done_households:,}, residents {done_residents:,}")

    def mark_returnee(self, rows: list[dict], status: str) -> None:
        """Give a warned household the returnee behind its colour; a few green ones get one too.

        The returnee carries the household's colour and everyone else stays green, so a
        household is never below its most serious resident.
        """
        rng = self.rng
        if status == "green":
            if rng.random() >= 0.012:
                return
            origins, days = words.ORIGINS_OTHER, 30
        else:
            origins, days = words.ORIGINS_WATCHED, 14 if status in ("red", "orange") else 21
        adults = [r for r in rows if 16 <= self.now.year - r["birth_year"] <= 65] or rows
        person = rng.choice(adults)
        person["tags"] = ["returnee", *person["tags"]]
        person["origin"] = rng.choice(origins)
        # Registered in working hours: before 8 in the morning the last return was yesterday
        # (demo_history.py dates the household's colour change on the return day).
        last_day = (self.now - timedelta(hours=8)).date()
        person["return_date"] = last_day - timedelta(days=rng.randrange(days))
        person["status"] = status


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
