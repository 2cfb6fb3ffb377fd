from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateTimeLocalField, HiddenField, IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError

from ..clock import local, now
from ..forms import Form, choices, id_field, text_field
from ..idempotency import key_field
from ..models import VISIT_METHODS

# A visit queued on a phone without signal is sent later with the time it was recorded; a clock
# a little fast is tolerated, a visit in the future or from last month is not.
CLOCK_SKEW = timedelta(minutes=5)
OLDEST = timedelta(days=7)


class RecordedAtField(DateTimeLocalField):
    """When the phone recorded the visit. The outbox sends an instant in UTC ("…Z"), so a phone
    set to the wrong time zone still files its visits at the right hour; a time without an
    offset (a datetime-local input) is China time. Either way the app stores China time."""

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist or not valuelist[0]:
            self.data = None
            return
        try:
            self.data = local(datetime.fromisoformat(valuelist[0]))
        # OverflowError: an instant whose China time falls outside the calendar (year 1 at
        # +14:00, year 9999 at -12:00); it was never a real recording either.
        except (ValueError, OverflowError):
            self.data = None
            raise ValueError(self.gettext("Not a valid datetime value.")) from None


class VisitForm(Form):
    key = key_field()
    method = SelectField(
        _l("Method"),
        choices=choices(VISIT_METHODS),
        validators=[InputRequired(_l("Choose how the household was visited."))],
        validate_choice=True,
    )
    persons_seen = IntegerField(
        _l("Persons seen"),
        validators=[
            Optional(),
            NumberRange(min=0, max=50, message=_l("Between %(min)d and %(max)d.")),
        ],
    )
    not_at_home = BooleanField(_l("Nobody at home"))
    note = text_field(_l("Note"), 200)
    temperatures = text_field(_l("Temperatures"), 60, render_kw={"placeholder": "36.5 36.8"})
    visited_at = RecordedAtField(_l("Time of the visit"), validators=[Optional()])
    # Which page the visit was logged from: its answer is shaped for it (households/answers.py).
    page = HiddenField()

    def validate_visited_at(self, field) -> None:
        if field.data and field.data > now() + CLOCK_SKEW:
            raise ValidationError(_l("A visit cannot be in the future."))
        if field.data and field.data < now() - OLDEST:
            raise ValidationError(_l("A visit older than 7 days cannot be logged here."))

    def validate_temperatures(self, field) -> None:
        for part in (field.data or "").replace(",", " ").replace("，", " ").split():
            try:
                value = float(part)
            except ValueError:
                raise ValidationError(_l("Temperatures are numbers such as 36.5.")) from None
            if not 34.0 <= value <= 43.0:
                raise ValidationError(_l("A temperature must lie between 34.0 and 43.0 °C."))


class UndoForm(Form):
    """Taking back a visit: which one, and the page the answer is shaped for."""

    visit = id_field()
    page = HiddenField()
