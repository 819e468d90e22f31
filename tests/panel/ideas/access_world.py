"""Objects of the ideas area for the access tests: see tests/panel/test_access.py."""

from typing import Any

from tests.factories import gen_idea, gen_idea_comment


def extras(world: dict[str, Any]) -> dict[str, Any]:
    """An idea the round's panellist posted, with a comment from the resident on no panel."""
    idea = gen_idea(world["panellist"], title="Access test idea")
    comment = gen_idea_comment(idea, world["outsider"], body="An access test comment")
    return {"idea_id": idea.id, "idea_comment_id": comment.id}
