"""Export, JSON Schema, a new source file, and the benchmark on any network."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import click

if TYPE_CHECKING:
    pass
from forecast.cli.common import (
    MAX_SEED,
    load_study,
    main,
    root_option,
    say,
)


@main.command()
@root_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["bif", "xmlbif", "json"]),
    default="bif",
    show_default=True,
    help="Output format.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=(
        "File to write (default: standard output): a new file or one an earlier export "
        "wrote; never an input of the workspace."
    ),
)
def export(root: Path, fmt: str, output: Path | None) -> None:
    """Export the point-value network for other Bayesian-network tools."""
    from forecast.base import atomic, outputs
    from forecast.exchange.export import export_text
    from forecast.exchange.pgmpymodel import build_pgmpy
    from forecast.fitting.cpt import build_tables
    from forecast.inference.structure import structure_of

    target = None if output is None else outputs.check_file(output, root)
    study = load_study(root)
    tables = build_tables(study)
    model = build_pgmpy(structure_of(study.network), tables.cpts)
    text = export_text(study, tables, model, cast(Any, fmt))
    if target is None:
        click.echo(text, nl=False)
    else:
        atomic.write_text(target, text)
        say(f"wrote {output}")


@main.command()
@root_option
def schema(root: Path) -> None:
    """Write JSON Schema for the model, evidence and scenario files into the workspace.

    Each input file's first line points an editor (yaml-language-server) at its schema.
    """
    from forecast.inputs.jsonschema import write_schemas

    for path in write_schemas(root):
        click.echo(f"wrote {path}")


@main.command("bench")
@click.argument("network", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--draws",
    default=10_000,
    show_default=True,
    type=click.IntRange(1, 10_000_000),
    help="Perturbed networks to answer the query on.",
)
@click.option(
    "--seed",
    default=0,
    show_default=True,
    type=click.IntRange(0, MAX_SEED),
    help="Random seed of the draws; the same seed gives the same tables.",
)
@click.option(
    "--concentration",
    default=50.0,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    help="Each column's draws are Dirichlet(concentration × its point values).",
)
@click.option(
    "--loops",
    default="pyagrum,pgmpy",
    show_default=True,
    help="Per-draw loops to time against, comma-separated (pyagrum, pgmpy), or 'none'.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def bench_command(
    network: Path, draws: int, seed: int, concentration: float, loops: str, as_json: bool
) -> None:
    """Time the standard query on any BIF network: ours against per-draw loops.

    \b
    The target is the node with the most ancestors (ties by name), observed given the
    next five such nodes each in its first state. Every draw perturbs every column the
    query reads (a Dirichlet around the point values). pyAgrum and pgmpy answer one draw
    at a time over a few hundred draws, scaled to --draws.
    \b
    Example:
      forecast bench ../shared/networks/alarm.bif --draws 10000
    """
    from forecast.analysis.netbench import as_json as bench_json
    from forecast.analysis.netbench import as_text, bench_network
    from forecast.base.stablejson import SCHEMA_VERSION
    from forecast.inference.bif import BifError, read_bif
    from forecast.inference.perturb import Perturbation

    names = () if loops == "none" else tuple(n.strip() for n in loops.split(",") if n.strip())
    unknown = sorted(set(names) - {"pyagrum", "pgmpy"})
    if unknown:
        raise click.BadParameter(f"unknown loop {unknown[0]!r}; use pyagrum, pgmpy or none")
    try:
        net = read_bif(network)
    except BifError as exc:
        say(f"error: {exc}")
        sys.exit(1)
    if not as_json:
        say(f"{network.name}: answering {draws:,} draws, then the per-draw loops")
    perturbation = Perturbation(concentration, seed)
    result = bench_network(network, net, draws, perturbation, names, progress=say)
    if as_json:
        versioned = {"schema_version": SCHEMA_VERSION, **bench_json(result)}  # states in order
        click.echo(json.dumps(versioned, indent=2, allow_nan=False))
    else:
        click.echo(as_text(result))


@main.command("new-source")
@root_option
@click.argument("text", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--id", "source_id", required=True, help="Id for the new source, e.g. smith-2024.")
def new_source_command(root: Path, text: Path, source_id: str) -> None:
    """Copy TEXT into evidence/sources/, record its SHA-256 and start evidence/ID.yaml."""
    import re

    from forecast.inputs.filemodels import IDENTIFIER_MAX, IDENTIFIER_PATTERN
    from forecast.inputs.newsource import new_source

    if len(source_id) > IDENTIFIER_MAX:
        raise click.BadParameter(
            f"{len(source_id)} characters is too long; use at most {IDENTIFIER_MAX}",
            param_hint="--id",
        )
    if not re.fullmatch(IDENTIFIER_PATTERN, source_id):
        raise click.BadParameter(
            "use letters, digits, '_', '.' and '-', starting with a letter or digit",
            param_hint="--id",
        )
    copied, evidence = new_source(root, text, source_id)
    click.echo(f"copied {copied}\nwrote {evidence}: fill in the TODOs, then `forecast validate`")


@main.command()
@root_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON: one object per node.")
def nodes(root: Path, as_json: bool) -> None:
    """Every node with its states, baseline and parents, ready to paste into `about:`.

    Reads the model file only, so it works while an evidence file is still half-written.
    """
    from forecast.base.stablejson import dumps
    from forecast.inputs.checks import read_network
    from forecast.reporting.nodetext import node_lines, nodes_document

    network = read_network(root)
    if as_json:
        click.echo(dumps(nodes_document(network)), nl=False)
        return
    for line in node_lines(network):
        click.echo(line)
