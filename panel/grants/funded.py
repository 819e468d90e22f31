""" "What we funded": a round's (or the whole fund's) funded projects, amounts and wards, with
the outcomes groups reported once staff accepted the report, and a chart of awards by ward
(SVG drawn by templates/grants/_ward_chart.html, with the same figures as text).

Nothing personal: organisations and their projects, as 360Giving publishes them, and the
numbers and short story a group wrote for publication. Public only once staff publish it.
"""

from dataclasses import dataclass

from panel.extensions import db
from panel.models import (
    Application,
    Decision,
    FundingRound,
    GrantReport,
    GrantTerms,
    Outcome,
    ReportStatus,
)
from panel.models import Grant as GrantOffer
from panel.money import format_pence

NO_WARD = "Ward not given"


@dataclass(frozen=True)
class Funded:
    round_name: str
    reference: str
    title: str
    organisation: str
    ward: str
    amount_pence: int
    people_count: int | None
    story: str


@dataclass(frozen=True)
class WardBar:
    label: str
    y: int
    length: float
    text: str


@dataclass(frozen=True)
class WardChart:
    width: int
    height: int
    label_width: int
    bars: list[WardBar]
    summary: str


def funded_projects(round_ids: list[int]) -> list[Funded]:
    """The confirmed awards of these rounds, by round then reference (one query)."""
    if not round_ids:
        return []
    rows = db.session.execute(
        db.select(
            FundingRound.name,
            Application.reference,
            Application.project_title,
            Application.organisation_name,
            Application.location,
            Decision.amount_awarded_pence,
            GrantOffer.amount_pence,
            GrantReport.people_count,
            GrantReport.story,
            GrantReport.status,
        )
        .join(Application, Decision.application_id == Application.id)
        .join(FundingRound, Decision.round_id == FundingRound.id)
        .outerjoin(GrantOffer, GrantOffer.application_id == Application.id)
        .outerjoin(GrantReport, GrantReport.grant_id == GrantOffer.id)
        .where(
            Decision.round_id.in_(round_ids),
            Decision.status == "confirmed",
            Decision.outcome.in_([Outcome.FUND.value, Outcome.PART.value]),
        )
        .order_by(FundingRound.id, Application.reference)
    ).all()
    found = []
    for name, ref, title, org, ward, awarded, offered, people, story, status in rows:
        reported = status == ReportStatus.ACCEPTED
        found.append(
            Funded(
                round_name=name,
                reference=ref,
                title=title,
                organisation=org,
                ward=(ward or "").strip() or NO_WARD,
                amount_pence=offered if offered is not None else awarded,
                people_count=people if reported else None,
                story=story if reported else "",
            )
        )
    return found


def ward_chart(projects: list[Funded], *, width: int = 640) -> WardChart:
    """One bar per ward, the total awarded there, biggest first, on one scale."""
    totals: dict[str, tuple[int, int]] = {}
    for p in projects:
        amount, count = totals.get(p.ward, (0, 0))
        totals[p.ward] = (amount + p.amount_pence, count + 1)
    ordered = sorted(totals.items(), key=lambda item: (-item[1][0], item[0]))
    label_width, bar, gap = 170, 18, 10
    plot = width - label_width - 170
    most = max([amount for _, (amount, _) in ordered] + [1])
    bars, y = [], 8
    for ward, (amount, count) in ordered:
        words = f"{format_pence(amount, whole=True)} ({count} grant{'s' if count != 1 else ''})"
        bars.append(WardBar(ward, y, round(plot * amount / most, 1), words))
        y += bar + gap
    summary = "; ".join(f"{b.label}: {b.text}" for b in bars) or "No awards yet"
    return WardChart(width, y + 4, label_width, bars, summary)


def published_round_ids() -> list[int]:
    """Rounds whose "What we funded" page staff have published."""
    return list(
        db.session.execute(
            db.select(GrantTerms.round_id)
            .where(GrantTerms.funded_published.is_(True))
            .order_by(GrantTerms.round_id)
        ).scalars()
    )


def is_published(round_id: int) -> bool:
    return round_id in published_round_ids()


def rounds_with_awards() -> list[FundingRound]:
    """Every round with a confirmed award, oldest first."""
    return list(
        db.session.execute(
            db.select(FundingRound)
            .where(
                FundingRound.id.in_(
                    db.select(Decision.round_id).where(
                        Decision.status == "confirmed",
                        Decision.outcome.in_([Outcome.FUND.value, Outcome.PART.value]),
                    )
                )
            )
            .order_by(FundingRound.id)
        ).scalars()
    )
