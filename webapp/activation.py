"""Taking a record out of use and bringing it back: grid nodes, workers, households.

Nothing is deleted: a deactivated record leaves the lists and keeps its history, and a manager
can bring it back. A feature gives its blueprint the two POST routes with add_routes(): they
load the record in scope, call the feature's rule (`rules.deactivate(record, by_id)` or
`rules.activate(record, by_id)`, which may refuse with a RuleError), commit once and go back to
the record's page (`<feature>.show`) with a message. The template macro `active_switch` draws
the button that posts to them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from flask import Blueprint, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .permissions import Can, requires
from .writes import apply_and_redirect


class Switchable(Protocol):
    """A feature's rules module, as far as switching its records is concerned."""

    def deactivate(self, record: Any, by_id: int) -> None: ...

    def activate(self, record: Any, by_id: int) -> None: ...


def add_routes(
    bp: Blueprint,
    id_name: str,
    capability: Can,
    load: Callable[[int], Any],
    rules: Switchable,
    label: Callable[[Any], str],
    back_after_deactivating: Callable[[Any], str] | None = None,
) -> None:
    """POST /<id>/deactivate and /<id>/activate on `bp`, for the records that `load` finds.

    `label` names a record in the messages; `back_after_deactivating` is where to go when the
    record's own page no longer lists it (a grid node: its parent).
    """

    def page_of(record: Any) -> str:
        return url_for(f"{bp.name}.show", **{id_name: record.id})

    @requires(capability)
    def deactivate(**ids: int):
        record = load(ids[id_name])
        return apply_and_redirect(
            lambda: rules.deactivate(record, current_user.id),
            _("%(name)s was deactivated.", name=label(record)),
            (back_after_deactivating or page_of)(record),
            back_if_refused=page_of(record),
        )

    @requires(capability)
    def activate(**ids: int):
        record = load(ids[id_name])
        return apply_and_redirect(
            lambda: rules.activate(record, current_user.id),
            _("%(name)s was activated.", name=label(record)),
            page_of(record),
        )

    url = f"/<int:{id_name}>"
    bp.add_url_rule(f"{url}/deactivate", "deactivate", deactivate, methods=["POST"])
    bp.add_url_rule(f"{url}/activate", "activate", activate, methods=["POST"])
