"""Report sections in Markdown on how the states resolve and on the readers."""

from __future__ import annotations

from forecast.analysis.forecastdoc import ForecastDocument
from forecast.reporting.markdown_table import cell, table


def _pct(value: float) -> str:
    return f"{100 * value:.1f}"


def resolution_section(context: ForecastDocument) -> list[str]:
    """Precedence, defined terms and the worked edge cases."""
    res = context.resolution
    lines = [
        f"- `{p['node']}`: where two states could hold at once, the first of "
        + " > ".join(f"`{s}`" for s in p["states"])
        + " that holds wins."
        for p in res["precedence"]
    ]
    lines += ["", "Defined terms:", ""]
    lines += [f"- **{cell(d['term'])}**: {cell(d['meaning'])}" for d in res["definitions"]]
    lines += ["", "Edge cases:", ""]
    rows = [
        (
            cell(c["case"]),
            ", ".join(f"`{n}` = `{s}`" for n, s in c["resolves"].items()),
            cell(c["reason"]),
        )
        for c in res["edge_cases"]
    ]
    return lines + table(("case", "resolves as", "why"), rows)


def readers_section(context: ForecastDocument) -> list[str]:
    """Who read the sources, the baseline each alone would give, the part of the interval
    their disagreement brings, and the effects they claim."""
    doc = context.by_reader
    lines = [f"- `{r['id']}`: {cell(r['role'])}, read {r['read_on']}" for r in context.readers]
    states = list(doc["baselines"][0]["outcome"]) if doc["baselines"] else []
    rows = [
        (
            cell(b["reader"]),
            str(b["claims"]),
            *(
                f"{_pct(b['outcome'][s]['mean'])} % ({_pct(b['outcome'][s]['p05'])}–"
                f"{_pct(b['outcome'][s]['p95'])})"
                for s in states
            ),
            f"{b['draws']:,} (±{_pct(b['monte_carlo_error'])})",
        )
        for b in doc["baselines"]
    ]
    lines += ["", "The baseline as each reader alone would have it:", ""]
    lines += table(("reader", "claims", *states, "draws (Monte Carlo error, points)"), rows)
    lines += ["", "Width of the baseline's 90 % interval, in points:", ""]
    lines += table(
        (
            "state",
            "readers resampled",
            "readers' shares fixed",
            "from their disagreement",
            "Monte Carlo error of an end",
        ),
        (
            (
                d["state"],
                _pct(d["width"]),
                f"{_pct(d['width_readers_fixed'])} ({d['draws_readers_fixed']:,} draws)",
                f"{100 * d['share']:.0f} %",
                f"±{_pct(d['monte_carlo_error'])}",
            )
            for d in doc["disagreement"]
        ),
    )
    lines += ["", "Effects some reader claims, fitted in each reader's own network:", ""]
    effect_rows = []
    for e in doc["effects"]:
        where = e["where"]
        ratios = "; ".join(
            f"{r}: ×{x:.2f} ({e['direction'][r]})" for r, x in e["fitted_odds_ratio"].items()
        )
        verdict = e["verdict"] if e["agree_on_direction"] else f"**{e['verdict']}**"
        effect_rows.append(
            (
                f"`{e['node']}={e['state']}` given {cell(where)}",
                ratios,
                verdict,
                ", ".join(e["claimed_by"]),
            )
        )
    return lines + table(("effect", "fitted odds ratio", "readers", "claimed by"), effect_rows)
