"""Fixtures for the co-production tests: the demo fund, seeded as `seed-demo` makes it."""

import pytest
from flask import Flask

from panel.extensions import db
from panel.models import FundingRound


@pytest.fixture
def spring(app: Flask) -> FundingRound:
    """The demo (panel/demo.py) with its spring-demo round, which carries a full record."""
    from panel.demo import seed

    seed()
    db.session.commit()
    return db.session.execute(
        db.select(FundingRound).where(FundingRound.slug == "spring-demo")
    ).scalar_one()
