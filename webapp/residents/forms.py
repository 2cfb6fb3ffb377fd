from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField
from wtforms.validators import DataRequired, NumberRange, Optional, ValidationError

from ..converters import MAX_ID
from ..forms import CheckboxesField, Form, choices, phone_field, text_field
from ..identity import is_valid_id_number, normalize_id_number
from ..models import RESIDENT_TAGS


def _id_number(form, field) -> None:
    if field.data and not is_valid_id_number(field.data):
        raise ValidationError(
            _l("This is not a valid ID number: check the 18 characters (the last may be X).")
        )


# Room for a number typed in groups ("330702 19850202 2247"): the input's maxlength must not cut
# it; the number kept is its 18 characters, which the check above insists on.
ID_NUMBER_TYPED_LENGTH = 24


class ResidentForm(Form):
    name = text_field(_l("Name"), 40, _l("Enter the name."))
    # Required for a new resident (the rules say so). On the edit page the stored number is
    # shown masked and an empty field keeps it: a full number appears only through a logged
    # reveal, never pre-filled in a form.
    id_number = text_field(
        _l("ID number"),
        ID_NUMBER_TYPED_LENGTH,
        description=_l("Gender and birth year are read from it."),
        filters=(lambda v: normalize_id_number(v) if v else v,),
        validators=[_id_number],
    )
    phone = phone_field(_l("Phone"))
    remove_phone = BooleanField(_l("No phone any more"))
    tags = CheckboxesField(_l("Tags"), choices=choices(RESIDENT_TAGS))
    origin = text_field(_l("Returned from"), 80)
    return_date = DateField(_l("Return date"), validators=[Optional()])

    def validate(self, extra_validators=None) -> bool:
        # Optional() stops a field's own validators when it is empty, so the rule "a returnee
        # needs where from and when" is checked here, across fields.
        valid = super().validate(extra_validators)
        if "returnee" in (self.tags.data or []):
            if not self.origin.data:
                self.origin.errors.append(_l("For a returnee, enter where they returned from."))
                valid = False
            if not self.return_date.data and not self.return_date.errors:
                self.return_date.errors.append(_l("For a returnee, enter the return date."))
                valid = False
        return valid


class CheckForm(Form):
    """Closing an ID-number check: what was found."""

    resolution = text_field(
        _l("What was found"),
        200,
        _l("Say what was found (a mistyped number, a person who moved, ...)."),
    )


class MoveForm(Form):
    """Moving a resident: the household chosen among the search results."""

    household_id = IntegerField(
        validators=[
            DataRequired(_l("Choose the household.")),
            NumberRange(min=1, max=MAX_ID, message=_l("Choose the household.")),
        ]
    )
