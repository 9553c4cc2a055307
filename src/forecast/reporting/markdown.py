"""report.md and audit.md: the forecast and its audit trail as plain Markdown."""

from __future__ import annotations

from forecast.analysis.audit import StatementEntry
from forecast.analysis.forecastdoc import ForecastDocument
from forecast.fitting.claimfit import ClaimFields, probability_text
from forecast.inference.summary import StateSummary
from forecast.reporting.assesstext import assessment_markdown
from forecast.reporting.loopsections import seen_line, track_record_section, watchlist_table
from forecast.reporting.markdown_table import cell, table
from forecast.reporting.sections import readers_section, resolution_section
from forecast.reporting.wording import (
    claimed,
    estimate,
    frame_words,
    held_text,
    interval,
    pct,
    weighing_sentence,
)
from forecast.reporting.wording import value as value_of

LINKED_FIGURE = "scenarios"  # the one figure report.md shows, as PNG (the page has them all)


def _estimate_cell(o: StateSummary, error: float) -> str:
    """'12 % (6–19 %, ±1.0)': mean, 90 % interval, and the larger Monte Carlo standard error
    of its ends (`error`, from the document), in points."""
    return f"{pct(o['mean'])} ({interval(o['p05'], o['p95'])}, ±{100 * error:.1f})"


def _scenario_table(context: ForecastDocument) -> list[str]:
    rows, states = [], context.states
    for sc in context.results["scenarios"]:
        conditions = [f"{k}={v}" for k, v in sc["given"].items()]
        conditions += [f"do({k}={v})" for k, v in sc["do"].items()]
        errors = context.interval_errors[sc["id"]]
        values = [_estimate_cell(sc["outcome"][s], errors[s]) for s in states]
        rows.append([cell(sc["title"]), cell(", ".join(conditions) or "none"), *values])
    return table(["Scenario", "Conditions", *states], rows)


def _claim_cells(row: ClaimFields, value: float) -> str:
    """The cells a claim row shares in every table: what it is about, what it says, and
    the value it is held against (`value`)."""
    return f"{cell(probability_text(row))} | {cell(claimed(row))} | {value_of(row, value)}"


def holdout_table(context: ForecastDocument) -> list[str]:
    """Each source left out: its claims beside the point value the others imply."""
    rows = []
    for r in context.holdout:
        verdict = "coherent" if r["coherent"] else f"{r['miss_points']:+.1f} points away"
        rows.append([cell(r["source"]), cell(r["id"]), _claim_cells(r, r["others"]), verdict])
    head = ["Source", "Claim", "Probability", "Source says", "The others give", "Verdict"]
    return [context.holdout_sentence, "", *table(head, rows)]


def fit_table(context: ForecastDocument) -> list[str]:
    """Every claim's value under the point network beside its range, misses first."""
    rows = []
    for r in context.fit:
        verdict = (
            "honoured"
            if r["honoured"]
            else f"misses by {r['miss_points']:+.1f} points: {cell(held_text(r))}"
        )
        rows.append([cell(r["id"]), cell(r["source"]), _claim_cells(r, r["fitted"]), verdict])
    return table(["Claim", "Source", "Probability", "Claimed", "Model", "Verdict"], rows)


def pulls_table(context: ForecastDocument) -> list[str]:
    """The claims that pull against each other."""
    if not context.pulls:
        return ["No two claims pull against each other by more than a tenth of a point."]
    rows = [
        [
            cell(p["claim"]),
            cell(p["dropped"]),
            f"{p['miss_points']:+.1f} points",
            f"{p['miss_without']:+.1f} points",
        ]
        for p in context.pulls
    ]
    return [
        "Each missed claim beside the claim whose removal most reduces its miss.",
        "",
        *table(["Missed claim", "Pulled by", "Miss", "Miss without it"], rows),
    ]


