from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField
from wtforms.validators import Optional

from ..clock import today
from ..forms import Form, choices, text_field
from ..permissions import Can
from .kinds import FORMATS, KINDS

# A period of field work goes back at most this far: enough for a year's figures, and a typo
# in the year (2062) is refused instead of exporting nothing after a long wait.
MAX_PERIOD_DAYS = 366
FULLNESS = {"masked": _l("Masked (330702********1234, 138****5678)"), "full": _l("In full")}


NO_REASON = _l("Say why the numbers are needed in full.")


def _week_ago():
    return today() - timedelta(days=6)


class ExportForm(Form):
    """What to export: the view leaves only the kinds the user may export, and the choice of
    full numbers only to someone who may reveal them."""

    kind = RadioField(
        _l("What to export"), choices=choices({k: kind.label for k, kind in KINDS.items()})
    )
    format = RadioField(_l("File"), choices=choices(FORMATS), default="xlsx")
    first = DateField(_l("From"), validators=[Optional()], default=_week_ago)
    last = DateField(_l("To (included)"), validators=[Optional()], default=today)
    fullness = RadioField(_l("ID numbers and phones"), choices=choices(FULLNESS), default="masked")
    reason = text_field(
        _l("Reason for a full export"),
        200,
        description=_l("Required for a full export; kept on the audit trail."),
    )

    def offer(self, may: Callable[[Can], bool], may_reveal: bool) -> None:
        """Keep the kinds whose capability `may` grants, and the choice of full numbers only
        when `may_reveal`."""
        self.kind.choices = [c for c in self.kind.choices if may(KINDS[c.value].capability)]
        if not self.is_submitted() and self.kind.data is None and self.kind.choices:
            self.kind.data = self.kind.choices[0].value
        if not may_reveal:
            del self.fullness
            del self.reason

    @property
    def full(self) -> bool:
        """Full numbers asked for, of a kind that holds them."""
        chosen = KINDS.get(self.kind.data)
        wanted = "fullness" in self and self.fullness.data == "full"
        return wanted and chosen is not None and chosen.has_identity

    def validate(self, extra_validators=None) -> bool:
        # Here rather than in validate_<field>: an empty optional field stops its own chain
        # of validators, and these two are about fields left empty.
        valid = super().validate(extra_validators)
        chosen = KINDS.get(self.kind.data)
        if chosen is not None and not chosen.period:
            self.first.errors, self.last.errors = [], []  # dates of no use are not checked
            valid = not self.errors
        if self.full and not self.reason.data:
            self.reason.errors = [*self.reason.errors, NO_REASON]
            valid = False
        period = self._period_error() if chosen is not None and chosen.period else None
        if period:
            self.last.errors = [*self.last.errors, period]
            valid = False
        return valid

    def _period_error(self) -> str | None:
        first, last = self.first.data, self.last.data
        if self.first.errors or self.last.errors:
            return None  # "Not a valid date value" already says what is wrong
        if first is None or last is None:
            return _l("Give the first and the last day of the period.")
        if first > last:
            return _l("The last day comes before the first.")
        if last - first >= timedelta(days=MAX_PERIOD_DAYS):
            return _l("At most %(days)d days at a time.", days=MAX_PERIOD_DAYS)
        return None
