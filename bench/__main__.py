"""`python -m bench --database sqlite|postgres`: load the zone, then print every figure."""

from __future__ import annotations

import argparse

from . import (
    actions,
    cards,
    checkpoints,
    duplicates,
    exports,
    imports,
    lighthouse,
    offline,
    pages,
    posters,
    reports,
    requests,
    sweeps,
)
from .common import app_for, emit, flask, reset_database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()

    reset_database(args.database)
    flask(args.database, "db", "upgrade")
    seconds = flask(args.database, "demo-data", "--scale", "zone")
    emit("demo.zone.load_s", seconds, "s", 300)

    app = app_for(args.database)
    pages.run(app)
    requests.run(app, args.database)  # the public form; submissions under gunicorn
    offline.run(app)  # the service worker's size, no data needed
    lighthouse.run(app, args.database)  # the worker's phone pages under gunicorn, in Chromium
    actions.run(app, args.database)  # gunicorn under load; fills visits to 1,000,000 first
    reports.run(app)  # pads visits to 1,000,000 itself unless actions already did
    sweeps.run(app, args.database)  # the zone's coverage page; one-tap screenings under load
    duplicates.run(app)  # candidate pairs of the whole zone, as its administrator
    checkpoints.run(app, args.database)  # the staff's screen; taps at 5 checkpoints under load
    cards.run(app)  # every worker's card as one job, in a process of its own
    posters.run(app)  # every micro-grid's QR poster as one job, in a process of its own
    # The zone's households and residents, into a database of its own.
    imports.run(app, args.database)
    exports.run(app)  # every resident of the zone to XLSX, as one job in a process of its own


if __name__ == "__main__":
    main()
