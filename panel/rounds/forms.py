"""Forms for setting up a round and its panel."""

from datetime import date
from typing import Any

from flask_wtf import FlaskForm
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
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from panel.forms import PoundsField, choices, strip

SCALES = {
    "0-5": (0, 5),
    "1-5": (1, 5),
    "0-10": (0, 10),
    "1-10": (1, 10),
}


class RoundForm(FlaskForm):
    name = StringField(
        "Round name",
        validators=[DataRequired("Enter a name for the round"), Length(max=120)],
        filters=[strip],
    )
    fund_name = StringField(
        "Fund or programme name",
        default="Community Fund",
        validators=[DataRequired("Enter the name of the fund"), Length(max=120)],
        filters=[strip],
    )
    description = TextAreaField(
        "What panellists should know about this round",
        validators=[Length(max=5000, message="Keep the description under 5,000 characters")],
        filters=[strip],
    )
    budget = PoundsField(
        "Total budget", validators=[InputRequired()], required_message="Enter the total budget"
    )
    min_award = PoundsField(
        "Smallest award",
        validators=[InputRequired()],
        required_message="Enter the smallest amount a group can ask for",
    )
    max_award = PoundsField(
        "Largest award",
        validators=[InputRequired()],
        required_message="Enter the largest amount a group can ask for",
    )
    scale = RadioField(
        "Scoring scale",
        choices=choices(
            ("0-5", "0 to 5"), ("1-5", "1 to 5"), ("0-10", "0 to 10"), ("1-10", "1 to 10")
        ),
        default="0-5",
        validators=[DataRequired("Choose a scoring scale")],
    )
    quorum = IntegerField(
        "Scores needed for each application (quorum)",
        default=3,
        validators=[
            InputRequired("Enter how many scores each application needs"),
            NumberRange(min=1, max=50, message="Enter a number from 1 to 50"),
        ],
    )
    applications_open_on = DateField(
        "Applications open on", validators=[Optional()], format="%Y-%m-%d"
    )
    applications_close_on = DateField(
        "Applications close on", validators=[Optional()], format="%Y-%m-%d"
    )
    scoring_deadline = DateField(
        "Scoring closes at the end of", validators=[Optional()], format="%Y-%m-%d"
    )
    reference_prefix = StringField(
        "Reference prefix (optional)",
        validators=[
            Optional(),
            Length(max=8),
            Regexp(r"^[A-Z0-9]+$", message="Use capital letters and numbers only, like CF26"),
        ],
        filters=[lambda s: s.strip().upper() if s else s],
    )
    blind_scoring = BooleanField(
        "Blind scoring: panellists only see others' scores after they submit their own",
        default=True,
    )

    def validate_max_award(self, field: PoundsField) -> None:
        if (
            isinstance(field.data, int)
            and isinstance(self.min_award.data, int)
            and field.data < self.min_award.data
        ):
            raise ValidationError("The largest award must be the same as or more than the smallest")
        if (
            isinstance(field.data, int)
            and isinstance(self.budget.data, int)
            and field.data > self.budget.data
        ):
            raise ValidationError("The largest award cannot be more than the total budget")

    def validate_applications_close_on(self, field: DateField) -> None:
        opens: date | None = self.applications_open_on.data
        if field.data and opens and field.data < opens:
            raise ValidationError("Applications must close on or after the day they open")

    def scale_bounds(self) -> tuple[int, int]:
        return SCALES[self.scale.data]


def round_form_defaults(round_: Any) -> dict[str, Any]:
    """The form's starting values for an existing round."""
    return {
        "name": round_.name,
        "fund_name": round_.fund_name,
        "description": round_.description,
        "budget": round_.budget_pence,
        "min_award": round_.min_award_pence,
        "max_award": round_.max_award_pence,
        "scale": f"{round_.scale_min}-{round_.scale_max}",
        "quorum": round_.quorum,
        "applications_open_on": round_.applications_open_on,
        "applications_close_on": round_.applications_close_on,
        "scoring_deadline": round_.scoring_deadline,
        "reference_prefix": round_.reference_prefix,
        "blind_scoring": round_.blind_scoring,
    }


class StageForm(FlaskForm):
    # The stage the person saw; if the round has moved since, nothing happens.
    expected = HiddenField()


class AddMemberForm(FlaskForm):
    user_id = SelectField("Resident", coerce=int, validators=[DataRequired("Choose a resident")])
    role = RadioField(
        "Role on the panel",
        choices=choices(("panellist", "Panellist"), ("chair", "Chair")),
        default="panellist",
        validators=[DataRequired("Choose a role")],
    )
