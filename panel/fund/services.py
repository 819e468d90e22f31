"""The fund's settings row: reading it (with plain defaults until staff write their own) and
saving a section of it. Each save is checked against the version the form was made from.

Sections save their own columns of the one `Fund` row; a new section (the funder's identity,
logo, colour, contact details) adds its columns, a dataclass and a save function like these.
"""

import re
from dataclasses import asdict, dataclass, fields
from typing import Any

from panel.audit import changes, record
from panel.extensions import db
from panel.models import FUND_ROW_ID, Fund, User
from panel.models.types import utcnow

DEFAULT_WELCOME = {
    "welcome_role": (
        "The panel is a group of residents who decide, with staff, what the Community Fund pays "
        "for. You help agree what the panel looks for in every application, you read and score "
        "applications from local groups, and you talk them over at the panel meeting."
    ),
    "welcome_time": (
        "Agreeing the criteria takes one or two evenings. Scoring takes about 15 minutes an "
        "application, in your own time over two or three weeks. The panel meeting takes about "
        "two hours."
    ),
    "welcome_behaviour": (
        "We listen to each other, we let everyone speak, and we disagree kindly. Nobody has to "
        "explain their life to anyone: you can share what matters to you with staff only."
    ),
    "welcome_confidential": (
        "Applications, scores and what is said at the panel meeting stay within the panel until "
        "decisions are published. If you know a group that has applied, tell staff: you step "
        "back from that application, and nobody holds it against you."
    ),
    "welcome_expenses": (
        "We pay for travel to meetings, childcare or care cover while you take part, and a "
        "phone top-up if you score on your phone. Keep your receipts and give them to staff."
    ),
    "contact_name": "",
    "contact_phone": "",
}

DEFAULT_CODE_OF_CONDUCT = (
    "As a member of the panel I will:\n"
    "- treat everyone on the panel, staff and applicants with respect;\n"
    "- read each application fairly and score it against the agreed criteria only;\n"
    "- tell staff at once if I know a group that has applied, and not score its application;\n"
    "- keep applications, scores and the panel's discussions confidential until decisions are "
    "published, and not share them with anyone outside the panel;\n"
    "- not accept gifts or favours from anyone who has applied."
)

PHONE = re.compile(r"^\+?[0-9 ()-]{6,30}$")


class FundError(ValueError):
    """A refusal with a message fit to show; `problems` lists (field, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__(problems[0][1])
        self.problems = problems


class StaleSettings(FundError):
    """The form was made from an older version of the settings: nothing was saved."""

    def __init__(self) -> None:
        super().__init__(
            [
                (
                    "form",
                    "Someone else saved the fund settings while you had this page open. Your "
                    "text is kept below: check it and save again.",
                )
            ]
        )


@dataclass(frozen=True)
class Welcome:
    """The welcome a new panellist reads first, part by part."""

    welcome_role: str
    welcome_time: str
    welcome_behaviour: str
    welcome_confidential: str
    welcome_expenses: str
    contact_name: str
    contact_phone: str


def the_fund() -> Fund | None:
    """The fund's settings row, or None until staff first save a section."""
    return db.session.get(Fund, FUND_ROW_ID)


def settings_version() -> int:
    """The version a settings form must carry (0 before the first save)."""
    fund = the_fund()
    return fund.version if fund is not None else 0


def welcome() -> Welcome:
    """The welcome as staff wrote it; a part they left empty reads as its plain default."""
    fund = the_fund()
    values = {
        f.name: (getattr(fund, f.name) if fund is not None else "") or DEFAULT_WELCOME[f.name]
        for f in fields(Welcome)
    }
    return Welcome(**values)


def code_of_conduct() -> tuple[str, int]:
    """The code of conduct panellists agree to, and the number of its wording (0: the default)."""
    fund = the_fund()
    if fund is None or not fund.code_of_conduct:
        return DEFAULT_CODE_OF_CONDUCT, 0
    return fund.code_of_conduct, fund.conduct_version


def _current(expected_version: int) -> Fund | None:
    """The settings row if the form was made from its version (StaleSettings otherwise)."""
    fund = the_fund()
    if (fund.version if fund is not None else 0) != expected_version:
        raise StaleSettings()
    return fund


def _changing(fund: Fund | None, actor: User) -> Fund:
    """The row about to change (made on the first save), stamped with who and when."""
    if fund is None:
        fund = Fund(id=FUND_ROW_ID, version=0, conduct_version=0)
        db.session.add(fund)
    fund.updated_at = utcnow()
    fund.updated_by_id = actor.id
    fund.version = (fund.version or 0) + 1
    return fund


def save_welcome(*, text: Welcome, expected_version: int, actor: User) -> bool:
    """Staff save the welcome. The phone number must look like one; a stale form is refused.
    Returns False when nothing changed."""
    if not actor.is_staff:
        raise FundError([("form", "Only staff can change the fund settings.")])
    clean = Welcome(**{k: v.strip() for k, v in asdict(text).items()})
    problems = []
    if clean.contact_phone and not PHONE.match(clean.contact_phone):
        problems.append(("contact_phone", "Enter a phone number, like 0113 496 0000"))
    if clean.contact_phone and not clean.contact_name:
        problems.append(("contact_name", "Enter who answers that phone, like Asha Patel"))
    if problems:
        raise FundError(problems)
    fund = _current(expected_version)
    before = {k: (getattr(fund, k) if fund is not None else "") or "" for k in asdict(clean)}
    old, new = changes(before, asdict(clean))
    if not new:
        return False
    fund = _changing(fund, actor)
    for key, value in asdict(clean).items():
        setattr(fund, key, value)
    db.session.flush()
    record(actor=actor, action="fund.welcome_changed", object_type="fund", before=old, after=new)
    return True


def save_code_of_conduct(*, text: str, expected_version: int, actor: User) -> bool:
    """Staff save the code of conduct; a new wording gets the next number (agreements keep the
    number they agreed to). Returns False when nothing changed."""
    if not actor.is_staff:
        raise FundError([("form", "Only staff can change the fund settings.")])
    clean = text.strip()
    if not clean:
        raise FundError([("code_of_conduct", "Enter the code of conduct panellists agree to")])
    fund = _current(expected_version)
    current, number = code_of_conduct()
    if clean == current:
        return False
    before: dict[str, Any] = {"conduct_version": number}
    fund = _changing(fund, actor)
    fund.code_of_conduct = clean
    fund.conduct_version = number + 1
    db.session.flush()
    record(
        actor=actor,
        action="fund.code_of_conduct_changed",
        object_type="fund",
        before=before,
        after={"conduct_version": fund.conduct_version, "code_of_conduct": clean},
    )
    return True