def decides_table(context: ForecastDocument) -> list[str]:
    """The baseline without the whole-question statements, and each driver prior's swing."""
    d = context.decides
    states = context.states

    def cells(outcome: dict[str, float]) -> list[str]:
        return [pct(outcome[s]) for s in states]

    rows = [
        ["The full fit", *cells(d["full"])],
        [
            f"Without the {len(d['forecasts'])} whole-question statements",
            *cells(d["without_forecasts"]),
        ],
        [
            f"Them held against {frame_words(d['other'])} (`{d['other']}`)",
            *cells(d["with_other"]),
        ],
    ]
    for w in d["priors"]:
        origin = "analyst assumption" if w["assumption"] else "claim"
        what = f"`{w['statement']}` ({origin}) at {pct(w['low'])} / {pct(w['high'])}"
        rows.append([what, *(f"{pct(w['at_low'][s])} / {pct(w['at_high'][s])}" for s in states)])
        rows.append(
            [
                "the same, without the whole-question statements",
                *(f"{pct(w['alone_low'][s])} / {pct(w['alone_high'][s])}" for s in states),
            ]
        )
    return [
        "The point network's baseline without the observations (the claims speak of the "
        "model), refitted: without the sources' levels on the whole question (no condition), "
        "and with each statement on a driver's prior held at the low and the high end of its "
        "range. When the whole-question statements are in, the drivers' effects absorb what "
        f"the priors say. The whole-question statements are held against "
        f"{frame_words(d['against'])} (`settings.forecasts_against: {d['against']}`); the "
        "third row is the other setting.",
        "",
        *table(["Fit", *(cell(s) for s in states)], rows),
    ]


def steps_table(context: ForecastDocument) -> list[str]:
    """How much each newly added source moved and narrowed the baseline, and why."""
    steps = context.steps
    if not steps:
        return ["All the evidence carries one date: there is no earlier forecast to compare."]
    states = context.states
    head = ["Date", "Added", *(f"{cell(s)}: moved / narrowed" for s in states), "Why"]
    rows = []
    for step in steps:
        cells = [f"{step.moved[s]:+.1f} / {step.narrowed[s]:+.1f}" for s in states]
        added = ", ".join(step.added)
        rows.append([str(step.date), cell(added), *cells, cell(context.why[added])])
    return [
        "The baseline recomputed as the evidence came in, with the same seed each time and "
        f"at each date the fewest draws (at most {context.history_draws:,}) that hold every "
        f"interval end within a point (here within ±{100 * context.history_error:.1f}): "
        "how far each newly added source moved each state's mean and narrowed its 90 % "
        "interval, in points (a negative narrowing is a widening).",
        "",
        *table(head, rows),
    ]


def _shift(shift: dict[str, float]) -> str:
    return ", ".join(f"{s} {100 * v:+.1f}" for s, v in shift.items())


def influence_table(context: ForecastDocument, limit: int | None = None) -> list[str]:
    rows = [
        [cell(inf.what), cell(inf.source), cell(inf.column), _shift(inf.shift)]
        for inf in context.influence[:limit]
    ]
    return [
        "Change in the baseline forecast (percentage points) if the claim were left out.",
        "",
        *table(["Claim", "Source", "Column", "Shift without it"], rows),
    ]


def retraction_list(context: ForecastDocument) -> list[str]:
    if not context.retracted:
        return ["No claim or source is retracted."]
    lines = []
    for inf in context.retracted:
        statement = context.retracted_statements[inf.what]
        lines.append(
            f"- `{inf.what}` ({cell(inf.column)}), retracted {cell(statement.retraction)}; "
            f"it used to move the baseline by {_shift(inf.shift)} points"
        )
    return lines


def coverage_table(context: ForecastDocument) -> list[str]:
    rows = [
        [
            cell(row.column.label()),
            str(row.claims),
            cell(", ".join(row.sources)) or "—",
            cell(row.assumption or "—"),
        ]
        for row in context.coverage
    ]
    return table(["Parameter", "Claims", "Sources", "Assumption"], rows)


