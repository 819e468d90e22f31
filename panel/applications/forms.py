"""Forms of the applications area. The answers' checks live in validation.py (shared)."""

from typing import Any

from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, ValidationError

from panel.applications import extras
from panel.applications.services import STATUS_LABELS
from panel.applications.validation import FIELD_BY_KEY, FIELDS, Field, clean
from panel.forms import PanelForm, VersionField, choices, name_filter, strip
from panel.models import (
    ORGANISATION_TYPE_LABELS,
    QUESTION_KINDS,
    FormDocument,
    FormQuestion,
    FundingRound,
    RubricCriterion,
)

ORGANISATION_TYPE_HINTS = {
    "community_group": "A group with a written constitution and a bank account. No number needed.",
    "charity": "Registered with a charity regulator. We will ask for your charity number.",
    "cio": "A charity that is also a legal body. We will ask for your charity number.",
    "cic": "A social enterprise company. We will ask for your company number.",
    "clg": "A not-for-profit company. We will ask for your company number.",
    "other": "Tell us more in your project summary. No number needed.",
}


def _label(key: str) -> str:
    return FIELD_BY_KEY[key].label


class AnswersForm(PanelForm):
    """The application's questions, without checks of their own: `check` runs the shared ones."""

    organisation_name = StringField(_label("organisation_name"), filters=[name_filter])
    organisation_type = RadioField(
        "What type of organisation is it?",
        choices=choices(*((t.value, label) for t, label in ORGANISATION_TYPE_LABELS.items())),
        validate_choice=False,
    )
    registration_number = StringField(_label("registration_number"), filters=[strip])
    contact_name = StringField("Full name", filters=[name_filter])
    contact_email = StringField(_label("contact_email"), filters=[strip])
    contact_phone = StringField("UK phone number (optional)", filters=[strip])
    postcode = StringField(_label("postcode"), filters=[strip])
    # The browser stops typing at the limit (maxlength); the shared check says so in words.
    project_title = StringField(
        _label("project_title"),
        filters=[name_filter],
        validators=[Length(max=FIELD_BY_KEY["project_title"].max_length or -1)],
    )
    summary = TextAreaField("Tell us about the project", filters=[strip])
    spend_on = TextAreaField(_label("spend_on"), filters=[strip])
    amount = StringField("How much are you asking for?", filters=[strip])
    beneficiaries = StringField("How many people will benefit?", filters=[strip])
    location = StringField("Which neighbourhood or ward is it in?", filters=[strip])

    def answers(self) -> dict[str, str]:
        return {spec.key: self[spec.key].data or "" for spec in FIELDS}

    def check(
        self, round_: FundingRound, *, contact_required: bool = True
    ) -> dict[str, Any] | None:
        """Validate (CSRF too) and run the shared checks; the values to save, or None."""
        ok = self.validate()
        values, errors = clean(self.answers(), round_=round_, contact_required=contact_required)
        for key, message in errors.items():
            self[key].errors = [message]
        return values if ok and not errors else None


class ApplyForm(AnswersForm):
    # A one-time key: pressing submit twice creates one application.
    submission_key = HiddenField()
    # The honeypot: hidden from people (and screen readers); bots fill it in.
    website = StringField("Leave this blank")


class EditForm(AnswersForm):
    version = VersionField()


class WithdrawForm(PanelForm):
    reason = TextAreaField(
        "Why is the application being withdrawn?",
        filters=[strip],
        validators=[
            DataRequired("Enter the reason the application is being withdrawn"),
            Length(max=2000, message="Keep the reason under 2,000 characters"),
        ],
    )


class SearchForm(PanelForm):
    class Meta:
        csrf = False

    q = StringField("Search by organisation, project or reference", filters=[strip])
    status = SelectField(
        "Status",
        choices=choices(("", "All"), *((s.value, label) for s, label in STATUS_LABELS.items())),
        validate_choice=False,
    )
    sort = SelectField(
        "Sort by",
        choices=choices(
            ("reference", "Reference"),
            ("organisation", "Organisation (A to Z)"),
            ("amount", "Amount (largest first)"),
            ("submitted", "Date received (newest first)"),
        ),
        default="reference",
        validate_choice=False,
    )


class UploadForm(PanelForm):
    file = FileField(
        "Upload a spreadsheet", validators=[FileRequired("Choose a spreadsheet file to upload")]
    )


class ImportForm(PanelForm):
    skip_duplicates = BooleanField("Skip the rows that match applications we already have")
    # The rows the page showed as possible duplicates (importer.shown_duplicates): if others
    # appear before the import runs, nothing is imported and the rows are shown again.
    duplicates_shown = HiddenField(filters=[strip])


def columns_form(
    headers: list[str], mapping: dict[str, int], extra: list[Field] | None = None
) -> PanelForm:
    """One select per question (the round's extra questions too): which column holds it."""
    fields = [*FIELDS, *(extra or [])]

    class ColumnsForm(PanelForm):
        def validate(self, extra_validators: Any = None) -> bool:
            ok = super().validate(extra_validators)
            chosen: dict[str, str] = {}
            for spec in fields:
                value = self[spec.key].data or ""
                if not value and spec.required:
                    self[spec.key].errors = [f"Choose the column that holds {spec.label}"]
                    ok = False
                elif value and value in chosen:
                    header = headers[int(value)] or f"column {int(value) + 1}"
                    self[spec.key].errors = [
                        f"The column “{header}” is already chosen for {chosen[value]}"
                    ]
                    ok = False
                elif value:
                    chosen[value] = spec.label
            return ok

        def mapping(self) -> dict[str, int]:
            return {spec.key: int(self[spec.key].data) for spec in fields if self[spec.key].data}

    options = choices(
        ("", "Not in this file"),
        *((str(i), header or f"Column {i + 1} (no heading)") for i, header in enumerate(headers)),
    )
    valid = {str(i) for i in range(len(headers))} | {""}

    def in_file(form: Any, field: Any) -> None:
        if (field.data or "") not in valid:
            raise ValidationError("Choose one of the file's columns")

    for spec in fields:
        setattr(
            ColumnsForm,
            spec.key,
            SelectField(spec.label, choices=options, validators=[in_file], validate_choice=False),
        )
    defaults = {key: str(index) for key, index in mapping.items()}
    return ColumnsForm(data=defaults)


