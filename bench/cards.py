"""Card figures: the whole zone's work ID cards (14,406) printed as one background job.

The job runs in a process of its own, started the way an RQ worker would run it
(webapp.jobs.run), so that its time includes the app's start-up and its memory is nothing
but the job's. Every worker gets a photo first (the fast path needs JPEG files, and a card
without one would make the figure look better than real use), and every card is issued by the
job itself: the first issue of a zone, the heaviest case.

cards.zone.peak_mb is the largest sum, over the job's processes (the job and the helper that
renders beside it), of their resident memory, sampled every 50 ms; the largest single process
(VmHWM) is printed to stderr as a cross-check.
"""

from __future__ import annotations

import os
import random
import resource
import subprocess
import sys
import time
from dataclasses import asdict
from datetime import timedelta
from io import BytesIO
from pathlib import Path

from .common import ROOT, emit

DISTINCT_PHOTOS = 64


def portrait(rng: random.Random) -> bytes:
    """A made-up head-and-shoulders photo, as a phone would upload it (1200 × 1600 JPEG)."""
    from PIL import Image, ImageDraw, ImageFilter

    def shade(low: int, high: int) -> tuple[int, int, int]:
        return tuple(rng.randrange(low, high) for _ in range(3))

    image = Image.new("RGB", (1200, 1600), shade(150, 235))
    draw = ImageDraw.Draw(image)
    draw.ellipse((330, 980, 870, 1900), fill=shade(20, 110))  # shoulders
    skin = (rng.randrange(200, 245), rng.randrange(160, 205), rng.randrange(130, 175))
    draw.ellipse((400, 380, 800, 900), fill=skin)  # face
    draw.pieslice((380, 330, 820, 760), 180, 360, fill=shade(10, 60))  # hair
    image = image.filter(ImageFilter.GaussianBlur(2))
    out = BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def give_everyone_a_photo(app) -> None:
    """Every worker's photo, through the upload's own conversion; files are hard links to a
    few distinct photos (the PDF still embeds one per card, as it would with real ones)."""
    from sqlalchemy import select, update

    from webapp import photos
    from webapp.extensions import db
    from webapp.models import Worker

    rng = random.Random(2020)
    with app.app_context():
        folder = photos.photos_dir()
        sources = []
        for i in range(DISTINCT_PHOTOS):
            path = folder / f"bench-{i}.jpg"
            path.write_bytes(photos.to_card_jpeg(portrait(rng)))
            sources.append(path)
        for worker_id in db.session.scalars(select(Worker.id)):
            target = photos.photo_path(worker_id)
            target.unlink(missing_ok=True)
            os.link(sources[worker_id % DISTINCT_PHOTOS], target)
        db.session.execute(update(Worker).values(photo_version=1))
        db.session.commit()


def zone_job(app) -> str:
    """A queued cards job for every worker of the zone, issuing all their cards."""
    from sqlalchemy import delete, select

    from webapp import jobs
    from webapp.cards.queries import Selection
    from webapp.clock import today
    from webapp.extensions import db
    from webapp.models import Card, Grid, Worker

    with app.app_context():
        db.session.execute(delete(Card))  # a first issue, every time the benchmark runs
        db.session.commit()
        root = db.session.scalar(select(Grid).where(Grid.level == 0))
        admin_id = db.session.scalar(
            select(Worker.id).where(Worker.role == "admin").order_by(Worker.id)
        )
        selection = Selection(
            grid_id=root.id,
            include_admins=True,
            issue=True,
            valid_until=(today() + timedelta(days=365)).isoformat(),
            issued_by_id=admin_id,
        )
        total = len(selection.worker_ids_in(root))
        return jobs.create("cards", asdict(selection), admin_id, total).id


def _descendants(pid: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = [pid], [pid]
    while frontier:
        frontier = [child for child, parent in parents.items() if parent in frontier]
        found += frontier
    return found


def _memory_kb(pid: int) -> tuple[int, int]:
    """(resident now, resident high-water mark) of a process, in kB; zeros once it is gone."""
    fields = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(("VmRSS:", "VmHWM:")):
                fields[line[:5]] = int(line.split()[1])
    except OSError:
        pass
    return fields.get("VmRSS", 0), fields.get("VmHWM", 0)


def run_job(app, job_id: str, label: str = "cards") -> tuple[float, float]:
    """Run the job in a process of its own; return (seconds, peak MB of its processes)."""
    env = dict(
        os.environ,
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        GRIDWORK_INSTANCE=app.instance_path,
    )
    code = "import sys; from webapp.jobs import run; run(sys.argv[1])"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    process = subprocess.Popen([sys.executable, "-c", code, job_id], cwd=ROOT, env=env)
    peak_kb = 0
    high_water: dict[int, int] = {}
    tree = [process.pid]
    samples = 0
    while process.poll() is None:
        if samples % 20 == 0:  # the helper starts once; look for new processes now and then
            tree = _descendants(process.pid)
        memory = {pid: _memory_kb(pid) for pid in tree}
        peak_kb = max(peak_kb, sum(rss for rss, _ in memory.values()))
        for pid, (_, hwm) in memory.items():
            high_water[pid] = max(high_water.get(pid, 0), hwm)
        samples += 1
        time.sleep(0.05)
    seconds = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    print(
        f"{label}: {cpu:.0f} s of CPU over {seconds:.0f} s (2 cores: at best {cpu / 2:.0f} s);",
        "high-water marks per process (MB):",
        sorted(round(kb / 1024) for kb in high_water.values()),
        file=sys.stderr,
    )
    if process.returncode != 0:
        raise RuntimeError(f"the {label} job exited with {process.returncode}")
    return seconds, peak_kb / 1024


def check_result(app, job_id: str) -> None:
    from webapp.extensions import db
    from webapp.models import Job

    with app.app_context():
        job = db.session.get(Job, job_id)
        if job.status != "done" or not job.has_result:
            raise RuntimeError(f"the cards job did not finish: {job.status} {job.error}")
        size = Path(job.result_path).stat().st_size
        print(f"cards: {job.total} cards, {job.result_name}, {size / 1e6:.0f} MB", file=sys.stderr)


def run(app) -> None:
    give_everyone_a_photo(app)
    job_id = zone_job(app)
    seconds, peak_mb = run_job(app, job_id)
    check_result(app, job_id)
    emit("cards.zone.s", seconds, "s", 240)
    emit("cards.zone.peak_mb", peak_mb, "MB", 500)


if __name__ == "__main__":
    # `python -m bench.cards` on the database named by DATABASE_URL (already holding the zone).
    sys.path.insert(0, str(ROOT))
    from webapp import create_app

    run(create_app({"RATELIMIT_ENABLED": False}))
