"""Form data for the codesign tests; proposals themselves come from tests/factories.py."""

from typing import Any


def form_data(title: str = "Brings neighbours together", kind: str = "scored", **extra: Any):  # type: ignore[no-untyped-def]
    """What the propose/edit form posts for a 0-5 scale."""
    data = {
        "title": title,
        "description": f"What “{title}” means in plain words.",
        "why": "Because it matters to us.",
        "kind": kind,
    }
    for n in range(0, 6):
        data[f"level_{n}"] = f"{title}: what a {n} looks like"
    data.update(extra)
    return data
