"""JSON text that is the same bytes for the same document (results.json, --json output)."""

from __future__ import annotations

import json
from collections.abc import Mapping

SCHEMA_VERSION = 1  # of every JSON document the tool writes; bump on any change of keys


def dumps(document: Mapping[str, object]) -> str:
    """Stable, strict JSON: sorted keys, fixed indentation, a final newline, and the
    `schema_version` the document follows; a NaN or an infinity anywhere is a bug,
    refused (ValueError) before anything is written."""
    versioned = {"schema_version": SCHEMA_VERSION, **document}
    return (
        json.dumps(versioned, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    )
