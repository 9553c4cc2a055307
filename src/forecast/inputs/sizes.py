"""Sizes known before computing: table cells, explorer rows and the draws' memory.

Everything here is arithmetic on the network's shape, so a model or a `--draws` that would
need more than the limits in `settings.limits` is refused before anything is allocated.
The draws are then processed in chunks small enough for the memory limit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from forecast.base.errors import DrawsTooLargeError, Problem
from forecast.base.yamlio import Document
from forecast.inputs.domain import Network, Study
from forecast.inputs.filemodels import ModelFile

BYTES_PER_NUMBER = 8
# Copies of the draw tables alive at once while they are pooled and combined (the tables,
# their logarithms, the exponentiated and the normalised results).
TABLE_COPIES = 4
# The draws' quasi-Newton fit holds a P x P matrix per draw for P free parameters, about
# twice over (the inverse Hessians and their update): measured at 2.1 copies on a network
# with 101 free parameters and 5,000 draws.
SOLVER_COPIES = 2


def table_cells(network: Network, node_id: str) -> int:
    """Cells of a node's conditional table: parent combinations times its states."""
    node = network.node(node_id)
    columns = math.prod(len(network.node(p).states) for p in node.parents)
    return columns * len(node.states)


def explorer_rows(network: Network) -> int:
    """Rows of the what-if table: each driver unknown or in one of its states, and each
    signpost's states one at a time (at most: a seen signpost's own state is not a row)."""
    drivers = math.prod(len(n.states) + 1 for n in network.nodes if n.kind == "driver")
    return drivers * (1 + sum(len(n.states) for n in network.nodes if n.kind == "indicator"))


def size_problems(doc: Document, model: ModelFile, network: Network) -> list[Problem]:
    """Tables, explorers and networks larger than the limits, placed in the model file."""
    problems: list[Problem] = []
    limits = model.settings.limits
    index = {n.id: i for i, n in enumerate(model.nodes)}
    for node in network.nodes:
        cells = table_cells(network, node.id)
        if cells > limits.table_cells:
            problems.append(
                doc.problem(
                    ("nodes", index[node.id], "parents"),
                    f"the table of '{node.id}' would have {cells:,} cells ({len(node.parents)} "
                    f"parents), over the limit of {limits.table_cells:,}",
                    "remove parents (each one multiplies the table) or raise "
                    "settings.limits.table_cells",
                )
            )
    rows = explorer_rows(network)
    if rows > limits.explorer_rows:
        drivers = sum(1 for n in network.nodes if n.kind == "driver")
        signposts = sum(1 for n in network.nodes if n.kind == "indicator")
        problems.append(
            doc.problem(
                ("nodes",),
                f"the what-if explorer would have {rows:,} rows ({drivers} drivers, {signposts} "
                f"signposts), over the limit of {limits.explorer_rows:,}",
                "make some drivers intermediate nodes, or raise settings.limits.explorer_rows",
            )
        )
    return problems


@dataclass(frozen=True)
class DrawPlan:
    """How a run's draws are split so that its memory stays under the limit."""

    draws: int
    chunk: int  # draws whose tables are held at once
    group: int  # queries whose draws are held at once when summarising

    @property
    def chunks(self) -> int:
        return -(-self.draws // self.chunk)


def free_parameters(network: Network) -> int:
    """The fit's free parameters: each column claims must cover has one per state but one."""
    return sum(len(network.node(k.node).states) - 1 for k in network.parameter_columns())


def plan_draws(network: Network, scenarios: int, draws: int, memory_mb: int) -> DrawPlan | str:
    """The chunking for `draws` within `memory_mb`, or why it cannot fit."""
    budget = memory_mb * 2**20
    tables = sum(table_cells(network, n) for n in network.ids) * BYTES_PER_NUMBER * TABLE_COPIES
    per_draw = tables + free_parameters(network) ** 2 * BYTES_PER_NUMBER * SOLVER_COPIES
    if per_draw > budget // 2:
        return (
            f"one draw of the tables and their fit needs {per_draw / 2**20:,.1f} MB, over half "
            f"the {memory_mb:,} MB memory limit"
        )
    outcome_states = len(network.node(network.outcome).states)
    per_query = draws * max(len(n.states) for n in network.nodes) * BYTES_PER_NUMBER
    retained = draws * outcome_states * BYTES_PER_NUMBER * (scenarios + 1)
    if retained + per_query > budget // 2:
        return (
            f"{draws:,} draws of {scenarios} scenarios need {(retained + per_query) / 2**20:,.0f} MB "
            f"of results, over half the {memory_mb:,} MB memory limit"
        )
    chunk = min(draws, (budget // 2) // per_draw)
    group = max(1, (budget // 2 - retained) // per_query)
    return DrawPlan(draws, chunk, group)


def check_draws(study: Study, draws: int) -> DrawPlan:
    """The chunking of `draws` for a study, or DrawsTooLargeError when it cannot fit."""
    memory_mb = study.model.settings.memory_mb
    plan = plan_draws(study.network, len(study.scenarios), draws, memory_mb)
    if isinstance(plan, str):
        raise DrawsTooLargeError(
            f"--draws {draws}: {plan} (settings.limits.memory_mb in the model file); "
            "use fewer draws or raise the limit"
        )
    return plan
