"""The rate limits' counters when there is no Redis (webapp/limits_storage.py writes them)."""

from __future__ import annotations

from sqlalchemy import Float, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

# Flask-Limiter's keys name the limit, the address or phone and the window; a longer one (an odd
# forwarded address) is stored by its digest, which fits.
KEY_LENGTH = 200


class RateLimitCounter(db.Model):
    """One limit's count for one address or phone within its current window (fixed windows:
    the window starts at the first hit and the count starts again once it has expired)."""

    __tablename__ = "rate_limit_counter"

    key: Mapped[str] = mapped_column(String(KEY_LENGTH), primary_key=True)
    hits: Mapped[int]
    # Seconds since the epoch, as the `limits` library counts (time.time()), not China time.
    expires_at: Mapped[float] = mapped_column(Float)

    # Expired counters are pruned by this index.
    __table_args__ = (Index("ix_rate_limit_counter_expires_at", "expires_at"),)
