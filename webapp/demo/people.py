"""The demo's people: grid workers on every node of the tree (the four demo sign-ins among
them), and the households of each micro-grid with their residents."""

from __future__ import annotations

import itertools
import random
from bisect import bisect
from collections.abc import Callable
from datetime import date, datetime, timedelta

from flask import current_app
from werkzeug.security import generate_password_hash

from ..identity import id_check_char
from ..models import Household, Resident, Worker
from . import bulk, words
from .scales import Scale
from .tree import Tree, spread

PASSWORD = "demo1234"
# The demo sign-ins: the zone's admin, a township's and a community's supervisor, a worker; an
# enterprise account and an industry department's reviewer (webapp/demo/enterprises.py).
DEMO_PHONES = (
    "13900000001",
    "13900000002",
    "13900000003",
    "13900000004",
    "13900000005",
    "13900000006",
)

# Household sizes 1–6: about 2.5 people a household (the zone: 200,000 households, 500,000
# residents).
SIZE_CUM_WEIGHTS = (0.22, 0.54, 0.80, 0.93, 0.98, 1.0)
# Colour shares: 0.1 % red, 0.5 % orange, 3 % yellow, 6 % light yellow, the rest green;
# cumulative from red down.
STATUS_CUM = (("red", 0.001), ("orange", 0.006), ("yellow", 0.036), ("light_yellow", 0.096))


class People:
    """The workers, households and residents of `scale` on `tree`, drawn from `rng`."""

    def __init__(
        self,
        tree: Tree,
        scale: Scale,
        rng: random.Random,
        now: datetime,
        created: datetime,
        echo: Callable[[str], None],
    ) -> None:
        self.tree = tree
        self.scale = scale
        self.rng = rng
        self.now = now
        self.created = created
        self.echo = echo
        # Once: scrypt, the production method, costs about 0.1 s a hash.
        method = current_app.config["PASSWORD_HASH_METHOD"]
        self.password_hash = generate_password_hash(PASSWORD, method=method)
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

    def load(self) -> None:
        """Write the workers, then the households with their residents."""
        self.load_workers()
        self.load_households()

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

    # --- workers -----------------------------------------------------------------------------

    def load_workers(self) -> None:
        rng, scale = self.rng, self.scale
        supervisors = len(self.tree.townships) + len(self.tree.places)
        on_micros = scale.workers - 1 - supervisors - len(self.tree.grids)
        if on_micros < len(self.tree.micros):
            raise ValueError("too few workers for one per micro-grid")

        # The demo accounts: a street (街道) if there is one, its first community, and the first
        # stairwell there, which always has households.
        street_offices = [t for t in self.tree.townships if t["name"].endswith("街道")]
        township = (street_offices or self.tree.townships)[0]
        community = next(
            p for p in self.tree.places if p.row["parent_id"] == township["id"] and not p.village
        )
        in_community = [m for m in self.tree.micros if m.place is community]
        stairwells = [m for m in in_community if m.row["kind"] == "stairwell"]
        demo_micro = (stairwells or in_community)[0]
        demo_phone = {
            self.tree.root["id"]: DEMO_PHONES[0],
            township["id"]: DEMO_PHONES[1],
            community.row["id"]: DEMO_PHONES[2],
            demo_micro.row["id"]: DEMO_PHONES[3],
        }

        ids = itertools.count(bulk.next_id(Worker))
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

        add(self.tree.root, "admin", [])
        for node in self.tree.townships + [p.row for p in self.tree.places]:
            add(node, "supervisor", ["grid_leader"])

        # Full-time workers lead community grids first (towns hire them there), then villages.
        in_communities = [g["id"] for g, place in self.tree.grids if not place.village]
        in_villages = [g["id"] for g, place in self.tree.grids if place.village]
        if scale.full_time <= len(in_communities):
            full = set(rng.sample(in_communities, scale.full_time))
        else:
            extra = rng.sample(in_villages, scale.full_time - len(in_communities))
            full = set(in_communities) | set(extra)
        for grid, _ in self.tree.grids:
            add(grid, "worker", ["grid_leader"], grid["id"] in full)

        # Bigger micro-grids get more floor and unit leaders.
        per_micro = spread(on_micros, [m.households for m in self.tree.micros], 1)
        for micro, count in zip(self.tree.micros, per_micro, strict=True):
            add(micro.row, "worker", ["micro_leader"])
            housing = micro.row["kind"] in ("stairwell", "building")
            for _ in range(count - 1):
                if housing:
                    add(micro.row, "worker", [rng.choice(("floor_leader", "unit_leader"))])
                else:
                    add(micro.row, "worker", ["unit_leader"] if rng.random() < 0.5 else [])
            if len(rows) >= bulk.BATCH:
                self.flush_workers(rows)

        self.flush_workers(rows)

    def flush_workers(self, rows: list[dict]) -> None:
        if not rows:
            return
        bulk.insert(Worker, rows)
        self.workers_done += len(rows)
        self.echo(f"workers {self.workers_done:,} / {self.scale.workers:,}")
        rows.clear()

    # --- households and residents ------------------------------------------------------------

    def household_members(self, size: int) -> list[tuple[bool, int, str]]:
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
        rng, scale, now = self.rng, self.scale, self.now
        this_year = now.year
        household_id = bulk.next_id(Household)
        resident_id = bulk.next_id(Resident)
        households: list[dict] = []
        residents: list[dict] = []
        done_households = done_residents = 0
        next_echo = scale.households // 10
        month = 30 * 86_400

        for micro in self.tree.micros:
            local = micro.place.region
            for i in range(micro.households):
                size = bisect(SIZE_CUM_WEIGHTS, rng.random()) + 1
                members = self.household_members(size)
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

                # Visits before the month of history that history.py writes (it sets
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

                if len(residents) >= bulk.BATCH:
                    # Households first: residents point at them and foreign keys are on.
                    bulk.insert(Household, households)
                    bulk.insert(Resident, residents)
                    done_households += len(households)
                    done_residents += len(residents)
                    households.clear()
                    residents.clear()
                    if done_households >= next_echo:
                        next_echo += scale.households // 10
                        self.echo(
                            f"households {done_households:,} / {scale.households:,}, "
                            f"residents {done_residents:,}"
                        )

        bulk.insert(Household, households)
        bulk.insert(Resident, residents)
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
        # (history.py dates the household's colour change on the return day).
        last_day = (self.now - timedelta(hours=8)).date()
        person["return_date"] = last_day - timedelta(days=rng.randrange(days))
        person["status"] = status
