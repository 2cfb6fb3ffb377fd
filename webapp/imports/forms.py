from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import SelectField

from ..forms import Form, password_field


class UploadForm(Form):
    # The kinds the user may import are set by the view (each needs its pages' capability).
    kind = SelectField(_l("Kind of sheet"))
    file = FileField(_l("Spreadsheet"))


class ConfirmForm(Form):
    """Only a workers import asks: every new worker signs in with it once, then chooses their
    own."""

    first_password = password_field(_l("First password of the new workers"))
