"""Form fields shared by several areas."""

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    RadioField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from panel.money import NotAnAmount, parse_pounds, pence_to_input


class PoundsField(StringField):
    """An amount typed in pounds ("£1,250.50"), held as integer pence in `.data`."""

    def __init__(self, *args: Any, required_message: str = "Enter an amount", **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.required_message = required_message
        self.raw = ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.raw = (valuelist[0] if valuelist else "") or ""
        self.data = None
        if not self.raw.strip():
            return
        try:
            self.data = parse_pounds(self.raw)
        except NotAnAmount as exc:
            self.data = None
            raise ValueError(str(exc)) from exc

    def _value(self) -> str:
        if self.raw:
            return str(self.raw)
        return pence_to_input(self.data) if isinstance(self.data, int) else ""

    def pre_validate(self, form: Any) -> None:
        if self.data is None and not self.process_errors and self.flags.required:
            raise ValidationError(self.required_message)


def strip(value: Any) -> Any:
    """A filter that trims surrounding spaces from typed text."""
    return value.strip() if isinstance(value, str) else value


class ConfirmForm(FlaskForm):
    """A button-only form: it carries the CSRF token for a simple action."""


def choices(*pairs: tuple[Any, str]) -> list[SelectChoice]:
    """Choices for a select or radio field, as (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes (the macros render it with `checkboxes`)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


# Who may read a note: the choice shown next to "why it matters" and comment boxes.
SHARE_EVERYONE = "everyone"
SHARE_STAFF = "staff"
SHARE_HINTS = {
    SHARE_EVERYONE: "Everyone who can see this page can read it, with your name.",
    SHARE_STAFF: (
        "Only staff can read it. Others see that you left a note for staff, not what it says "
        "or who wrote it."
    ),
}


def share_field(label: str) -> RadioField:
    """The "who can read this?" choice next to a box of personal words: everyone, or staff only."""
    return RadioField(
        label,
        choices=choices((SHARE_EVERYONE, "Everyone who can see this"), (SHARE_STAFF, "Only staff")),
        default=SHARE_EVERYONE,
        validators=[DataRequired("Choose who can read it")],
    )


class HideCommentForm(FlaskForm):
    """Staff hide a comment, saying why; its author sees the reason."""

    reason = TextAreaField(
        "Why are you hiding this comment?",
        validators=[
            DataRequired("Enter why the comment is hidden: its author will see this"),
            Length(max=2000, message="Keep the reason under 2,000 characters"),
        ],
        filters=[strip],
    )
