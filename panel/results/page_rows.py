"""The results page's rows, one per application, written as markup once.

The ranked results page repeats four pieces of markup for every application: where it stands,
its bar in the chart, the chart's table row and its row of figures (500 applications: 2,500
rows). Drawn by the template, their expressions, escapes and macro calls were most of the
page's drawing (500 rows x 20 figures through filters and macros once took 130 ms), so they are
written here, every piece of user text escaped, and the template places them. The markup is
the template's own; each figure cell carries its column's name, as on a phone each row becomes
a labelled card, and the table's sort script reads numbers from the cells' text.
"""

from dataclasses import dataclass

from markupsafe import Markup, escape

import criteria
from panel.money import format_pence
from panel.results import words
from panel.results.charts import Distribution
from panel.results.services import AppRow, RoundResults, fmt

# A link to an application's results is made once with this id, then the real ids go in.
STAND_IN = "987654321"

TAG = '<strong class="tag tag--{}">{}</strong>'
AGREEMENT_TAGS = {
    words.AGREED: TAG.format("green", "Agreed"),
    words.SPLIT: TAG.format("red", "Split"),
    words.NEEDS_SCORES: TAG.format("yellow", "Needs more scores"),
}
SHORT_TAG = TAG.format("yellow", "Not enough scores")
SPLIT_TAG = TAG.format("red", "Panel disagreed")

STANDING = (
    '<li class="standing standing--{state}" data-standing="{reference}">\n'
    '    <h3 class="heading-s standing__title"><a class="link" href="{href}">{project}</a></h3>\n'
    '    <p class="body-s secondary-text standing__meta">{reference} · {organisation}</p>\n'
    "{funding}"
    '    <p class="body standing__agreement">{tag} {sentence}</p>\n'
    "  </li>\n"
)
FUNDING = '    <p class="body standing__funding"><strong>{}.</strong></p>\n'


def standing_items(standings: list[words.Standing], link: str) -> Markup:
    """Where each application stands, as the list's items; `link` holds STAND_IN for the id."""
    return Markup(  # noqa: S704  (every piece of user text is escaped here)
        "".join(
            STANDING.format(
                state="funded" if s.funded else "not-funded",
                reference=escape(s.reference),
                href=link.replace(STAND_IN, str(s.id)),
                project=escape(s.project),
                organisation=escape(s.organisation),
                funding=FUNDING.format(escape(s.funding)) if s.funding else "",
                tag=AGREEMENT_TAGS[s.agreement],
                sentence=escape(s.sentence),
            )
            for s in standings
        )
    )


BAR = (
    '<li class="bar-chart__row{funded}">\n'
    '      <span class="bar-chart__label">{label} <span class="bar-chart__reference">'
    "{reference}</span></span>\n"
    '      <span class="bar-chart__value">{value}{fits}</span>\n'
    '      <svg class="bar-chart__bar" width="100%" height="18" aria-hidden="true" '
    'focusable="false"><rect x="0" y="2" width="{percent}%" height="14"/></svg>\n'
    "    </li>\n"
)
LINE = '<li class="bar-chart__line"><span>Funding line: the budget runs out here</span></li>\n'
BAR_ROW = (
    '<tr><td class="table__cell" data-label="Application">{label} ({reference})</td>'
    '<td class="table__cell table__cell--numeric" data-label="Score">{value}</td>{budget}</tr>\n'
)
BUDGET = '<td class="table__cell" data-label="Budget">{}</td>'


@dataclass(frozen=True, slots=True)
class BarRows:
    """The bar chart's items (the funding line under the last one funded) and its table rows."""

    bars: Markup
    table: Markup