def changes_section(context: ForecastDocument) -> list[str]:
    changes = context.changes
    if changes is None:
        return ["No previous report in this folder to compare with."]
    if not changes.any:
        return ["Nothing changed since the previous report."]
    rows = [
        [cell(row["title"]), _shift(row["shift"]) if row["shift"] is not None else "new scenario"]
        for row in changes.shifts
    ]
    lines = [*table(["Scenario", "Change in mean (percentage points)"], rows), ""]
    for label, ids in (
        ("Claims added", changes.added),
        ("Claims removed", changes.removed),
        ("Claims retracted", changes.retracted),
    ):
        lines.append(f"- {label}: " + (", ".join(f"`{i}`" for i in ids) if ids else "none"))
    return lines


def age_table(context: ForecastDocument) -> list[str]:
    """The newest evidence behind each node, stale nodes flagged."""
    as_of = context.results["as_of"]
    rows = [
        (
            f"`{row['node']}`",
            row["newest"] or "none cited",
            f"`{row['source']}`" if row["source"] else "",
            f"{row['age_years']:.1f}" if row["age_years"] is not None else "",
            "**older than two years**" if row["stale"] else "",
        )
        for row in context.evidence_age
    ]
    head = ("node", "newest evidence", "source", f"years before {as_of}", "")
    return table(head, rows)


def report_markdown(context: ForecastDocument) -> str:
    """The analyst's summary: headline, scenarios, coherence, assumptions, sources."""
    doc = context.results
    lines = [
        f"# {cell(context.title)}",
        "",
        f"**Question.** {cell(doc['question'])}",
        "",
        f"**Horizon.** {cell(context.horizon_label)} ({doc['horizon']}). "
        f"{cell(context.horizon_reason)}",
        "",
        f"As of {doc['as_of']}. {context.assessment.newest_evidence} (by node: see "
        f"'How old the evidence is'). {doc['draws']} draws, seed {doc['seed']}; yardstick "
        f"{context.yardstick_name}; {doc['pooling']} pooling; the interval ends carry a Monte "
        f"Carlo error of at most {100 * doc['monte_carlo_error']:.2f} points.",
        "",
        *assessment_markdown(context.assessment, cell),
        "",
        "## Baseline forecast",
        "",
    ]
    lines += [f"- **{cell(row['label'])}**: {estimate(row)}" for row in context.headline]
    lines += [
        "",
        "## Scenarios",
        "",
        "Mean of the draws with the 90 % interval (5th–95th percentile) in brackets, and the "
        "Monte Carlo standard error of the interval's ends in points (more draws shrink it).",
        "",
        *_scenario_table(context),
        "",
        f"![Scenario probabilities](figures/{LINKED_FIGURE}.png)",
        "",
    ]
    for sc in context.scenarios:
        lines += [f"- **{cell(sc.title)}** (`{sc.id}`): {cell(sc.narrative)}"]
    lines += ["", *seen_line(context)]
    lines += ["", "## What would change the forecast", "", *watchlist_table(context)]
    lines += ["", *track_record_section(context)]
    lines += ["", "## Coherence: each source against the others", "", *holdout_table(context)]
    lines += ["", "## Readers: who read the sources, and where they differ", ""]
    lines += readers_section(context)
    lines += ["", "## How the states resolve", "", *resolution_section(context)]
    lines += ["", "## What decides the baseline", "", *decides_table(context)]
    lines += ["", "## What each new source did", "", *steps_table(context)]
    lines += ["", "## What changed since the previous report", "", *changes_section(context)]
    lines += ["", "## The claims that carry the forecast", "", *influence_table(context, 10)]
    lines += ["", "## Retracted evidence", "", *retraction_list(context)]
    lines += ["", "## How old the evidence is", "", *age_table(context)]
    lines += ["", "## Uncited analyst assumptions", ""]
    for a in context.assumptions:
        column = a.column.label() if a.column is not None else ""
        lines.append(
            f"- `{a.id}` — {cell(column)}, P({cell(a.state)}) = {cell(a.stated)} "
            f"({interval(a.low, a.high)}): {cell(a.note)}"
        )
    if not context.assumptions:
        lines.append("None: every parameter is cited.")
    lines += [
        "",
        "## Sources",
        "",
    ]
    lines += table(
        ["Id", "Title", "Date", "Reliability", "Claims"],
        (
            [
                cell(s["id"]),
                cell(s["title"]),
                f"{s['date']} ({s['date_basis']})",
                f"{s['grade']} ({cell(s['grade_meaning'])})",
                str(s["claims"]),
            ]
            for s in context.sources
        ),
    )
    lines += ["", "The full audit trail, down to each quote, is in [audit.md](audit.md).", ""]
    return "\n".join(lines)


