"""360Giving: the round's confirmed awards as the standard's spreadsheet or JSON data package."""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import current_app

from panel.extensions import db
from panel.fund.identity import giving_identity
from panel.models import Application, Decision, FundingRound, Outcome
from panel.models import Grant as GrantOffer
from panel.results.exports.options import ExportError
from panel.results.exports.spreadsheet import Column, Sheet, naive_utc

GRANTS_HEADERS = [
    "Identifier",
    "Title",
    "Description",
    "Currency",
    "Amount Applied For",
    "Amount Awarded",
    "Award Date",
    "Recipient Org:Identifier",
    "Recipient Org:Name",
    "Recipient Org:Charity Number",
    "Recipient Org:Company Number",
    "Recipient Org:Postal Code",
    "Beneficiary Location:Name",
    "Planned Dates:Start Date",
    "Planned Dates:End Date",
    "Planned Dates:Duration (months)",
    "Funding Org:Identifier",
    "Funding Org:Name",
    "Grant Programme:Code",
    "Grant Programme:Title",
    "From An Open Call?",
    "Last Modified",
    "Data Source",
]


def giving_settings() -> tuple[str, str, str]:
    """(funder name, funder org-id, 360G prefix): instance/config.py's PANEL_FUNDER_* where set,
    else what staff saved on the Fund settings page (placeholders until then)."""
    return giving_identity()


def months_between(start: date, end: date) -> int:
    """Whole months from `start` to `end`, counting a part month as one (at least 1)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return max(1, months + (1 if end.day >= start.day else 0))


def _compact(number: str | None) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", number or "").upper()


def recipient_org_id(
    *, charity_number: str | None, company_number: str | None, name: str, prefix: str
) -> str:
    """An org-id: charity (England & Wales, Scotland, N. Ireland), company, else 360G-based."""
    charity = _compact(charity_number)
    if charity.startswith("SC") and charity[2:].isdigit():
        return f"GB-SC-{charity}"
    if charity.startswith("NIC") and charity[3:].isdigit():
        return f"GB-NIC-{charity[3:]}"
    if charity.startswith("NI") and charity[2:].isdigit():
        return f"GB-NIC-{charity[2:]}"
    if charity.isdigit():
        return f"GB-CHC-{charity}"
    company = _compact(company_number)
    if company:
        if company.isdigit():
            company = company.zfill(8)
        return f"GB-COH-{company}"
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "organisation"
    return f"{prefix}-org-{slug}"


@dataclass(frozen=True)
class Grant:
    reference: str
    title: str
    description: str
    asked: int
    awarded: int
    decided_at: datetime
    organisation: str
    charity_number: str | None
    company_number: str | None
    location: str
    # From the grant offer, once staff have made one (panel/grants/).
    planned_start: date | None = None
    planned_end: date | None = None

    def planned(self) -> tuple[str, str, int | None]:
        """(start, end, months) as 360Giving writes planned dates; blanks when not planned."""
        if self.planned_start is None or self.planned_end is None:
            return "", "", None
        return (
            self.planned_start.isoformat(),
            self.planned_end.isoformat(),
            months_between(self.planned_start, self.planned_end),
        )


def awarded_grants(round_id: int) -> list[Grant]:
    """Confirmed fund and fund-in-part decisions, by reference."""
    return [
        Grant(*row)
        for row in db.session.execute(
            db.select(
                Application.reference,
                Application.project_title,
                Application.summary,
                Application.amount_requested_pence,
                Decision.amount_awarded_pence,
                Decision.decided_at,
                Application.organisation_name,
                Application.charity_number,
                Application.company_number,
                Application.location,
                GrantOffer.planned_start,
                GrantOffer.planned_end,
            )
            .join(Application, Decision.application_id == Application.id)
            .outerjoin(GrantOffer, GrantOffer.application_id == Application.id)
            .where(
                Decision.round_id == round_id,
                Decision.status == "confirmed",
                Decision.outcome.in_([Outcome.FUND.value, Outcome.PART.value]),
            )
            .order_by(Application.reference)
        )
    ]


def grants_sheet(round_: FundingRound, *, exported_at: datetime) -> Sheet:
    """The 360Giving `grants` sheet with the standard's column titles."""
    funder, funder_id, prefix = giving_settings()
    source = current_app.config.get("PANEL_BASE_URL") or ""
    # The standard wants plain numbers for amounts (no currency format) and text elsewhere.
    numbers = {"Amount Applied For", "Amount Awarded", "Planned Dates:Duration (months)"}
    columns = [
        Column(t, "int" if t in numbers else "text", 22 if t.startswith("Recipient") else 16)
        for t in GRANTS_HEADERS
    ]
    modified = naive_utc(exported_at).strftime("%Y-%m-%dT%H:%M:%S+00:00")

    def rows() -> Iterator[tuple[Any, ...]]:
        for g in awarded_grants(round_.id):
            yield (
                f"{prefix}-{g.reference}",
                g.title,
                g.description or g.title,
                "GBP",
                g.asked / 100,
                g.awarded / 100,
                naive_utc(g.decided_at).strftime("%Y-%m-%d"),
                recipient_org_id(
                    charity_number=g.charity_number,
                    company_number=g.company_number,
                    name=g.organisation,
                    prefix=prefix,
                ),
                g.organisation,
                g.charity_number or "",
                g.company_number or "",
                "",  # postcodes here are applicants' contact details: not published
                g.location,
                *g.planned(),
                funder_id,
                funder,
                round_.slug,
                round_.fund_name,
                "Yes",
                modified,
                source,
            )

    return Sheet("grants", columns, rows())


