from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired

from ..forms import CheckboxesField, Form, choices, strip
from ..idempotency import key_field
from ..models import SYMPTOMS
from ..observations.forms import _temperature


class SelfReportForm(Form):
    """A resident's own report: the temperature and any symptom, nothing else."""

    key = key_field()
    temperature = StringField(
        _l("Temperature (°C)"),
        filters=[strip],
        validators=[DataRequired(_l("Enter the temperature.")), _temperature],
        render_kw={"inputmode": "decimal", "placeholder": "36.5", "autocomplete": "off"},
    )
    symptoms = CheckboxesField(_l("Symptoms"), choices=choices(SYMPTOMS))
