"""Factories for the codesign tests: proposals, shortlists, shares and adopted rubrics."""

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from panel.codesign import services
from panel.extensions import db
from panel.models import Criterion, FundingRound, User


def wording(title: str = "Brings neighbours together", kind: str = "scored", **extra: Any) -> Any:
    """A complete wording for a 0-5 scale."""
    values: dict[str, Any] = {
        "title": title,
        "description": f"What “{title}” means in plain words.",
        "why": "Because it matters to us.",
        "kind": kind,
        "descriptors": {str(n): f"{title}: what a {n} looks like" for n in range(0, 11)},
    }
    values.update(extra)
    return services.Wording(**values)


def form_data(title: str = "Brings neighbours together", kind: str = "scored", **extra: Any):  # type: ignore[no-untyped-def]
    """What the propose/edit form posts for a 0-5 scale."""
    data = {
        "title": title,
        "description": f"What “{title}” means in plain words.",
        "why": "Because it matters to us.",
        "kind": kind,
    }
    for n in range(0, 6):
        data[f"level_{n}"] = f"{title}: what a {n} looks like"
    data.update(extra)
    return data


def gen_criterion(
    round_: FundingRound,
    actor: User,
    title: str = "Brings neighbours together",
    kind: str = "scored",
    shortlisted: bool = False,
) -> Criterion:
    criterion = services.propose(round_=round_, wording=wording(title, kind), actor=actor)
    criterion.shortlisted = shortlisted
    db.session.commit()
    return criterion


@pytest.fixture
def make_criterion(app: Flask) -> Callable[..., Criterion]:
    return gen_criterion
