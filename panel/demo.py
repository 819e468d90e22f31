"""The demo: a housing association's Community Fund with staff, residents and three rounds.

Later areas add to `seed` through `demo_steps` (criteria, applications, scores), so the demo
always shows every part of the product that exists. This module imports the areas' steps, never
the other way round: what a step is given, `Demo`, is in panel.demo_base.
"""

from datetime import UTC, datetime, timedelta

from panel.applications.demo import add_demo as applications
from panel.auth.passwords import hash_password
from panel.codesign.demo import add_demo as codesign
from panel.coproduction.demo import add_demo as coproduction
from panel.demo_base import Demo, DemoStep
from panel.extensions import db
from panel.grants.demo import add_demo as grants
from panel.ideas.demo import add_demo as ideas
from panel.models import PanelRole, Role, Stage, User
from panel.models.types import end_of_uk_day
from panel.results.demo import add_demo as decided_round
from panel.rounds import services as rounds
from panel.scoring.demo import add_demo as scoring
from panel.welcome.demo import add_demo as welcome

DEMO_PASSWORD = "panel-demo-2026"  # noqa: S105 - printed for the demo on purpose

STAFF = [
    ("asha.patel@demo.example", "Asha Patel", "Customer Engagement Officer"),
    ("tom.greene@demo.example", "Tom Greene", "Community Investment Manager"),
]
RESIDENTS = [
    ("maureen.walsh@demo.example", "Maureen Walsh"),
    ("delroy.campbell@demo.example", "Delroy Campbell"),
    ("joyce.okafor@demo.example", "Joyce Okafor"),
    ("ken.hughes@demo.example", "Ken Hughes"),
    ("priya.shah@demo.example", "Priya Shah"),
    ("stan.kowalski@demo.example", "Stan Kowalski"),
    ("beth.morgan@demo.example", "Beth Morgan"),
]


class DemoExists(RuntimeError):
    pass


def demo_steps() -> list[DemoStep]:
    """The areas' demo steps in order: the welcome and residents' ideas, then co-design,
    applications, scoring and co-production, then an earlier round already decided, and last
    what happened after that round's awards."""
    return [welcome, ideas, codesign, applications, scoring, coproduction, decided_round, grants]


def seed() -> list[tuple[str, str, str]]:
    """Create the demo in the current session (the caller commits); refuse a non-empty database."""
    if db.session.execute(db.select(User.id).limit(1)).first() is not None:
        raise DemoExists("The database already has accounts in it, so the demo was not added.")
    password_hash = hash_password(DEMO_PASSWORD)
    staff = [
        User(email=email, display_name=name, role=Role.STAFF, password_hash=password_hash)
        for email, name, _ in STAFF
    ]
    residents = [
        User(email=email, display_name=name, role=Role.RESIDENT, password_hash=password_hash)
        for email, name in RESIDENTS
    ]
    db.session.add_all(staff + residents)
    db.session.flush()
    officer = staff[0]
    today = datetime.now(UTC).date()

    spring = rounds.create_round(
        slug="spring-demo",
        actor=officer,
        details=rounds.RoundDetails(
            name="Spring 2026 Community Fund",
            description=(
                "Grants of £250 to £5,000 for community groups working in our neighbourhoods. "
                "This round, the panel chose to focus on projects that bring neighbours together."
            ),
            fund_name="Community Fund",
            budget_pence=12_000_00,
            min_award_pence=250_00,
            max_award_pence=5_000_00,
            quorum=3,
            applications_open_on=today - timedelta(days=60),
            applications_close_on=today - timedelta(days=30),
            scoring_deadline=end_of_uk_day(today + timedelta(days=14)),
            reference_prefix="CF26",
        ),
    )
    for i, resident in enumerate(residents[:6]):
        role = PanelRole.CHAIR if i == 0 else PanelRole.PANELLIST
        rounds.add_member(round_=spring, user=resident, role=role, actor=officer)

    autumn = rounds.create_round(
        slug="autumn-demo",
        actor=officer,
        details=rounds.RoundDetails(
            name="Autumn 2026 Community Fund",
            description="Our next round. Community groups can apply now.",
            fund_name="Community Fund",
            budget_pence=8_000_00,
            min_award_pence=250_00,
            max_award_pence=3_000_00,
            quorum=3,
            applications_open_on=today - timedelta(days=7),
            applications_close_on=today + timedelta(days=45),
            reference_prefix="CF27",
        ),
    )
    for resident in residents[2:7]:
        rounds.add_member(round_=autumn, user=resident, role=PanelRole.PANELLIST, actor=officer)

    demo = Demo(staff=staff, residents=residents, spring=spring, autumn=autumn)
    for step in demo_steps():
        step(demo)
    if autumn.current_stage is Stage.CODESIGN:
        rounds.advance_stage(round_=autumn, actor=officer, expected=Stage.CODESIGN)

    logins = [(f"Staff ({job})", email, DEMO_PASSWORD) for email, _, job in STAFF]
    logins.append(("Resident (panel chair)", RESIDENTS[0][0], DEMO_PASSWORD))
    logins += [("Resident panellist", email, DEMO_PASSWORD) for email, _ in RESIDENTS[1:]]
    return logins
