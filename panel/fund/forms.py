"""Forms of the fund settings: the welcome, the code of conduct, and how long tasks take."""

from typing import Any

from wtforms import Field, IntegerField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from panel.forms import PanelForm, VersionField, name_filter, strip
from panel.fund.services import Welcome
from panel.fund.times import KINDS


def _text(label: str, limit: int = 3000) -> TextAreaField:
    return TextAreaField(
        label,
        validators=[Length(max=limit, message=f"Keep this under {limit:,} characters")],
        filters=[strip],
    )


class WelcomeForm(PanelForm):
    version = VersionField()
    welcome_role = _text("What the role is")
    welcome_time = _text("How much time each stage takes")
    welcome_behaviour = _text("How the panel behaves")
    welcome_confidential = _text("What stays confidential")
    welcome_expenses = _text("What expenses we pay")
    contact_name = StringField(
        "Who to call",
        validators=[Length(max=120, message="Keep the name to 120 characters or fewer")],
        filters=[name_filter],
    )
    contact_phone = StringField(
        "Their phone number",
        validators=[Length(max=40, message="Keep the phone number to 40 characters or fewer")],
        filters=[strip],
    )

    def welcome(self) -> Welcome:
        return Welcome(
            welcome_role=self.welcome_role.data or "",
            welcome_time=self.welcome_time.data or "",
            welcome_behaviour=self.welcome_behaviour.data or "",
            welcome_confidential=self.welcome_confidential.data or "",
            welcome_expenses=self.welcome_expenses.data or "",
            contact_name=self.contact_name.data or "",
            contact_phone=self.contact_phone.data or "",
        )


class ConductForm(PanelForm):
    version = VersionField()
    code_of_conduct = _text("The code of conduct", limit=10000)


class MinutesField(IntegerField):
    """Whole minutes typed by a person: spaces are ignored, anything else gets a plain message."""

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
            raise ValueError("Enter a whole number of minutes, like 15") from exc


class TimesFormBase(PanelForm):
    def minute_fields(self) -> list[tuple[str, Field]]:
        return [(key, self[f"minutes_{key}"]) for key in KINDS]

    def minutes(self) -> dict[str, int | None]:
        return {key: f.data for key, f in self.minute_fields()}


def times_form(current: dict[str, int], **kwargs: Any) -> TimesFormBase:
    """One whole-number box per kind of task, filled with its minutes now."""

    class TimesForm(TimesFormBase):
        pass

    for key, kind in KINDS.items():
        setattr(
            TimesForm,
            f"minutes_{key}",
            MinutesField(
                kind.label,
                default=current.get(key, kind.default),
                validators=[InputRequired(f"Enter the minutes for {kind.label.lower()}")],
            ),
        )
    return TimesForm(**kwargs)
