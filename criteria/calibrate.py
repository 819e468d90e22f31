"""Harsh and lenient scorers: z-score calibration, shown beside the raw figures."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from math import fsum, sqrt

from criteria.aggregate import moments
from criteria.model import Calibration, PanellistStats


def calibrate(scores: Iterable[tuple[str, str, float]]) -> Calibration:
    """G + g*mean(z) per application from (application, panellist, sheet); z=0 if s_r=0 or n_r<2."""
    by_panellist: dict[str, list[tuple[str, float]]] = defaultdict(list)
    everything: list[float] = []
    for application, panellist, score in scores:
        by_panellist[panellist].append((application, score))
        everything.append(score)
    return calibrate_grouped(by_panellist, everything)


def calibrate_grouped(
    by_panellist: Mapping[str, Sequence[tuple[str, float]]],
    everything: Sequence[float],
    *,
    z_scores: bool = True,
) -> Calibration:
    """calibrate() on scores grouped by panellist; z_scores=False gives panellist figures only."""
    n, total, squares = moments(everything)
    grand_mean = total / n if n else None
    grand_sd = sqrt(squares / (n - 1)) if n > 1 else None
    z_by_application: dict[str, list[float]] = defaultdict(list)
    stats: list[PanellistStats] = []
    for panellist in sorted(by_panellist):
        rows = by_panellist[panellist]
        m, own_total, own_squares = moments([score for _, score in rows])
        mean = own_total / m
        sd = sqrt(own_squares / (m - 1)) if m > 1 else None
        stats.append(PanellistStats(panellist=panellist, n=m, mean=mean, sd=sd))
        if not z_scores:
            continue
        if sd is None or sd == 0:
            for application, _ in rows:
                z_by_application[application].append(0.0)
        else:
            for application, score in rows:
                z_by_application[application].append((score - mean) / sd)
    mean_z = {app: fsum(zs) / len(zs) for app, zs in z_by_application.items()}
    centre = grand_mean if grand_mean is not None else 0.0
    spread = grand_sd if grand_sd is not None else 0.0
    return Calibration(
        calibrated={app: centre + spread * z for app, z in mean_z.items()},
        mean_z=mean_z,
        panellists=tuple(stats),
        grand_mean=grand_mean,
        grand_sd=grand_sd,
    )
