"""What an export can be: its formats, file names, the options staff choose, and its error."""

import re
from dataclasses import dataclass

from panel.models import FundingRound

# What each format makes: (file name suffix, MIME type).
FORMATS: dict[str, tuple[str, str]] = {
    "xlsx": (
        "results.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "csv": ("summary.csv", "text/csv; charset=utf-8"),
    "scores-csv": ("scores.csv", "text/csv; charset=utf-8"),
    "360giving": (
        "360giving.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "360giving-json": ("360giving.json", "application/json"),
    "feedback": (
        "feedback.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
}

FORMAT_LABELS = {
    "xlsx": "Full results workbook (xlsx)",
    "csv": "Summary only (csv)",
    "scores-csv": "Every score (csv, one row per score)",
    "360giving": "360Giving spreadsheet of awarded grants (xlsx)",
    "360giving-json": "360Giving data package of awarded grants (JSON)",
    "feedback": "Feedback for applicants (xlsx, one row per application)",
}

COMMENT_CHOICES = ("criterion", "overall")


class ExportError(ValueError):
    """An export that cannot be made; the message says why in plain words."""


@dataclass
class ExportOptions:
    """What staff chose: the format, whether to hide names, which comments to pass on."""

    fmt: str
    anonymise: bool = False
    comments: tuple[str, ...] = COMMENT_CHOICES


def export_filename(round_: FundingRound, fmt: str, *, anonymise: bool = False) -> str:
    """A safe file name: the round's slug, what it is, and whether names were removed."""
    suffix = FORMATS[fmt][0]
    stem, ext = suffix.rsplit(".", 1)
    slug = re.sub(r"[^a-z0-9-]+", "-", round_.slug.lower()).strip("-") or f"round-{round_.id}"
    return f"{slug}-{stem}{'-anonymised' if anonymise else ''}.{ext}"


# ExportJob.format holds the variant: the format, and for feedback which comments go out.
FEEDBACK_VARIANTS = {
    "feedback": ("criterion", "overall"),
    "feedback-criterion": ("criterion",),
    "feedback-overall": ("overall",),
    "feedback-none": (),
}


def variant(options: ExportOptions) -> str:
    """The short text stored in ExportJob.format for these options."""
    if options.fmt != "feedback":
        return options.fmt
    for name, comments in FEEDBACK_VARIANTS.items():
        if set(comments) == set(options.comments):
            return name
    return "feedback"
