"""Demo data for the scoring area: see panel.demo.DEMO_STEPS.

Runs after co-design (an adopted rubric) and applications (eligible applications), with
spring-demo at the Eligibility check. It opens scoring, has the panel score through the same
services as the web pages (so the audit log is real), and moves the round to the Panel meeting.
"""

import random

from panel.applications.queries import eligible_applications
from panel.demo_base import Demo
from panel.models import ConflictKind, Stage
from panel.rounds.services import advance_stage
from panel.rubrics import current_rubric
from panel.scoring.services.conflicts import declare_conflict
from panel.scoring.services.lookups import find_review, scores_by_criterion
from panel.scoring.services.reviews import ScoreEntry, save_review

# How each panellist tends to score, relative to an application's merit (harsh < 0 < lenient).
HARSHNESS = [0.0, -1.0, 0.6, -0.4, 1.0, 0.2]
COMMENTS = {
    "low": [
        "I could not see who would benefit beyond the group itself.",
        "The costs are not explained, so I cannot tell if this is good value.",
        "Not much sign that residents were asked what they want.",
    ],
    "mid": [
        "A sensible idea, but the plan is thin in places.",
        "Some benefit to the estate; I would like more detail on numbers.",
        "Reasonable costs. Residents are involved, though mostly as helpers.",
    ],
    "high": [
        "Lots of families on the estate already use this. Clear benefit.",
        "Good value: most of the money goes straight to the activity.",
        "Run by residents for residents. Exactly what we asked for.",
    ],
}
OVERALL = [
    "I would be happy to fund this.",
    "Worth discussing at the meeting.",
    "Not convinced yet; happy to hear what others think.",
    "",
]


def _comment(rng: random.Random, value: int, top: int) -> str:
    band = "low" if value <= top * 0.4 else "high" if value >= top * 0.8 else "mid"
    return rng.choice(COMMENTS[band]) if rng.random() < 0.6 else ""


def add_demo(demo: Demo) -> None:
    """Score spring-demo: reviews at every status, a conflict and a paper entry; then close it."""
    spring = demo.spring
    rubric = current_rubric(spring)
    if rubric is None or not rubric.scored or spring.current_stage is not Stage.ELIGIBILITY:
        return
    applications = eligible_applications(spring.id)
    if not applications:
        return
    officer = demo.staff[0]
    panel = demo.residents[:6]
    advance_stage(round_=spring, actor=officer, expected=Stage.ELIGIBILITY)

    rng = random.Random(2026)  # the same demo every time
    low, high = spring.scale_min, spring.scale_max
    merit = {a.id: rng.uniform(low + 1, high - 0.5) for a in applications}

    # Delroy volunteers with the first group: he declares it, so he is recused from it.
    conflicted = (panel[1], applications[0])
    declare_conflict(
        round_=spring,
        application=applications[0],
        panellist=panel[1],
        kind=ConflictKind.MEMBER,
        note="I volunteer at their Saturday club.",
        actor=panel[1],
    )
    # Stan scored on paper; Asha types his sheet in.
    paper = panel[5]
    # Ken is behind: some drafts, some not started.
    behind = panel[3]

    for a_index, application in enumerate(applications):
        for p_index, panellist in enumerate(panel):
            if (panellist, application) == conflicted:
                continue
            if panellist is behind and a_index % 3 == 2:
                continue  # not started
            draft = panellist is behind and a_index % 3 == 1
            if application is applications[-1] and p_index >= 2:
                continue  # the last application is short of scores: below quorum at the meeting
            entries = {}
            for c_index, criterion in enumerate(rubric.scored):
                raw = merit[application.id] + HARSHNESS[p_index] + rng.gauss(0, 0.7)
                value = max(low, min(high, round(raw)))
                if draft and c_index >= len(rubric.scored) // 2:
                    entries[criterion.id] = ScoreEntry(None)
                    continue
                entries[criterion.id] = ScoreEntry(value, _comment(rng, value, high))
            save_review(
                round_=spring,
                application=application,
                panellist=panellist,
                actor=officer if panellist is paper else panellist,
                scores=entries,
                overall_comment="" if draft else rng.choice(OVERALL),
                submit=not draft,
                expected_version=0,
            )

    # Maureen changes her mind about one score after submitting: a revision in the log.
    chair = panel[0]
    review = find_review(application_id=applications[1].id, panellist_id=chair.id)
    if review is not None and review.status == "submitted":
        saved = scores_by_criterion(review)
        first = rubric.scored[0]
        entries = {c.id: ScoreEntry(saved[c.id].value, saved[c.id].comment) for c in rubric.scored}
        old = entries[first.id].value or low
        entries[first.id] = ScoreEntry(
            min(high, old + 1), "On reflection, more families will use this than I thought."
        )
        save_review(
            round_=spring,
            application=applications[1],
            panellist=chair,
            actor=chair,
            scores=entries,
            overall_comment=review.overall_comment,
            submit=True,
            expected_version=review.version,
        )

    advance_stage(round_=spring, actor=officer, expected=Stage.SCORING)
