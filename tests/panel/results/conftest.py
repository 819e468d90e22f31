"""Fixtures for the results tests: the worked panel of docs/scoring-method.md (tests/worlds.py)."""

from typing import Any

import pytest
from flask import Flask

from panel.models import User
from tests.worlds import gen_worked_round


@pytest.fixture
def worked(app: Flask, staff: User) -> dict[str, Any]:
    """The worked panel at the Panel meeting stage, references "A" to "F"."""
    return gen_worked_round(staff)
