"""Demo data for the codesign area: see panel.demo.DEMO_STEPS.

Spring: residents and staff propose (one criterion starting from the residents' idea the round
responds to), edit, discuss (one note for staff only), support and weigh the criteria inside the
boundaries staff set, and staff adopt them with one recorded weight change. Autumn: staff start
from a copy of spring's adopted criteria and the autumn panel agrees its own version.
Everything goes through the services, so the audit log and the record page are real.
"""

from panel.codesign import services
from panel.codesign.services import Choice, Wording
from panel.demo_base import Demo
from panel.ideas.queries import idea_in_round, ideas_for_round
from panel.models import Criterion, FundingRound, User

NEIGHBOURS = Wording(
    title="Brings neighbours together",
    description="The project gets people who live near each other to meet, talk and help out.",
    why="Lots of us have lived here for years and still do not know the people next door.",
    kind="scored",
    descriptors={
        "0": "Nothing in the project brings people together.",
        "1": "People might see each other, but there is no plan for them to mix.",
        "2": "A one-off event where a few neighbours could meet.",
        "3": "Regular get-togethers that a few households would come to.",
        "4": "Regular activities that mix people of different ages or backgrounds.",
        "5": "Neighbours who did not know each other will keep meeting after the grant ends.",
    },
)
VALUE = Wording(
    title="Value for money",
    description="The money asked for is sensible for what the group will do.",
    why="It is our rent money in the end, so every pound should go a long way.",
    kind="scored",
    descriptors={
        "0": "We cannot tell what the money would be spent on.",
        "1": "Costs look much too high, or are mostly for things not needed.",
        "2": "Some costs are unclear or look high.",
        "3": "Costs are clear and reasonable.",
        "4": "Costs are clear and the group has found good prices or free help.",
        "5": "Very good use of money: other funding or volunteers add a lot to our grant.",
    },
)
LOCAL = Wording(
    title="Led by local people",
    description="People who live here plan and run the project, not only outside organisations.",
    why="Things work better when they are run by people who know the area.",
    kind="scored",
    descriptors={
        "0": "No local people involved.",
        "1": "Local people are only asked to come along.",
        "2": "Local people were asked what they think.",
        "3": "Local people help plan it and run parts of it.",
        "4": "Local people lead it, with some outside help.",
        "5": "Local people lead it and will train others to carry it on.",
    },
)
LAST = Wording(
    title="Will it last?",
    description="The good the project does carries on after the grant is spent.",
    why="Too many projects stop as soon as the money runs out.",
    kind="scored",
    descriptors={
        "0": "It stops when the money is spent, with nothing left behind.",
        "1": "Something small is left, such as equipment nobody will use.",
        "2": "Some of it may carry on, but there is no plan.",
        "3": "There is a simple plan to keep going for a while.",
        "4": "A clear plan, with people or money lined up to continue.",
        "5": "It will clearly keep going and grow without more money from us.",
    },
)
INSIDE = Wording(
    title="Works inside our neighbourhoods",
    description="The project takes place in, or mainly helps people living in, our neighbourhoods.",
    why="The fund comes from our residents' rents, so it should help our neighbourhoods.",
    kind="eligibility",
)
NOT_FOR_PROFIT = Wording(
    title="Is a not-for-profit group",
    description="The group does not make a profit for its owners or members.",
    why="Grant money should go back into the community, not into someone's pocket.",
    kind="eligibility",
)
RUN_BEFORE = Wording(
    title="Has run projects before",
    description="The group can show projects it has run in the past.",
    why="We want to be sure the money is in safe hands.",
    kind="scored",
    descriptors={
        "0": "Has never run a project.",
        "1": "Has helped with a project once.",
        "2": "Has run one small project.",
        "3": "Has run a few projects.",
        "4": "Has run projects for several years.",
        "5": "Has a long record of well-run projects.",
    },
)
FIXED_REASON = "the fund can only pay for work inside our neighbourhoods"


