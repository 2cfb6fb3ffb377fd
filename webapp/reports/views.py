"""The daily report (日报) of any node, as a page and as a PDF with the same numbers."""

from . import bp  # noqa: F401
