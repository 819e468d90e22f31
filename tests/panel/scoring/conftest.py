"""Fixtures for the scoring tests: a round that is open for scoring (tests/worlds.py)."""

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from panel.models import User
from tests.conftest import AuthActions
from tests.worlds import ScoringWorld, gen_scoring_world, score_data

__all__ = ["ScoringWorld", "score_data", "sign_in_as"]


@pytest.fixture
def make_scoring_round(app: Flask, staff: User) -> Callable[..., ScoringWorld]:
    """worlds.gen_scoring_world for the `staff` fixture's Sam."""

    def make(**values: Any) -> ScoringWorld:
        return gen_scoring_world(staff, **values)

    return make


@pytest.fixture
def world(make_scoring_round: Callable[..., ScoringWorld]) -> ScoringWorld:
    """A round at Scoring: three panellists, three criteria, three eligible applications."""
    return make_scoring_round()


def sign_in_as(client: Any, user: User) -> None:
    """Sign out whoever is signed in, then sign in as `user`."""
    actions = AuthActions(client)
    actions.logout()
    response = actions.login(user)
    assert response.status_code == 302, "sign-in failed"
