"""Objects of the co-production area for the access tests: see tests/panel/test_access.py."""

from typing import Any

from tests.factories import gen_entry, gen_expense, gen_meeting


def extras(world: dict[str, Any]) -> dict[str, Any]:
    """An entry and an expense claim of the round's panellist, and a meeting of the round."""
    entry = gen_entry(world["panellist"], round_=world["round"], note="Pat's own workshop")
    expense = gen_expense(world["panellist"], round_=world["round"])
    meeting = gen_meeting(world["round"])
    return {"entry_id": entry.id, "expense_id": expense.id, "meeting_id": meeting.id}
