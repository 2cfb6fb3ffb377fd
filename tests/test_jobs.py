"""Background jobs: progress, completion, failure and retry, in-process and on RQ."""

from __future__ import annotations

import os
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from redis import Redis
from rq import Queue, SimpleWorker

from webapp import clock, jobs
from webapp.extensions import db
from webapp.models import Job

# A job kind for these tests: three steps, each waiting for the test to let it go on.
STEPS = 3
gate = threading.Semaphore(0)
behaviour = {"fail": None}


@jobs.job_kind("test-steps", title="Test steps")
def stepped(job: Job, progress) -> tuple[Path, str]:
    for step in range(1, STEPS + 1):
        if not gate.acquire(timeout=10):
            raise RuntimeError("the test never let the job go on")
        progress(step)
    if behaviour["fail"] is not None:
        raise behaviour["fail"]
    path = jobs.results_dir() / f"{job.id}.txt"
    path.write_text("done")
    return path, "结果.txt"


@pytest.fixture(autouse=True)
def _reset():
    behaviour["fail"] = None
    while gate.acquire(blocking=False):
        pass
    yield
    for _ in range(STEPS * 2):  # never leave a job waiting on the gate
        gate.release()
    jobs.wait_for_in_process_jobs()


def start(app, user_id: int) -> str:
    with app.test_request_context():
        return jobs.enqueue("test-steps", {}, user_id, STEPS).id


def row(app, job_id: str) -> Job:
    with app.app_context():
        job = db.session.get(Job, job_id)
        db.session.expunge(job)
        return job


def wait_for(app, job_id: str, predicate, seconds: float = 10) -> Job:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = row(app, job_id)
        if predicate(job):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} stuck at {row(app, job_id)}")


def test_progress_moves_and_the_bar_becomes_a_download_link(tree, login_as, app):
    """The bar polls while the job runs, shows each step, then turns into a download link."""
    client = login_as(tree.supervisor_a)
    job_id = start(app, tree.supervisor_a.id)
    bar = client.get(f"/progress/{job_id}", headers={"HX-Request": "true"})
    text = bar.get_data(as_text=True)
    assert "<html" not in text and 'hx-trigger="every 1s"' in text
    for step in range(1, STEPS + 1):
        gate.release()
        wait_for(app, job_id, lambda j, step=step: j.progress >= step)
        text = client.get(f"/progress/{job_id}", headers={"HX-Request": "true"}).get_data(
            as_text=True
        )
        if step < STEPS:
            assert f"{step} / {STEPS}" in text and "<progress" in text
    jobs.wait_for_in_process_jobs()
    done = client.get(f"/progress/{job_id}", headers={"HX-Request": "true"})
    text = done.get_data(as_text=True)
    assert "hx-get" not in text and f"/progress/{job_id}/download" in text
    assert done.headers["Cache-Control"] == "no-store"
    download = client.get(f"/progress/{job_id}/download")
    assert download.get_data() == b"done"
    assert "filename*=UTF-8''%E7%BB%93%E6%9E%9C.txt" in download.headers["Content-Disposition"]


def test_the_progress_page_is_headed_by_its_kind_title(tree, login_as, app):
    """Every job kind is registered with a title, which heads its progress page."""
    assert jobs.TITLES.keys() == jobs.KINDS.keys()
    job_id = start(app, tree.supervisor_a.id)
    page = login_as(tree.supervisor_a).get(f"/progress/{job_id}").get_data(as_text=True)
    assert "<h1>Test steps</h1>" in page


def test_job_survives_a_reload(tree, login_as, app):
    """A finished job is found again from a new session: the state is in the database."""
    job_id = start(app, tree.supervisor_a.id)
    for _ in range(STEPS):
        gate.release()
    jobs.wait_for_in_process_jobs()
    other = app.test_client()
    with other.session_transaction() as session:
        session["_user_id"] = f"{tree.supervisor_a.id}:0"
    page = other.get(f"/progress/{job_id}").get_data(as_text=True)
    assert "<html" in page and "下载" in page


