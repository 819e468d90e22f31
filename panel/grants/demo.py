"""The demo's part after the award: the fund's own name, colour and contact details, and for
every round with confirmed awards, grants at each step (offered, accepted and part paid, a report
accepted) with its "What we funded" page published."""

from datetime import timedelta

from panel.demo_base import Demo
from panel.extensions import db
from panel.fund import identity
from panel.fund.services import settings_version
from panel.grants import links, reports, services
from panel.grants.funded import rounds_with_awards
from panel.models.types import uk_today

CONDITIONS = (
    "- Spend the grant on the project you described, within a year.\n"
    "- Tell us at once if your plans change.\n"
    "- Say that the Community Fund paid for it, and send your end-of-grant report by its due "
    "date."
)


def add_demo(demo: Demo) -> None:
    """The fund's identity (the funder's 360Giving ids stay for staff to set), then grants."""
    officer = demo.staff[0]
    identity.save_identity(
        text=identity.IdentityText(
            funder_name="",
            funder_org_id="",
            giving_prefix="",
            fund_name="Riverside Community Fund",
            public_address="Community Team, 1 River Street, Leeds LS1 1AA",
            public_phone="0113 496 0000",
            public_email="communityfund@demo.example",
            brand_colour="#00703c",
        ),
        expected_version=settings_version(),
        actor=officer,
    )
    today = uk_today()
    for round_ in rounds_with_awards():
        services.save_conditions(round_=round_, conditions=CONDITIONS, actor=officer)
        for number, award in enumerate(services.awards(round_.id)):
            grant = services.save_offer(
                round_=round_,
                award=award,
                values=services.OfferValues(
                    amount_pence=award.decision.amount_awarded_pence,
                    conditions=CONDITIONS,
                    planned_start=today - timedelta(days=200),
                    planned_end=today - timedelta(days=30),
                    report_due_on=today + timedelta(days=30 - 45 * (number % 2)),
                ),
                expected_version=0,
                actor=officer,
            )
            if number % 3 == 2:
                continue  # offered, waiting for the group
            link = links.issue_link(grant=grant, purpose="accept", actor=officer).link
            services.accept_offer(link=link, grant=grant, name="Sam Organiser", role="Chair")
            services.record_payment(
                grant=grant,
                amount_pence=grant.amount_pence // 2,
                paid_on=today - timedelta(days=190),
                reference=f"BACS {1000 + number}",
                actor=officer,
            )
            if number % 3 == 0:
                report_link = links.issue_link(grant=grant, purpose="report", actor=officer).link
                report = reports.submit_report(
                    link=report_link,
                    grant=grant,
                    values=reports.ReportValues(
                        what_happened="We ran the project every week through the spring.",
                        people_count=35 + number,
                        story="People who had never met now look out for each other.",
                        differently="Start earlier, and book a bigger room.",
                        spending="Room hire, materials and refreshments.",
                        spent_pence=grant.amount_pence,
                    ),
                    photos=[],
                )
                reports.review_report(
                    report=report, accept=True, note="", expected_version=1, actor=officer
                )
        services.set_published(round_=round_, published=True, actor=officer)
    db.session.flush()
