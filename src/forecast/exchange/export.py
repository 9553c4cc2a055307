"""Export the point network for other Bayesian-network tools (BIF, XMLBIF) or as JSON."""

from __future__ import annotations

from typing import Any, Literal

from forecast.base.outputs import MARK
from forecast.base.stablejson import dumps
from forecast.exchange.pgmpymodel import cpd_values, import_pgmpy
from forecast.fitting.cpt import Tables
from forecast.inputs.domain import Study

Format = Literal["bif", "xmlbif", "json"]


def _provenance(study: Study, node_id: str) -> dict[str, str]:
    """Node properties for the export: description and the ids behind its parameters."""
    used = [s for s in study.active() if s.node == node_id]
    claims = sorted({s.id for s in used if s.cited})
    assumptions = sorted({s.id for s in used if not s.cited})
    sources = sorted({s.source_id for s in used if s.source_id})
    clean = {
        "description": " ".join(study.network.node(node_id).description.split()),
        "claims": ",".join(claims) or "none",
        "sources": ",".join(sources) or "none",
        "assumptions": ",".join(assumptions) or "none",
    }
    # BIF property values end at ';' and pgmpy splits them at '='
    return {k: v.replace(";", ",").replace("=", ":") for k, v in clean.items()}


def export_text(study: Study, tables: Tables, model: Any, fmt: Format) -> str:
    """The network in the requested format, with provenance where the format allows it.

    Every format carries `outputs.MARK` near its start, so a later export may replace the
    file and nothing else.
    """
    if fmt == "json":
        return dumps({"generator": MARK, **json_document(study, tables)})
    import_pgmpy()
    annotated = model.copy()
    for node in study.network.ids:
        annotated.nodes[node].clear()
        annotated.nodes[node].update(_provenance(study, node))
    if fmt == "bif":
        from pgmpy.readwrite import BIFWriter

        return f"// {MARK}: the point-value network\n" + str(BIFWriter(annotated))
    from pgmpy.readwrite import XMLBIFWriter

    text = str(XMLBIFWriter(annotated))
    declaration, newline, rest = text.partition("\n")
    if not declaration.startswith("<?xml"):
        declaration, newline, rest = "", "", text
    return f"{declaration}{newline}<!-- {MARK}: the point-value network -->\n{rest}"


def json_document(study: Study, tables: Tables) -> dict[str, Any]:
    """Nodes, states, parents and point CPTs (pgmpy layout: last parent varies fastest)."""
    return {
        "outcome": study.network.outcome,
        "nodes": [
            {
                "id": node.id,
                "label": node.label,
                "kind": node.kind,
                "states": list(node.states),
                "parents": list(node.parents),
                "cpt": cpd_values(tables.cpts[node.id][0]).tolist(),
                "provenance": _provenance(study, node.id),
            }
            for node in study.network.nodes
        ],
    }
