from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, SelectMultipleField

from ..forms import Form, code_field, phone_field, text_field


class HouseholdForm(Form):
    address = text_field(_l("Address"), 120, _l("Enter the address."))
    phone = phone_field(_l("Phone"))
    remove_phone = BooleanField(_l("No phone any more"))
    grid_code = code_field(
        _l("Micro-grid code"),
        description=_l("To move the household, enter the code of its new micro-grid."),
    )
    # The version the user saw: if someone saved in between, we say so instead of overwriting.
    version = HiddenField()


class MoveForm(Form):
    """Moving all or some households of one micro-grid to another (a stairwell group split)."""

    everyone = BooleanField(_l("All households of this micro-grid"))
    # Drawn by the page as one checkbox per household row; the choices are the micro-grid's.
    households = SelectMultipleField(_l("Households to move"), coerce=int, validate_choice=False)
    grid_code = code_field(
        _l("Move to micro-grid"),
        _l("Enter the code of the micro-grid they move to."),
        description=_l("The code of a micro-grid in your area."),
    )
