"""Forms for the panel meeting, decisions, the lottery and the round's method settings."""

from wtforms import BooleanField, HiddenField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from panel.forms import PanelForm, PoundsField, VersionField, choices, strip
from panel.models import (
    OUTCOME_LABELS,
    QUORUM_RESOLUTION_LABELS,
    RECOMMENDATION_LABELS,
    Outcome,
    QuorumResolution,
    Recommendation,
)


class DecisionForm(PanelForm):
    version = VersionField()
    outcome = RadioField(
        "What did the panel decide?",
        choices=choices(*((o.value, OUTCOME_LABELS[o]) for o in Outcome)),
        validators=[InputRequired("Choose what the panel decided")],
    )
    amount = PoundsField("Amount to award (fund in part only)", validators=[Optional()])
    reason = TextAreaField(
        "Reason, written for the applicant",
        validators=[
            DataRequired("Write the reason the applicant will read"),
            Length(max=4000, message="Keep the reason under 4,000 characters"),
        ],
        filters=[strip],
    )
    over_budget_ok = BooleanField("I know this goes over the budget")
    recommendation = RadioField(
        "What did the panel recommend?",
        choices=choices(
            ("", "Not recorded"), *((r.value, RECOMMENDATION_LABELS[r]) for r in Recommendation)
        ),
        default="none",
        validators=[Optional()],
    )
    chair_note = TextAreaField(
        "The chair's note on the panel's recommendation",
        validators=[Length(max=4000, message="Keep the chair's note under 4,000 characters")],
        filters=[strip],
    )
    resolution = RadioField(
        "How was it resolved?",
        choices=choices(*((r.value, QUORUM_RESOLUTION_LABELS[r]) for r in QuorumResolution)),
        validators=[Optional()],
    )
    resolution_note = TextAreaField(
        "What happened",
        validators=[Length(max=4000, message="Keep this under 4,000 characters")],
        filters=[strip],
    )


class ConfirmDraftsForm(PanelForm):
    """ "Confirm all drafts": the drafts shown (application id:version, comma separated), with
    the same acknowledgement as one decision going over budget."""

    drafts = HiddenField()
    over_budget_ok = BooleanField("I know confirming these drafts goes over the budget")

    def shown(self) -> dict[int, int]:
        """The drafts the person was shown, application id -> version; {} if malformed."""
        out: dict[int, int] = {}
        for pair in (self.drafts.data or "").split(","):
            app_id, _, version = pair.partition(":")
            if not (app_id.isdigit() and version.isdigit()) or len(pair) > 24:
                return {}
            out[int(app_id)] = int(version)
        return out


class NoteForm(PanelForm):
    version = VersionField()
    body = TextAreaField(
        "Meeting notes",
        validators=[Length(max=10000, message="Keep the notes under 10,000 characters")],
        filters=[strip],
    )


class LotteryForm(PanelForm):
    seed = StringField(
        "Seed",
        validators=[
            DataRequired("Enter the seed you wrote down before the draw"),
            Length(min=4, max=200, message="The seed must be 4 to 200 characters"),
        ],
        filters=[strip],
    )
    # Required for every draw after the first (the service says so): why draw again.
    reason = TextAreaField(
        "Why are the lots being drawn again?",
        validators=[Length(max=2000, message="Keep the reason under 2,000 characters")],
        filters=[strip],
    )


class MethodForm(PanelForm):
    rank_by = RadioField(
        "Rank applications by",
        choices=choices(
            ("mean", "Mean score (recommended)"),
            ("median", "Median score"),
            ("calibrated", "Calibrated score (corrects for harsh and lenient scorers)"),
        ),
        validators=[InputRequired("Choose how to rank applications")],
    )
    calibrate = BooleanField("Show calibrated scores beside the raw ones")
    allocation_policy = RadioField(
        "When an application does not fit in what is left of the budget",
        choices=choices(
            ("skip", "Skip it and go on down the ranking (recommended)"),
            ("stop", "Stop there"),
        ),
        validators=[InputRequired("Choose what happens when an application does not fit")],
    )
    min_percent = IntegerField(
        "Lowest score that can be suggested for funding (percent of the scale)",
        validators=[
            InputRequired("Enter a percentage from 0 to 100"),
            NumberRange(min=0, max=100, message="Enter a percentage from 0 to 100"),
        ],
    )
    sd_flag_percent = IntegerField(
        "Flag for discussion when the spread (SD) is at least this percent of the scale",
        validators=[
            InputRequired("Enter a percentage from 1 to 100"),
            NumberRange(min=1, max=100, message="Enter a percentage from 1 to 100"),
        ],
    )
    range_flag_percent = IntegerField(
        "Flag for discussion when the range is at least this percent of the scale",
        validators=[
            InputRequired("Enter a percentage from 1 to 100"),
            NumberRange(min=1, max=100, message="Enter a percentage from 1 to 100"),
        ],
    )
    panellists_see_results = BooleanField(
        "Panellists see the results once they have submitted all their scores"
    )


class FeedbackCommentForm(PanelForm):
    """One panel comment reviewed: included (as written or edited) or left out."""

    version = VersionField()
    text = TextAreaField(
        "As the applicant will read it",
        validators=[Length(max=4000, message="Keep the comment under 4,000 characters")],
        filters=[strip],
    )
