"""Work ID cards (工作证): issue, reissue, revoke, print; the public verification page."""

from . import bp  # noqa: F401
