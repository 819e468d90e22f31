"""Forms of the fund settings: the welcome, the code of conduct, and how long tasks take."""

from typing import Any

from flask_wtf.file import FileField
from wtforms import BooleanField, Field, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from panel.forms import PanelForm, VersionField, WholeNumberField, name_filter, strip
from panel.fund.identity import LOGO_MAX_BYTES, IdentityText
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
            WholeNumberField(
                kind.label,
                invalid="Enter a whole number of minutes, like 15",
                default=current.get(key, kind.default),
                validators=[InputRequired(f"Enter the minutes for {kind.label.lower()}")],
            ),
        )
    return TimesForm(**kwargs)


def _line(label: str, limit: int, message: str) -> StringField:
    return StringField(label, validators=[Length(max=limit, message=message)], filters=[strip])


class IdentityForm(PanelForm):
    version = VersionField()
    fund_name = StringField(
        "The fund's name",
        validators=[Length(max=120, message="Keep the fund's name to 120 characters or fewer")],
        filters=[name_filter],
    )
    funder_name = StringField(
        "The funder's name",
        validators=[Length(max=200, message="Keep the funder's name to 200 characters or fewer")],
        filters=[name_filter],
    )
    funder_org_id = _line("The funder's org-id", 60, "Keep the org-id to 60 characters or fewer")
    giving_prefix = _line("360Giving prefix", 60, "Keep the prefix to 60 characters or fewer")
    public_address = _text("Postal address", limit=500)
    public_phone = _line("Phone number", 40, "Keep the phone number to 40 characters or fewer")
    public_email = _line("Email address", 254, "Keep the email address to 254 characters or fewer")
    brand_colour = _line("Brand colour", 7, "Enter the colour as # and six letters or digits")
    logo = FileField("Logo (optional)")
    remove_logo = BooleanField("Remove the logo")

    def text(self) -> IdentityText:
        return IdentityText(
            **{name: getattr(self, name).data or "" for name in IdentityText.__dataclass_fields__}
        )

    def logo_bytes(self) -> bytes | None:
        upload = self.logo.data
        if upload is None or not getattr(upload, "filename", ""):
            return None
        data: bytes = upload.read(LOGO_MAX_BYTES + 1)
        upload.close()  # a big one is spooled to a temporary file: let it go now
        return data