def eligibility_form(criteria: list[RubricCriterion], existing: dict[int, Any]) -> PanelForm:
    """Pass or fail for each eligibility criterion, with a note required for a fail."""

    class EligibilityForm(PanelForm):
        def validate(self, extra_validators: Any = None) -> bool:
            ok = super().validate(extra_validators)
            for criterion in criteria:
                result = self[f"result_{criterion.id}"]
                note = self[f"note_{criterion.id}"]
                if result.data not in ("pass", "fail"):
                    result.errors = [f"Choose whether the application meets “{criterion.title}”"]
                    ok = False
                elif result.data == "fail" and not (note.data or "").strip():
                    note.errors = [f"Explain why the application does not meet “{criterion.title}”"]
                    ok = False
            return ok

        def results(self) -> dict[int, tuple[bool, str | None]]:
            return {
                c.id: (self[f"result_{c.id}"].data == "pass", self[f"note_{c.id}"].data)
                for c in criteria
            }

    defaults: dict[str, Any] = {}
    for criterion in criteria:
        setattr(
            EligibilityForm,
            f"result_{criterion.id}",
            RadioField(
                criterion.title,
                choices=choices(("pass", "Meets this"), ("fail", "Does not meet this")),
                validate_choice=False,
            ),
        )
        setattr(
            EligibilityForm,
            f"note_{criterion.id}",
            TextAreaField(
                "Note (needed if it does not meet this)",
                filters=[strip],
                validators=[Length(max=2000, message="Keep the note under 2,000 characters")],
            ),
        )
        check = existing.get(criterion.id)
        if check is not None:
            defaults[f"result_{criterion.id}"] = "pass" if check.passed else "fail"
            defaults[f"note_{criterion.id}"] = check.note or ""
    return EligibilityForm(data=defaults)


class RoundApplyForm(ApplyForm):
    """The public form with the round's extra questions and asked-for documents added."""

    questions: list[FormQuestion] = []
    documents: list[FormDocument] = []

    def extra_fields(self) -> list[Any]:
        return [self[q.key] for q in self.questions]

    def document_fields(self) -> list[tuple[FormDocument, Any]]:
        return [(d, self[d.key]) for d in self.documents]

    def typed(self) -> dict[str, str]:
        """Everything typed, as text, for a draft (each answer cut to a sane length)."""
        answers = {**self.answers(), **{q.key: self[q.key].data or "" for q in self.questions}}
        return {key: str(value)[:DRAFT_ANSWER_MAX] for key, value in answers.items()}

    def check_extras(self) -> dict[str, str] | None:
        """The extra answers to store, or None with each problem by its field."""
        values, errors = extras.clean_answers(
            self.questions, {q.key: self[q.key].data or "" for q in self.questions}
        )
        for key, message in errors.items():
            self[key].errors = [message]
        return None if errors else values


DRAFT_ANSWER_MAX = 10_000


def round_form(
    questions: list[FormQuestion], documents: list[FormDocument], **kwargs: Any
) -> RoundApplyForm:
    """The apply form for a round: the usual questions, its extra questions, its documents."""

    class Form(RoundApplyForm):
        pass

    Form.questions = questions
    Form.documents = documents
    for q in questions:
        if q.kind in ("yes_no", "choice"):
            options = extras.YES_NO if q.kind == "yes_no" else q.options
            field: Any = RadioField(
                q.label,
                choices=choices(*((o, o) for o in options)),
                validate_choice=False,
                description=q.hint,
            )
        elif q.kind == "long_text":
            field = TextAreaField(q.label, filters=[strip], description=q.hint)
        else:
            field = StringField(q.label, filters=[strip], description=q.hint)
        setattr(Form, q.key, field)
    for d in documents:
        setattr(Form, d.key, FileField(d.label, description=d.hint))
    return Form(**kwargs)


def _help_text() -> StringField:
    """The optional help text staff give with an extra question or a document."""
    return StringField("Help text (optional)", filters=[strip], validators=[Length(max=500)])


class QuestionForm(PanelForm):
    question = StringField(
        "Question",
        filters=[strip],
        validators=[
            DataRequired("Enter the question"),
            Length(max=200, message="Keep the question under 200 characters"),
        ],
    )
    question_hint = _help_text()
    kind = RadioField(
        "Kind of answer", choices=choices(*QUESTION_KINDS.items()), validate_choice=False
    )
    options = TextAreaField(
        "Choices, one on each line (for “One choice from a list”)",
        filters=[strip],
        validators=[Length(max=2000)],
    )
    required = BooleanField("Groups must answer this question")

    def validate_kind(self, field: Any) -> None:
        if field.data not in QUESTION_KINDS:
            raise ValidationError("Choose the kind of answer")


class DocumentForm(PanelForm):
    document = StringField(
        "Document",
        filters=[strip],
        validators=[
            DataRequired("Enter the name of the document, like Budget"),
            Length(max=120, message="Keep the name under 120 characters"),
        ],
    )
    document_hint = _help_text()
    document_required = BooleanField("Groups must attach this document")


class RemoveForm(PanelForm):
    """A button: remove a question or a document."""
