"""verify-export of a 360Giving JSON package: the schema first, then the round's confirmed awards.

Every grant must be a confirmed award of the round, with the same id, amounts, currency,
recipient and award date, and no confirmed award may be missing. Unlike a workbook's check this
one needs the database: the round is the reference.
"""

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from panel.extensions import db
from panel.models import Application, FundingRound
from panel.results.exports.giving import giving_grants, giving_settings
from panel.results.exports.giving_schema import SCHEMA_VERSION, schema_problems
from panel.results.exports.verify import VerifyError

# What is compared in a grant besides its id; the rest (title, dates of the file) may be edited.
AMOUNTS = ("amountAwarded", "amountAppliedFor")
RECIPIENT = ("id", "name", "charityNumber", "companyNumber")


@dataclass(frozen=True)
class GivingReport:
    """What the check found: one line per problem (empty when the file matches)."""

    round_name: str
    grants: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def read_package(path: Path) -> Any:
    """The file's JSON, or VerifyError saying why it cannot be read."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise VerifyError(f"{path} could not be read as a JSON file ({exc}).") from exc


def _grants(package: Any) -> list[dict[str, Any]]:
    grants = package.get("grants") if isinstance(package, dict) else None
    if not isinstance(grants, list):
        raise VerifyError("The file has no list of grants: is it a 360Giving data package?")
    return [g for g in grants if isinstance(g, dict)]


def find_round(package: Any) -> FundingRound:
    """The round whose applications the package's grant ids name (prefix, then reference)."""
    _funder, _funder_id, prefix = giving_settings()
    references = {
        g["id"].removeprefix(f"{prefix}-")
        for g in _grants(package)
        if isinstance(g.get("id"), str) and g["id"].startswith(f"{prefix}-")
    }
    rounds = set(
        db.session.execute(
            db.select(Application.round_id).where(Application.reference.in_(sorted(references)))
        ).scalars()
    )
    if len(rounds) != 1:
        found = "no round" if not rounds else f"{len(rounds)} rounds"
        raise VerifyError(
            f"The grants' ids (which begin {prefix}-) name applications of {found} here: "
            "say which round the file is from with --round."
        )
    round_ = db.session.get(FundingRound, rounds.pop())
    assert round_ is not None
    return round_


def _pence(value: Any) -> int | None:
    """An amount in pounds as whole pence, or None when it is not an amount of money."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        pence = Decimal(str(value)) * 100
    except InvalidOperation:
        return None
    return int(pence) if pence == pence.to_integral_value() else None


def _show(value: Any) -> str:
    return "nothing" if value is None else json.dumps(value, ensure_ascii=False)


def _money(value: Any) -> str:
    pence = _pence(value)
    return _show(value) if pence is None else f"£{pence / 100:,.2f}"


def _compare(grant: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    """Each way a grant of the file differs from the round's award with its id."""
    name = expected["id"]
    lines = []
    for field in AMOUNTS:
        got = grant.get(field)
        if _pence(got) != _pence(expected[field]):
            lines.append(f"{name} {field}: file {_money(got)}, round {_money(expected[field])}")
    if grant.get("currency") != expected["currency"]:
        got = grant.get("currency")
        lines.append(f"{name} currency: file {_show(got)}, round {_show(expected['currency'])}")
    got_date = str(grant.get("awardDate", ""))[:10]
    want_date = expected["awardDate"][:10]
    if got_date != want_date:
        lines.append(f"{name} awardDate: file {got_date or 'nothing'}, round {want_date}")
    recipients = grant.get("recipientOrganization")
    want = expected["recipientOrganization"][0]
    if not isinstance(recipients, list) or len(recipients) != 1:
        lines.append(
            f"{name} recipientOrganization: file {_show(recipients)}, round {_show([want])}"
        )
        return lines
    got_recipient = recipients[0] if isinstance(recipients[0], dict) else {}
    for field in RECIPIENT:
        if got_recipient.get(field) != want.get(field):
            lines.append(
                f"{name} recipientOrganization {field}: file {_show(got_recipient.get(field))}, "
                f"round {_show(want.get(field))}"
            )
    return lines


def check_package_file(path: Path, round_: FundingRound | None = None) -> GivingReport:
    """Check a 360Giving JSON file against the schema and the round (found from it if None)."""
    package = read_package(path)
    problems = [f"Schema {SCHEMA_VERSION}: {p}" for p in schema_problems(package)]
    grants = _grants(package)
    round_ = round_ or find_round(package)
    expected = {g["id"]: g for g in giving_grants(round_, modified=datetime.now(UTC).isoformat())}
    seen: set[str] = set()
    for grant in grants:
        grant_id = grant.get("id")
        if not isinstance(grant_id, str) or grant_id not in expected:
            named = grant_id if isinstance(grant_id, str) else "A grant without an id"
            problems.append(
                f"{named}: in the file, but not a confirmed award of round '{round_.name}'"
            )
            continue
        if grant_id in seen:
            problems.append(f"{grant_id}: in the file more than once")
            continue
        seen.add(grant_id)
        problems.extend(_compare(grant, expected[grant_id]))
    for grant_id in expected:
        if grant_id not in seen:
            problems.append(
                f"{grant_id}: a confirmed award of round '{round_.name}', missing from the file"
            )
    return GivingReport(round_name=round_.name, grants=len(grants), problems=problems)
