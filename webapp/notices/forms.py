from flask_babel import lazy_gettext as _l
from wtforms import DateField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from ..converters import plain_text
from ..forms import AT_MOST, Form, strip, text_field
from ..idempotency import key_field
from ..models.notices import TEXT_LENGTH, TITLE_LENGTH


class NoticeForm(Form):
    key = key_field()
    title = text_field(_l("Title"), TITLE_LENGTH, _l("Enter a title."))
    text = TextAreaField(
        _l("Text"),
        filters=[plain_text, strip],
        validators=[
            DataRequired(_l("Enter the text of the notice.")),
            Length(max=TEXT_LENGTH, message=AT_MOST),
        ],
        description=_l(
            "At most %(max)d characters. Residents read it on the stairwell page.",
            max=TEXT_LENGTH,
        ),
        render_kw={"rows": 5},
    )
    last_day = DateField(
        _l("Shown until (last day)"), validators=[InputRequired(_l("Enter a date."))]
    )
