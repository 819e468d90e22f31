"""Demo data for the applications area: see panel.demo.demo_steps.

Spring: a dozen applications (some online, some imported from a spreadsheet), the round moved on to
the Eligibility check and every application checked, two of them found ineligible. Autumn: a few
applications, with its public form open. Everything goes through the same services as the app.
"""

import csv
import io
from datetime import UTC, datetime, time, timedelta

from panel.applications import changes, eligibility, extras, importer, services, spreadsheet
from panel.applications.validation import FIELDS, clean
from panel.demo_base import Demo
from panel.models import FundingRound, Stage, User
from panel.rounds.services import advance_stage

# (organisation, type, number, contact, email, phone, postcode, title, summary, spend on,
#  amount, people, where, source, failed: None or (criterion words, note))
Row = tuple[
    str, str, str, str, str, str, str, str, str, str, str, str, str, str, tuple[str, str] | None
]

OUTSIDE = (
    "neighbourhood",
    "Works outside our neighbourhoods: all its sessions are in the city centre",
)
PROFIT = ("profit", "Is a profit-making business: the tuition is sold to parents for a fee")

# fmt: off
SPRING: list[Row] = [
    (
        "Northfield Friendship Lunch Club", "community_group", "", "June Hart",
        "june.hart@demo.example", "01632 960 101", "LS6 2AB",
        "Weekly lunch club for older residents",
        "A hot two-course lunch every Wednesday for older neighbours who live alone, with a "
        "quiz or a singer afterwards. Many of our members say it is the only time in the week "
        "they sit down to eat with other people.",
        "Hall hire for 40 weeks, food, and a taxi for members who cannot walk to the hall.",
        "1800", "35", "Northfield", "online", None,
    ),
    (
        "Riverside Community Garden", "charity", "1123456", "Sam Okoro",
        "sam.okoro@demo.example", "07700 900 102", "LS6 3CD",
        "Raised beds so everyone can garden",
        "We will build six raised beds at waist height so that residents who use wheelchairs "
        "or cannot kneel can grow vegetables with their neighbours.",
        "Timber, soil, tools and a volunteer build day.",
        "2400", "60", "Riverside ward", "import", None,
    ),
    (
        "Eastbrook Juniors Football Club", "community_group", "", "Lee Mensah",
        "lee.mensah@demo.example", "07700 900 103", "LS7 1EF",
        "New kit for our under-12s team",
        "Our under-12s team has grown to 24 players and half of them play in borrowed shirts. "
        "New kit means every child can play, whatever their family can afford.",
        "Shirts, shorts, socks and two sets of goalkeeper gloves.",
        "950", "24", "Eastbrook", "online", None,
    ),
    (
        "Stepping Out Women's Walking Group", "community_group", "", "Amira Said",
        "amira.said@demo.example", "", "LS6 4GH",
        "Led walks for women new to the area",
        "Friendly weekly walks led by trained volunteers for women who want to get out, get "
        "fitter and meet others, especially those who have recently moved here.",
        "Walk leader training for four volunteers, first aid kits and high-visibility vests.",
        "400", "30", "Northfield", "online", None,
    ),
    (
        "Hillside Food Bank", "cio", "1187654", "Patrick Doyle",
        "patrick.doyle@demo.example", "01632 960 105", "LS8 2JK",
        "A fridge so we can give out fresh food",
        "We can only hand out tins and packets because we have nowhere to keep fresh food "
        "cold. A commercial fridge lets us accept fresh food from local shops.",
        "One commercial fridge, delivery and a food hygiene course for two volunteers.",
        "1250", "400", "Hillside", "import", None,
    ),
    (
        "Get Online Northfield CIC", "cic", "12345678", "Grace Li",
        "grace.li@demo.example", "07700 900 106", "LS6 5LM",
        "Digital skills drop-in at the library",
        "A weekly drop-in where residents get help with email, online forms, video calls "
        "with family and staying safe from scams.",
        "Four refurbished laptops, mobile data and a sessional tutor for 30 weeks.",
        "3200", "80", "Northfield", "online", None,
    ),
    (
        "Summer Fun Playscheme", "charity", "1098765", "Dev Patel",
        "dev.patel@demo.example", "01632 960 107", "LS7 3NP",
        "Four-week summer playscheme",
        "Free games, crafts, trips and a hot lunch for children aged 5 to 11 during the "
        "summer holidays, when many families struggle most.",
        "Play workers, lunches, two coach trips and craft materials.",
        "5000", "90", "Eastbrook", "import", None,
    ),
    (
        "Northfield Repair Cafe", "community_group", "", "Tom Barker",
        "tom.barker@demo.example", "", "LS6 6QR",
        "Monthly repair cafe",
        "Volunteers fix kettles, lamps, clothes and bikes for free once a month, so fewer "
        "things get thrown away and neighbours share their skills.",
        "Tools, a portable appliance tester and publicity.",
        "650", "120", "Northfield", "online", None,
    ),
    (
        "Bright Sparks Tutoring Ltd", "other", "", "Karl Evans",
        "karl.evans@demo.example", "07700 900 109", "LS1 4AP",
        "Maths tuition for secondary pupils",
        "Small-group maths tuition for pupils preparing for their exams.",
        "Tutor fees and workbooks.",
        "4500", "40", "Northfield", "online", PROFIT,
    ),
    (
        "City Centre Arts Collective", "clg", "08765432", "Rosa Marin",
        "rosa.marin@demo.example", "01632 960 110", "LS1 5ST",
        "Pop-up gallery for young artists",
        "A month-long pop-up gallery in an empty shop in the city centre.",
        "Shop rent, lighting and an opening event.",
        "3000", "200", "City centre", "import", OUTSIDE,
    ),
    (
        "Ashfield Court Tenants' Association", "community_group", "", "Maggie Boyle",
        "maggie.boyle@demo.example", "01632 960 111", "LS6 7UV",
        "Coffee mornings in the community room",
        "A fortnightly coffee morning in the block's community room, so tenants get to know "
        "each other and raise repairs together.",
        "Coffee, tea, biscuits, an urn and mugs for a year.",
        "300", "45", "Riverside ward", "online", None,
    ),
    (
        "Parkside Men's Shed", "charity", "1176543", "Alan Wright",
        "alan.wright@demo.example", "07700 900 112", "LS7 4WX",
        "Woodwork tools for the men's shed",
        "A workshop where men, many retired or bereaved, make things for the community and "
        "talk over a brew. We have a space but few tools.",
        "A bench saw, a pillar drill, safety equipment and a first aid kit.",
        "2750", "25", "Eastbrook", "import", None,
    ),
]

