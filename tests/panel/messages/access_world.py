"""Objects of the outbox for the access tests: see tests/panel/test_access.py."""

from typing import Any

from tests.factories import gen_message


def extras(world: dict[str, Any]) -> dict[str, Any]:
    """A message held in the outbox."""
    return {"message_id": gen_message(to=world["panellist"]).id, "kind": "reminder"}
