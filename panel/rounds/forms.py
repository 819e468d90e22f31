"""Forms for setting up a round and its panel."""

from typing import Any, cast

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

from panel.forms import MultiCheckboxField, PanelForm, PoundsField, choices, name_filter, strip
from panel.ideas.queries import choosable
from panel.ideas.services import idea_ids_of
from panel.models import FundingRound
from panel.models.types import UK, end_of_uk_day
from panel.rounds.services import (
    MAX_REMINDER_DAYS,
    RoundDetails,
    award_problem,
    dates_problem,
)

SCALES = {
    "0-5": (0, 5),
    "1-5": (1, 5),
    "0-10": (0, 10),
    "1-10": (1, 10),
}


def _pence(value: Any) -> int | None:
    """A money field's pence, or None while the field holds no valid amount."""
    return value if isinstance(value, int) else None


class RoundForm(PanelForm):
    name = StringField(
        "Round name",
        validators=[DataRequired("Enter a name for the round"), Length(max=120)],
        filters=[name_filter],
    )
    fund_name = StringField(
        "Fund or programme name",
        default="Community Fund",
        validators=[DataRequired("Enter the name of the fund"), Length(max=120)],
        filters=[name_filter],
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
    reminder_days = StringField(
        "Days before the scoring deadline to remind panellists",
        default="3",
        filters=[strip],
    )
    blind_scoring = BooleanField(
        "Blind scoring: panellists only see others' scores after they submit their own",
        default=True,
    )
    # Asked only when the new deadline has passed while scoring is open (it closes scoring).
    close_scoring = BooleanField("Yes, close scoring now")
    ideas = MultiCheckboxField("Which ideas does this round respond to?", coerce=int, choices=[])

    def offer_ideas(self) -> None:
        """Every idea residents posted, as a choice, labelled with its title and its answer."""
        self.ideas.choices = choices(
            *((i.id, f"{i.title} ({i.current_status.label.lower()})") for i in choosable())
        )

    def validate_max_award(self, field: PoundsField) -> None:
        problem = award_problem(
            smallest=_pence(self.min_award.data),
            largest=_pence(field.data),
            budget=_pence(self.budget.data),
        )
        if problem:
            raise ValidationError(problem)

    def validate_reminder_days(self, field: StringField) -> None:
        text = field.data or ""
        if text and (not text.isdigit() or not 0 <= int(text) <= MAX_REMINDER_DAYS):
            raise ValidationError(
                f"Enter a whole number of days from 0 to {MAX_REMINDER_DAYS}, like 3 "
                "(0 means no automatic reminders)"
            )

    def validate_applications_close_on(self, field: DateField) -> None:
        problem = dates_problem(opens=self.applications_open_on.data, closes=field.data)
        if problem:
            raise ValidationError(problem)

    def scale_bounds(self) -> tuple[int, int]:
        return SCALES[self.scale.data]

    def details(self) -> RoundDetails:
        """The round's settings as typed; scoring closes at the end of the chosen UK day."""
        # Called once the form has validated: its required fields all hold a value.
        low, high = self.scale_bounds()
        deadline = self.scoring_deadline.data
        return RoundDetails(
            name=cast(str, self.name.data),
            description=self.description.data or "",
            fund_name=cast(str, self.fund_name.data),
            budget_pence=cast(int, self.budget.data),
            min_award_pence=cast(int, self.min_award.data),
            max_award_pence=cast(int, self.max_award.data),
            scale_min=low,
            scale_max=high,
            quorum=cast(int, self.quorum.data),
            applications_open_on=self.applications_open_on.data,
            applications_close_on=self.applications_close_on.data,
            scoring_deadline=end_of_uk_day(deadline) if deadline else None,
            blind_scoring=bool(self.blind_scoring.data),
            reminder_days=int(self.reminder_days.data) if self.reminder_days.data else None,
            reference_prefix=self.reference_prefix.data or "",
            idea_ids=tuple(self.ideas.data or ()),
        )


def round_form_defaults(round_: FundingRound) -> dict[str, Any]:
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
        # The form asks for a day: the UK day on which scoring closes.
        "scoring_deadline": (
            round_.scoring_deadline.astimezone(UK).date() if round_.scoring_deadline else None
        ),
        "reference_prefix": round_.reference_prefix,
        "blind_scoring": round_.blind_scoring,
        "reminder_days": str(round_.reminder_days),
        "ideas": idea_ids_of(round_),
    }


class StageForm(PanelForm):
    # The stage the person saw; if the round has moved since, nothing happens.
    expected = HiddenField()
    # Asked only when Co-design ends with no criteria adopted (the service checks the reason).
    without_panel = BooleanField("Staff adopt the criteria without the panel")
    criteria_reason = TextAreaField(
        "Why staff adopt the criteria without the panel",
        filters=[strip],
        validators=[Length(max=2000, message="Keep the reason under 2,000 characters")],
    )
    # Asked only when moving on closes the public form before its advertised closing day.
    close_early = BooleanField("Yes, close applications early")

    def reason(self) -> str:
        """Staff's reason for going without the panel, only when they ticked the box."""
        return (self.criteria_reason.data or "") if self.without_panel.data else ""


class StepBackForm(PanelForm):
    expected = HiddenField()
    reason = TextAreaField(
        "Why is the round going back a stage?",
        filters=[strip],
        validators=[
            DataRequired("Say why the round is going back a stage"),
            Length(max=2000, message="Keep the reason under 2,000 characters"),
        ],
    )


class AddMemberForm(PanelForm):
    # Several residents at once: each ticked box sends one user_id.
    user_id = MultiCheckboxField(
        "Residents to add",
        coerce=int,
        validators=[DataRequired("Choose at least one resident to add to the panel")],
    )
    role = RadioField(
        "Their role on the panel",
        choices=choices(("panellist", "Panellist"), ("chair", "Chair")),
        default="panellist",
        validators=[DataRequired("Choose a role")],
    )


class LogFilterForm(PanelForm):
    """The change log's filters, sent in the address (a GET form: no token)."""

    class Meta:
        csrf = False

    person = SelectField("Who", coerce=int, choices=[], validate_choice=False)
    application = SelectField("Application", coerce=int, choices=[], validate_choice=False)
    kind = SelectField("Kind of change", choices=[], validate_choice=False)

    def offer(self, *, people: list[Any], applications: list[Any], kinds: dict[str, str]) -> None:
        """The choices: everyone who changed something, each application, each kind."""
        self.person.choices = choices((0, "Anyone"), *((p.id, p.display_name) for p in people))
        self.application.choices = choices(
            (0, "Any application"),
            *((a.id, f"{a.reference}: {a.project_title}") for a in applications),
        )
        self.kind.choices = choices(("", "Any kind"), *kinds.items())
