"""Flask extensions, created once and bound to the app in create_app()."""

from flask import request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints so that Alembic can drop and alter them the same way on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


# Objects stay loaded after commit: a write answers with a fragment built from what it just
# saved, and reloading every row after each commit cost a query apiece on the busiest routes.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
# Its counters are in Redis, or without REDIS_URL in the database (webapp/limits_storage.py),
# so that every process of a server counts against the same limits.
limiter = Limiter(key_func=get_remote_address, default_limits=[])

# The only views with a limit: the sign-in form and the public checks of printed codes
# (webapp/codes.py; today a card's QR code). Every other request skips the limiter, which would
# otherwise work out the (empty) limits of each one: 6 % of the instructions of a visit write.
# A view given a limit must be listed here.
RATE_LIMITED_ENDPOINTS = frozenset(
    {
        "auth.login",
        "cards.verify",
        "passes.show",
        "selfreports.page",
        "requests.form",
        "requests.find",
        "requests.track",
        "requests.message",
        "requests.rate",
    }
)


@limiter.request_filter
def _not_rate_limited() -> bool:
    return request.endpoint not in RATE_LIMITED_ENDPOINTS
