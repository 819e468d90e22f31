"""The checks on an application's answers, shared by the public form, staff's edits and imports.

Each check takes the text a person typed (or a spreadsheet cell as text) and returns the value to
store, or raises `Problem` with a message fit to show next to the field. The same messages appear
in the import's per-row report ("Row 14, Amount requested: '£12k' is not an amount in pounds").
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from panel.models import FundingRound, OrganisationType
from panel.money import NotAnAmount, format_pence, parse_pounds
from panel.text import plain_name


class Problem(ValueError):
    """An answer that cannot be accepted; the message says what to do."""


class Missing(Problem):
    """A required answer left blank."""


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    required: bool
    max_length: int | None = None
    personal: bool = False


# The questions, in the order the form asks them and the template spreadsheet lists them.
FIELDS = [
    Field("organisation_name", "Organisation name", True, 200),
    Field("organisation_type", "Organisation type", True),
    Field("registration_number", "Charity or company number", False, 20),
    Field("contact_name", "Contact name", True, 120, personal=True),
    Field("contact_email", "Email address", True, 254, personal=True),
    Field("contact_phone", "Phone number", False, 40, personal=True),
    Field("postcode", "Postcode", True, 10, personal=True),
    Field("project_title", "Project title", True, 140),
    Field("summary", "Project summary", True, 5000),
    Field("spend_on", "What the money will pay for", True, 5000),
    Field("amount", "Amount requested", True),
    Field("beneficiaries", "People who will benefit", True),
    Field("location", "Neighbourhood or ward", True, 200),
]
FIELD_BY_KEY = {f.key: f for f in FIELDS}
PERSONAL_FIELDS = ("contact_name", "contact_email", "contact_phone", "postcode")

# Which number each organisation type must give.
NEEDS_NUMBER = {
    OrganisationType.CHARITY: "charity",
    OrganisationType.CIO: "charity",
    OrganisationType.CIC: "company",
    OrganisationType.CLG: "company",
}

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CHARITY = re.compile(r"^(\d{6,8}|SC\d{6}|NIC\d{1,8})$")
_COMPANY = re.compile(r"^(\d{8}|[A-Z]{2}\d{6}|[A-Z]\d{7})$")
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
_PHONE = re.compile(r"^(01\d{8,9}|0[2-9]\d{9})$")  # 01 numbers may be 10 digits long

CHARITY_FORMAT = (
    "Enter a charity number in the correct format: 6 to 8 digits (England and Wales), "
    "SC and 6 digits (Scotland), or NIC and its digits (Northern Ireland)"
)
COMPANY_FORMAT = "Enter a company number of 8 characters, like 01234567 or SC123456"


def clean_text(text: str | None, *, multiline: bool = False) -> str:
    """Trim the text and drop control characters (keeping line breaks in long answers)."""
    text = _CONTROL.sub("", text or "")
    if not multiline:
        text = " ".join(text.split())
    return text.strip()


def _text(key: str, missing: str, *, name: bool = False) -> Callable[[str], str]:
    spec = FIELD_BY_KEY[key]

    def check(raw: str) -> str:
        value = clean_text(raw, multiline=spec.max_length is not None and spec.max_length > 200)
        if name:  # names and titles lose bidi controls and zero-width characters (panel/text.py)
            value = plain_name(value).strip()
        if not value:
            raise Missing(missing)
        if spec.max_length and len(value) > spec.max_length:
            raise Problem(f"{spec.label} must be {spec.max_length:,} characters or fewer")
        return value

    return check


check_organisation_name = _text(
    "organisation_name", "Enter the name of the organisation", name=True
)
check_contact_name = _text(
    "contact_name", "Enter the name of the person we should contact", name=True
)
check_project_title = _text("project_title", "Enter a title for the project", name=True)
check_summary = _text("summary", "Tell us about the project")
check_spend_on = _text("spend_on", "Tell us what the money will pay for")
check_location = _text("location", "Enter the neighbourhood or ward where the project will happen")

_TYPE_WORDS = {
    "communitygroup": OrganisationType.COMMUNITY_GROUP,
    "constitutedcommunitygroup": OrganisationType.COMMUNITY_GROUP,
    "constitutedgroup": OrganisationType.COMMUNITY_GROUP,
    "charity": OrganisationType.CHARITY,
    "registeredcharity": OrganisationType.CHARITY,
    "cio": OrganisationType.CIO,
    "charitableincorporatedorganisation": OrganisationType.CIO,
    "charitableincorporatedorganisationcio": OrganisationType.CIO,
    "cic": OrganisationType.CIC,
    "communityinterestcompany": OrganisationType.CIC,
    "communityinterestcompanycic": OrganisationType.CIC,
    "clg": OrganisationType.CLG,
    "companylimitedbyguarantee": OrganisationType.CLG,
    "other": OrganisationType.OTHER,
}


def check_organisation_type(raw: str) -> OrganisationType:
    """One of the six types, by its value or its label ("Registered charity", "CIO")."""
    word = re.sub(r"[^a-z]", "", (raw or "").lower())
    if not word:
        raise Missing("Choose the type of organisation")
    for value in OrganisationType:
        if word == value.value.replace("_", ""):
            return value
    if word in _TYPE_WORDS:
        return _TYPE_WORDS[word]
    raise Problem(
        f"'{clean_text(raw)}' is not an organisation type: use community group, registered "
        "charity, CIO, CIC, company limited by guarantee or other"
    )


def check_registration_number(raw: str, org_type: OrganisationType | None) -> dict[str, Any]:
    """The number the type needs, as {"charity_number": ..., "company_number": ...}."""
    number = re.sub(r"[\s\-]", "", (raw or "")).upper()
    needs = NEEDS_NUMBER.get(org_type) if org_type else None
    empty = {"charity_number": None, "company_number": None}
    if needs == "charity":
        if not number:
            raise Missing("Enter the charity number: registered charities and CIOs have one")
        if not _CHARITY.match(number):
            raise Problem(CHARITY_FORMAT)
        return dict(empty, charity_number=number)
    if needs == "company":
        if not number:
            raise Missing(
                "Enter the company number: community interest companies and companies limited "
                "by guarantee have one"
            )
        if not _COMPANY.match(number):
            raise Problem(COMPANY_FORMAT)
        return dict(empty, company_number=number)
    if not number:
        return empty
    # Other groups need no number; one given must still look like a real one.
    if _CHARITY.match(number):
        return dict(empty, charity_number=number)
    if _COMPANY.match(number):
        return dict(empty, company_number=number)
    raise Problem("Enter a charity or company number in the correct format, or leave it blank")


def check_email(raw: str) -> str:
    text = clean_text(raw)
    if not text:
        raise Missing("Enter an email address")
    from email_validator import EmailNotValidError, validate_email  # only when one is checked

    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        raise Problem(
            "Enter an email address in the correct format, like name@example.com"
        ) from exc
    return str(result.normalized)[:254]


def check_phone(raw: str) -> str | None:
    text = clean_text(raw)
    if not text:
        return None
    digits = re.sub(r"[\s\-().]", "", text)
    if digits.startswith("+44"):
        digits = "0" + digits[3:].removeprefix("0")
    elif digits.startswith("0044"):
        digits = "0" + digits[4:].removeprefix("0")
    if not _PHONE.match(digits):
        raise Problem("Enter a UK phone number, like 01632 960 001 or 07700 900 982")
    return text[:40]


def check_postcode(raw: str) -> str:
    compact = re.sub(r"\s", "", raw or "").upper()
    if not compact:
        raise Missing("Enter a postcode")
    match = _POSTCODE.match(compact)
    if not match:
        raise Problem("Enter a full UK postcode, like LS1 4AP")
    return f"{match.group(1)} {match.group(2)}"


def check_amount(raw: str, round_: FundingRound) -> int:
    """Pounds as pence, within the round's smallest and largest award."""
    if not (raw or "").strip():
        raise Missing("Enter the amount you are asking for")
    try:
        pence = parse_pounds(raw)
    except NotAnAmount as exc:
        raise Problem(str(exc)) from exc
    low, high = round_.min_award_pence, round_.max_award_pence
    if not low <= pence <= high:
        raise Problem(f"Enter an amount between {format_pence(low)} and {format_pence(high)}")
    return pence


