"""Form pieces shared by several features."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from babel import support
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, IntegerField, PasswordField, SelectMultipleField, StringField, widgets
from wtforms.fields.choices import SelectChoice
from wtforms.i18n import messages_path
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from . import passwords
from .converters import MAX_ID, plain_text
from .identity import is_valid_phone, mask_phone, normalize_phone


@lru_cache(maxsize=8)
def _wtforms_translations(locale: str) -> support.Translations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class Form(FlaskForm):
    """FlaskForm with WTForms' own messages ("Not a valid date value") in the user's language.

    Flask-WTF parses WTForms' catalog again on every request; that was a twentieth of the time
    of a visit write. Here each language's catalog is parsed once per process.
    """

    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            return _wtforms_translations(str(get_locale()))

    def error_messages(self) -> list[str]:
        """Every field's errors and the form's own, as one list (for a fragment that has no
        room to show them by their fields)."""
        return [e for field in self for e in field.errors] + list(self.form_errors)


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


def upper(value: str | None) -> str | None:
    return value.upper() if value else value


AT_MOST = _l("At most %(max)d characters.")


def text_field(label, max_length: int, required=None, filters=(strip,), validators=(), **kw):
    """A stripped text field, at most `max_length` long; `required` is the message when empty
    (None: the field is optional). Control characters are taken out before `filters` run, in
    every text field: a NUL or a line break is never anything a user meant to type."""
    first = DataRequired(required) if required else Optional()
    return StringField(
        label,
        filters=[plain_text, *filters],
        validators=[first, Length(max=max_length, message=AT_MOST), *validators],
        **kw,
    )


# Room for a phone typed in groups ("138 0013 8001"): the input's maxlength must not cut it.
PHONE_TYPED_LENGTH = 20


def phone_field(label, required=None, **kw) -> StringField:
    """A mainland mobile number, kept as its 11 digits however it was typed; numeric keyboard
    on phones."""
    return text_field(
        label,
        PHONE_TYPED_LENGTH,
        required,
        filters=(strip, normalize_phone),
        validators=[mobile_phone],
        render_kw={"inputmode": "numeric"},
        **kw,
    )


def strong_password(form, field: Field) -> None:
    """A password that webapp/passwords.py accepts (the phone it may not hold is the rules'
    check: they know whose password it is)."""
    # After Length's own message, the same sentence again would say nothing new.
    if field.data and not field.errors and (reason := passwords.weakness(field.data)):
        raise ValidationError(reason)


def password_field(label, required: bool = False, **kw) -> PasswordField:
    """A new password that webapp/passwords.py accepts; optional (empty: keep the current one)
    unless `required`."""
    first = DataRequired(_l("Choose a password.")) if required else Optional()
    return PasswordField(
        label,
        validators=[
            first,
            # Length also gives the input its minlength and maxlength.
            Length(min=passwords.MIN_LENGTH, max=passwords.MAX_LENGTH, message=passwords.LENGTH),
            strong_password,
        ],
        render_kw={"autocomplete": "new-password"},
        **kw,
    )


def code_field(label, required=None, **kw) -> StringField:
    """A grid code: stripped, upper case, at most 16 characters."""
    return text_field(label, 16, required, filters=(strip, upper), **kw)


def id_field(label=None, message=None, **kw) -> IntegerField:
    """A record's id posted by a form: required and no larger than an id column holds (a
    bigger number would fail in the database, not in the form)."""
    return IntegerField(
        label,
        validators=[InputRequired(message), NumberRange(min=1, max=MAX_ID, message=message)],
        **kw,
    )


# 2024-03-05, 2024/3/5, 2024.3.5, 2024年3月5日, 20240305: what people type without a picker.
_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")


def parse_day(text: str) -> date | None:
    """The date in `text`, or None when it is not one."""
    match = _DATE.match(text) or _COMPACT.match(text)
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:  # 2024-02-30
        return None


def keep_stored_phone(form: FlaskForm, phone: str | None) -> None:
    """An edit form's phone field for a stored `phone`: the number is said masked in the field's
    description and never put in the input (a full number appears only through a logged
    reveal); an empty field keeps it. Without a stored number there is none to remove."""
    if phone:
        form.phone.description = _l(
            "Now %(phone)s. Type a new number to change it; leave empty to keep it.",
            phone=mask_phone(phone),
        )
    elif "remove_phone" in form:
        del form.remove_phone
    if not form.is_submitted():
        form.phone.data = None