def _edit(criterion: Criterion, actor: User, **changes: str) -> None:
    current = Wording(
        title=criterion.title,
        description=criterion.description,
        why=criterion.why,
        kind=criterion.kind,
        descriptors=dict(criterion.descriptors or {}),
    )
    values = {**current.__dict__, **changes}
    services.edit(
        criterion=criterion,
        wording=Wording(**values),
        expected_version=criterion.version,
        actor=actor,
    )


def _comment(criterion: Criterion, actor: User, body: str) -> None:
    services.add_comment(criterion=criterion, body=body, actor=actor)


def _support(criterion: Criterion, *people: User) -> None:
    for person in people:
        services.support(criterion=criterion, actor=person)


def _share(round_: FundingRound, criteria: list[Criterion], shares: dict[User, list[int]]) -> None:
    for person, points in shares.items():
        services.share_weights(
            round_=round_,
            shares={c.id: p for c, p in zip(criteria, points, strict=True)},
            actor=person,
        )


def _spring(demo: Demo) -> None:
    asha, tom = demo.staff
    maureen, delroy, joyce, ken, priya, stan = demo.residents[:6]
    spring = demo.spring

    services.add_boundary(
        round_=spring,
        title="Awards are between £250 and £5,000",
        reason="set by the board",
        actor=asha,
    )
    # Maureen's criterion starts from the idea the spring round responds to (panel.ideas.demo).
    responds = ideas_for_round(spring.id)
    seed = idea_in_round(spring.id, responds[0].id) if responds else None
    neighbours = services.propose(round_=spring, wording=NEIGHBOURS, actor=maureen, idea=seed)
    value = services.propose(round_=spring, wording=VALUE, actor=tom)
    local = services.propose(round_=spring, wording=LOCAL, actor=delroy)
    last = services.propose(round_=spring, wording=LAST, actor=priya)
    inside = services.propose(round_=spring, wording=INSIDE, actor=asha)
    not_for_profit = services.propose(round_=spring, wording=NOT_FOR_PROFIT, actor=stan)
    run_before = services.propose(round_=spring, wording=RUN_BEFORE, actor=ken)

    services.fix(criterion=inside, reason=FIXED_REASON, actor=asha)
    _comment(
        inside,
        joyce,
        "What about a trip to the seaside for older residents? It starts here but goes elsewhere.",
    )
    _comment(
        inside,
        asha,
        "That is fine: the people it helps live here. What we cannot fund is work for people "
        "who live somewhere else.",
    )

    _comment(
        neighbours,
        joyce,
        "Could we say it should mix people who would not usually meet? Young and old, for example.",
    )
    _edit(
        neighbours,
        joyce,
        description="The project gets people who live near each other to meet, talk and help "
        "out, especially people who would not usually meet, like young and old.",
    )
    _comment(neighbours, maureen, "Thanks Joyce, that is better than what I wrote.")

    _comment(
        value,
        ken,
        "‘Sensible’ is a bit vague. Can we ask whether they have looked for other money too?",
    )
    _edit(
        value,
        ken,
        description="The money asked for is sensible for what the group will do, and the group "
        "has looked for other help too, like volunteers, donations or other grants.",
    )
    _comment(value, tom, "Good change, Ken. It matches what the board asks of us.")

    _comment(
        run_before,
        priya,
        "This would shut out new groups. Most good ideas on our estate come from people trying "
        "something for the first time.",
    )
    _comment(
        run_before, delroy, "Agree with Priya. The eligibility check covers the safe hands part."
    )
    _comment(run_before, ken, "Fair point. I will take it off the list.")
    services.remove(criterion=run_before, actor=ken)

    _comment(last, stan, "Maybe not every project has to last. A street party is still worth it.")
    services.add_comment(
        criterion=last,
        body="For staff only: the last group I volunteered with closed owing money, and I "
        "would rather the panel did not know that was me.",
        private=True,
        actor=priya,
    )
    _comment(
        last,
        priya,
        "True, but it can still leave something behind, like a residents' group that keeps going.",
    )

    _support(neighbours, maureen, joyce, ken, priya, stan, delroy)
    _support(value, ken, stan, joyce)
    _support(local, delroy, maureen, priya, joyce)
    _support(last, priya, ken, maureen)
    _support(not_for_profit, stan, maureen)
    _support(inside, joyce)

    for criterion in (neighbours, value, local, last, not_for_profit):
        services.set_shortlisted(criterion=criterion, shortlisted=True, actor=asha)

    scored = [neighbours, value, local, last]
    _share(
        spring,
        scored,
        {
            maureen: [40, 20, 25, 15],
            delroy: [30, 20, 35, 15],
            joyce: [35, 25, 20, 20],
            ken: [25, 35, 20, 20],
            priya: [30, 20, 25, 25],
            stan: [35, 30, 20, 15],
        },
    )
    # The shares propose 33, 25, 24 and 18; the panel meeting moved two points to "Will it last?".
    services.adopt(
        round_=spring,
        choices=[
            Choice(criterion=neighbours, position=1, weight=33),
            Choice(criterion=local, position=2, weight=22, reason=LOCAL_REASON),
            Choice(criterion=value, position=3, weight=25),
            Choice(criterion=last, position=4, weight=20, reason=LAST_REASON),
            Choice(criterion=inside, position=5),
            Choice(criterion=not_for_profit, position=6),
        ],
        note="Agreed at the panel's co-design meeting in the community centre.",
        actor=asha,
        expected_version=0,  # the first adoption of this round
    )