def bar_rows(chart: Distribution, *, with_budget: bool) -> BarRows:
    """The chart's bars and the same figures as table rows; `with_budget`: a Budget column."""
    bars, table = [], []
    for b in chart.bars:
        label, reference = escape(b.label), escape(b.reference)
        value = "–" if b.value is None else f"{b.value:.2f}"
        bars.append(
            BAR.format(
                funded=" bar-chart__row--funded" if b.funded else "",
                label=label,
                reference=reference,
                value=value,
                fits=" · fits the budget" if b.funded else "",
                percent=b.percent,
            )
        )
        if b.line_after:
            bars.append(LINE)
        budget = ""
        if with_budget:
            budget = BUDGET.format("Fits within the budget" if b.funded else "Does not fit")
        table.append(BAR_ROW.format(label=label, reference=reference, value=value, budget=budget))
    return BarRows(Markup("".join(bars)), Markup("".join(table)))  # noqa: S704  (escaped)


FIGURE_CELL = '<td class="table__cell table__cell--numeric" data-label="{}">{}</td>'
FIGURES_ROW = (
    "<tr>\n"
    '    <td class="table__cell table__cell--numeric" data-label="Rank">{rank}</td>\n'
    '    <td class="table__cell" data-label="Application"><a class="link" href="{href}">'
    '{reference}</a><br>{organisation}<br><span class="secondary-text">{project}</span></td>\n'
    '    <td class="table__cell table__cell--numeric" data-label="Asked for" '
    'data-value="{pence}">{amount}</td>\n'
    '    <td class="table__cell table__cell--numeric" data-label="Scores">{reviews}</td>\n'
    "    {figures}\n"
    '    <td class="table__cell" data-label="Notes">{notes}</td>\n'
    "  </tr>"
)
CRITERIA_ROW = (
    "<tr>\n"
    '    <td class="table__cell" data-label="Application">{reference}<br>'
    '<span class="secondary-text">{project}</span></td>\n'
    "    {means}\n"
    "  </tr>"
)


@dataclass(frozen=True, slots=True)
class TableRows:
    """The figures table's rows and the criterion means table's rows."""

    figures: Markup
    criteria: Markup


def table_rows(
    found: RoundResults, rows: list[tuple[criteria.ApplicationResult, AppRow]], link: str
) -> TableRows:
    """Both tables' rows in the order of `rows`, every figure formatted here once."""
    keys = [c.key for c in found.scored]
    calibrated = found.result.settings.calibrate  # engine_settings: calibrate, or rank by it
    labels = ["Mean", "Median", "SD", "Range", "Percent"] + (["Calibrated"] if calibrated else [])
    titles = [str(escape(c.title)) for c in found.scored]
    of_panel = f" of {found.panel_size}"
    figure_rows, criteria_rows = [], []
    for res, app in rows:
        figures = [fmt(res.mean), fmt(res.median), fmt(res.sd), fmt(res.range)]
        figures.append("–" if res.percent is None else f"{res.percent:.0f}%")
        if calibrated:
            figures.append(fmt(res.calibrated))
        means = [fmt(res.criterion_means.get(k)) for k in keys]
        reference, project = escape(app.reference), escape(app.project)
        figure_rows.append(
            FIGURES_ROW.format(
                rank="–" if res.rank is None else res.rank,
                href=link.replace(STAND_IN, str(app.id)),
                reference=reference,
                organisation=escape(app.organisation),
                project=project,
                pence=app.amount_requested_pence,
                amount=escape(format_pence(app.amount_requested_pence)),
                reviews=f"{res.n}{of_panel}",
                figures="".join(map(FIGURE_CELL.format, labels, figures)),
                notes=(SHORT_TAG if not res.meets_quorum else "")
                + (SPLIT_TAG if res.flagged else ""),
            )
        )
        criteria_rows.append(
            CRITERIA_ROW.format(
                reference=reference,
                project=project,
                means="".join(map(FIGURE_CELL.format, titles, means)),
            )
        )
    return TableRows(
        Markup("\n  ".join(figure_rows)),  # noqa: S704  (user text escaped above)
        Markup("\n  ".join(criteria_rows)),  # noqa: S704
    )
