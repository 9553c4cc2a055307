"""`forecast watchlist` as plain text: the signposts to watch, laid out for a terminal."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from forecast.analysis.watchlist import WatchlistDocument


def _distribution(outcome: Mapping[str, float]) -> str:
    return " / ".join(f"{100 * p:.0f}" for p in outcome.values()) + " %"


def watch_lines(document: WatchlistDocument, draws: int) -> Iterator[str]:
    """The lines of `watchlist.watchlist_document`: one per signpost and state it may be seen
    in, then, for a signpost that tells almost nothing, the document's reason why."""
    given = document["given"]
    seen = ", ".join(f"{n}={s}" for n, s in given.items()) or "nothing yet"
    yield f"Signposts not yet seen, by what seeing one would tell about {document['outcome']}"
    yield f"(given what was seen: {seen}; bits on the point network, 90 % interval over {draws} draws)"
    indicators = document["indicators"]
    if not indicators:
        yield "no signpost left to watch: the model has no indicator node that is not seen yet"
        return
    order = " / ".join(next(iter(indicators[0]["outcome_if"].values())))
    width = max(len(i["node"]) for i in indicators)
    yield f"{'signpost':<{width}}  {'bits [90 %]':<19}  if seen ({order})"
    for item in indicators:
        low, high = item["bits_p05"], item["bits_p95"]
        head = f"{item['node']:<{width}}  {item['bits']:5.3f} [{low:.3f}–{high:.3f}]  "
        for state, outcome in item["outcome_if"].items():
            if state == item["baseline"]:
                continue
            chance = 100 * item["chance"][state]
            yield f"{head}{state} ({chance:.0f} % likely): {_distribution(outcome)}"
            head = " " * len(head)
        rest = item["outcome_if"][item["baseline"]]
        yield f"{head}if not: {_distribution(rest)}"
        if item["reason"]:
            yield f"{' ' * len(head)}({item['reason']})"
