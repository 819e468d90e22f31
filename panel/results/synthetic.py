"""Synthetic rounds for benchmarks and tests: a complete round at the Panel meeting stage.

Or, for the load test, a round still at the Scoring stage (deadline two weeks ahead) in which
only a fraction of the reviews are submitted, with panellists who can sign in with a password.

Rows go in with bulk inserts (`session.execute(insert(Model), rows)` in chunks), so a round of
500 applications x 30 panellists x 12 criteria takes seconds. One audit row records the round's
creation; the thousands of rows inside it are not audited one by one.
"""

import random
import re
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, text, update

from panel.audit import record
from panel.extensions import db
from panel.models import (
    Application,
    ApplicationStatus,
    ConductAgreement,
    Conflict,
    Criterion,
    CriterionSupport,
    EligibilityCheck,
    FundingRound,
    PanelRole,
    Review,
    ReviewStatus,
    Role,
    RoundMember,
    Rubric,
    RubricCriterion,
    Score,
    Stage,
    User,
)
from panel.models.review import pack_scores

CHUNK = 5_000
CONFLICT_RATE = 0.05
Progress = Callable[[int, int], None]

_WORDS = [
    "Riverside",
    "Oakfield",
    "Meadow",
    "Hillcrest",
    "Parkside",
    "Elm",
    "Tower",
    "Canal",
    "Station",
    "Orchard",
    "Greenway",
    "Brook",
    "Willow",
    "Ashford",
    "Victoria",
    "Albion",
    "Northgate",
    "Southbank",
    "Heath",
    "Mill",
]
_GROUPS = [
    "Residents' Association",
    "Youth Club",
    "Community Garden",
    "Food Bank",
    "Lunch Club",
    "Men's Shed",
    "Tenants' Group",
    "Arts Collective",
    "Football Club",
    "Parents' Group",
    "Reading Circle",
    "Choir",
]
_PROJECTS = [
    "Summer play scheme",
    "Warm space for winter",
    "Community fridge",
    "Seated exercise classes",
    "Homework club",
    "Repair café",
    "Allotment beds",
    "Coffee morning",
    "Digital skills sessions",
    "Holiday meals",
    "Walking group",
    "Street party",
]
_CRITERIA = [
    "Community benefit",
    "Value for money",
    "Local involvement",
    "Sustainability",
    "Reaching people who are often left out",
    "Safety",
    "Partnership",
    "Volunteering",
    "Environment",
    "Wellbeing",
    "Skills",
    "Health",
    "Inclusion",
    "Children and young people",
    "Older residents",
    "Legacy",
]


class SyntheticError(ValueError):
    """The requested sizes are not possible; the message says why."""


