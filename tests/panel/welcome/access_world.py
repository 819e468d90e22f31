"""Objects of the welcome area for the access tests: see tests/panel/test_access.py."""

from typing import Any

from tests.factories import gen_join_request


def extras(world: dict[str, Any]) -> dict[str, Any]:
    """A request to join in, waiting for staff."""
    return {"request_id": gen_join_request(name="Access Test Joiner").id}
