"""Configuration read from the environment, with defaults that run on a laptop."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def instance_path() -> Path:
    """Where per-installation files live (SQLite database, generated secret key)."""
    return Path(os.environ.get("GRIDWORK_INSTANCE", ROOT / "instance"))


def _secret_key(instance: Path) -> str:
    """Use SECRET_KEY, or a random key made once and kept under instance/.

    A constant in code would let anyone who reads the repository forge sessions; a key made
    anew at each start would sign every user out on restart and break several app servers.
    """
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        # O_EXCL: when two processes start together, the second reads the first one's key.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32))
    return path.read_text().strip()


def database_url(instance: Path) -> str:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance / 'gridwork.sqlite'}"
    # Heroku-style URLs and bare postgresql:// would pick psycopg2; we ship psycopg 3.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in ("1", "true", "yes", "on")


REQUEST_LIMIT_DEFAULTS = {
    "epidemic": (2, 24),
    "need": (24, 72),
    "complaint": (24, 5 * 24),
    "dispute": (24, 7 * 24),
}


def _request_limits(text: str) -> dict[str, tuple[float, float]]:
    """The defaults, with "category=accept/resolve" pairs (hours) from `text` over them."""
    limits = dict(REQUEST_LIMIT_DEFAULTS)
    for part in filter(None, (p.strip() for p in text.split(","))):
        category, _, hours = part.partition("=")
        accept, _, resolve = hours.partition("/")
        limits[category.strip()] = (float(accept), float(resolve))
    return limits


# Enterprise problems: hours to accept / to resolve per urgency; a category may have its own
# (for its normal problems), and an urgent problem takes the shorter of the two.
PROBLEM_LIMIT_DEFAULTS = {
    "normal": (24, 5 * 24),
    "urgent": (4, 48),
    "supplies": (12, 72),
}


def _problem_limits(text: str) -> dict[str, tuple[float, float]]:
    """The defaults, with "urgency-or-category=accept/resolve" pairs (hours) over them."""
    limits = dict(PROBLEM_LIMIT_DEFAULTS)
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, hours = part.partition("=")
        accept, _, resolve = hours.partition("/")
        limits[name.strip()] = (float(accept), float(resolve))
    return limits


class Config:
    """Settings for one app instance; create_app(config) can override any of them.

    Every setting the app reads is declared here with its default; README lists them.
    """

    def __init__(self) -> None:
        instance = instance_path()
        self.SECRET_KEY = _secret_key(instance)
        self.SQLALCHEMY_DATABASE_URI = database_url(instance)
        self.REDIS_URL = os.environ.get("REDIS_URL") or None
        # The queue that RQ workers listen on (`rq worker gridwork`).
        self.RQ_QUEUE = os.environ.get("RQ_QUEUE", "gridwork")
        # The address printed in every card's QR code. Unset, it follows PORT (as `make run`
        # serves), so the codes of a development server on another port still open.
        self.PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL") or (
            f"http://127.0.0.1:{os.environ.get('PORT') or 5000}"
        )
        # How many reverse proxies stand in front (nginx: 1). Their X-Forwarded-For gives the
        # rate limits the resident's address instead of the proxy's.
        self.PROXY_COUNT = _env_int("PROXY_COUNT", 0)
        # Pages, CSS and JavaScript leave the app gzipped (Brotli where the browser takes it):
        # `make run` and a lone gunicorn have no proxy to do it. Off where the proxy compresses.
        self.COMPRESS_RESPONSES = _env_flag("COMPRESS_RESPONSES", True)

        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        # Behind HTTPS the cookie must never travel in clear; set on by the proxy deployment.
        self.SESSION_COOKIE_SECURE = _env_flag("SESSION_COOKIE_SECURE", False)
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_SECURE = self.SESSION_COOKIE_SECURE
        self.PREFERRED_URL_SCHEME = "https" if self.SESSION_COOKIE_SECURE else "http"
        # Werkzeug's hash method for new passwords (scrypt: slow on purpose; tests use a fast one).
        self.PASSWORD_HASH_METHOD = os.environ.get("PASSWORD_HASH_METHOD", "scrypt")

        # Sessions: a phone left alone for SESSION_IDLE_HOURS signs in again; no session lasts
        # more than SESSION_MAX_HOURS; "keep me signed in" lasts REMEMBER_DAYS. Sign-out, a new
        # password, a new role or area and a deactivation end a worker's sessions at once.
        self.SESSION_IDLE_HOURS = _env_int("SESSION_IDLE_HOURS", 12)
        self.SESSION_MAX_HOURS = _env_int("SESSION_MAX_HOURS", 7 * 24)
        self.REMEMBER_DAYS = _env_int("REMEMBER_DAYS", 30)
        self.PERMANENT_SESSION_LIFETIME = timedelta(hours=self.SESSION_IDLE_HOURS)
        self.REMEMBER_COOKIE_DURATION = timedelta(days=self.REMEMBER_DAYS)

        # Reveals of a full ID number or phone: at most this many an hour per worker; this many
        # in a day shows on the supervisors' today list. The audit trail is kept this long
        # (`flask --app wsgi audit-prune` removes what is older).
        self.REVEALS_PER_HOUR = _env_int("REVEALS_PER_HOUR", 30)
        self.REVEAL_BURST = _env_int("REVEAL_BURST", 20)
        self.AUDIT_RETENTION_DAYS = _env_int("AUDIT_RETENTION_DAYS", 3 * 365)
        # The duplicates page's candidate pairs of a scope are found again after this many
        # seconds (the zone's take seconds to find; a merge finds them again at once).
        self.DUPLICATES_CACHE_SECONDS = _env_int("DUPLICATES_CACHE_SECONDS", 300)

        # A visit or an errand marked done by mistake: its author may undo it this long after.
        self.UNDO_MINUTES = _env_int("UNDO_MINUTES", 5)

        self.WTF_CSRF_TIME_LIMIT = None  # a form opened in the morning still posts after lunch
        self.MAX_CONTENT_LENGTH = 8 * 1024 * 1024

        # Redis when there is one, else the app's own database (webapp/limits_storage.py).
        self.RATELIMIT_STORAGE_URI = self.REDIS_URL or "gridwork-db://"
        # Sign-in attempts per address, and per phone number tried from any address (guesses
        # spread over many addresses at one account); unknown phones count alike.
        self.RATELIMIT_LOGIN = os.environ.get("RATELIMIT_LOGIN", "10 per minute")
        self.RATELIMIT_LOGIN_ACCOUNT = os.environ.get(
            "RATELIMIT_LOGIN_ACCOUNT", "10 per 15 minutes"
        )
        # The public check of a card's QR code (/v/<serial>), per address.
        self.RATELIMIT_VERIFY = os.environ.get("RATELIMIT_VERIFY", "30 per minute")
        self.RATELIMIT_HEADERS_ENABLED = True

        self.BABEL_DEFAULT_LOCALE = "zh"
        self.BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
        self.LANGUAGES = {"zh": "中文", "en": "English"}

        # Rows per page of long lists (workers).
        self.PAGE_SIZE = _env_int("PAGE_SIZE", 50)

        # Printing. A character missing from the PDF font fails the PDF instead of printing an
        # empty box (the tests turn it on; production prints the box rather than nothing).
        self.PDF_STRICT_GLYPHS = _env_flag("PDF_STRICT_GLYPHS", False)
        # Work ID cards: the issuer printed on every card (empty: the name of the tree's root),
        # how long a new card is valid, how many cards go into one PDF of a batch, and whether
        # a batch renders on a second process beside the job's own (both cores).
        self.CARD_ISSUER = os.environ.get("CARD_ISSUER", "")
        self.CARD_VALID_DAYS = _env_int("CARD_VALID_DAYS", 365)
        self.CARD_PART_SIZE = _env_int("CARD_PART_SIZE", 200)
        self.CARD_HELPER_PROCESS = _env_flag("CARD_HELPER_PROCESS", True)
        # QR posters: how many A4 posters go into one PDF of a subtree's batch (the rest as the
        # cards: a helper process renders beside the job when there is more than one part).
        self.POSTER_PART_SIZE = _env_int("POSTER_PART_SIZE", 100)

        # Imports of the office's spreadsheets: the largest file and the most data rows one
        # import takes (the zone's 500,000 residents fit in one file).
        self.IMPORT_MAX_MB = _env_int("IMPORT_MAX_MB", 50)
        self.IMPORT_MAX_ROWS = _env_int("IMPORT_MAX_ROWS", 600_000)
        # Exports: one of at most this many rows is written during the request and downloaded
        # at once; a larger one runs as a background job with a progress bar (0: always a job).
        self.EXPORT_AT_ONCE_ROWS = _env_int("EXPORT_AT_ONCE_ROWS", 5000)

        # Field-work rules; an office can change them here.
        # How often a household of each colour is to be visited, in hours.
        self.VISIT_RHYTHM_HOURS = {
            "red": 12,
            "orange": 12,
            "yellow": 24,
            "light_yellow": 72,
            "green": 30 * 24,
        }
        # Follow-up slots of home observation: name -> (first hour, hour after the last).
        self.FOLLOW_UP_SLOTS = {"am": (6, 12), "pm": (12, 20)}
        self.OBSERVATION_DAYS = 14
        # The longest an observation may run, extensions included (start to planned end).
        self.OBSERVATION_MAX_DAYS = 90
        # Home observation puts the household at least at this colour (yellow).
        self.OBSERVATION_STATUS = "yellow"
        # At or above this temperature (°C), or with any symptom, a follow-up raises the household
        # to at least this colour and puts it on the supervisors' alert list.
        self.FEVER_TEMPERATURE = 37.3
        self.FEVER_RAISES_TO = "yellow"
        # A returnee registered by a worker starts light yellow.
        self.RETURNEE_STATUS = "light_yellow"
        # The common reasons for each colour, offered as one-tap chips when a colour is changed
        # (a reason of one's own can still be typed). They are written into the records as
        # they are: in the office's language.
        self.COLOUR_REASONS = {
            "red": ["确诊病例", "密切接触", "发热就医"],
            "orange": ["密切接触", "次密切接触", "中高风险地区返回"],
            "yellow": ["外地返回", "发热", "居家观察"],
            "light_yellow": ["外地返回", "重点人员", "待核实"],
            "green": ["解除观察", "核实无异常", "信息有误"],
        }

        # Resident requests: per category, hours to accept and hours to resolve; past either,
        # a request rises one level (micro-grid → grid → community → township → zone), and again
        # after as long. REQUEST_LIMITS="epidemic=2/24,need=24/72" changes some of them.
        self.REQUEST_LIMIT_HOURS = _request_limits(os.environ.get("REQUEST_LIMITS", ""))
        # A resolved request nobody rated closes by itself after this many days.
        self.REQUEST_AUTO_CLOSE_DAYS = _env_int("REQUEST_AUTO_CLOSE_DAYS", 7)
        # Enterprise problems: hours to accept and to resolve per urgency (and per category for
        # normal ones); past either a problem rises one level like a request.
        # PROBLEM_LIMITS="urgent=2/24,logistics=8/48" changes some of them.
        self.PROBLEM_LIMIT_HOURS = _problem_limits(os.environ.get("PROBLEM_LIMITS", ""))
        # A resolved problem the enterprise did not rate closes by itself after this many days.
        self.PROBLEM_AUTO_CLOSE_DAYS = _env_int("PROBLEM_AUTO_CLOSE_DAYS", 7)
        # A checkpoint's handover not received by its destination micro-grid within this many
        # hours is late (derived when read: the today list says so, nothing runs).
        self.HANDOVER_LIMIT_HOURS = _env_int("HANDOVER_LIMIT_HOURS", 24)
        # A green pass is valid from the day before the planned arrival for this many days after.
        self.PASS_VALID_DAYS = _env_int("PASS_VALID_DAYS", 14)
        # The public form's limits: per address, and per micro-grid (a flood aimed at one).
        self.RATELIMIT_REQUEST_ADDRESS = os.environ.get(
            "RATELIMIT_REQUEST_ADDRESS", "5 per 10 minutes;20 per day"
        )
        self.RATELIMIT_REQUEST_GRID = os.environ.get("RATELIMIT_REQUEST_GRID", "60 per hour")

    def as_dict(self) -> dict:
        return {k: v for k, v in vars(self).items() if k.isupper()}
