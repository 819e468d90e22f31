"""Matching a spreadsheet's columns to the form's questions, and checking its rows.

Every row goes through the same checks as the public form (panel.applications.validation), and
rows that repeat an application of the round, or an earlier row, are found. The preview page
and the command line show the same report.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from panel.applications import extras
from panel.applications.services import ApplicationError
from panel.applications.validation import FIELDS, Field, clean, clean_text
from panel.extensions import db
from panel.models import Application, FormQuestion, FundingRound
from panel.progress import Progress

_ALIASES = {
    "organisation_name": [
        "organisation",
        "organization",
        "organizationname",
        "groupname",
        "group",
        "nameoforganisation",
        "orgname",
    ],
    "organisation_type": ["type", "orgtype", "typeoforganisation", "organizationtype"],
    "registration_number": [
        "charitynumber",
        "companynumber",
        "registrationnumber",
        "charityno",
        "companyno",
        "regno",
    ],
    "contact_name": ["contact", "name", "contactperson", "fullname"],
    "contact_email": ["email", "contactemail", "emailaddress", "e-mail"],
    "contact_phone": ["phone", "telephone", "tel", "contactphone", "mobile", "telephonenumber"],
    "postcode": ["postalcode", "post code"],
    "project_title": ["title", "project", "projectname"],
    "summary": ["summary", "description", "abouttheproject", "projectdescription"],
    "spend_on": ["spendon", "whatisthemoneyfor", "moneyfor", "costs", "spending"],
    "amount": ["amount", "grantrequested", "amountgbp", "request", "amountrequested"],
    "beneficiaries": [
        "beneficiaries",
        "numberofbeneficiaries",
        "peoplebenefiting",
        "howmanypeoplewillbenefit",
    ],
    "location": ["neighbourhood", "ward", "location", "where", "area", "neighborhood"],
}


def _normal(header: str) -> str:
    return "".join(ch for ch in header.lower() if ch.isalnum())


# Words that say nothing about which question a header is ("What the money is for": money).
_STOP = frozenset(
    (
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "do",
        "does",
        "for",
        "from",
        "has",
        "have",
        "how",
        "i",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "our",
        "the",
        "their",
        "they",
        "this",
        "to",
        "was",
        "we",
        "what",
        "when",
        "where",
        "which",
        "who",
        "will",
        "with",
        "you",
        "your",
        "please",
        "give",
    )
)
# How alike a header and a question must be (0 to 1) before the guess is offered.
FUZZY_THRESHOLD = 0.6


def _words(text: str) -> set[str]:
    """The header's words that carry meaning, each without a plural "s"."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {w[:-1] if len(w) > 3 and w.endswith("s") else w for w in words if w not in _STOP}


def likeness(header: str, name: str) -> float:
    """How alike a header and a question's label or alias are, 0 to 1: the share of the
    shorter one's meaningful words the other has, or how alike the letters are (difflib), the
    higher of the two."""
    ours, theirs = _words(header), _words(name)
    overlap = len(ours & theirs) / min(len(ours), len(theirs)) if ours and theirs else 0.0
    letters = SequenceMatcher(None, _normal(header), _normal(name)).ratio()
    return max(overlap, letters)


def _names(key: str, label: str) -> list[str]:
    return [label, *_ALIASES.get(key, [])]


def question_fields(questions: Sequence[FormQuestion]) -> list[Field]:
    """The round's extra questions as optional import fields (their key and wording)."""
    return [Field(q.key, q.label, False) for q in questions]


def guess_mapping(headers: list[str], questions: Sequence[FormQuestion] = ()) -> dict[str, int]:
    """{field key: column index} from the headers: exact labels first, then common names, then
    each extra question of the round by its exact wording; then the most alike header above
    FUZZY_THRESHOLD (word overlap or spelling) for what is left, best pairs first."""
    normal = [_normal(h) for h in headers]
    mapping: dict[str, int] = {}
    used: set[int] = set()
    for by_label in (True, False):
        for spec in FIELDS:
            if spec.key in mapping:
                continue
            names = (
                [_normal(spec.label)]
                if by_label
                else [_normal(a) for a in _ALIASES.get(spec.key, [])]
            )
            for index, header in enumerate(normal):
                if index not in used and header in names:
                    mapping[spec.key] = index
                    used.add(index)
                    break
    for question in questions:
        for index, header in enumerate(normal):
            if index not in used and header == _normal(question.label):
                mapping[question.key] = index
                used.add(index)
                break
    pairs = sorted(
        (
            (max(likeness(headers[i], n) for n in _names(spec.key, spec.label)), -i, spec.key, i)
            for spec in [*FIELDS, *question_fields(questions)]
            if spec.key not in mapping
            for i in range(len(headers))
            if i not in used and normal[i]
        ),
        reverse=True,
    )
    for score, _, key, index in pairs:
        if score < FUZZY_THRESHOLD:
            break
        if key not in mapping and index not in used:
            mapping[key] = index
            used.add(index)
    return mapping


def mapping_lines(mapping: dict[str, int], headers: list[str]) -> list[str]:
    """For the command line: each question read from a column not headed with its own label
    (a guess, or a --column choice), in the form's order."""
    return [
        f"{spec.label} ({spec.key}): column {mapping[spec.key] + 1}, “{headers[mapping[spec.key]]}”"
        for spec in FIELDS
        if spec.key in mapping and _normal(headers[mapping[spec.key]]) != _normal(spec.label)
    ]


class ColumnChoiceError(ValueError):
    """A column named on the command line that the file or the form does not have."""


