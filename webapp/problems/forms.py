from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField
from wtforms.validators import InputRequired

from ..cases.forms import TEXT_MAX, long_text
from ..forms import Form, choices, text_field
from ..idempotency import key_field
from ..models.enterprises import PROBLEM_CATEGORIES, URGENCY


class ProblemForm(Form):
    """What an enterprise needs solved."""

    key = key_field()
    category = RadioField(
        _l("Kind of problem"),
        choices=choices(PROBLEM_CATEGORIES),
        validators=[InputRequired(_l("Choose what it is about."))],
    )
    urgency = RadioField(
        _l("Urgency"),
        choices=choices(URGENCY),
        default="normal",
        validators=[InputRequired(_l("Choose how urgent it is."))],
    )
    text = long_text(_l("What is the problem?"), TEXT_MAX, _l("Write what the problem is."))


class CommentForm(Form):
    text = long_text(_l("Comment"), TEXT_MAX, _l("Write a comment."))


class MergeForm(Form):
    into = text_field(_l("Code of the problem it duplicates"), 20, _l("Enter a problem's code."))
