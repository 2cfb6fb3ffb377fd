from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from ..converters import plain_text
from ..forms import Form
from ..identity import normalize_phone


class LoginForm(Form):
    phone = StringField(
        _l("Phone"),
        # As typed ("139 0000 0001"), without what the database refuses (a NUL).
        filters=[plain_text, normalize_phone],
        validators=[DataRequired(_l("Enter your phone number.")), Length(max=20)],
        render_kw={"inputmode": "numeric", "autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password.")), Length(max=128)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Keep me signed in on this phone"))
