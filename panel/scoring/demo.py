"""Demo data for the scoring area: see panel.demo.DEMO_STEPS."""

from panel.demo import Demo


def add_demo(demo: Demo) -> None:
    """Add this area's part of the demo."""
