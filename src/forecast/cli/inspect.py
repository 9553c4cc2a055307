"""The audit command: numbers traced to quotes, the fit and the holdout."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

from forecast.base.stablejson import dumps

if TYPE_CHECKING:
    from forecast.analysis.audit import ClaimAudit, NodeAudit, SourceAudit, StatementEntry
    from forecast.fitting.cpt import Tables
    from forecast.inputs.domain import Study
from forecast.cli.common import (
    load_study,
    main,
    root_option,
)


def _print_statement(st: StatementEntry, retraction: str | None = None) -> None:
    origin = (
        f"{st['source']} (grade {st['source_grade']}, credibility {st['credibility']})"
        if st["cited"]
        else "UNCITED analyst assumption"
    )
    from forecast.reporting.wording import claimed

    click.echo(
        f"  - {st['id']}: {st['state']}: {claimed(st)}, {origin}, "
        f"weight {st['weight']:.3f}"
        + ("" if "about" in st else f", share {100 * st['share']:.0f} %")
    )
    if retraction:
        click.echo(f"      RETRACTED {retraction}")
    if st["cited"]:
        before, after = st.get("before", ""), st.get("after", "")
        click.echo(f"      before: ...{before}" if before else "      (the text starts here)")
        click.echo(f'      "{st["quote"]}"')
        click.echo(f"      after: {after}..." if after else "      (the text ends here)")
    click.echo(f"      note: {st['note']}")


def _shift_text(shift: dict[str, float] | None) -> str:
    if not shift:
        return "nothing"
    return ", ".join(f"{s} {100 * v:+.1f} pts" for s, v in shift.items())


def _print_fit(study: Study, tables: Tables, as_json: bool) -> None:
    from forecast.analysis.pulls import held_fit_rows
    from forecast.fitting.claimfit import probability_text
    from forecast.reporting.wording import claimed, held_text, value

    rows = held_fit_rows(study, tables)
    if as_json:
        click.echo(dumps({"schema_version": 1, "claims": rows}), nl=False)
        return
    misses = sum(1 for r in rows if not r["honoured"])
    click.echo(f"{len(rows)} claims, {misses} missed by the point network (misses first)")
    for r in rows:
        verdict = "honoured" if r["honoured"] else f"misses by {r['miss_points']:+.1f} points"
        if r.get("wrong_way"):
            verdict += ", THE WRONG WAY ROUND"
        click.echo(
            f"{r['id']:<40} {probability_text(r)} = {value(r, r['fitted'])}, "
            f"claimed {claimed(r)}: {verdict}"
        )
        if not r["honoured"]:
            click.echo(f"    {held_text(r)}")


def _print_holdout(study: Study, as_json: bool) -> None:
    from forecast.analysis.holdout import (
        holdout_rows,
        holdout_summary,
        source_fits,
        summary_sentence,
    )
    from forecast.fitting.claimfit import probability_text
    from forecast.reporting.wording import claimed, value

    fits = source_fits(study)
    rows = holdout_rows(study, fits)
    summary = holdout_summary(study, rows, fits)
    if as_json:
        doc = {"claims": rows, **summary}
        click.echo(dumps(doc), nl=False)
        return
    for r in rows:
        verdict = "coherent" if r["coherent"] else f"others {r['miss_points']:+.1f} points away"
        click.echo(
            f"{r['source']:<16} {r['id']:<40} {probability_text(r)} claimed "
            f"{claimed(r)}, the others give {value(r, r['others'])}: {verdict}"
        )
    click.echo("\n" + summary_sentence(summary, len(study.sources)))


@main.command()
@root_option
@click.argument("node", required=False)
@click.option("--source", "source_id", default=None, help="Audit one source: what it feeds.")
@click.option("--claim", "claim_id", default=None, help="Audit one claim.")
@click.option(
    "--fit", "fit", is_flag=True, help="Every claim's value under the model beside its range."
)
@click.option(
    "--holdout",
    "holdout",
    is_flag=True,
    help="Leave each source out: each of its claims beside what the other sources imply.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def audit(
    root: Path,
    node: str | None,
    source_id: str | None,
    claim_id: str | None,
    fit: bool,
    holdout: bool,
    as_json: bool,
) -> None:
    """Trace numbers to quotes: NODE (default: the outcome), --source, --claim, --fit, --holdout.

    \b
    audit NODE         every CPT column and parent effect, the claims pooled into it,
                       their weights, shares, quotes and notes; assumptions flagged
    audit --source ID  every parameter that source feeds and what leaving it out moves
    audit --claim ID   one claim, its share of its column and its influence
    audit --fit        every claim's value under the point network beside its range,
                       the misses first (retracted claims left out)
    audit --holdout    leave each source out: each of its claims beside the point value
                       the other sources imply; coherent only when inside its range
    """
    from forecast.analysis.audit import audit_claim, audit_node, audit_source
    from forecast.base.suggest import did_you_mean
    from forecast.fitting.cpt import build_tables

    if sum(x is not None for x in (node, source_id, claim_id)) + fit + holdout > 1:
        raise click.UsageError("give one of NODE, --source, --claim, --fit or --holdout")
    study = load_study(root)
    if holdout:
        _print_holdout(study, as_json)
        return
    tables = build_tables(study)
    if fit:
        _print_fit(study, tables, as_json)
        return
    if source_id is not None:
        ids = [s.id for s in study.sources]
        if source_id not in ids:
            raise click.BadParameter(did_you_mean(source_id, ids, "sources"), param_hint="--source")
        _show(audit_source(study, tables, source_id), _print_source, as_json)
    elif claim_id is not None:
        ids = [s.id for s in study.statements]
        if claim_id not in ids:
            raise click.BadParameter(did_you_mean(claim_id, ids, "claims"), param_hint="--claim")
        _show(audit_claim(study, tables, claim_id), _print_claim, as_json)
    else:
        node = node or study.network.outcome
        if node not in study.network.ids:
            raise click.BadParameter(
                did_you_mean(node, study.network.ids, "nodes"), param_hint="NODE"
            )
        _show(audit_node(study, tables, node), _print_node, as_json)


D = TypeVar("D", bound=Mapping[str, object])


def _show(doc: D, printer: Callable[[D], None], as_json: bool) -> None:
    """An audit document as JSON, or as text by `printer`."""
    if as_json:
        click.echo(dumps(doc), nl=False)
    else:
        printer(doc)


def _print_source(doc: SourceAudit) -> None:
    click.echo(
        f"{doc['source']}: {doc['title']} ({doc['author']}, {doc['date']}), "
        f"reliability {doc['reliability']}: {doc['rationale']}"
    )
    if doc["retraction"]:
        click.echo(f"RETRACTED {doc['retraction']}")
    click.echo("feeds: " + (", ".join(doc["parameters"]) or "no parameter"))
    click.echo(f"leaving it out moves the baseline: {_shift_text(doc['without_it'])}")
    for st in doc["claims"]:
        click.echo(f"\n[{st['kind']}] {st['column']}")
        _print_statement(st, st["retraction"])


def _print_claim(doc: ClaimAudit) -> None:
    click.echo(f"[{doc['kind']}] {doc['column']}")
    _print_statement(doc, doc["retraction"])
    if "pooled_column" in doc:
        click.echo(
            "its column's statements, pooled: "
            + ", ".join(f"{s} {100 * v:.1f} %" for s, v in doc["pooled_column"].items())
        )
    if "if_reinstated" in doc:
        click.echo(f"reinstating it would move the baseline: {_shift_text(doc['if_reinstated'])}")
    elif doc["kind"] == "claim":
        click.echo(f"leaving it out moves the baseline: {_shift_text(doc.get('without_it'))}")


def _print_node(doc: NodeAudit) -> None:
    click.echo(f"{doc['label']} ({doc['node']}): {doc['description']}")
    from forecast.reporting.wording import weighing_sentence

    click.echo(weighing_sentence(doc["weighing"]))
    for col in doc["columns"]:
        fitted = ", ".join(f"{s} {100 * v:.1f} %" for s, v in col["fitted"].items())
        click.echo(f"\n== {col['column']} [{col['kind']}] -> fitted {fitted}")
        if col["statements"]:
            pooled = ", ".join(f"{s} {100 * v:.1f} %" for s, v in col["pooled"].items())
            rest = [s for s in col["fitted"] if s not in col["pooled"]]
            others = f"; {', '.join(rest)} from the other claims and assumptions" if rest else ""
            click.echo(f"   its column statements say, pooled: {pooled}{others}")
        for st in col["statements"]:
            _print_statement(st)
    if doc["queries"]:
        click.echo(f"\n== claims about {doc['node']} under other conditions (levels, pushes)")
        for st in doc["queries"]:
            click.echo(f"-- {st['about']}")
            _print_statement(st)
