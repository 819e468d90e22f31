"""Forms of the co-production area: they only parse and check the shape of what was typed; the
services decide what is allowed (panel/coproduction/services)."""

from typing import Any

from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from panel.forms import PanelForm, PoundsField, WholeNumberField, choices, name_filter, strip
from panel.models import (
    ACTIVITY_LABELS,
    ATTENDANCE_LABELS,
    EXPENSE_LABELS,
    OFFSCREEN_KINDS,
    PAYMENT_LABELS,
    CoproStage,
    ExpenseKind,
    PaymentKind,
)

NOT_A_ROUND = 0


class DayField(DateField):
    """A date typed as the browser's date box sends it; a plain message when it is not one."""

    def __init__(self, label: str, *, required: str, **kwargs: Any) -> None:
        super().__init__(label, validators=[InputRequired(required)], format="%Y-%m-%d", **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError("Enter a real date, for example 5 3 2026") from exc


def _hours(label: str, most: int) -> IntegerField:
    return WholeNumberField(
        label,
        invalid="Enter the hours as a whole number, like 2",
        validators=[
            Optional(),
            NumberRange(min=0, max=most, message=f"Enter a number of hours from 0 to {most}"),
        ],
    )


def _minutes() -> IntegerField:
    return WholeNumberField(
        "Minutes",
        invalid="Enter the minutes as a whole number, like 30",
        validators=[
            Optional(),
            NumberRange(min=0, max=59, message="Enter a number of minutes from 0 to 59"),
        ],
    )


def total_minutes(form: Any) -> int | None:
    """Hours and minutes as one number of minutes; None when neither was typed."""
    hours, minutes = form.hours.data, form.minutes.data
    if hours is None and minutes is None:
        return None
    return (hours or 0) * 60 + (minutes or 0)


def _note(label: str) -> TextAreaField:
    return TextAreaField(
        label,
        validators=[Length(max=2000, message="Keep the note under 2,000 characters")],
        filters=[strip],
    )


def _round_field(label: str) -> SelectField:
    return SelectField(label, coerce=int, default=NOT_A_ROUND, validators=[Optional()])


STAGE_CHOICES = choices(*((s.value, s.label) for s in CoproStage))


class OffscreenForm(PanelForm):
    kind = RadioField(
        "What was it?",
        choices=choices(*((k.value, ACTIVITY_LABELS[k]) for k in OFFSCREEN_KINDS)),
        validators=[InputRequired("Choose what it was")],
    )
    happened_on = DayField("When was it?", required="Enter the date it happened")
    hours = _hours("Hours", 24)
    minutes = _minutes()
    round_id = _round_field("Which round was it for?")
    stage = RadioField(
        "Which part of the round was it for?",
        choices=STAGE_CHOICES,
        validators=[Optional()],
    )
    note = _note("What was it? (optional)")


class CorrectForm(PanelForm):
    hours = _hours("Hours", 24)
    minutes = _minutes()


class ExpenseForm(PanelForm):
    kind = RadioField(
        "What was it for?",
        choices=choices(*((k.value, EXPENSE_LABELS[k]) for k in ExpenseKind)),
        validators=[InputRequired("Choose what the money was for")],
    )
    amount = PoundsField(
        "How much did you spend?",
        validators=[InputRequired()],
        required_message="Enter the amount you spent",
    )
    spent_on = DayField("When did you spend it?", required="Enter the date you spent it")
    round_id = _round_field("Which round was it for?")
    note = _note("Anything staff should know? (optional)")


class DecideExpenseForm(PanelForm):
    status = HiddenField()  # the status the page showed
    decision = RadioField(
        "What do you decide?",
        choices=choices(("approve", "Approve the claim"), ("refuse", "Refuse the claim")),
        validators=[InputRequired("Choose whether to approve or refuse the claim")],
    )
    reason = TextAreaField(
        "Reason for refusing (the resident will read this)",
        validators=[Length(max=2000, message="Keep the reason under 2,000 characters")],
        filters=[strip],
    )


class PaidForm(PanelForm):
    status = HiddenField()
    paid_on = DayField("When was it paid?", required="Enter the date it was paid")


class RefuseApprovedForm(PanelForm):
    status = HiddenField()
    reason = TextAreaField(
        "Reason for refusing (the resident will read this)",
        validators=[
            InputRequired("Write the reason the resident will read"),
            Length(max=2000, message="Keep the reason under 2,000 characters"),
        ],
        filters=[strip],
    )


class PaymentForm(PanelForm):
    kind = RadioField(
        "Payment or voucher?",
        choices=choices(*((k.value, PAYMENT_LABELS[k]) for k in PaymentKind)),
        validators=[InputRequired("Choose a payment or a voucher")],
    )
    amount = PoundsField(
        "Amount", validators=[InputRequired()], required_message="Enter the amount given"
    )
    paid_on = DayField("When was it given?", required="Enter the date it was given")
    round_id = _round_field("Which round was it for?")
    note = _note("Note (optional)")


class StaffTimeForm(PanelForm):
    staff_id = SelectField("Who?", coerce=int, validators=[InputRequired("Choose who it was")])
    stage = RadioField(
        "Which part of the round?",
        choices=STAGE_CHOICES,
        validators=[InputRequired("Choose which part of the round it was for")],
    )
    worked_on = DayField(
        "When? (the day, or the last day of a longer stretch)",
        required="Enter the date the work was done",
    )
    hours = _hours("Hours", 200)
    minutes = _minutes()
    note = TextAreaField(
        "What was the time spent on?",
        validators=[
            InputRequired("Say what the time was spent on"),
            Length(max=2000, message="Keep the note under 2,000 characters"),
        ],
        filters=[strip],
    )


class MeetingForm(PanelForm):
    held_on = DayField("Date of the meeting", required="Enter the date of the meeting")
    place = StringField(
        "Where is it?",
        validators=[Length(max=200, message="Keep the place under 200 characters")],
        filters=[name_filter],
    )
    remote = BooleanField("People can join by phone or online")
    hours = _hours("Hours", 12)
    minutes = _minutes()
    quorum = WholeNumberField(
        "How many panel members must be present (the quorum)?",
        invalid="Enter the quorum as a whole number, like 4",
        validators=[
            InputRequired("Enter how many members must be present"),
            NumberRange(min=1, max=100, message="Enter a number from 1 to 100"),
        ],
    )


REGISTER_CHOICES = choices(*((value, label) for value, label in ATTENDANCE_LABELS.items()))


def register_form(member_ids: list[int], data: dict[str, Any] | None = None) -> PanelForm:
    """A form with one set of radios per member, named mark_<user id>."""

    class RegisterForm(PanelForm):
        pass

    for user_id in member_ids:
        setattr(
            RegisterForm,
            f"mark_{user_id}",
            RadioField("Attendance", choices=REGISTER_CHOICES, validators=[Optional()]),
        )
    return RegisterForm(data=data)


class SettingsForm(PanelForm):
    rate = PoundsField("Hourly rate for residents' time", validators=[Optional()])
    rate_source = TextAreaField(
        "Where does the rate come from?",
        validators=[Length(max=500, message="Keep the source under 500 characters")],
        filters=[strip],
    )
    publish = BooleanField("Publish this round's totals on public pages")
