"""Forms of the codesign area; the level, weight and adoption fields are built from rows."""

from typing import Any

from wtforms import (
    BooleanField,
    Field,
    HiddenField,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from panel.codesign.services import Wording
from panel.forms import (
    SHARE_EVERYONE,
    SHARE_STAFF,
    PanelForm,
    VersionField,
    WholeNumberField,
    choices,
    name_filter,
    share_field,
    strip,
)
from panel.models import Criterion, CriterionKind, FundingRound

KIND_HINTS = {
    "scored": "Panellists give each application a score for it, on the round's scale.",
    "eligibility": (
        "Staff check it before the panel scores. An application that fails it is not scored."
    ),
}


# The example set shown beside the level boxes: one criterion, described from worst to best.
EXAMPLE_TITLE = "Brings neighbours together"
EXAMPLE_LEVELS = (
    "Nothing in the project brings people together.",
    "People might see each other, but there is no plan for them to mix.",
    "A one-off event where a few neighbours could meet.",
    "Regular get-togethers that a few households would come to.",
    "Regular activities that mix people of different ages or backgrounds.",
    "Neighbours who did not know each other will keep meeting after the grant ends.",
)


def examples_for(round_: FundingRound) -> dict[int, str]:
    """The example set, one line per level of the round's scale, spread from worst to best."""
    low, high = round_.scale_min, round_.scale_max
    last = len(EXAMPLE_LEVELS) - 1
    return {
        level: EXAMPLE_LEVELS[round((level - low) * last / (high - low))]
        for level in round_.scale_levels
    }


# ------------------------------------------------------------------ proposing and editing


class CriterionFormBase(PanelForm):
    title = StringField(
        "Title",
        validators=[
            DataRequired("Enter a short title for the criterion"),
            Length(max=120, message="Keep the title to 120 characters or fewer"),
        ],
        filters=[name_filter],
    )
    description = TextAreaField(
        "What it means",
        validators=[Length(max=5000, message="Keep this under 5,000 characters")],
        filters=[strip],
    )
    why = TextAreaField(
        "Why it matters",
        validators=[Length(max=5000, message="Keep this under 5,000 characters")],
        filters=[strip],
    )
    why_shared = share_field("Who can read why it matters?")
    kind = RadioField(
        "How is it used?",
        choices=choices(("scored", "The panel scores it"), ("eligibility", "A pass or fail check")),
        default="scored",
        validators=[DataRequired("Choose whether the panel scores it or it is a pass or fail")],
    )
    version = VersionField()
    idea_id = HiddenField()

    levels: list[int] = []

    def level_fields(self) -> list[tuple[int, Field]]:
        return [(level, self[f"level_{level}"]) for level in self.levels]

    def wording(self) -> Wording:
        """What was typed; a box this person was not shown reads as empty (the service keeps
        what is stored)."""
        why = self._fields.get("why")
        shared = self._fields.get("why_shared")
        return Wording(
            title=self.title.data or "",
            description=self.description.data or "",
            why=(why.data or "") if why is not None else "",
            kind=self.kind.data or "",
            descriptors={str(level): f.data or "" for level, f in self.level_fields()},
            why_private=shared is not None and shared.data == SHARE_STAFF,
        )


def criterion_form(
    round_: FundingRound,
    criterion: Criterion | None = None,
    *,
    show_why: bool = True,
    choose_privacy: bool = True,
    **kwargs: Any,
) -> CriterionFormBase:
    """The propose (no criterion: a title and why it matters are needed) or edit form, with one
    text box per level of the round's scale. `show_why` and `choose_privacy` leave out the boxes
    of a reason this person may not read or whose sharing is its proposer's to choose."""

    class CriterionForm(CriterionFormBase):
        pass

    if criterion is None:
        CriterionForm.why = TextAreaField(
            "Why it matters",
            validators=[
                DataRequired("Enter why it matters"),
                Length(max=5000, message="Keep this under 5,000 characters"),
            ],
            filters=[strip],
        )
    CriterionForm.levels = list(round_.scale_levels)
    for level in round_.scale_levels:
        setattr(
            CriterionForm,
            f"level_{level}",
            TextAreaField(
                f"What a {level} looks like",
                validators=[Length(max=2000, message="Keep this under 2,000 characters")],
                filters=[strip],
            ),
        )
    if criterion is not None and "data" not in kwargs and "formdata" not in kwargs:
        data = {
            "title": criterion.title,
            "description": criterion.description,
            "why": criterion.why if show_why else "",
            "why_shared": SHARE_STAFF if criterion.why_private else SHARE_EVERYONE,
            "kind": criterion.kind,
            "version": str(criterion.version),
        }
        for level in round_.scale_levels:
            data[f"level_{level}"] = (criterion.descriptors or {}).get(str(level), "")
        kwargs["data"] = data
    form = CriterionForm(**kwargs)
    if not show_why:
        del form.why
    if not (show_why and choose_privacy):
        del form.why_shared
    return form


class ReasonForm(PanelForm):
    reason = TextAreaField(
        "Reason",
        validators=[
            DataRequired("Enter the reason"),
            Length(max=2000, message="Keep the reason under 2,000 characters"),
        ],
        filters=[strip],
    )


class RemoveForm(PanelForm):
    """Removing a proposal: staff removing a resident's say why, for everyone on the panel."""

    reason = TextAreaField(
        "Why is it being removed?",
        validators=[Length(max=2000, message="Keep the reason under 2,000 characters")],
        filters=[strip],
    )


class ShortlistForm(PanelForm):
    shortlist = HiddenField(
        validators=[DataRequired("Choose whether to shortlist this criterion or take it off")]
    )


class BoundaryForm(PanelForm):
    title = StringField(
        "What is fixed",
        validators=[
            DataRequired("Enter what is fixed"),
            Length(max=200, message="Keep it to 200 characters or fewer"),
        ],
        filters=[name_filter],
    )
    reason = StringField(
        "Why, or who set it",
        validators=[
            DataRequired("Enter why it is fixed, or who set it"),
            Length(max=500, message="Keep it to 500 characters or fewer"),
        ],
        filters=[strip],
    )


class CopyForm(PanelForm):
    source = RadioField("Which round?", coerce=int, validators=[InputRequired("Choose a round")])
    what = RadioField(
        "What to copy",
        choices=choices(
            ("adopted", "The criteria that round adopted"),
            ("proposals", "Every proposal still under discussion there"),
        ),
        default="adopted",
        validators=[DataRequired("Choose what to copy")],
    )


# ------------------------------------------------------------------ weights


class SharesFormBase(PanelForm):
    criteria: list[Criterion] = []

    def share_fields(self) -> list[tuple[Criterion, Field]]:
        return [(c, self[f"share_{c.id}"]) for c in self.criteria]

    def shares(self) -> dict[int, int]:
        return {c.id: int(f.data) for c, f in self.share_fields()}

    def total(self) -> int:
        """The total of the whole numbers typed (anything else counts as nothing)."""
        return sum(f.data for _, f in self.share_fields() if isinstance(f.data, int))


def shares_form(criteria: list[Criterion], saved: dict[int, int], **kwargs: Any) -> SharesFormBase:
    """One whole-number box per shortlisted scored criterion (the service checks the numbers)."""

    class SharesForm(SharesFormBase):
        pass

    SharesForm.criteria = criteria
    for c in criteria:
        setattr(
            SharesForm,
            f"share_{c.id}",
            WholeNumberField(
                c.title,
                default=saved.get(c.id),
                invalid=f"Enter a whole number of points for {c.title}, like 25",
                # The range and the total are checked by criteria.weights.weight_problems.
                validators=[InputRequired(f"Enter your points for {c.title}, or 0")],
            ),
        )
    return SharesForm(**kwargs)


# ------------------------------------------------------------------ adoption


class AdoptFormBase(PanelForm):
    # The rubric version in force when the page was opened ("0": none). The adopt service refuses
    # a stale one (the view answers 409); the view refuses a form without one (400).
    version = VersionField()
    note = TextAreaField(
        "Anything the panel should know about this adoption (optional)",
        validators=[Length(max=5000, message="Keep the note under 5,000 characters")],
        filters=[strip],
    )
    criteria: list[Criterion] = []

    def rows(self) -> list[dict[str, Any]]:
        out = []
        for c in self.criteria:
            out.append(
                {
                    "criterion": c,
                    "include": self[f"include_{c.id}"],
                    "position": self[f"position_{c.id}"],
                    "weight": self[f"weight_{c.id}"] if c.kind == CriterionKind.SCORED else None,
                    "reason": self[f"reason_{c.id}"] if c.kind == CriterionKind.SCORED else None,
                }
            )
        return out

    def clear_excluded_errors(self) -> None:
        """Mistakes in the boxes of a criterion left out of the adoption do not count."""
        for row in self.rows():
            if row["include"].data:
                continue
            for key in ("position", "weight", "reason"):
                if row[key] is not None:
                    row[key].errors = []


def adopt_form(criteria: list[Criterion], proposed: dict[int, int], **kwargs: Any) -> AdoptFormBase:
    """Per criterion: include it?, its place in the order, and (scored) weight and reason."""

    class AdoptForm(AdoptFormBase):
        pass

    AdoptForm.criteria = criteria
    for n, c in enumerate(criteria, start=1):
        setattr(
            AdoptForm,
            f"include_{c.id}",
            BooleanField(f"Adopt “{c.title}”", default=True),
        )
        setattr(
            AdoptForm,
            f"position_{c.id}",
            WholeNumberField(
                "Place in the order",
                default=n,
                invalid=f"Enter a whole number for the place of {c.title}",
                validators=[
                    Optional(),
                    NumberRange(min=1, max=999, message="Enter a place from 1 to 999"),
                ],
            ),
        )
        if c.kind == CriterionKind.SCORED:
            setattr(
                AdoptForm,
                f"weight_{c.id}",
                WholeNumberField(
                    "Weight, out of 100",
                    default=proposed.get(c.id),
                    invalid=f"Enter a whole number for the weight of {c.title}, like 25",
                    # The range and the total are checked by criteria.weights.weight_problems.
                    validators=[Optional()],
                ),
            )
            setattr(
                AdoptForm,
                f"reason_{c.id}",
                TextAreaField(
                    "Reason for changing the proposed weight",
                    validators=[Length(max=2000, message="Keep the reason under 2,000 characters")],
                    filters=[strip],
                ),
            )
    return AdoptForm(**kwargs)
