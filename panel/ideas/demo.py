"""Demo data for the ideas area: see panel.demo.demo_steps.

Residents' ideas for the fund in every status: one waiting for an answer, one under
consideration, one not now (with the reason), one taken into the spring round (the panel's
criterion "Brings neighbours together" starts from it) and one taken into autumn-demo. One idea
keeps why it matters for staff only, and a comment is a note for staff.
"""

from panel.demo_base import Demo
from panel.ideas import services
from panel.ideas.services import IdeaText

NEIGHBOURS = IdeaText(
    title="More chances for neighbours to meet",
    why="Since the community room closed, people on our block hardly see each other. "
    "Older neighbours especially can go days without talking to anyone.",
    where="All our estates",
)
FOOD = IdeaText(
    title="Help with food costs for families",
    why="Last winter we had to use the food bank for the first time. I would rather only staff "
    "knew that, but it is why I think this matters.",
    where="Northfield",
    why_private=True,
)
PLAY = IdeaText(
    title="Fix up the Riverside play area",
    why="The swings have been taped off for a year and the children play in the car park.",
    where="Riverside estate",
)
MINIBUS = IdeaText(
    title="A minibus for trips",
    why="Lots of older residents cannot get to the seaside or even the shops on their own.",
)
HOMEWORK = IdeaText(
    title="A homework club at the library",
    why="Many flats are crowded and there is nowhere quiet for children to do homework.",
    where="Westfield library",
)
PLAY_ANSWER = "We are asking the council whether they would match a grant for the play area."
MINIBUS_ANSWER = (
    "A minibus costs more than a whole round of the fund. We have passed the idea to the housing "
    "team, who are looking at shared transport with the other housing associations."
)


def add_demo(demo: Demo) -> None:
    """Five ideas, one in each status and one more taken into a round, with support and
    comments; spring responds to one, autumn-demo to another."""
    asha, tom = demo.staff
    maureen, delroy, joyce, ken, priya, stan, beth = demo.residents

    neighbours = services.post(text=NEIGHBOURS, actor=maureen)
    food = services.post(text=FOOD, actor=priya)
    play = services.post(text=PLAY, actor=ken)
    minibus = services.post(text=MINIBUS, actor=stan)
    homework = services.post(text=HOMEWORK, actor=beth)

    for idea, people in (
        (neighbours, (joyce, delroy, stan, priya)),
        (food, (joyce, beth, maureen)),
        (play, (beth, delroy)),
        (minibus, (maureen, joyce)),
        (homework, (priya,)),
    ):
        for person in people:
            services.support(idea=idea, actor=person)

    services.add_comment(
        idea=neighbours,
        body="A weekly coffee morning would be a good start. I would help run it.",
        private=False,
        actor=joyce,
    )
    services.add_comment(
        idea=food,
        body="Our family is in the same position. I did not want to say so in front of everyone.",
        private=True,
        actor=delroy,
    )
    services.add_comment(
        idea=play,
        body="The play area belongs to the council, so we have asked them first.",
        private=False,
        actor=asha,
    )

    services.answer(idea=play, status="considering", reason=PLAY_ANSWER, actor=asha)
    services.answer(idea=minibus, status="not_now", reason=MINIBUS_ANSWER, actor=tom)
    services.set_round_ideas(round_=demo.spring, idea_ids=[neighbours.id], actor=asha)
    services.set_round_ideas(round_=demo.autumn, idea_ids=[food.id], actor=tom)
