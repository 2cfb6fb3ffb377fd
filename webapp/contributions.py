"""What features add to the pages they share (the today list, the daily report), kept per app.

A feature adds its parts from its init_app; the page that assembles them reads them in order
(each part has an `order`: smaller first). Kept in app.extensions, not in a module-level list,
so that two apps in one process (the tests build several) never see each other's parts.
"""

from __future__ import annotations

from typing import Generic, Protocol, TypeVar

from flask import Flask, current_app


class Ordered(Protocol):
    order: int


P = TypeVar("P", bound=Ordered)


class Contributions(Generic[P]):
    """One kind of part (today's sections, the report's daily parts, ...)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def add(self, app: Flask, part: P) -> None:
        parts = app.extensions.setdefault(self.name, [])
        parts.append(part)
        parts.sort(key=lambda p: p.order)

    def __call__(self) -> list[P]:
        """The current app's parts, in order."""
        return current_app.extensions.get(self.name, [])
