"""Forms of the grants area: the round's conditions, an offer, a payment, the review of a report,
and the two forms a group fills in through its private link."""

from typing import Any

from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    MultipleFileField,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional

from panel.forms import PanelForm, PoundsField, VersionField, choices, name_filter, strip
from panel.grants.reports import MAX_PHOTOS, PHOTO_MAX_BYTES, ReportValues
from panel.grants.services import OfferValues


class Day(DateField):
    """A date from the browser's date box; a plain message when it is not one."""

    def __init__(self, label: str, *, required: str | None = None, **kwargs: Any) -> None:
        validators = [InputRequired(required)] if required else [Optional()]
        super().__init__(label, validators=validators, format="%Y-%m-%d", **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError("Enter a real date, for example 5 3 2027") from exc


class Count(IntegerField):
    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata([str(v).replace(",", "").strip() for v in valuelist])
        except ValueError as exc:
            raise ValueError("Enter a whole number, like 40") from exc


def _text(label: str, limit: int = 5000, required: str | None = None) -> TextAreaField:
    validators: list[Any] = [Length(max=limit, message=f"Keep this under {limit:,} characters")]
    if required:
        validators.insert(0, InputRequired(required))
    return TextAreaField(label, validators=validators, filters=[strip])


class ConditionsForm(PanelForm):
    conditions = _text("Standard grant conditions", limit=10000)


class PublishForm(PanelForm):
    publish = HiddenField()


class OfferForm(PanelForm):
    version = VersionField()
    amount = PoundsField(
        "Amount of the grant", validators=[InputRequired()], required_message="Enter the amount"
    )
    conditions = _text("Conditions of this grant", limit=10000)
    planned_start = Day("Project starts (optional)")
    planned_end = Day("Project ends (optional)")
    report_due_on = Day("End-of-grant report due", required="Enter the date the report is due")

    def values(self) -> OfferValues:
        return OfferValues(
            amount_pence=self.amount.data or 0,
            conditions=self.conditions.data or "",
            planned_start=self.planned_start.data,
            planned_end=self.planned_end.data,
            report_due_on=self.report_due_on.data,  # type: ignore[arg-type]  # required above
        )


class PaymentForm(PanelForm):
    amount = PoundsField(
        "Amount paid", validators=[InputRequired()], required_message="Enter the amount paid"
    )
    paid_on = Day("Date paid", required="Enter the date it was paid")
    reference = StringField(
        "Payment reference (optional)",
        validators=[Length(max=60, message="Keep the reference to 60 characters or fewer")],
        filters=[strip],
    )


class ReviewForm(PanelForm):
    version = VersionField()
    verdict = RadioField(
        "Your review",
        choices=choices(("accept", "Accept the report"), ("more", "Ask the group for more")),
        validators=[InputRequired("Choose whether to accept the report or ask for more")],
    )
    note = _text("Note to the group (needed to ask for more)", limit=3000)


class AcceptForm(PanelForm):
    name = StringField(
        "Your full name",
        validators=[
            InputRequired("Enter your full name"),
            Length(max=120, message="Keep your name to 120 characters or fewer"),
        ],
        filters=[name_filter],
    )
    role = StringField(
        "Your role in the group",
        validators=[
            InputRequired("Enter your role in the group, like Treasurer"),
            Length(max=120, message="Keep the role to 120 characters or fewer"),
        ],
        filters=[name_filter],
    )


class ReportForm(PanelForm):
    what_happened = _text("What happened", required="Tell us what happened")
    people_count = Count(
        "How many people took part", validators=[InputRequired("Enter how many people took part")]
    )
    story = _text("A short story from the project", limit=2000, required="Tell us a short story")
    differently = _text("What you would do differently (optional)", limit=3000)
    spent = PoundsField(
        "How much of the grant you spent",
        validators=[InputRequired()],
        required_message="Enter how much of the grant you spent",
    )
    spending = _text("What the money was spent on", required="Tell us what the money was spent on")
    photos = MultipleFileField("Photos (optional)")

    def values(self) -> ReportValues:
        return ReportValues(
            what_happened=self.what_happened.data or "",
            people_count=self.people_count.data,
            story=self.story.data or "",
            differently=self.differently.data or "",
            spending=self.spending.data or "",
            spent_pence=self.spent.data,
        )

    def photo_bytes(self) -> list[bytes]:
        """Each chosen file's bytes, read no further than the limit (a bigger one is refused)."""
        found = []
        uploads: list[Any] = list(self.photos.data or [])
        for upload in uploads[: MAX_PHOTOS + 1]:
            if upload is not None and getattr(upload, "filename", None):
                found.append(upload.read(PHOTO_MAX_BYTES + 1))
            if upload is not None:
                upload.close()  # a big one is spooled to a temporary file: let it go now
        return found
