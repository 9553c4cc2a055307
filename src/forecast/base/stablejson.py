"""JSON text that is the same bytes for the same document (results.json, --json output)."""

from __future__ import annotations

import json
from typing import Any


def dumps(document: dict[str, Any]) -> str:
    """Stable, strict JSON: sorted keys, fixed indentation, a final newline; a NaN or an
    infinity anywhere is a bug, refused (ValueError) before anything is written."""
    return (
        json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    )