def test_a_failed_job_says_why_and_can_be_retried(tree, login_as, app):
    """A JobError's message is shown; when it may pass (retryable), Try again runs the job
    from the start to the end."""
    client = login_as(tree.supervisor_a)
    behaviour["fail"] = jobs.JobError("没有可打印的工作证。", retryable=True)
    job_id = start(app, tree.supervisor_a.id)
    for _ in range(STEPS):
        gate.release()
    jobs.wait_for_in_process_jobs()
    failed = row(app, job_id)
    assert failed.status == "failed" and failed.error == "没有可打印的工作证。"
    page = client.get(f"/progress/{job_id}").get_data(as_text=True)
    assert "任务失败：没有可打印的工作证。" in page and f"/progress/{job_id}/retry" in page

    behaviour["fail"] = None
    assert client.post(f"/progress/{job_id}/retry").status_code == 303
    assert row(app, job_id).status in ("queued", "running")
    for _ in range(STEPS):
        gate.release()
    jobs.wait_for_in_process_jobs()
    job = row(app, job_id)
    assert job.status == "done" and job.error is None and job.progress == STEPS


def test_a_refusal_that_would_come_back_offers_no_retry(tree, login_as, app):
    """A JobError (a reason in what the job was asked) is shown without Try again: the same
    job would fail the same way; a retry posted anyway does not run it."""
    client = login_as(tree.supervisor_a)
    behaviour["fail"] = jobs.JobError("没有可打印的工作证。")
    job_id = start(app, tree.supervisor_a.id)
    for _ in range(STEPS):
        gate.release()
    jobs.wait_for_in_process_jobs()
    page = client.get(f"/progress/{job_id}").get_data(as_text=True)
    assert "任务失败：没有可打印的工作证。" in page and "/retry" not in page
    client.post(f"/progress/{job_id}/retry")
    assert row(app, job_id).status == "failed"


def test_an_unexpected_error_is_named(tree, app):
    """Any other exception fails the job with its type and message."""
    behaviour["fail"] = ValueError("boom")
    job_id = start(app, tree.supervisor_a.id)
    for _ in range(STEPS):
        gate.release()
    jobs.wait_for_in_process_jobs()
    job = row(app, job_id)
    assert job.status == "failed" and job.error == "意外错误：ValueError: boom"


def test_a_job_runs_only_once(tree, app):
    """Two workers handed the same job: the second finds it claimed and does nothing."""
    with app.app_context():
        job = jobs.create("test-steps", {}, tree.supervisor_a.id, STEPS)
        job_id = job.id
        for _ in range(STEPS):
            gate.release()
        jobs.execute(job_id)
        jobs.execute(job_id)  # would block on the gate if it ran again
        assert db.session.get(Job, job_id).status == "done"


def test_an_abandoned_job_can_be_retried(tree, login_as, app):
    """A running job silent for longer than STALE_AFTER offers Try again."""
    client = login_as(tree.supervisor_a)
    with app.app_context():
        job = jobs.create("test-steps", {}, tree.supervisor_a.id, STEPS)
        job.status, job.updated_at = "running", clock.now() - timedelta(hours=1)
        db.session.commit()
        job_id = job.id
    text = client.get(f"/progress/{job_id}").get_data(as_text=True)
    assert "任务已无响应" in text and "hx-get" not in text
    client.post(f"/progress/{job_id}/retry")
    for _ in range(STEPS):
        gate.release()
    jobs.wait_for_in_process_jobs()
    assert row(app, job_id).status == "done"


def test_someone_elses_job_is_not_found(tree, login_as, app):
    """A job is its creator's: another supervisor gets 404; an admin may look."""
    job_id = start(app, tree.worker_b.id)
    for _ in range(STEPS):
        gate.release()
    jobs.wait_for_in_process_jobs()
    assert login_as(tree.supervisor_a).get(f"/progress/{job_id}").status_code == 404
    assert login_as(tree.admin).get(f"/progress/{job_id}").status_code == 200


