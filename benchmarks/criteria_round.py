"""Time analyse_round on a synthetic round against one bare Python pass over the same scores.

Usage: .venv/bin/python benchmarks/criteria_round.py [--applications 500] [--panellists 30]
       [--criteria 12] [--repeat 7] [--seed 2025]
Prints the engine's median time, the bare pass's median time and their ratio (target <= 10).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from criteria import (  # noqa: E402
    Application,
    Criterion,
    Recusal,
    Review,
    Scale,
    Settings,
    analyse_round,
)

TARGET = 10.0
RECUSAL_RATE = 0.05


def build_round(
    *, applications: int, panellists: int, criteria: int, seed: int
) -> tuple[Scale, list[Criterion], list[Application], list[Review], list[Recusal]]:
    """A seeded synthetic round: every panellist reviews every application unless recused."""
    rng = random.Random(seed)
    scale = Scale(0, 5)
    criteria_list = [
        Criterion(key=f"c{c}", title=f"Criterion {c}", weight=rng.randint(1, 5))
        for c in range(criteria)
    ]
    apps = [
        Application(reference=f"A{a:04d}", amount_requested=rng.randint(50, 500) * 1000)
        for a in range(applications)
    ]
    reviews: list[Review] = []
    recusals: list[Recusal] = []
    for app in apps:
        quality = rng.uniform(1, 4)
        for p in range(panellists):
            panellist = f"P{p:03d}"
            if rng.random() < RECUSAL_RATE:
                recusals.append(Recusal(application=app.reference, panellist=panellist))
                continue
            scores = {
                c.key: min(5, max(0, round(quality + rng.gauss(0, 1)))) for c in criteria_list
            }
            reviews.append(Review(application=app.reference, panellist=panellist, scores=scores))
    return scale, criteria_list, apps, reviews, recusals


def bare_pass(reviews: Sequence[Review], weights: Sequence[tuple[str, int]]) -> float:
    """The floor: one Python pass summing weight * score over every score."""
    total = 0
    for review in reviews:
        scores = review.scores
        for key, weight in weights:
            total += weight * scores[key]
    return float(total)


def median_time(action: Callable[[], object], repeat: int) -> float:
    """Median wall time of `repeat` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: Sequence[str] | None = None) -> int:
    """Build the round, time both passes and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--applications", type=int, default=500)
    parser.add_argument("--panellists", type=int, default=30)
    parser.add_argument("--criteria", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args(argv)

    scale, criteria_list, apps, reviews, recusals = build_round(
        applications=args.applications,
        panellists=args.panellists,
        criteria=args.criteria,
        seed=args.seed,
    )
    weights = [(c.key, int(c.weight)) for c in criteria_list]
    settings = Settings(calibrate=True)
    scores = len(reviews) * len(criteria_list)

    def engine() -> object:
        return analyse_round(
            scale=scale,
            criteria=criteria_list,
            applications=apps,
            reviews=reviews,
            recusals=recusals,
            settings=settings,
        )

    engine()  # warm up
    engine_time = median_time(engine, args.repeat)
    bare_time = median_time(lambda: bare_pass(reviews, weights), args.repeat)
    ratio = engine_time / bare_time
    print(
        f"round: {len(apps)} applications x {args.panellists} panellists x "
        f"{len(criteria_list)} criteria = {scores:,} scores "
        f"({len(recusals):,} recusals, {len(reviews):,} reviews)"
    )
    print(f"engine median: {engine_time * 1000:.1f} ms (analyse_round, calibrate=True)")
    print(f"bare median:   {bare_time * 1000:.1f} ms (sum of weight x score)")
    print(f"ratio:         {ratio:.2f}x (target <= {TARGET:g}x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