AUTUMN: list[Row] = [
    (
        "Northfield Warm Welcome", "community_group", "", "Helen Price",
        "helen.price@demo.example", "01632 960 201", "LS6 2YZ",
        "Warm space on winter afternoons",
        "A warm, friendly room with hot drinks and soup on weekday afternoons from November "
        "to February.",
        "Heating, soup ingredients and a volunteer coordinator's hours.",
        "2200", "70", "Northfield", "online", None,
    ),
    (
        "Eastbrook Community Choir", "community_group", "", "Olu Adebayo",
        "olu.adebayo@demo.example", "", "LS7 2AB",
        "A choir anyone can join",
        "A weekly choir with no auditions, ending with a winter concert for the neighbourhood.",
        "A musical director and hall hire for 20 weeks.",
        "1500", "35", "Eastbrook", "online", None,
    ),
    (
        "Riverside Christmas Lunch", "charity", "SC012345", "Fiona Reid",
        "fiona.reid@demo.example", "07700 900 203", "LS6 3EF",
        "Christmas Day lunch for neighbours on their own",
        "A full Christmas dinner, presents and transport for residents who would otherwise "
        "spend the day alone.",
        "Food, transport and small presents.",
        "800", "50", "Riverside ward", "online", None,
    ),
]


# fmt: on


def _answers(row: Row) -> dict[str, str]:
    return dict(zip([f.key for f in FIELDS], row[:13], strict=True))


def _add_online(round_: FundingRound, row: Row, when: datetime) -> None:
    values, errors = clean(_answers(row), round_=round_)
    if errors:  # the demo must pass the same checks as everyone else
        raise ValueError(f"demo application {row[0]!r}: {errors}")
    services.create_application(
        round_=round_, values=values, source="online", actor=None, submitted_at=when
    )


def _import(round_: FundingRound, rows: list[Row], actor: User) -> None:
    """Import rows the way staff would: a CSV file, read and checked by the importer."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([f.label for f in FIELDS])
    for row in rows:
        writer.writerow(row[:13])
    sheet = spreadsheet.read_csv(out.getvalue().encode("utf-8"))
    importer.import_rows(
        round_=round_,
        sheet=sheet,
        skip_duplicates=True,
        actor=actor,
        filename="paper-applications.csv",
    )


def _fill(round_: FundingRound, rows: list[Row], actor: User) -> None:
    opens = round_.applications_open_on or datetime.now(UTC).date()
    for n, row in enumerate(r for r in rows if r[13] == "online"):
        when = datetime.combine(opens + timedelta(days=2 + 2 * n), time(10 + n % 8, 15), UTC)
        _add_online(round_, row, min(when, datetime.now(UTC)))
    paper = [r for r in rows if r[13] == "import"]
    if paper:
        _import(round_, paper, actor)


def _triage(round_: FundingRound, rows: list[Row], actor: User) -> None:
    criteria = eligibility.eligibility_criteria(round_)
    failing = {row[7]: row[14] for row in rows}
    for application in services.list_applications(round_=round_):
        failed = failing.get(application.project_title)
        if not criteria:
            # Without eligibility criteria there is nothing to fail; the group withdraws instead.
            if failed is None:
                eligibility.confirm_eligible(application=application, round_=round_, actor=actor)
            else:
                changes.withdraw(application=application, reason=failed[1], actor=actor)
            continue
        results: dict[int, tuple[bool, str | None]] = {c.id: (True, None) for c in criteria}
        if failed is not None:
            words, note = failed
            match = next(
                (c for c in criteria if words in (c.title + " " + c.description).lower()),
                criteria[0],
            )
            results[match.id] = (False, note)
        eligibility.record_checks(
            application=application, round_=round_, results=results, actor=actor
        )


def add_demo(demo: Demo) -> None:
    """Add this area's part of the demo."""
    officer = demo.staff[0]
    spring, autumn = demo.spring, demo.autumn

    if spring.current_stage is Stage.CODESIGN:
        advance_stage(round_=spring, actor=officer, expected=Stage.CODESIGN)
    _fill(spring, SPRING, officer)
    advance_stage(round_=spring, actor=officer, expected=Stage.APPLICATIONS)
    _triage(spring, SPRING, officer)

    if autumn.current_stage is Stage.CODESIGN:
        advance_stage(round_=autumn, actor=officer, expected=Stage.CODESIGN)
    _fill(autumn, AUTUMN, officer)
    # The open round's form asks one more question and for two documents (issue 19).
    extras.add_question(
        round_=autumn,
        label="How many volunteers help run your group?",
        kind="number",
        required=False,
        actor=officer,
    )
    extras.add_document(round_=autumn, label="Budget", required=True, actor=officer)
    extras.add_document(
        round_=autumn,
        label="Safeguarding policy",
        required=False,
        hint="Needed if your project works with children or adults at risk.",
        actor=officer,
    )
