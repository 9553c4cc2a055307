"""How well each parameter is supported: claims, distinct sources, or an assumption."""

from __future__ import annotations

from dataclasses import dataclass

from forecast.inputs.domain import ColumnKey, Study


@dataclass(frozen=True)
class Coverage:
    column: ColumnKey
    claims: int
    sources: tuple[str, ...]
    assumption: str | None

    @property
    def weak(self) -> str | None:
        """Why --strict refuses this parameter, or None when it is well supported."""
        if self.assumption and not self.sources:
            return f"rests on the analyst assumption '{self.assumption}'"
        if len(self.sources) == 1:
            return f"rests on one source alone ('{self.sources[0]}')"
        return None


def coverage(study: Study) -> list[Coverage]:
    """One row per parameter column (base, single-parent effects, pinned joint columns),
    counting every active statement that speaks to it: column claims on it, and level or
    push claims on its node under its moved parents."""
    keys = list(study.network.parameter_columns())
    keys += sorted({s.key() for s in study.parameters()} - set(keys), key=str)
    rows = []
    for key in keys:
        used = [s for s in study.active() if s.touches(key)]
        cited = [s for s in used if s.cited]
        assumption = next((s.id for s in used if not s.cited), None)
        sources = tuple(sorted({s.source_id for s in cited if s.source_id}))
        rows.append(Coverage(key, len(cited), sources, assumption))
    return rows
