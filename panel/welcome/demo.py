"""Demo data for the fund's welcome: see panel.demo.demo_steps.

Staff have written the welcome (with who to call); the spring panel has agreed to the code of
conduct (Stan on paper) and Beth, new to the autumn panel, has not yet; two residents' records
hold their access needs and languages; and a resident has asked to join in.
"""

from panel.demo_base import Demo
from panel.fund import services as fund
from panel.welcome import conduct, join, people

WELCOME = fund.Welcome(
    welcome_role=(
        "You are one of a group of residents who decide, with our staff, what the Community "
        "Fund pays for. You help agree what the panel looks for in every application, you read "
        "and score applications from local groups, and you talk them over at the panel meeting."
    ),
    welcome_time=(
        "Agreeing the criteria takes two evenings in the community centre. Scoring takes about "
        "15 minutes an application, in your own time over two weeks. The panel meeting takes "
        "about two hours on a weekday evening."
    ),
    welcome_behaviour=(
        "We listen, we let everyone finish, and we disagree kindly. You never have to explain "
        "your own life to the panel: anything personal can be shared with staff only."
    ),
    welcome_confidential=(
        "Applications, scores and what is said at the panel meeting stay within the panel until "
        "the decisions are published. If you know a group that has applied, tell us: you step "
        "back from that application, and nobody holds it against you."
    ),
    welcome_expenses=(
        "We pay bus fares or mileage to meetings, childcare or care cover while you take part, "
        "and a phone top-up if you score on your phone. Keep receipts and give them to Asha."
    ),
    contact_name="Asha Patel, Customer Engagement Officer",
    contact_phone="0113 496 0000",
)


def add_demo(demo: Demo) -> None:
    """The welcome, agreements, two records and one request to join in."""
    asha, _ = demo.staff
    maureen, delroy, joyce, ken, priya, stan, beth = demo.residents
    fund.save_welcome(text=WELCOME, expected_version=0, actor=asha)
    for person in (maureen, delroy, joyce, ken, priya):
        conduct.agree(actor=person, accepted=True)
    conduct.record_on_paper(person=stan, actor=asha)
    people.save(
        person=delroy,
        details=people.Details(
            phone="07700 900 461",
            preferred_contact="phone",
            access_needs="Large print papers, please.",
        ),
        actor=asha,
    )
    people.save(
        person=beth,
        details=people.Details(preferred_contact="email", languages="English and Welsh"),
        actor=asha,
    )
    join.request_to_join(
        details=join.JoinDetails(
            name="Grace Adeyemi",
            phone="07700 900 214",
            preferred_contact="text",
            access_needs="Step-free access: I use a wheelchair.",
            languages="English and Yoruba",
        )
    )
