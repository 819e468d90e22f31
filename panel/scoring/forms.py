"""Scoring forms. The review form is built from the rubric's rows: one field per criterion."""

import re
from functools import lru_cache
from typing import Any, cast

from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from panel.forms import PanelForm, VersionField, choices, strip
from panel.models import CONFLICT_KIND_LABELS, FundingRound, RubricCriterion
from panel.scoring.services.reviews import COMMENT_MAX, OVERALL_MAX, ScoreEntry

WHOLE_NUMBER = re.compile(r"[+-]?\d{1,4}")


class ScoreField(RadioField):
    """One radio per level of the round's scale. Anything else is refused by the field.

    A missing answer is None (never 0). Fractions ("2.5"), words, huge or negative numbers and
    levels off the scale get a plain message naming the question.
    """

    def __init__(self, label: str, *, levels: range, title: str, **kwargs: Any) -> None:
        super().__init__(
            label,
            choices=choices(*((n, str(n)) for n in levels)),
            coerce=int,
            validate_choice=False,
            **kwargs,
        )
        self.levels = levels
        self.title = title
        # The form macros dispatch on the type name (error links go to the first radio).
        self.type = "RadioField"

    def _off_scale(self) -> str:
        return (
            f"Choose a whole number from {self.levels.start} to {self.levels.stop - 1} "
            f"for {self.title}"
        )

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None
        raw = str(valuelist[0]).strip() if valuelist else ""
        if not raw:
            return
        if not WHOLE_NUMBER.fullmatch(raw) or int(raw) not in self.levels:
            raise ValueError(self._off_scale())
        self.data = int(raw)

    def pre_validate(self, form: Any) -> None:
        if self.process_errors:
            return
        if self.data is not None and self.data not in self.levels:
            raise ValidationError(self._off_scale())


class ReviewFormBase(PanelForm):
    # The version of the review this form was built from (0: none yet). Not identity: the
    # panellist, round and application always come from the URL and the session.
    version = VersionField(default="0")
    overall_comment = TextAreaField(
        "Overall comment (optional)",
        validators=[
            Length(
                max=OVERALL_MAX,
                message=f"Keep your overall comment under {OVERALL_MAX:,} characters",
            )
        ],
        filters=[strip],
    )
    # Only at the panel meeting: why the panellist is changing a submitted review.
    reason = TextAreaField(
        "Why are you changing your scores?",
        validators=[Length(max=500, message="Keep the reason under 500 characters")],
        filters=[strip],
    )
    # Which button was pressed: "draft" or "submit" (the buttons carry name="action").
    action = StringField(default="draft")

    criteria: list[RubricCriterion]

    @property
    def submitting(self) -> bool:
        return self.action.data == "submit"

    def score_field(self, criterion: RubricCriterion) -> ScoreField:
        return cast(ScoreField, self[f"score_{criterion.id}"])

    def comment_field(self, criterion: RubricCriterion) -> Any:
        return self[f"comment_{criterion.id}"]

    def expected_version(self) -> int:
        """The review version the form was made from: missing or blank is a 400 (item 40)."""
        return self.version.sent()

    def entries(self) -> dict[int, ScoreEntry]:
        return {
            c.id: ScoreEntry(self.score_field(c).data, self.comment_field(c).data or "")
            for c in self.criteria
        }

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        if self.action.data not in ("draft", "submit"):
            self.action.data = "draft"
        if self.submitting:
            for criterion in self.criteria:
                f = self.score_field(criterion)
                if f.data is None and not f.errors:
                    f.errors = [f"Choose a score for {criterion.title}"]
                    ok = False
        return ok


def make_review_form(
    round_: FundingRound, criteria: list[RubricCriterion], **kwargs: Any
) -> ReviewFormBase:
    """A review form with a score (radios) and a comment field for each scored criterion."""
    form_class = _review_form_class(round_.scale_levels, tuple((c.id, c.title) for c in criteria))
    form = form_class(**kwargs)
    form.criteria = criteria
    return form


@lru_cache(maxsize=256)
def _review_form_class(
    levels: range, criteria: tuple[tuple[int, str], ...]
) -> type[ReviewFormBase]:
    """The form class for a scale and the scored criteria's (id, title), made once per process.

    A class is all its fields are made from (WTForms binds a fresh set of fields to each form
    made from it), so one class serves every request for the same questions; building it
    afresh for each request was a tenth of the scoring page's time.
    """

    class ReviewForm(ReviewFormBase):
        pass

    for criterion_id, title in criteria:
        setattr(
            ReviewForm,
            f"score_{criterion_id}",
            ScoreField(title, levels=levels, title=title),
        )
        setattr(
            ReviewForm,
            f"comment_{criterion_id}",
            TextAreaField(
                f"Comment on {title} (optional)",
                validators=[
                    Length(
                        max=COMMENT_MAX,
                        message=f"Keep your comment on {title} under {COMMENT_MAX:,} characters",
                    )
                ],
                filters=[strip],
            ),
        )
    return ReviewForm


def review_form_data(review: Any, criteria: list[RubricCriterion]) -> dict[str, Any]:
    """The saved review as form data (version 0 when there is none)."""
    if review is None:
        return {"version": "0"}
    saved = {s.rubric_criterion_id: s for s in review.scores}
    data: dict[str, Any] = {
        "version": str(review.version),
        "overall_comment": review.overall_comment,
    }
    for c in criteria:
        score = saved.get(c.id)
        data[f"score_{c.id}"] = score.value if score else None
        data[f"comment_{c.id}"] = score.comment if score else ""
    return data


KIND_CHOICES = choices(*((kind.value, label) for kind, label in CONFLICT_KIND_LABELS.items()))


class ConflictForm(PanelForm):
    kind = RadioField(
        "How are you connected to this application?",
        choices=KIND_CHOICES,
        validators=[DataRequired("Choose how you are connected to this application")],
    )
    note = TextAreaField(
        "Tell us a little more (optional)",
        validators=[Length(max=2000, message="Keep the note under 2,000 characters")],
        filters=[strip],
    )


class StaffConflictForm(ConflictForm):
    """Staff recording a declaration for a panellist (from a call, a letter or the meeting)."""

    kind = RadioField(
        "How is the panellist connected to this application?",
        choices=KIND_CHOICES,
        validators=[DataRequired("Choose how the panellist is connected to this application")],
    )
    panellist_id = SelectField(
        "Panellist",
        coerce=int,
        validators=[DataRequired("Choose the panellist")],
        # WTForms 3.3's messages; its stubs (types-WTForms 3.2) do not know them yet.
        invalid_choice_message="Choose a panellist from the list",  # type: ignore[call-arg]
        invalid_value_message="Choose a panellist from the list",
    )
    application_id = SelectField(
        "Application",
        coerce=int,
        validators=[DataRequired("Choose the application")],
        # WTForms 3.3's messages; its stubs (types-WTForms 3.2) do not know them yet.
        invalid_choice_message="Choose an application from the list",  # type: ignore[call-arg]
        invalid_value_message="Choose an application from the list",
    )


class WithdrawConflictForm(PanelForm):
    reason = TextAreaField(
        "Why is this declaration being withdrawn?",
        validators=[
            DataRequired("Enter why this declaration is being withdrawn"),
            Length(max=2000, message="Keep the reason under 2,000 characters"),
        ],
        filters=[strip],
    )