def apply_columns(
    mapping: dict[str, int], headers: list[str], choices: list[str]
) -> dict[str, int]:
    """The mapping with each "FIELD=HEADER" choice applied: FIELD is a question's key or label,
    HEADER a column's heading (case and spacing ignored) or its number from 1. A column chosen
    for one question is no longer guessed for another."""
    out = dict(mapping)
    by_name = {}
    for spec in FIELDS:
        by_name[_normal(spec.key)] = spec.key
        by_name[_normal(spec.label)] = spec.key
    for choice in choices:
        field, sep, header = choice.partition("=")
        if not sep or not field.strip() or not header.strip():
            raise ColumnChoiceError(
                f'Write --column as FIELD=HEADER, for example summary="About us" (not {choice!r})'
            )
        key = by_name.get(_normal(field))
        if key is None:
            known = ", ".join(spec.key for spec in FIELDS)
            raise ColumnChoiceError(f"There is no question {field.strip()!r}: use one of {known}")
        matches = [i for i, h in enumerate(headers) if _normal(h) == _normal(header)]
        if not matches and header.strip().isdigit() and 1 <= int(header) <= len(headers):
            matches = [int(header) - 1]
        if not matches:
            raise ColumnChoiceError(f"The file has no column headed {header.strip()!r}")
        index = matches[0]
        out = {k: i for k, i in out.items() if i != index}
        out[key] = index
    return out


# --------------------------------------------------------------------------- checking rows


@dataclass
class RowResult:
    row: int
    values: dict[str, Any]
    problems: list[tuple[str, str]]  # (field label, message)
    duplicate_of: str | None
    organisation: str
    title: str
    amount: str
    key: tuple[str, str] = ("", "")  # the duplicate rule's key: organisation and title

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class Preview:
    rows: list[RowResult]
    missing_columns: list[str]

    @property
    def invalid(self) -> list[RowResult]:
        return [r for r in self.rows if r.problems]

    @property
    def duplicates(self) -> list[RowResult]:
        return [r for r in self.rows if r.duplicate_of]

    @property
    def can_import(self) -> bool:
        return not self.missing_columns and not self.invalid

    def report_lines(self) -> list[str]:
        """The per-row report, the same on the preview page and the command line."""
        lines = [
            f"No column for {label}: choose which column holds it" for label in self.missing_columns
        ]
        for result in self.rows:
            lines += [f"Row {result.row}, {label}: {message}" for label, message in result.problems]
        return lines

    def duplicate_lines(self) -> list[str]:
        return [
            f"Row {r.row}: same organisation and project title as {r.duplicate_of}"
            for r in self.duplicates
        ]


def _key(organisation: str, title: str) -> tuple[str, str]:
    return (" ".join(organisation.lower().split()), " ".join(title.lower().split()))


def existing_keys(round_: FundingRound) -> dict[tuple[str, str], str]:
    """{duplicate key: reference} of the round's applications, read now."""
    return {
        _key(org, title): ref
        for org, title, ref in db.session.execute(
            db.select(
                Application.organisation_name, Application.project_title, Application.reference
            )
            .where(Application.round_id == round_.id)
            .order_by(Application.number.desc())  # the earliest reference wins a repeated key
        ).all()
    }


def find_duplicates(rows: list[RowResult], existing: dict[tuple[str, str], str]) -> None:
    """Mark each row that repeats an application in `existing`, or an earlier row of the file.

    The rule (case and spacing ignored): the same organisation name and project title in the
    same round. Rows without both are never duplicates.
    """
    seen: dict[tuple[str, str], str] = {}
    for result in rows:
        if not all(result.key):
            result.duplicate_of = None
            continue
        result.duplicate_of = existing.get(result.key) or seen.get(result.key)
        seen.setdefault(result.key, f"row {result.row}")


def build_preview(
    *,
    round_: FundingRound,
    rows: list[dict[str, Any]],
    mapping: dict[str, int],
    progress: Progress | None = None,
) -> Preview:
    """Check every row with the same checks as the form, and find duplicates (case-insensitive).

    It only reads, so an import runs it outside its write transaction (docs/security.md
    item 46); the import finds the duplicates again when it writes.
    """
    missing = [f.label for f in FIELDS if f.required and f.key not in mapping]
    asked = [q for q in extras.questions(round_) if q.key in mapping]
    results = []
    for done, item in enumerate(rows, start=1):
        if progress is not None:
            progress(done, len(rows))
        cells = item["cells"]
        raw = {key: (cells[i] if i < len(cells) else "") for key, i in mapping.items()}
        values, errors = clean(raw, round_=round_, blank_message="this is empty")
        problems = [
            (spec.label, errors[spec.key])
            for spec in FIELDS
            if spec.key in errors and spec.key in mapping
        ]
        if asked:
            answers: dict[str, str] = {}
            for question in asked:
                try:
                    answers[question.key] = extras.clean_answer(question, raw[question.key])
                except ApplicationError as exc:
                    problems.append((question.label, str(exc)))
            values["extra_answers"] = answers
        results.append(
            RowResult(
                row=item["row"],
                values=values,
                problems=problems,
                duplicate_of=None,
                organisation=clean_text(raw.get("organisation_name", "")),
                title=clean_text(raw.get("project_title", "")),
                amount=clean_text(raw.get("amount", "")),
                key=_key(raw.get("organisation_name", ""), raw.get("project_title", "")),
            )
        )
    find_duplicates(results, existing_keys(round_))
    return Preview(rows=results, missing_columns=missing)
