"""JSON text that is the same bytes for the same document (results.json, --json output)."""

from __future__ import annotations

import json
from typing import Any


def dumps(document: dict[str, Any]) -> str:
    """Stable JSON: sorted keys, fixed indentation, a final newline."""
    return json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
