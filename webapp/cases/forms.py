"""The forms of the work every kind of case shares: a step, a resolution, a return, a
dispatch, an urge, a rating."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..converters import plain_text
from ..forms import AT_MOST, Form, choices, strip, text_field
from .states import RATINGS

TEXT_MAX = 500


def long_text(label, max_length: int, required=None, **kw) -> TextAreaField:
    first = DataRequired(required) if required else Optional()
    return TextAreaField(
        label,
        filters=[plain_text, strip],
        validators=[first, Length(max=max_length, message=AT_MOST)],
        **kw,
    )


class NoteForm(Form):
    text = long_text(_l("Note"), TEXT_MAX, _l("Write a note."))


class OptionalNoteForm(Form):
    text = long_text(_l("Note"), TEXT_MAX)


class DispatchForm(Form):
    target = SelectField(
        _l("Dispatch to"), validators=[InputRequired(_l("Choose where to send it."))]
    )
    text = long_text(_l("Note"), TEXT_MAX)


class RateForm(Form):
    rating = RadioField(
        _l("How was it handled?"),
        choices=choices(RATINGS),
        validators=[InputRequired(_l("Choose a rating."))],
    )
    comment = text_field(_l("Comment"), 200)