@pytest.fixture
def rq(app, monkeypatch):
    """REDIS_URL set, on a queue of this test's own (other suites may share the Redis)."""
    connection = Redis.from_url("redis://127.0.0.1:6379/0")
    try:
        connection.ping()
    except Exception:  # pragma: no cover - depends on the machine
        pytest.skip("no Redis on 127.0.0.1:6379")
    name = f"gridwork-test-{uuid.uuid4().hex[:8]}"
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setitem(app.config, "RQ_QUEUE", name)
    queue = Queue(name, connection=connection)
    yield queue
    queue.delete(delete_jobs=True)


def work(app, queue: Queue) -> None:
    """What an RQ worker does, in this process: run whatever is queued, then stop."""
    with app.app_context():
        SimpleWorker([queue], connection=queue.connection).work(burst=True)


def test_rq_runs_the_same_job_to_completion(tree, login_as, app, rq):
    """With REDIS_URL the job waits in Redis until a worker runs it; progress and result
    come back through the database as with the in-process worker."""
    client = login_as(tree.supervisor_a)
    job_id = start(app, tree.supervisor_a.id)
    assert rq.count == 1 and row(app, job_id).status == "queued"
    assert "等待开始" in client.get(f"/progress/{job_id}").get_data(as_text=True)
    for _ in range(STEPS):
        gate.release()
    work(app, rq)
    job = row(app, job_id)
    assert job.status == "done" and job.progress == STEPS
    assert client.get(f"/progress/{job_id}/download").get_data() == b"done"


def test_rq_failure_and_retry(tree, login_as, app, rq):
    """On RQ too a failure is recorded with its reason and Try again queues the job anew."""
    client = login_as(tree.supervisor_a)
    behaviour["fail"] = jobs.JobError("磁盘已满。", retryable=True)
    job_id = start(app, tree.supervisor_a.id)
    for _ in range(STEPS):
        gate.release()
    work(app, rq)
    assert row(app, job_id).error == "磁盘已满。"
    behaviour["fail"] = None
    client.post(f"/progress/{job_id}/retry")
    assert rq.count == 1
    for _ in range(STEPS):
        gate.release()
    work(app, rq)
    assert row(app, job_id).status == "done"


def test_unreachable_redis_fails_the_job_with_a_reason(tree, app, monkeypatch):
    """If the queue cannot be reached the job fails at once instead of waiting forever."""
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")
    job_id = start(app, tree.supervisor_a.id)
    job = row(app, job_id)
    assert job.status == "failed" and "无法连接任务队列" in job.error


def test_rq_prints_a_batch_of_cards(tree, login_as, app, rq):
    """The cards job itself on RQ: queued by the batch form, run by a worker, downloadable."""
    client = login_as(tree.supervisor_a)
    response = client.post(
        f"/cards/batch/{tree.grid_a.id}",
        data={"issue": "y", "valid_until": (clock.today() + timedelta(days=30)).isoformat()},
    )
    job_id = response.headers["Location"].rsplit("/", 1)[1]
    work(app, rq)
    job = row(app, job_id)
    assert job.status == "done", job.error
    assert client.get(f"/progress/{job_id}/download").get_data().startswith(b"%PDF")


def test_old_results_are_removed_as_new_jobs_come(tree, app):
    """Result files older than a week are deleted when a job is created; newer ones stay."""
    with app.app_context():
        old, new = jobs.results_dir() / "old.pdf", jobs.results_dir() / "new.pdf"
        old.write_bytes(b"%PDF")
        new.write_bytes(b"%PDF")
        week_ago = time.time() - 8 * 86400
        os.utime(old, (week_ago, week_ago))
        jobs.create("test-steps", {}, tree.supervisor_a.id, STEPS)
        assert not old.exists() and new.exists()
