"""Properties the method promises, checked on many small generated rounds."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, replace
from itertools import combinations
from math import fsum

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from criteria import (
    Application,
    Criterion,
    Recusal,
    Review,
    RoundResult,
    Scale,
    Settings,
    allocate,
    analyse_round,
    calibrate,
    krippendorff_alpha,
    lottery_order,
    sheet_score,
)

FEW = settings(max_examples=60, deadline=None, database=None)


@dataclass(frozen=True)
class Round:
    """A generated round."""

    scale: Scale
    criteria: list[Criterion]
    applications: list[Application]
    reviews: list[Review]
    recusals: list[Recusal]

    def analyse(self, **changes: object) -> RoundResult:
        """analyse_round over this round, with calibration shown."""
        return analyse_round(
            scale=changes.get("scale", self.scale),  # type: ignore[arg-type]
            criteria=changes.get("criteria", self.criteria),  # type: ignore[arg-type]
            applications=changes.get("applications", self.applications),  # type: ignore[arg-type]
            reviews=changes.get("reviews", self.reviews),  # type: ignore[arg-type]
            recusals=changes.get("recusals", self.recusals),  # type: ignore[arg-type]
            settings=Settings(calibrate=True, quorum=2),
        )


@st.composite
def rounds(draw: st.DrawFn) -> Round:
    """Small rounds: a few applications, panellists and weighted criteria, some cells empty."""
    low = draw(st.integers(0, 2))
    scale = Scale(low, low + draw(st.integers(1, 9)))
    weights = draw(st.lists(st.integers(0, 4), min_size=1, max_size=3).filter(any))
    criteria = [Criterion(f"c{i}", f"Criterion {i}", w) for i, w in enumerate(weights)]
    refs = [f"R{i}" for i in range(draw(st.integers(1, 6)))]
    applications = [Application(ref, draw(st.integers(0, 50)) * 1000) for ref in refs]
    panellists = [f"P{i}" for i in range(draw(st.integers(1, 6)))]
    reviews: list[Review] = []
    recusals: list[Recusal] = []
    for ref in refs:
        for who in panellists:
            cell = draw(st.sampled_from(["review", "review", "review", "recused", "absent"]))
            if cell == "recused":
                recusals.append(Recusal(ref, who))
            elif cell == "review":
                level = st.integers(scale.minimum, scale.maximum)
                reviews.append(Review(ref, who, {c.key: draw(level) for c in criteria}))
    return Round(scale, criteria, applications, reviews, recusals)


@FEW
@given(rounds(), st.randoms(use_true_random=False))
def test_relabelling_panellists_or_reordering_applications_changes_nothing(
    game: Round, rng: random.Random
) -> None:
    names = sorted({r.panellist for r in game.reviews} | {r.panellist for r in game.recusals})
    fresh = [f"Q{n}" for n in range(len(names))]
    rng.shuffle(fresh)
    label = dict(zip(names, fresh, strict=True))
    reviews = [replace(r, panellist=label[r.panellist]) for r in game.reviews]
    recusals = [replace(r, panellist=label[r.panellist]) for r in game.recusals]
    applications = list(game.applications)
    rng.shuffle(reviews)
    rng.shuffle(applications)
    before = game.analyse()
    after = game.analyse(applications=applications, reviews=reviews, recusals=recusals)
    assert after.applications == before.applications
    assert after.agreement == before.agreement
    assert after.criterion_agreement == before.criterion_agreement
    assert (after.grand_mean, after.grand_sd) == (before.grand_mean, before.grand_sd)
    stats = sorted((p.n, p.mean, p.sd) for p in before.panellists)
    assert sorted((p.n, p.mean, p.sd) for p in after.panellists) == stats


@FEW
@given(rounds(), st.integers(2, 1000))
def test_scaling_all_weights_changes_no_sheet_score(game: Round, factor: int) -> None:
    scaled = [replace(c, weight=c.weight * factor) for c in game.criteria]
    for review in game.reviews:
        assert sheet_score(review.scores, scaled, game.scale) == sheet_score(
            review.scores, game.criteria, game.scale
        )
    before = game.analyse()
    after = game.analyse(criteria=scaled)
    assert [a.sheet_scores for a in after.applications] == [
        a.sheet_scores for a in before.applications
    ]


@FEW
@given(rounds(), st.data())
def test_adding_a_recusal_cell_leaves_other_applications_means_unchanged(
    game: Round, data: st.DataObject
) -> None:
    if not game.reviews:
        return
    gone = data.draw(st.sampled_from(game.reviews))
    before = game.analyse()
    after = game.analyse(
        reviews=[r for r in game.reviews if r is not gone],
        recusals=[*game.recusals, Recusal(gone.application, gone.panellist)],
    )
    means = {a.reference: a.mean for a in after.applications if a.reference != gone.application}
    assert means == {
        a.reference: a.mean for a in before.applications if a.reference != gone.application
    }
    assert after.result_for(gone.application).n == before.result_for(gone.application).n - 1


sheet_values = st.floats(0, 5, allow_nan=False).map(lambda x: round(x * 2) / 2)


@FEW
@given(
    st.lists(
        st.tuples(st.sampled_from("ABCDE"), st.sampled_from(["P1", "P2", "P3"]), sheet_values),
        min_size=1,
        max_size=15,
        unique_by=lambda t: (t[0], t[1]),
    ),
    st.sampled_from(["P1", "P2", "P3"]),
    st.floats(-3, 3, allow_nan=False),
)
def test_adding_a_constant_to_one_panellists_scores_leaves_calibration_unchanged(
    triples: list[tuple[str, str, float]], shifted: str, constant: float
) -> None:
    # G and g are the round's own mean and SD, and they move with the shift; what the shift
    # cannot move is each application's mean z, so calibrated scores on the same G and g agree.
    before = calibrate(triples)
    after = calibrate([(a, p, s + constant if p == shifted else s) for a, p, s in triples])
    assert after.mean_z.keys() == before.mean_z.keys()
    g, spread = before.grand_mean or 0.0, before.grand_sd or 0.0
    for app, z in before.mean_z.items():
        assert after.mean_z[app] == pytest.approx(z, abs=1e-9)
        assert g + spread * after.mean_z[app] == pytest.approx(before.calibrated[app], abs=1e-9)


@FEW
@given(rounds(), st.integers(0, 300_000))
def test_allocation_never_overspends_and_skip_funds_everything_stop_funds(
    game: Round, budget: int
) -> None:
    result = game.analyse()
    skip = allocate(result, budget=budget, policy="skip")
    stop = allocate(result, budget=budget, policy="stop")
    for allocation in (skip, stop):
        assert allocation.total <= budget
        assert allocation.total == sum(line.awarded for line in allocation.lines)
        assert all(line.running_total <= budget for line in allocation.lines)
        assert allocation.remaining == budget - allocation.total
    assert set(stop.funded) <= set(skip.funded)
    assert stop.funded == skip.funded[: len(stop.funded)]


@FEW
@given(
    st.lists(st.integers(0, 10), min_size=2, max_size=8, unique=True),
    st.lists(st.integers(2, 6), min_size=8, max_size=8),
)
def test_alpha_is_one_when_each_application_gets_one_score_from_everyone(
    values: list[int], sizes: list[int]
) -> None:
    units = [[value] * size for value, size in zip(values, sizes, strict=False)]
    assert krippendorff_alpha(units).alpha == pytest.approx(1.0)
    floats = [[value / 3] * size for value, size in zip(values, sizes, strict=False)]
    assert krippendorff_alpha(floats).alpha == pytest.approx(1.0)


@FEW
@given(st.lists(st.lists(st.integers(0, 5), max_size=6), max_size=8))
def test_linear_time_alpha_matches_the_all_pairs_definition(units: list[list[int]]) -> None:
    pairable = [u for u in units if len(u) >= 2]
    values = [x for u in pairable for x in u]
    n = len(values)
    found = krippendorff_alpha(units)
    assert found.pairable == n
    if len(pairable) < 2:
        assert found.alpha is None
        return
    observed = (
        fsum(2 * (a - b) ** 2 / (len(u) - 1) for u in pairable for a, b in combinations(u, 2)) / n
    )
    expected = fsum(2 * (a - b) ** 2 for a, b in combinations(values, 2)) / (n * (n - 1))
    assert found.observed == pytest.approx(observed, abs=1e-9)
    assert found.expected == pytest.approx(expected, abs=1e-9)
    if expected > 0:
        assert found.alpha == pytest.approx(1 - observed / expected, abs=1e-9)


@FEW
@given(
    st.text(min_size=1, max_size=20),
    st.lists(st.text(min_size=1, max_size=8), unique=True, max_size=10),
    st.randoms(use_true_random=False),
)
def test_the_lottery_order_depends_only_on_the_seed_and_the_references(
    seed: str, references: list[str], rng: random.Random
) -> None:
    shuffled = list(references)
    rng.shuffle(shuffled)
    order = lottery_order(seed, references)
    assert lottery_order(seed, shuffled) == order
    assert list(order) == sorted(
        references, key=lambda r: hashlib.sha256(f"{seed}:{r}".encode()).hexdigest()
    )
