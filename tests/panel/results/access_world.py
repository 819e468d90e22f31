"""Objects of the results area for the access tests: see tests/panel/test_access.py."""

from typing import Any

from tests.factories import gen_application, gen_export_job


def extras(world: dict[str, Any]) -> dict[str, Any]:
    """An eligible application in world["round"] for the results, meeting and decision pages."""
    app = gen_application(
        world["round"],
        900,
        reference="ACCESS-0900",
        organisation_name="Access Group",
        project_title="Access project",
    )
    job = gen_export_job(world["round"], world["staff"])
    # review_id and part name a panel comment for the feedback review (none need exist: the
    # access checks come before the lookup).
    return {
        "application_id": app.id,
        "job_id": job.id,
        "fmt": "csv",
        "review_id": 1,
        "part": "overall",
    }
