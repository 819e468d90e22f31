"""Objects of the scoring area for the access tests: see tests/panel/test_access.py."""

from typing import Any


def extras(world: dict[str, Any]) -> dict[str, Any]:
    """Create this area's objects in world["round"]; return a value for each URL argument."""
    return {}
