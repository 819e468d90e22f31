"""Form fields shared by several areas."""

from collections.abc import Iterable
from typing import Any

from flask import abort
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import (  # type: ignore[attr-defined]  # SelectChoice: 3.3; stubs: 3.2
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from panel.money import NotAnAmount, parse_pounds, pence_to_input
from panel.text import plain_name, without_nul


class PanelForm(FlaskForm):
    """The base of every form in the app.

    Whatever a form receives (a POST, or a search's query string) has its NUL characters taken
    out before any field reads it: PostgreSQL refuses them in text, which made such a form
    answer 500 and lose everything else that was typed.
    """

    class Meta:
        def wrap_formdata(self, form: Any, formdata: Any) -> Any:
            data = super().wrap_formdata(form, formdata)  # type: ignore[misc]
            if data is None or not hasattr(data, "lists"):
                return data
            return MultiDict(
                [
                    (key, without_nul(value) if isinstance(value, str) else value)
                    for key, values in data.lists()
                    for value in values
                ]
            )

    def show_problems(self, problems: Iterable[tuple[str, str]]) -> None:
        """Show a service's problems (field name, message) each by its field; one named "form",
        or naming no field of this form, at the top."""
        for name, message in problems:
            target = self._fields.get(name) if name != "form" else None
            if target is None:
                self.form_errors.append(message)
            else:
                target.errors = [*target.errors, message]


class PoundsField(StringField):
    """An amount typed in pounds ("£1,250.50"), held as integer pence in `.data`."""

    data: int | None  # type: ignore[assignment]  # pence, where StringField holds text

    def __init__(self, *args: Any, required_message: str = "Enter an amount", **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.required_message = required_message
        self.raw = ""
        # A bare InputRequired() says what to enter too, never the stock sentence.
        for validator in self.validators:
            if isinstance(validator, InputRequired | DataRequired) and not validator.message:
                validator.message = required_message

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


def name_filter(value: Any) -> Any:
    """A filter for names and titles: no bidirectional controls or zero-width characters, and no
    surrounding spaces (panel/text.py says why they are stripped rather than refused)."""
    return plain_name(value).strip() if isinstance(value, str) else value


class ConfirmForm(PanelForm):
    """A button-only form: it carries the CSRF token for a simple action."""


def choices(*pairs: tuple[Any, str]) -> list[SelectChoice]:
    """Choices for a select or radio field, as (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


class VersionField(HiddenField):
    """The version of the saved record a form was made from ("0": nothing saved yet), sent
    back hidden so that a stale form is refused (409) and never saved over newer work.

    Every form with a version uses this field and every view reads it with `sent()`, so a
    missing or blank version is refused the same way everywhere (docs/security.md item 40).
    """

    MAX_DIGITS = 9

    def sent(self) -> int:
        """The version the form was sent with. A missing, blank or malformed one is a bad
        request (400), never a save that skips the stale-edit check; only what was posted
        counts, never a default the form was built with."""
        raw = (self.raw_data[0] if self.raw_data else "").strip()
        if not (raw.isascii() and raw.isdigit() and len(raw) <= self.MAX_DIGITS):
            abort(400)
        return int(raw)


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


class HideCommentForm(PanelForm):
    """Staff hide a comment, saying why; its author sees the reason."""

    reason = TextAreaField(
        "Why are you hiding this comment?",
        validators=[
            DataRequired("Enter why the comment is hidden: its author will see this"),
            Length(max=2000, message="Keep the reason under 2,000 characters"),
        ],
        filters=[strip],
    )


class WholeNumberField(IntegerField):
    """A whole number typed by a person: spaces are ignored, an empty box is no answer (None),
    and anything else gets the plain message `invalid` ("Enter ..., like 25")."""

    def __init__(self, *args: Any, invalid: str = "Enter a whole number", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invalid = invalid

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.raw_data = valuelist
        text = str(valuelist[0]).strip() if valuelist else ""
        if not text:
            self.data = None
            return
        try:
            self.data = int(text)
        except ValueError as exc:
            self.data = None
            raise ValueError(self.invalid) from exc


class CommentForm(PanelForm):
    """A comment in a discussion (on an idea, on a criterion), and who may read it."""

    body = TextAreaField(
        "Add a comment",
        validators=[
            DataRequired("Enter your comment"),
            Length(max=5000, message="Keep your comment under 5,000 characters"),
        ],
        filters=[strip],
    )
    shared = share_field("Who can read your comment?")

    @property
    def private(self) -> bool:
        return bool(self.shared.data == SHARE_STAFF)
