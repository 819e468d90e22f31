"""Objects of the fund settings for the access tests: see tests/panel/test_access.py."""

from typing import Any


def extras(world: dict[str, Any]) -> dict[str, Any]:
    """The fund's settings take no URL arguments."""
    return {}
