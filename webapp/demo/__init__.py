"""Demo data: the seed's whole development zone, or one township of it, loaded in bulk.

Everything comes from Randoms seeded with SEED, so two loads at the same moment give the same
data: the tree (tree.py), then its workers and households (people.py) from one Random, then a
month of field work up to now (history.py) from a second one, which the draws before it do not
shift.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from .. import clock
from ..extensions import db
from ..models import Grid, Worker
from . import bulk
from .checkpoints import load_checkpoints
from .enterprises import load_enterprises
from .filings import load_filings
from .history import load_history
from .notices import load_notices
from .passes import let_passes_through
from .people import DEMO_PHONES, PASSWORD, People
from .problems import load_problems
from .requests import load_requests
from .scales import SCALES
from .sweeps import load_sweeps
from .tree import build_tree

SEED = 2020


@dataclass(frozen=True)
class DemoSignIn:
    """One demo account to print: who it is, where it works, how to sign in."""

    role: str
    scope: str
    phone: str
    password: str


def load_demo(scale: str, echo: Callable[[str], None] = print) -> list[DemoSignIn] | None:
    """Load the demo zone or township into an empty database; None if grids already exist."""
    if scale not in SCALES:
        raise ValueError(f"unknown demo scale {scale!r}: use one of {', '.join(SCALES)}")
    if db.session.execute(select(Grid.id).limit(1)).first() is not None:
        return None
    now = clock.now()
    created = (now - timedelta(days=120)).replace(hour=9, minute=0, second=0)
    rng = random.Random(SEED)
    tree = build_tree(SCALES[scale], rng, created, echo)
    People(tree, SCALES[scale], rng, now, created, echo).load()
    load_history(now, random.Random(SEED), echo)
    load_sweeps(now, random.Random(SEED + 1), echo)
    load_requests(now, random.Random(SEED + 12), echo)
    load_notices(now, random.Random(SEED + 13), echo)
    bulk.reset_sequences()
    # From here on through the features' rules: ORM inserts, once the sequences are past the
    # bulk-written ids (the handovers' cases follow the requests' in case_record).
    load_checkpoints(now, random.Random(SEED + 14), echo)
    # The green channel, through the features' rules: ORM inserts, once the sequences are
    # past the bulk-written ids. The enterprises first: the filings and problems are theirs.
    load_enterprises(now, random.Random(SEED + 17), echo)
    load_filings(now, random.Random(SEED + 15), echo)
    load_problems(now, random.Random(SEED + 16), echo)
    # The problems are written in bulk with ids of their own: past them again.
    bulk.reset_sequences()
    # Some of the passes the filings gave, used at the checkpoints.
    let_passes_through(now, random.Random(SEED + 18), echo)
    return sign_ins()


def sign_ins() -> list[DemoSignIn]:
    """The demo accounts that sign in with the demo password, in the order of DEMO_PHONES."""
    workers = db.session.scalars(
        select(Worker).where(Worker.phone.in_(DEMO_PHONES), Worker.active)
    ).all()
    # Printed on every run: a phone given to someone else since, or a password changed, must
    # not be shown as a way in.
    found = {
        w.phone: DemoSignIn(w.role, w.scope.name, w.phone, PASSWORD)
        for w in workers
        if w.check_password(PASSWORD)
    }
    return [found[phone] for phone in DEMO_PHONES if phone in found]