LAST_REASON = (
    "At the co-design meeting the panel agreed that lasting change should count a little more, "
    "because last year several projects stopped when the money ran out."
)
LOCAL_REASON = (
    "The two points for ‘Will it last?’ came from here, as the panel agreed: staff already check "
    "that groups are run locally when they apply."
)


def _autumn(demo: Demo) -> None:
    asha, tom = demo.staff
    joyce, ken, priya, stan, beth = demo.residents[2:7]
    autumn = demo.autumn

    services.add_boundary(
        round_=autumn,
        title="Awards are between £250 and £3,000",
        reason="set by the board",
        actor=tom,
    )
    copies = services.copy_criteria(
        round_=autumn, source=demo.spring, what=services.COPY_ADOPTED, actor=tom
    )
    by_title = {c.title: c for c in copies}
    inside = by_title[INSIDE.title]
    services.fix(criterion=inside, reason=FIXED_REASON, actor=tom)
    _comment(
        by_title[LAST.title],
        beth,
        "I am new to the panel. Does a one-off event like a fun day score 0 here?",
    )
    _comment(
        by_title[LAST.title],
        stan,
        "Not always, Beth: if it leaves a group or a plan behind it can still score well.",
    )
    _support(by_title[NEIGHBOURS.title], beth, joyce, stan)
    _support(by_title[VALUE.title], ken, priya)
    for criterion in copies:
        if criterion is not inside:
            services.set_shortlisted(criterion=criterion, shortlisted=True, actor=tom)
    scored = [c for c in copies if c.kind == "scored"]
    _share(
        autumn,
        scored,
        {
            joyce: [30, 25, 25, 20],
            ken: [25, 25, 30, 20],
            priya: [35, 20, 25, 20],
            stan: [30, 20, 20, 30],
            beth: [40, 20, 20, 20],
        },
    )
    proposed = services.weight_summary(autumn).proposed
    services.adopt(
        round_=autumn,
        choices=[
            Choice(criterion=c, position=n, weight=proposed.get(c.id, 0))
            for n, c in enumerate(copies, start=1)
        ],
        note="Started from the spring criteria; the autumn panel kept them and shared the weights.",
        actor=tom,
        expected_version=0,  # the first adoption of this round
    )


def add_demo(demo: Demo) -> None:
    """Spring and autumn criteria agreed through the co-design flow, with adopted rubrics."""
    _spring(demo)
    _autumn(demo)