def _statement_lines(st: StatementEntry, heading: str | None) -> list[str]:
    """A statement of the audit trail: what it says, who says it, its quote and note; a
    column statement with its share of the pool, a query statement under its `heading`."""
    who = (
        f"source `{st.get('source')}` (grade {st.get('source_grade')}), credibility "
        f"{st.get('credibility')}"
        if st["cited"]
        else "**uncited analyst assumption**"
    )
    about = f"{cell(heading)}: " if heading is not None else ""
    share = f", share {pct(st['share'])}" if heading is None else ""
    lines = [
        f"- **`{st['id']}`** — {about}{cell(st['state'])}, {cell(claimed(st))}; "
        f"{who}; weight {st['weight']:.3f}{share}"
    ]
    if st["cited"]:
        lines.append(f"  > {cell(st.get('quote', ''))}")
    return [*lines, f"  *Note:* {cell(st['note'])}", ""]


def audit_markdown(context: ForecastDocument) -> str:
    """Every node, every parameter column, every statement with its quote and note."""
    lines = ["# Audit trail", "", f"{cell(context.results['question'])}", ""]
    lines += ["## Coherence: each source against the others", "", *holdout_table(context), ""]
    lines += ["## How the model fits each claim", "", *fit_table(context), ""]
    lines += ["## Claims that pull against each other", "", *pulls_table(context)]
    lines += ["", "## Influence of each claim", "", *influence_table(context), ""]
    lines += ["## Retracted evidence", "", *retraction_list(context), ""]
    lines += ["## Coverage of every parameter", "", *coverage_table(context), ""]
    if context.audit:
        lines += [weighing_sentence(context.audit[0]["weighing"]), ""]
    for node in context.audit:
        lines += [f"## {cell(node['label'])} (`{node['node']}`)", "", cell(node["description"]), ""]
        if node["parents"]:
            lines += [
                f"Parents: {cell(', '.join(node['parents']))}; baseline state `{node['baseline']}`.",
                "",
            ]
        for col in node["columns"]:
            fitted = ", ".join(f"{cell(s)} {pct(v)}" for s, v in col["fitted"].items())
            lines += [f"### {cell(col['column'])} ({cell(col['kind'])}): fitted {fitted}", ""]
            for st in col["statements"]:
                lines += _statement_lines(st, None)
        if node["queries"]:
            lines += [f"### Other claims about `{node['node']}` (levels and pushes)", ""]
        for query in node["queries"]:
            lines += _statement_lines(query, query["about"])
        if node["table"]:
            lines += ["<details><summary>Every column of the table</summary>", ""]
            states = node["states"]
            lines += ["| " + " | ".join(node["parents"]) + " | " + " | ".join(states) + " | from |"]
            lines += ["|" + "---|" * (len(node["parents"]) + len(states) + 1)]
            for row in node["table"]:
                lines.append(
                    "| "
                    + " | ".join(row["given"][p] for p in node["parents"])
                    + " | "
                    + " | ".join(f"{row['values'][s]:.3f}" for s in states)
                    + f" | {cell(row['from'])} |"
                )
            lines += ["", "</details>", ""]
    return "\n".join(lines)