def check_beneficiaries(raw: str) -> int:
    text = re.sub(r"[\s,]", "", raw or "")
    if not text:
        raise Missing("Enter how many people will benefit")
    if text.startswith("-") and text[1:].isdigit():
        raise Problem("Enter a number of people of 0 or more")
    if not text.isdigit():
        raise Problem(f"'{clean_text(raw)}' is not a whole number: enter a number, like 25")
    number = int(text)
    if number > 10_000_000:
        raise Problem("Enter a smaller number of people")
    return number


def clean(
    raw: Mapping[str, str | None],
    *,
    round_: FundingRound,
    contact_required: bool = True,
    blank_message: str | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Check every answer: (values for the Application's columns, {field key: message}).

    `blank_message` replaces the form's "Enter ..." for a required answer left blank (the
    import's report says "this is empty" instead).
    """
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}

    def say(exc: Problem) -> str:
        return blank_message if blank_message and isinstance(exc, Missing) else str(exc)

    def run(key: str, check: Callable[[str], Any], column: str | None = None) -> Any:
        try:
            result = check(raw.get(key) or "")
        except Problem as exc:
            errors[key] = say(exc)
            return None
        if column is not None:
            values[column] = result
        return result

    run("organisation_name", check_organisation_name, "organisation_name")
    org_type = run("organisation_type", check_organisation_type)
    if org_type is not None:
        values["organisation_type"] = org_type.value
    try:
        values.update(check_registration_number(raw.get("registration_number") or "", org_type))
    except Problem as exc:
        if org_type is not None:  # the type's own error says what to do first
            errors["registration_number"] = say(exc)
    if contact_required:
        run("contact_name", check_contact_name, "contact_name")
        run("contact_email", check_email, "contact_email")
        run("contact_phone", check_phone, "contact_phone")
        run("postcode", check_postcode, "postcode")
    run("project_title", check_project_title, "project_title")
    run("summary", check_summary, "summary")
    run("spend_on", check_spend_on, "spend_on")
    run("amount", lambda text: check_amount(text, round_), "amount_requested_pence")
    run("beneficiaries", check_beneficiaries, "beneficiaries")
    run("location", check_location, "location")
    return values, errors


def as_answers(application: Any) -> dict[str, str]:
    """An application's stored values as the text the form shows (for editing)."""
    from panel.money import pence_to_input

    return {
        "organisation_name": application.organisation_name,
        "organisation_type": application.organisation_type,
        "registration_number": application.charity_number or application.company_number or "",
        "contact_name": application.contact_name or "",
        "contact_email": application.contact_email or "",
        "contact_phone": application.contact_phone or "",
        "postcode": application.postcode or "",
        "project_title": application.project_title,
        "summary": application.summary,
        "spend_on": application.spend_on,
        "amount": pence_to_input(application.amount_requested_pence),
        "beneficiaries": ""
        if application.beneficiaries is None
        else str(application.beneficiaries),
        "location": application.location,
    }