def _chunks(rows: list[dict[str, Any]]) -> Iterable[list[dict[str, Any]]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def _bulk(model: type, rows: list[dict[str, Any]], tick: Callable[[int], None]) -> None:
    for part in _chunks(rows):
        db.session.execute(insert(model), part)
        tick(len(part))


def _unique_slug(base: str) -> str:
    slug, n = base, 1
    while db.session.execute(db.select(FundingRound.id).where(FundingRound.slug == slug)).first():
        n += 1
        slug = f"{base}-{n}"
    return slug


def seed_synthetic(
    *,
    applications: int,
    panellists: int,
    criteria_count: int,
    seed: int,
    progress: Progress | None = None,
    stage: Stage = Stage.PANEL,
    submitted_fraction: float = 1.0,
    password: str | None = None,
) -> FundingRound:
    """A synthetic round at the Panel meeting (or Scoring) stage; flushes, the caller commits.

    `submitted_fraction` of the panellist/application pairs without a conflict get a submitted
    review (the rest are not started); `password` lets the staff account and every panellist
    sign in with it.
    """
    if applications < 1 or panellists < 1 or criteria_count < 1:
        raise SyntheticError(
            "A synthetic round needs at least 1 application, panellist and criterion."
        )
    if criteria_count > 99:
        raise SyntheticError("A synthetic round can have at most 99 criteria.")
    if stage not in (Stage.SCORING, Stage.PANEL):
        raise SyntheticError("A synthetic round starts at the Scoring or Panel meeting stage.")
    if not 0.0 <= submitted_fraction <= 1.0:
        raise SyntheticError("The submitted fraction must be from 0 to 1.")
    password_hash = None
    if password is not None:
        from panel.auth.passwords import MIN_LENGTH, hash_password

        if len(password) < MIN_LENGTH:
            raise SyntheticError(f"The password must be at least {MIN_LENGTH} characters long.")
        # One hash, made with the app's own parameters, shared by every synthetic account.
        password_hash = hash_password(password)
    rng = random.Random(seed)
    now = datetime.now(UTC)
    pairs = applications * panellists
    total = pairs * (criteria_count + 1) + applications + panellists
    done = 0

    def tick(count: int) -> None:
        nonlocal done
        done += count
        if progress is not None:
            progress(min(done, total), total)

    slug = _unique_slug(f"synthetic-{seed}-{applications}x{panellists}x{criteria_count}")
    tag = re.sub(r"[^a-z0-9-]", "", slug)
    staff = User(
        email=f"{tag}.staff@example.invalid",
        display_name="Synthetic Staff",
        role=Role.STAFF,
        password_hash=password_hash,
    )
    db.session.add(staff)
    db.session.flush()
    budget = int(applications * 2_600_00 * 0.4)
    round_ = FundingRound(
        slug=slug,
        name=f"Synthetic round {applications} x {panellists} x {criteria_count} (seed {seed})",
        fund_name="Synthetic Community Fund",
        budget_pence=budget,
        min_award_pence=250_00,
        max_award_pence=5_000_00,
        scoring_deadline=now - timedelta(days=1)
        if stage is Stage.PANEL
        else now + timedelta(days=14),
        stage=stage,
        created_by_id=staff.id,
    )
    db.session.add(round_)
    db.session.flush()
    round_.reference_prefix = f"S{round_.id}"[:12]

    _bulk(
        User,
        [
            {
                "email": f"{tag}.p{k}@example.invalid",
                "display_name": f"Panellist {_WORDS[k % len(_WORDS)]} {k}",
                "role": Role.RESIDENT.value,
                "password_hash": password_hash,
            }
            for k in range(1, panellists + 1)
        ],
        tick,
    )
    people = list(
        db.session.execute(
            db.select(User.id).where(User.email.like(f"{tag}.p%@example.invalid")).order_by(User.id)
        ).scalars()
    )
    db.session.execute(
        insert(RoundMember),
        [
            {
                "round_id": round_.id,
                "user_id": uid,
                "role": (PanelRole.CHAIR if k == 0 else PanelRole.PANELLIST).value,
            }
            for k, uid in enumerate(people)
        ],
    )
    # Synthetic panellists have agreed to the code of conduct, so they may score.
    db.session.execute(
        insert(ConductAgreement), [{"user_id": uid, "recorded_by_id": uid} for uid in people]
    )

    # Criteria as co-designed, then the adopted rubric that scoring used.
    titles = [
        _CRITERIA[k] if k < len(_CRITERIA) else f"Criterion {k + 1}" for k in range(criteria_count)
    ]
    db.session.execute(
        insert(Criterion),
        [
            {
                "round_id": round_.id,
                "title": title,
                "description": f"How well the project shows {title.lower()}.",
                "kind": "scored",
                "proposed_by_id": people[k % len(people)],
                "shortlisted": True,
            }
            for k, title in enumerate(titles)
        ],
    )
    criterion_ids = list(
        db.session.execute(
            db.select(Criterion.id).where(Criterion.round_id == round_.id).order_by(Criterion.id)
        ).scalars()
    )
    supports = []
    for cid in criterion_ids:
        for uid in rng.sample(people, k=rng.randint(1, len(people))):
            supports.append({"criterion_id": cid, "user_id": uid})
    _bulk(CriterionSupport, supports, lambda _n: None)
    rubric = Rubric(round_id=round_.id, version=1, adopted_by_id=staff.id, note="Synthetic")
    db.session.add(rubric)
    db.session.flush()
    descriptors = {str(v): f"Level {v}" for v in range(round_.scale_min, round_.scale_max + 1)}
    rubric_rows = []
    for k, (cid, title) in enumerate(zip(criterion_ids, titles, strict=True), start=1):
        weight = rng.randint(1, 5) * 5
        shares = sorted(max(0, min(100, weight + rng.randint(-10, 10))) for _ in people)
        rubric_rows.append(
            {
                "rubric_id": rubric.id,
                "criterion_id": cid,
                "position": k,
                "title": title,
                "description": f"How well the project shows {title.lower()}.",
                "kind": "scored",
                "weight": weight,
                "proposed_weight": weight,
                "descriptors": descriptors,
                "shares": {
                    "members": len(shares),
                    "lowest": shares[0],
                    "median": str(shares[len(shares) // 2]),
                    "highest": shares[-1],
                    "mean": f"{sum(shares) / len(shares):.1f}",
                },
            }
        )
    rubric_rows.append(
        {
            "rubric_id": rubric.id,
            "position": criteria_count + 1,
            "title": "Based in our neighbourhoods",
            "description": "The group works where our residents live.",
            "kind": "eligibility",
            "weight": 0,
            "descriptors": {},
            "fixed_reason": "A condition of the fund",
        }
    )
    db.session.execute(insert(RubricCriterion), rubric_rows)
    rubric_criteria = list(
        db.session.execute(
            db.select(RubricCriterion.id, RubricCriterion.kind)
            .where(RubricCriterion.rubric_id == rubric.id)
            .order_by(RubricCriterion.position)
        )
    )
    scored_ids = [rid for rid, kind in rubric_criteria if kind == "scored"]
    eligibility_id = next(rid for rid, kind in rubric_criteria if kind == "eligibility")

    app_rows = []
    for number in range(1, applications + 1):
        place, group = rng.choice(_WORDS), rng.choice(_GROUPS)
        charity = str(rng.randint(200000, 1199999)) if rng.random() < 0.4 else None
        company = (
            f"{rng.randint(1000000, 14999999):08d}" if not charity and rng.random() < 0.3 else None
        )
        app_rows.append(
            {
                "round_id": round_.id,
                "number": number,
                "reference": f"{round_.reference_prefix}-{number:04d}",
                "organisation_name": f"{place} {group}",
                "organisation_type": "charity" if charity else "community_group",
                "charity_number": charity,
                "company_number": company,
                "project_title": rng.choice(_PROJECTS),
                "summary": "A synthetic application for testing and benchmarks.",
                "amount_requested_pence": rng.randint(5, 100) * 50_00,
                "location": place,
                "status": ApplicationStatus.ELIGIBLE.value,
                "source": "staff",
            }
        )
    _bulk(Application, app_rows, tick)
    app_ids = list(
        db.session.execute(
            db.select(Application.id)
            .where(Application.round_id == round_.id)
            .order_by(Application.number)
        ).scalars()
    )
    _bulk(
        EligibilityCheck,
        [
            {
                "application_id": aid,
                "rubric_criterion_id": eligibility_id,
                "passed": True,
                "checked_by_id": staff.id,
            }
            for aid in app_ids
        ],
        lambda _n: None,
    )

    # Each application has a quality, each panellist a harshness offset: realistic spread.
    quality = {aid: rng.uniform(1.0, 4.2) for aid in app_ids}
    harshness = {uid: rng.gauss(0, 0.6) for uid in people}
    criterion_bias = {rid: rng.gauss(0, 0.3) for rid in scored_ids}
    conflicts, reviews = [], []
    for aid in app_ids:
        for uid in people:
            if rng.random() < CONFLICT_RATE:
                conflicts.append(
                    {
                        "round_id": round_.id,
                        "application_id": aid,
                        "panellist_id": uid,
                        "kind": rng.choice(["member", "family", "neighbour", "helped"]),
                        "declared_by_id": uid,
                    }
                )
                continue
            if submitted_fraction < 1.0 and rng.random() >= submitted_fraction:
                continue  # not started yet
            reviews.append(
                {
                    "round_id": round_.id,
                    "application_id": aid,
                    "panellist_id": uid,
                    "rubric_id": rubric.id,
                    "status": ReviewStatus.SUBMITTED.value,
                    "overall_comment": "Clear plan, well costed." if rng.random() < 0.2 else "",
                    "submitted_at": now - timedelta(days=2, minutes=rng.randint(0, 5000)),
                }
            )
    _bulk(Conflict, conflicts, tick)
    _bulk(Review, reviews, tick)
    low, high = round_.scale_min, round_.scale_max
    scores: list[dict[str, Any]] = []
    packs: list[dict[str, Any]] = []
    for review_id, aid, uid in db.session.execute(
        db.select(Review.id, Review.application_id, Review.panellist_id)
        .where(Review.round_id == round_.id)
        .order_by(Review.id)
    ).all():
        base = quality[aid] + harshness[uid]
        values = []
        for rid in scored_ids:
            value = min(high, max(low, round(base + criterion_bias[rid] + rng.gauss(0, 0.7))))
            values.append(value)
            scores.append(
                {
                    "review_id": review_id,
                    "rubric_criterion_id": rid,
                    "value": value,
                    "comment": "Good local reach." if rng.random() < 0.03 else "",
                }
            )
        packs.append({"id": review_id, "score_pack": pack_scores(values), "score_pack_version": 1})
        if len(scores) >= CHUNK:
            db.session.execute(insert(Score), scores)
            db.session.execute(update(Review), packs)
            tick(len(scores))
            scores, packs = [], []
    if scores:
        db.session.execute(insert(Score), scores)
        db.session.execute(update(Review), packs)
        tick(len(scores))
    record(
        actor=staff,
        action="round.synthetic_created",
        object_type="round",
        object_id=round_.id,
        round_id=round_.id,
        after={
            "applications": applications,
            "panellists": panellists,
            "criteria": criteria_count,
            "seed": seed,
            "stage": str(stage),
            "submitted_fraction": submitted_fraction,
            "conflicts": len(conflicts),
            "reviews": len(reviews),
        },
    )
    db.session.flush()
    if db.session.get_bind().dialect.name == "postgresql":
        # Fresh bulk-loaded tables have no planner statistics: without them PostgreSQL picked
        # plans 90x slower for the per-application counts until autovacuum caught up.
        db.session.execute(text("ANALYZE"))
    if progress is not None:
        progress(total, total)
    return round_
