"""The scoring page tells panellists, by every comment box, how their comments may be used."""

import re

from flask.testing import FlaskClient

from tests.panel.scoring.conftest import ScoringWorld, sign_in_as

NOTE = "Comments may be shared with the applicant, without your name, after staff have read them."


def test_every_comment_box_says_comments_may_be_shared_without_the_panellists_name(
    client: FlaskClient, world: ScoringWorld
) -> None:
    sign_in_as(client, world.panellists[0])
    page = client.get(f"/rounds/{world.round.id}/scoring/{world.applications[0].id}").get_data(
        as_text=True
    )
    boxes = [f"comment_{c.id}" for c in world.criteria] + ["overall_comment"]
    for box in boxes:
        hint = re.search(rf'id="{box}-hint"[^>]*>([^<]*)<', page)
        assert hint is not None and hint.group(1).strip() == NOTE, box
        assert re.search(rf'<textarea[^>]*aria-describedby="[^"]*{box}-hint', page), box
