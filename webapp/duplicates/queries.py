"""Finding candidate duplicates in the current worker's subtree, with grouped SQL.

The ID number is unique, so the same person registered twice has two different numbers: one
of them mistyped. Candidate pairs of residents are those with
- the same name and birth year in the same community (name_year),
- the same phone (phone),
- ID numbers whose first 17 digits differ in exactly one place (id_number): every registered
  number passed the check character, so a single mistyped digit shows as two numbers that
  differ there and in the check character.
Candidate pairs of households are those of one micro-grid at the same normalised address
(address): full-width digits, letters and signs made half-width, spaces dropped, 栋 and 号楼
written 幢.

Each kind is one statement over the scope (window counts: a row comes back only when its
group holds another row), so the database does the work at the zone's scale (500,000
residents, 200,000 households) and Python only pairs up the members of the few groups found.
A one-digit difference is found by masking: two 17-digit strings that differ in one place are
equal once the block holding that place is taken out, so four equality groupings (region,
year, month and day, sequence masked in turn) find every such pair; Python then keeps the
pairs that differ in exactly one place.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, Subquery, func, or_, select
from sqlalchemy.orm import joinedload
from sqlalchemy.sql.elements import ColumnElement

from .. import scope
from ..extensions import db
from ..models import Grid, Household, Merge, NotDuplicate, Resident
from ..models.grid import SEGMENT

PAGE_SIZE = 20
# A group this large (a placeholder phone typed for a whole building, say) would give
# thousands of pairs: its members are offered each with its first record only.
LARGE_GROUP = 8

REASONS = {
    "id_number": _l("ID numbers one digit apart"),
    "name_year": _l("Same name and birth year in the community"),
    "phone": _l("Same phone"),
    "address": _l("Same address in the micro-grid"),
}
_ORDER = {reason: rank for rank, reason in enumerate(REASONS)}

# The blocks of the first 17 digits masked in turn: region (1-6), birth year (7-10), month and
# day (11-14), sequence (15-17). What is left of each is specific enough that its groups are
# small at the zone's scale.
_ID_BLOCKS = ((1, 6), (7, 10), (11, 14), (15, 17))
# The community a micro-grid belongs to: the first three segments of its path.
_COMMUNITY_PREFIX = 3 * SEGMENT

# --- address normalisation, for Python and for SQL side by side ------------------------------
# One list of replacements applied in order, so that the two agree by construction
# (tests/test_duplicates.py checks them against each other).
_REPLACEMENTS: list[tuple[str, str]] = (
    [(chr(0xFF10 + i), str(i)) for i in range(10)]
    + [(chr(0xFF21 + i), chr(0x41 + i)) for i in range(26)]
    + [(chr(0xFF41 + i), chr(0x61 + i)) for i in range(26)]
    + [("－", "-"), ("（", "("), ("）", ")"), ("＃", "#"), ("，", ","), ("．", ".")]
    + [("\u3000", ""), (" ", ""), ("\t", "")]
    + [("号楼", "幢"), ("栋", "幢")]
)


def normalised_address(address: str) -> str:
    """The address as households are compared: 3栋 ２单元 101 → 3幢2单元101."""
    for old, new in _REPLACEMENTS:
        address = address.replace(old, new)
    return address


# REPLACE calls nested this deep at most in one expression: SQLite's parser refuses the whole
# list nested at once (its stack holds about a hundred levels), so the list is applied in
# stages, one subquery each.
_STAGE = 20


def normalised(source: Select, name: str) -> Subquery:
    """`source` as a subquery whose column `name` (an address) is normalised as by
    normalised_address(), in SQL (nested REPLACE: SQLite and PostgreSQL alike)."""
    current = source.subquery()
    for first in range(0, len(_REPLACEMENTS), _STAGE):
        expression = current.c[name]
        for old, new in _REPLACEMENTS[first : first + _STAGE]:
            expression = func.replace(expression, old, new)
        others = [column for column in current.c if column.key != name]
        current = select(*others, expression.label(name)).subquery()
    return current


def one_digit_apart(a: str, b: str) -> bool:
    """The first 17 digits of two ID numbers differ in exactly one place."""
    return sum(x != y for x, y in zip(a[:17], b[:17], strict=False)) == 1 and a[:17] != b[:17]


def _masked(column: ColumnElement[str], first: int, last: int) -> ColumnElement[str]:
    """The first 17 characters of `column` without those from `first` to `last` (1-based)."""
    parts = []
    if first > 1:
        parts.append(func.substr(column, 1, first - 1))
    if last < 17:
        parts.append(func.substr(column, last + 1, 17 - last))
    expression = parts[0]
    for part in parts[1:]:
        expression = expression.concat(part)
    return expression


@dataclass(frozen=True)
class Pair:
    """Two records that may be one: `first_id` < `second_id`, with why."""

    kind: str
    first_id: int
    second_id: int
    reasons: tuple[str, ...]

    @property
    def reason_labels(self) -> list[str]:
        return [str(REASONS[r]) for r in self.reasons]


def _pairs_of(groups: Iterable[list[int]]) -> Iterable[tuple[int, int]]:
    for members in groups:
        members = sorted(set(members))
        if len(members) > LARGE_GROUP:
            yield from ((members[0], other) for other in members[1:])
            continue
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                yield a, b


def _collect(kind: str, found: dict[tuple[int, int], set[str]]) -> list[Pair]:
    dismissed = set(
        db.session.execute(
            select(NotDuplicate.first_id, NotDuplicate.second_id).where(NotDuplicate.kind == kind)
        ).all()
    )
    pairs = [
        Pair(kind, a, b, tuple(sorted(reasons, key=_ORDER.__getitem__)))
        for (a, b), reasons in found.items()
        if (a, b) not in dismissed
    ]
    pairs.sort(key=lambda p: (_ORDER[p.reasons[0]], p.first_id, p.second_id))
    return pairs


def resident_pairs() -> list[Pair]:
    """Candidate pairs of active residents in scope, not found to be different before."""
    community = func.substr(Grid.path, 1, _COMMUNITY_PREFIX)
    masks = [_masked(Resident.id_number, first, last) for first, last in _ID_BLOCKS]
    windows = [
        func.count().over(partition_by=(community, Resident.name, Resident.birth_year)),
        func.count().over(partition_by=Resident.phone),
        *(func.count().over(partition_by=mask) for mask in masks),
    ]
    inner = (
        select(
            Resident.id,
            Resident.id_number,
            Resident.phone,
            community.label("community"),
            Resident.name,
            Resident.birth_year,
            *(mask.label(f"mask{i}") for i, mask in enumerate(masks)),
            *(window.label(f"n{i}") for i, window in enumerate(windows)),
        )
        .join(Household, Household.id == Resident.household_id)
        .join(Grid, Grid.id == Household.grid_id)
        .where(scope.within(Grid.path), Resident.active, Household.active)
        .subquery()
    )
    counts = [inner.c[f"n{i}"] for i in range(len(windows))]
    rows = db.session.execute(select(inner).where(or_(*(n > 1 for n in counts)))).all()
    by_name: dict[tuple, list[int]] = defaultdict(list)
    by_phone: dict[str, list[int]] = defaultdict(list)
    by_mask: dict[tuple, list[tuple[int, str]]] = defaultdict(list)
    for row in rows:
        if row.n0 > 1:
            by_name[(row.community, row.name, row.birth_year)].append(row.id)
        if row.n1 > 1 and row.phone:
            by_phone[row.phone].append(row.id)
        for i in range(len(masks)):
            if row._mapping[f"n{i + 2}"] > 1:
                by_mask[(i, row._mapping[f"mask{i}"])].append((row.id, row.id_number))
    found: dict[tuple[int, int], set[str]] = defaultdict(set)
    for pair in _pairs_of(by_name.values()):
        found[pair].add("name_year")
    for pair in _pairs_of(by_phone.values()):
        found[pair].add("phone")
    for members in by_mask.values():
        numbers = dict(members)
        for a, b in _pairs_of([list(numbers)]):
            if one_digit_apart(numbers[a], numbers[b]):
                found[(a, b)].add("id_number")
    return _collect("resident", found)


def household_pairs() -> list[Pair]:
    """Candidate pairs of active households in scope: one micro-grid, one normalised address."""
    addresses = normalised(
        select(Household.id, Household.grid_id, Household.address.label("key"))
        .join(Grid, Grid.id == Household.grid_id)
        .where(scope.within(Grid.path), Household.active),
        "key",
    )
    inner = select(
        addresses.c.id,
        addresses.c.grid_id,
        addresses.c.key,
        func.count().over(partition_by=(addresses.c.grid_id, addresses.c.key)).label("n"),
    ).subquery()
    groups: dict[tuple[int, str], list[int]] = defaultdict(list)
    for row in db.session.execute(select(inner).where(inner.c.n > 1)):
        groups[(row.grid_id, row.key)].append(row.id)
    found = {pair: {"address"} for pair in _pairs_of(groups.values())}
    return _collect("household", found)


PAIRS = {"resident": resident_pairs, "household": household_pairs}


def resident_reasons(a: Resident, b: Resident) -> set[str]:
    """Why two loaded residents are a candidate pair now (empty: they are not), as the page's
    statement would say."""
    reasons = set()
    same_community = (
        a.household.grid.path[:_COMMUNITY_PREFIX] == b.household.grid.path[:_COMMUNITY_PREFIX]
    )
    if same_community and a.name == b.name and a.birth_year == b.birth_year:
        reasons.add("name_year")
    if a.phone and a.phone == b.phone:
        reasons.add("phone")
    if one_digit_apart(a.id_number, b.id_number):
        reasons.add("id_number")
    return reasons


def household_reasons(a: Household, b: Household) -> set[str]:
    """Why two loaded households are a candidate pair now (empty: they are not)."""
    if a.grid_id == b.grid_id and normalised_address(a.address) == normalised_address(b.address):
        return {"address"}
    return set()


def dismissed(kind: str, first_id: int, second_id: int) -> bool:
    a, b = sorted((first_id, second_id))
    return (
        db.session.scalar(
            select(NotDuplicate.id).where(
                NotDuplicate.kind == kind, NotDuplicate.first_id == a, NotDuplicate.second_id == b
            )
        )
        is not None
    )


def merge_of(kind: str, record_id: int) -> Merge | None:
    """The merge that took record `record_id` away, if any."""
    return db.session.scalar(select(Merge).where(Merge.kind == kind, Merge.merged_id == record_id))


def merges_into(kind: str, kept_ids: list[int]) -> list[Merge]:
    """The merges into these records, oldest first."""
    if not kept_ids:
        return []
    return list(
        db.session.scalars(
            select(Merge)
            .where(Merge.kind == kind, Merge.kept_id.in_(kept_ids))
            .options(joinedload(Merge.merged_by))
            .order_by(Merge.merged_at, Merge.id)
        )
    )


def evidence(pairs: list[Pair]) -> dict[int, Resident | Household]:
    """The records of `pairs` (one page of them), by id, with what the page shows of them."""
    if not pairs:
        return {}
    ids = {i for p in pairs for i in (p.first_id, p.second_id)}
    if pairs[0].kind == "resident":
        stmt = (
            select(Resident)
            .where(Resident.id.in_(ids))
            .options(joinedload(Resident.household).joinedload(Household.grid))
        )
    else:
        stmt = select(Household).where(Household.id.in_(ids)).options(joinedload(Household.grid))
    return {record.id: record for record in db.session.scalars(stmt).unique()}