def giving_grants(round_: FundingRound, *, modified: str) -> list[dict[str, Any]]:
    """The round's confirmed awards as 360Giving grant records, by reference."""
    funder, funder_id, prefix = giving_settings()
    source = current_app.config.get("PANEL_BASE_URL") or None
    grants = []
    for g in awarded_grants(round_.id):
        recipient: dict[str, Any] = {
            "id": recipient_org_id(
                charity_number=g.charity_number,
                company_number=g.company_number,
                name=g.organisation,
                prefix=prefix,
            ),
            "name": g.organisation,
        }
        if g.charity_number:
            recipient["charityNumber"] = g.charity_number
        if g.company_number:
            recipient["companyNumber"] = g.company_number
        grant: dict[str, Any] = {
            "id": f"{prefix}-{g.reference}",
            "title": g.title,
            "description": g.description or g.title,
            "currency": "GBP",
            "amountAppliedFor": g.asked / 100,
            "amountAwarded": g.awarded / 100,
            "awardDate": naive_utc(g.decided_at).strftime("%Y-%m-%dT%H:%M:%S+00:00"),
            "recipientOrganization": [recipient],
            "fundingOrganization": [{"id": funder_id, "name": funder}],
            "grantProgramme": [{"code": round_.slug, "title": round_.fund_name}],
            "fromOpenCall": "Yes",
            "dateModified": modified,
        }
        if g.location:
            grant["beneficiaryLocation"] = [{"name": g.location, "countryCode": "GB"}]
        start, end, months = g.planned()
        if start:
            grant["plannedDates"] = [{"startDate": start, "endDate": end, "duration": months}]
        if source:
            grant["dataSource"] = source
        grants.append(grant)
    return grants


def giving_package(round_: FundingRound, *, exported_at: datetime) -> dict[str, Any]:
    """A 360Giving JSON data package of the round's awarded grants, valid against the schema
    (ExportError, naming each problem, if it is not: such a file is never offered)."""
    funder, funder_id, _prefix = giving_settings()
    modified = naive_utc(exported_at).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    grants = giving_grants(round_, modified=modified)
    if not grants:
        raise ExportError(
            "There are no confirmed awards to publish yet: confirm the decisions first."
        )
    package = {
        "grants": grants,
        "version": "1.4",
        "title": f"{funder}: {round_.fund_name}, {round_.name}",
        "modified": modified,
        "publisher": {"name": funder, "identifier": funder_id},
    }
    # jsonschema is imported only by the exports that check a package against it.
    from panel.results.exports.giving_schema import check_package

    check_package(package)
    return package
