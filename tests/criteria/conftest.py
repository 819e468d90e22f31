"""Fixtures for the scoring engine's tests."""

from __future__ import annotations

import pytest

from tests.criteria.worked_panel import Panel, build_panel


@pytest.fixture
def panel() -> Panel:
    """The worked panel of docs/scoring-method.md."""
    return build_panel()
