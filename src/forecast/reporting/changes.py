"""The previous report's results, read back (checked) to say what changed since (`comparison`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from forecast.analysis.comparison import shape_problem
from forecast.base.errors import InputError, display_path
from forecast.base.paths import present
from forecast.base.reading import read_text
from forecast.base.records import RecordError, parse_json

MAX_RESULTS_BYTES = 50_000_000


def load_previous(folder: Path, warn: Callable[[str], None]) -> dict[str, Any] | None:
    """The previous results document in an output folder, if there is a usable one.

    An unreadable or oddly shaped document is reported through `warn` and skipped.
    """
    path = folder / "results.json"
    if not present(path):
        return None
    shown = display_path(path, Path.cwd())
    skipped = "the comparison with the previous report is skipped"
    try:
        data = parse_json(read_text(path, shown, MAX_RESULTS_BYTES, None))
    except InputError as exc:
        warn(f"{exc.problems[0]}; {skipped}")
        return None
    except RecordError as exc:
        warn(f"{shown}: previous results are not valid JSON ({exc}); {skipped}")
        return None
    problem = shape_problem(data)
    if problem is not None:
        warn(f"{shown}: previous results are not in the expected shape ({problem}); {skipped}")
        return None
    result: dict[str, Any] = data
    return result
