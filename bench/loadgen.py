"""A small HTTP load generator for the action benchmarks: 127.0.0.1 only, bounded in time and count.

`open_loop` offers requests at a steady rate whatever the server does (no coordinated omission):
request i is due at start + i / rate, and its latency is measured from that due time, so time a
request spends waiting for a free connection because the server fell behind counts too.
`closed_loop` keeps N connections busy for a while (the fallback when wrk is missing).
"""

from __future__ import annotations

import http.client
import math
import queue
import re
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

HOST = "127.0.0.1"  # the only host this module ever talks to
MAX_REQUESTS = 100_000
MAX_SECONDS = 120.0


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes = b""


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    cookies: dict[str, str]
    body: bytes


@dataclass
class Result:
    """One offered request: its status (0 = no answer) and seconds from due time to answer."""

    status: int
    latency: float | None


@dataclass
class Session:
    """A signed-in browser: its cookies and the CSRF token its pages carry."""

    phone: str
    cookies: dict[str, str] = field(default_factory=dict)
    csrf: str = ""
    grid_id: int = 0

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())


def _connection(port: int, timeout: float) -> http.client.HTTPConnection:
    return http.client.HTTPConnection(HOST, port, timeout=timeout)


def send(conn: http.client.HTTPConnection, request: Request) -> Reply:
    """Send one request on a keep-alive connection (http.client reopens it if the server closed)."""
    headers = dict(request.headers)
    if request.body:
        headers.setdefault("Content-Length", str(len(request.body)))
    conn.request(request.method, request.path, body=request.body or None, headers=headers)
    response = conn.getresponse()
    body = response.read()
    cookies = {}
    for name, value in response.getheaders():
        if name.lower() == "set-cookie":
            pair = value.split(";", 1)[0]
            key, _, val = pair.partition("=")
            cookies[key.strip()] = val.strip()
    if response.getheader("Connection", "").lower() == "close":
        conn.close()
    return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, cookies, body)


def once(port: int, request: Request, timeout: float = 30.0) -> Reply:
    conn = _connection(port, timeout)
    try:
        return send(conn, request)
    finally:
        conn.close()


def form(fields: dict[str, str]) -> bytes:
    return urlencode(fields).encode()


_HIDDEN_CSRF = re.compile(rb'<input[^>]*name="csrf_token"[^>]*>')
_VALUE = re.compile(rb'value="([^"]+)"')
_HX_HEADERS = re.compile(rb'"X-CSRFToken":\s*"([^"]+)"')


def csrf_token(html: bytes) -> str:
    found = _HX_HEADERS.search(html)
    if found:
        return found.group(1).decode()
    tag = _HIDDEN_CSRF.search(html)
    value = _VALUE.search(tag.group(0)) if tag else None
    if value is None:
        raise RuntimeError("no CSRF token in the page")
    return value.group(1).decode()


def sign_in(port: int, phone: str, password: str, page: str) -> Session:
    """Sign in through /login as a browser would, then read the CSRF token from `page`."""
    session = Session(phone)
    conn = _connection(port, 30.0)
    try:
        reply = send(conn, Request("GET", "/login", {}))
        session.cookies.update(reply.cookies)
        token = csrf_token(reply.body)
        body = form({"phone": phone, "password": password, "csrf_token": token})
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": session.cookie_header(),
        }
        reply = send(conn, Request("POST", "/login", headers, body))
        if reply.status not in (302, 303):
            raise RuntimeError(f"sign-in of {phone} answered {reply.status}")
        session.cookies.update(reply.cookies)
        reply = send(conn, Request("GET", page, {"Cookie": session.cookie_header()}))
        if reply.status != 200:
            raise RuntimeError(f"{page} answered {reply.status} to {phone}")
        session.cookies.update(reply.cookies)
        session.csrf = csrf_token(reply.body)
        return session
    finally:
        conn.close()


def open_loop(
    port: int,
    requests: list[Request],
    rate: float,
    connections: int = 16,
    timeout: float = 10.0,
) -> list[Result]:
    """Offer `requests` at `rate` per second over a pool of keep-alive connections.

    Returns one Result per request, in order. A request still unanswered `timeout` seconds
    after the last one was due counts as failed (status 0, latency None).
    """
    if len(requests) > MAX_REQUESTS or len(requests) / rate > MAX_SECONDS:
        raise ValueError("load beyond the generator's bounds")
    results: list[Result | None] = [None] * len(requests)
    due: queue.Queue[tuple[int, float] | None] = queue.Queue()
    start = time.perf_counter() + 0.2
    deadline = start + len(requests) / rate + timeout

    def worker() -> None:
        conn = _connection(port, timeout)
        try:
            while True:
                item = due.get()
                if item is None:
                    return
                index, due_at = item
                if time.perf_counter() > deadline:
                    results[index] = Result(0, None)
                    continue
                try:
                    reply = send(conn, requests[index])
                except (OSError, http.client.HTTPException):
                    conn.close()
                    results[index] = Result(0, None)
                    continue
                results[index] = Result(reply.status, time.perf_counter() - due_at)
        finally:
            conn.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for index in range(len(requests)):
        due_at = start + index / rate
        pause = due_at - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        due.put((index, due_at))
    for _ in threads:
        due.put(None)
    for thread in threads:  # a send blocks at most `timeout` seconds past the deadline
        thread.join(max(0.0, deadline - time.perf_counter()) + timeout + 1.0)
    return [r if r is not None else Result(0, None) for r in results]


def closed_loop(
    port: int, make_request, connections: int, seconds: float, timeout: float = 10.0
) -> tuple[int, int, float]:
    """Keep `connections` requests in flight for `seconds`; return (2xx, other, elapsed s).

    `make_request(thread_index, counter)` builds each request (keys must be unique).
    """
    if seconds > MAX_SECONDS:
        raise ValueError("load beyond the generator's bounds")
    counts = [[0, 0] for _ in range(connections)]
    start = time.perf_counter()
    stop = start + seconds

    def worker(index: int) -> None:
        conn = _connection(port, timeout)
        n = 0
        try:
            while time.perf_counter() < stop and n < MAX_REQUESTS:
                n += 1
                try:
                    reply = send(conn, make_request(index, n))
                    counts[index][0 if 200 <= reply.status < 300 else 1] += 1
                except (OSError, http.client.HTTPException):
                    conn.close()
                    counts[index][1] += 1
        finally:
            conn.close()

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + timeout + 1.0)
    elapsed = time.perf_counter() - start
    return sum(c[0] for c in counts), sum(c[1] for c in counts), elapsed


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile (fraction 0.95 for p95)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = math.ceil(round(fraction * len(ordered), 9))
    return ordered[min(max(rank, 1), len(ordered)) - 1]
