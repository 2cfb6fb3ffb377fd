from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, HiddenField, RadioField, SelectField
from wtforms.validators import InputRequired

# The work's forms are the case machinery's, shared with every kind of case.
from ..cases.forms import (  # noqa: F401
    TEXT_MAX,
    DispatchForm,
    NoteForm,
    OptionalNoteForm,
    RateForm,
    long_text,
)
from ..forms import Form, choices, phone_field, text_field
from ..idempotency import key_field
from .categories import CATEGORIES, OUTCOMES


class RequestForm(Form):
    """What a resident (or a worker for them) sends."""

    key = key_field()
    category = RadioField(
        _l("What is it about?"),
        choices=choices(CATEGORIES),
        validators=[InputRequired(_l("Choose what it is about."))],
    )
    text = long_text(
        _l("What happened, what do you need?"), TEXT_MAX, _l("Write what it is about.")
    )
    address = text_field(_l("Address (building, room)"), 100)
    name = text_field(_l("Your name"), 20)
    phone = phone_field(_l("Phone for a call back"))
    photo = FileField(_l("Photo"))


class PublicRequestForm(RequestForm):
    # Left empty by people (it is hidden); robots that fill every field give themselves away.
    website = text_field(_l("Leave this empty"), 100)


class MessageForm(Form):
    text = long_text(_l("Add a message"), TEXT_MAX, _l("Write your message."))


class MergeForm(Form):
    into = text_field(
        _l("Tracking code of the request it duplicates"), 20, _l("Enter a tracking code.")
    )


class MediationForm(Form):
    parties = text_field(_l("Parties"), 200, _l("Name the parties."))
    mediator_ids = HiddenField()
    others = long_text(
        _l("Other mediators, separated by semicolons: name, role"),
        400,
        description=_l("E.g. 李红, 社区妇联主席"),
    )
    held_on = DateField(_l("Date"), validators=[InputRequired(_l("Enter the date."))])
    place = text_field(_l("Place"), 100, _l("Enter the place."))
    outcome = SelectField(
        _l("Outcome"),
        choices=choices(OUTCOMES),
        validators=[InputRequired(_l("Choose the outcome."))],
    )
    agreement = long_text(_l("Agreement"), 1000)
    refer_up = BooleanField(_l("Not settled: refer it to the level above"))


class LinkForm(Form):
    household_id = SelectField(_l("Household"), coerce=int, validate_choice=False)
