"""Form pieces shared by several features."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import Field, SelectMultipleField, widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from .identity import is_valid_phone


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes (tags, positions): big tap targets on a phone."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def choices(labels: dict, blank: bool = False) -> list[SelectChoice]:
    """Options for a select, radio or checkbox field from a {value: label} mapping."""
    options = [SelectChoice(value, label) for value, label in labels.items()]
    return [SelectChoice("", "—"), *options] if blank else options


def strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def mobile_phone(form, field: Field) -> None:
    """An 11-digit mainland mobile number, when given."""
    if field.data and not is_valid_phone(field.data):
        raise ValidationError(_l("Enter an 11-digit mobile number, e.g. 13812345678."))
