"""The point-value network in pgmpy: building it, checking it, and answering queries.

pgmpy is imported here only, and only when needed: it takes seconds to import.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np

from forecast.base.arrays import Array
from forecast.fitting.cpt import column_sums_ok
from forecast.inference.structure import Structure


def import_pgmpy() -> None:
    """Import the pgmpy modules we use once, silencing the FutureWarnings pgmpy 1.1 emits
    about its own coming renames (nothing our users can act on)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=FutureWarning, module=r"pgmpy(\.|$)")
        import pgmpy.inference
        import pgmpy.models
        import pgmpy.readwrite  # noqa: F401


def cpd_values(table: Array) -> Array:
    """pgmpy's 2-D layout of one table (parents..., states): rows are states, and the
    columns run over parent combinations with the last parent varying fastest."""
    k = table.shape[-1]
    moved = np.moveaxis(table, -1, 0)
    return moved.reshape(k, -1)


def build_pgmpy(structure: Structure, tables: Mapping[str, Array], tolerance: float = 1e-12) -> Any:
    """A checked pgmpy DiscreteBayesianNetwork from point tables of shape (1, parents..., states)
    whose columns sum to one within `tolerance` (a file read from elsewhere may need
    pgmpy's own 0.01)."""
    import_pgmpy()
    from pgmpy.factors.discrete import TabularCPD
    from pgmpy.models import DiscreteBayesianNetwork

    edges = [(p, node) for node in structure.nodes for p in structure.parents[node]]
    model = DiscreteBayesianNetwork(edges)
    model.add_nodes_from(structure.nodes)
    for node in structure.nodes:
        table = tables[node][0]
        if not column_sums_ok(table, tolerance):
            raise ValueError(
                f"CPT of {node} has a column that does not sum to 1 within {tolerance:g}"
            )
        parents = list(structure.parents[node])
        names = {node: list(structure.states[node])}
        names.update({p: list(structure.states[p]) for p in parents})
        model.add_cpds(
            TabularCPD(
                node,
                len(structure.states[node]),
                cpd_values(table),
                evidence=parents or None,
                evidence_card=[len(structure.states[p]) for p in parents] or None,
                state_names=names,
            )
        )
    model.check_model()
    return model


def pgmpy_posterior(
    model: Any,
    structure: Structure,
    target: str,
    given: Mapping[str, str] | None = None,
    do: Mapping[str, str] | None = None,
) -> Array:
    """P(target | given, do) by pgmpy's VariableElimination, in the model's state order."""
    import_pgmpy()
    from pgmpy.inference import VariableElimination

    given = dict(given or {})
    do = dict(do or {})
    if target in do:
        out = np.zeros(len(structure.states[target]))
        out[structure.states[target].index(do[target])] = 1.0
        return out
    if target in given:
        out = np.zeros(len(structure.states[target]))
        out[structure.states[target].index(given[target])] = 1.0
        return out
    mutilated = model.do(list(do)) if do else model
    evidence = {**given, **do}
    factor = VariableElimination(mutilated).query(
        [target], evidence=evidence or None, show_progress=False
    )
    return np.array([factor.get_value(**{target: s}) for s in structure.states[target]])
