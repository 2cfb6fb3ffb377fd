from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField
from wtforms.validators import InputRequired, Optional, ValidationError

from ..clock import today
from ..forms import CheckboxesField, choices, text_field
from ..models import POSITIONS

# A card may be valid for at most this long: a lost card stays dangerous until it expires.
MAX_VALID_YEARS = 5


def default_valid_until():
    return today() + timedelta(days=current_app.config["CARD_VALID_DAYS"])


def _valid_until_field():
    return DateField(
        _l("Valid until"),
        validators=[InputRequired(_l("Enter a date."))],
        default=default_valid_until,
    )


def _check_valid_until(field) -> None:
    if field.data and field.data <= today():
        raise ValidationError(_l("The card must be valid after today."))
    if field.data and field.data > today() + timedelta(days=366 * MAX_VALID_YEARS):
        raise ValidationError(_l("At most %(years)d years from today.", years=MAX_VALID_YEARS))


class IssueForm(FlaskForm):
    """Issue a card (or reissue it: the current one is revoked)."""

    valid_until = _valid_until_field()

    def validate_valid_until(self, field) -> None:
        _check_valid_until(field)


class RevokeForm(FlaskForm):
    reason = text_field(_l("Reason"), 200, _l("Give a reason."))


class PhotoForm(FlaskForm):
    # The content is checked by webapp.photos (size, real format, pixel count), not here.
    photo = FileField(
        _l("Photo (JPEG or PNG, at most 5 MB)"),
        render_kw={"accept": "image/jpeg,image/png"},
    )


class BatchForm(FlaskForm):
    """Which workers of a subtree get their cards printed, and whether cards are issued."""

    positions = CheckboxesField(
        _l("Only these positions"),
        choices=choices(POSITIONS),
        description=_l("Leave all unticked for everyone."),
    )
    missing_only = BooleanField(_l("Only workers without a valid card"))
    issue = BooleanField(_l("Issue a card to every worker who has no valid card"), default=True)
    valid_until = _valid_until_field()
    # Filled by the view with the subtree's workers when there are few enough to list.
    workers = CheckboxesField(
        _l("Only these workers"),
        coerce=int,
        validators=[Optional()],
        description=_l("Leave all unticked for everyone."),
    )

    def validate_valid_until(self, field) -> None:
        if self.issue.data:
            _check_valid_until(field)
