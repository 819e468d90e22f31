"""Exports of a round: rows from the database, then a writer (xlsx, csv, 360Giving, feedback).

The package, module by module:
- `options`: the formats, their file names, the options staff choose and ExportError;
- `spreadsheet`: the writer (typed cells, write-only xlsx, CSV; user text is never a formula);
- `names`, `sheets`, `about`: the results workbook's sheets;
- `giving`: 360Giving (spreadsheet and JSON package);
- `feedback`: one row per application for a mail merge;
- `make`: an export written to a file, with progress;
- `jobs`: large exports made in a background thread;
- `verify`: an exported workbook's Summary recomputed from its own sheets;
- `views`: the export pages and downloads (staff only), with their routes.

What other code needs is importable from the package itself (`from panel.results import
exports as ex`; `ex.write_export(...)`). The views are not: `panel.results` imports them to add
their routes.
"""

from panel.results.exports.about import (
    ABOUT_CALIBRATE,
    ABOUT_MIN_PERCENT,
    ABOUT_POLICY,
    ABOUT_QUORUM,
    ABOUT_RANGE_FLAG,
    ABOUT_RANK_BY,
    ABOUT_SCALE_MAX,
    ABOUT_SCALE_MIN,
    ABOUT_SD_FLAG,
    about_sheet,
)
from panel.results.exports.feedback import feedback_sheet
from panel.results.exports.giving import (
    GRANTS_HEADERS,
    giving_package,
    grants_sheet,
    recipient_org_id,
)
from panel.results.exports.make import estimated_rows, score_count, write_export
from panel.results.exports.names import Names, criterion_titles
from panel.results.exports.options import (
    COMMENT_CHOICES,
    FORMAT_LABELS,
    FORMATS,
    ExportError,
    ExportOptions,
    export_filename,
)
from panel.results.exports.sheets import (
    SCORES_HEADERS,
    SUMMARY_FIXED,
    conflicts_sheet,
    criteria_sheet,
    decisions_sheet,
    flag_text,
    reviews_sheet,
    scores_sheet,
    summary_sheet,
)
from panel.results.exports.spreadsheet import (
    CELL_LIMIT,
    RISKY_STARTS,
    Column,
    Sheet,
    XlsxWriter,
    clean,
    csv_safe,
    write_csv,
)

__all__ = [
    "ABOUT_CALIBRATE",
    "ABOUT_MIN_PERCENT",
    "ABOUT_POLICY",
    "ABOUT_QUORUM",
    "ABOUT_RANGE_FLAG",
    "ABOUT_RANK_BY",
    "ABOUT_SCALE_MAX",
    "ABOUT_SCALE_MIN",
    "ABOUT_SD_FLAG",
    "CELL_LIMIT",
    "COMMENT_CHOICES",
    "FORMATS",
    "FORMAT_LABELS",
    "GRANTS_HEADERS",
    "RISKY_STARTS",
    "SCORES_HEADERS",
    "SUMMARY_FIXED",
    "Column",
    "ExportError",
    "ExportOptions",
    "Names",
    "Sheet",
    "XlsxWriter",
    "about_sheet",
    "clean",
    "conflicts_sheet",
    "criteria_sheet",
    "criterion_titles",
    "csv_safe",
    "decisions_sheet",
    "estimated_rows",
    "export_filename",
    "feedback_sheet",
    "flag_text",
    "giving_package",
    "grants_sheet",
    "recipient_org_id",
    "reviews_sheet",
    "score_count",
    "scores_sheet",
    "summary_sheet",
    "write_csv",
    "write_export",
]
