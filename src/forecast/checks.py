"""Cross-file checks that turn shape-checked inputs into a Study, or list every problem."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from forecast import grading, pushes, quotes, reading, sizes
from forecast.coverage import Coverage
from forecast.criteria import criteria_problems
from forecast.domain import (
    ColumnKey,
    Conditions,
    Direction,
    Network,
    Node,
    Scenario,
    Source,
    Statement,
    Study,
)
from forecast.errors import InputError, Problem, display_path
from forecast.loading import Loaded, RawInputs
from forecast.readers import reader_problems
from forecast.schema import About, Claim, EvidenceFile, ModelFile
from forecast.suggest import did_you_mean
from forecast.yamlio import Document, Loc
from forecast.yardstick import Yardstick, yardstick


def _topological(nodes: Mapping[str, Node]) -> tuple[list[str], list[str] | None]:
    """Node ids with parents first, and a cycle (as a path) when there is one."""
    order: list[str] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node_id: str) -> list[str] | None:
        state[node_id] = 1
        stack.append(node_id)
        for parent in nodes[node_id].parents:
            if parent not in nodes:
                continue
            if state.get(parent) == 1:
                return [*stack[stack.index(parent) :], parent]
            if parent not in state and (cycle := visit(parent)):
                return cycle
        stack.pop()
        state[node_id] = 2
        order.append(node_id)
        return None

    for node_id in nodes:
        if node_id not in state and (cycle := visit(node_id)):
            return order, cycle
    return order, None


def _check_network(loaded: Loaded[ModelFile], problems: list[Problem]) -> Network | None:
    doc, model = loaded.doc, loaded.value
    nodes: dict[str, Node] = {}
    for i, spec in enumerate(model.nodes):
        if spec.id in nodes:
            problems.append(
                doc.problem(
                    ("nodes", i, "id"),
                    f"duplicate node id '{spec.id}'",
                    "give every node its own id",
                )
            )
            continue
        states = spec.state_ids()
        seen: set[str] = set()
        for j, s in enumerate(states):
            if s in seen:
                problems.append(
                    doc.problem(
                        ("nodes", i, "states", j, "id"),
                        f"duplicate state '{s}' in node '{spec.id}'",
                        "give every state its own id",
                    )
                )
            seen.add(s)
        if spec.baseline not in states:
            problems.append(
                doc.problem(
                    ("nodes", i, "baseline"),
                    f"baseline '{spec.baseline}' is not a state of '{spec.id}'",
                    did_you_mean(spec.baseline, states, "states"),
                )
            )
        nodes[spec.id] = Node(
            spec.id,
            spec.label,
            spec.kind,
            spec.description,
            states,
            tuple(s.label for s in spec.states),
            spec.baseline,
            spec.parents,
        )
    for i, spec in enumerate(model.nodes):
        for j, parent in enumerate(spec.parents):
            if parent not in nodes:
                problems.append(
                    doc.problem(
                        ("nodes", i, "parents", j),
                        f"unknown parent node '{parent}'",
                        did_you_mean(parent, nodes, "nodes"),
                    )
                )
            elif parent == spec.id:
                problems.append(
                    doc.problem(
                        ("nodes", i, "parents", j),
                        f"node '{parent}' lists itself as a parent",
                        "remove it from its own parents",
                    )
                )
        if len(set(spec.parents)) != len(spec.parents):
            problems.append(
                doc.problem(
                    ("nodes", i, "parents"), "a parent is listed twice", "list each parent once"
                )
            )
    if model.outcome not in nodes:
        problems.append(
            doc.problem(
                ("outcome",),
                f"outcome '{model.outcome}' is not a node",
                did_you_mean(model.outcome, nodes, "nodes"),
            )
        )
    elif nodes[model.outcome].kind != "outcome":
        problems.append(
            doc.problem(
                ("outcome",),
                f"node '{model.outcome}' is not of kind outcome",
                "set its kind to outcome or name the outcome node",
            )
        )
    if model.horizon.date <= model.as_of:
        problems.append(
            doc.problem(
                ("horizon", "date"),
                f"horizon {model.horizon.date} is not after as_of {model.as_of}",
                "set a horizon date in the future of the as-of date",
            )
        )
    order, cycle = _topological(nodes)
    if cycle:
        index = next(i for i, n in enumerate(model.nodes) if n.id == cycle[0])
        problems.append(
            doc.problem(
                ("nodes", index, "parents"),
                "the network has a cycle: " + " <- ".join(cycle),
                "remove one of these parent links",
            )
        )
        return None
    if problems:
        return None
    return Network(tuple(nodes[n] for n in order), model.outcome)


def _check_conditions(
    network: Network,
    target: str,
    conditions: Mapping[str, Mapping[str, str]],
    doc: Document,
    loc: Loc,
    problems: list[Problem],
) -> Conditions | None:
    """`given` and `do` checked (known nodes and states, not the target, not both) and
    sorted, or None after recording what is wrong."""
    ok = True
    for part, pairs in conditions.items():
        for node_id, state in pairs.items():
            where = (*loc, part, node_id)
            if node_id not in network.ids:
                problems.append(
                    doc.problem(
                        where,
                        f"unknown node '{node_id}'",
                        did_you_mean(node_id, network.ids, "nodes"),
                    )
                )
                ok = False
            elif state not in network.node(node_id).states:
                problems.append(
                    doc.problem(
                        where,
                        f"'{state}' is not a state of '{node_id}'",
                        did_you_mean(state, network.node(node_id).states, "states"),
                    )
                )
                ok = False
            elif node_id == target:
                problems.append(
                    doc.problem(
                        where,
                        f"a claim about '{target}' cannot condition on '{target}' itself",
                        f"remove '{node_id}' from '{part}'",
                    )
                )
                ok = False
    given, do = conditions.get("given", {}), conditions.get("do", {})
    for node_id in sorted(set(given) & set(do)):
        problems.append(
            doc.problem(
                (*loc, "do", node_id),
                f"'{node_id}' is both observed (given) and forced (do)",
                "keep it in one of the two",
            )
        )
        ok = False
    if not ok:
        return None
    return Conditions(tuple(sorted(given.items())), tuple(sorted(do.items())))


def _resolve_about(
    network: Network, about: About, doc: Document, loc: Loc, problems: list[Problem]
) -> tuple[Conditions, ColumnKey | None] | None:
    """The conditions a statement is about and its column when they name exactly the node's
    parents (None for a query statement); None after recording what is wrong."""
    if about.node not in network.ids:
        problems.append(
            doc.problem(
                (*loc, "node"),
                f"unknown node '{about.node}'",
                did_you_mean(about.node, network.ids, "nodes"),
            )
        )
        return None
    node = network.node(about.node)
    ok = True
    if about.state not in node.states:
        problems.append(
            doc.problem(
                (*loc, "state"),
                f"'{about.state}' is not a state of '{node.id}'",
                did_you_mean(about.state, node.states, "states"),
            )
        )
        ok = False
    conditions = _check_conditions(
        network, node.id, {"given": about.given, "do": about.do}, doc, loc, problems
    )
    if conditions is None or not ok:
        return None
    named = {**about.given, **about.do}
    if set(named) != set(node.parents):
        return conditions, None
    moved = tuple((p, named[p]) for p in node.parents if named[p] != network.node(p).baseline)
    return conditions, ColumnKey(node.id, moved)


def _phrase_fix(spec: str, stick: Yardstick) -> str:
    """Help for an unknown phrase: numbers written as text, or the closest phrase."""
    bare = spec.strip().rstrip("%").strip()
    try:
        value = float(bare)
    except ValueError:
        guess = stick.suggest(spec)
        return f"{guess} (or give a number such as 0.7, or a range [0.6, 0.8])"
    number = value / 100 if spec.strip().endswith("%") or value > 1 else value
    return f"write the number itself, unquoted and between 0 and 1: probability: {number:g}"


def _range(
    spec: str | float | tuple[float, float],
    stick: Yardstick,
    doc: Document,
    loc: Loc,
    problems: list[Problem],
) -> tuple[float, float, str] | None:
    if isinstance(spec, str):
        term = stick.lookup(spec)
        if term is None:
            article = "an" if stick.name[:1].upper() in "AEIO" else "a"
            problems.append(
                doc.problem(
                    loc, f"'{spec}' is not {article} {stick.name} phrase", _phrase_fix(spec, stick)
                )
            )
            return None
        return term.low, term.high, spec
    if isinstance(spec, tuple):
        return spec[0], spec[1], f"{spec[0]:g}–{spec[1]:g}"
    return spec, spec, f"{spec:g}"


@dataclass(frozen=True)
class _Value:
    """What a claim states: a level (probabilities) or a push (odds ratios, a direction)."""

    low: float
    high: float
    stated: str
    direction: Direction | None = None
    reference: Conditions | None = None


def _push(
    claim: Claim,
    network: Network,
    conditions: Conditions,
    doc: Document,
    loc: Loc,
    problems: list[Problem],
) -> _Value | None:
    """A relative claim's odds-ratio range and reference, or None after recording why not."""
    direction = claim.direction
    assert direction is not None
    if claim.size is None and direction != "no_change":
        problems.append(
            doc.problem(
                (*loc, "direction"),
                f"a claim that {direction} a state needs a size",
                f"add size: one of {', '.join(pushes.words())}, or an odds-ratio range "
                "such as [1.5, 3]",
            )
        )
        return None
    if claim.size is None:
        low, high = pushes.no_change_range()
        stated = "no change"
    elif isinstance(claim.size, str):
        span = None if direction == "no_change" else pushes.word_range(claim.size)
        if span is None:
            fix = (
                "leave out size (no_change means an odds ratio in "
                f"{list(pushes.no_change_range())}) or give a range that holds 1"
                if direction == "no_change"
                else pushes.suggest(claim.size)
            )
            problems.append(
                doc.problem((*loc, "size"), f"'{claim.size}' is not a relative-scale size", fix)
            )
            return None
        low, high = pushes.oriented(direction, *span)
        stated = f"{direction} {claim.size}"
    else:
        low, high = pushes.oriented(direction, *claim.size)
        stated = f"{direction} by an odds ratio {claim.size[0]:g}–{claim.size[1]:g}"
    if not pushes.fits_direction(direction, low, high):
        problems.append(
            doc.problem(
                (*loc, "size"),
                f"odds-ratio range [{low:g}, {high:g}] does not match '{direction}'",
                "raises needs odds ratios of 1 or more, lowers of 1 or less, no_change a "
                "range that holds 1",
            )
        )
        return None
    if claim.reference is None:
        reference = network.at_baseline(conditions)
    else:
        checked = _check_conditions(
            network,
            claim.about.node,
            {"given": claim.reference.given, "do": claim.reference.do},
            doc,
            (*loc, "reference"),
            problems,
        )
        if checked is None:
            return None
        reference = checked
    if reference == conditions:
        problems.append(
            doc.problem(
                (*loc, "about"),
                "a push compares its conditions with a reference, but they are the same here",
                "condition on a non-baseline state, or give a different 'reference'",
            )
        )
        return None
    return _Value(low, high, stated, direction, reference)


def _claim_value(
    claim: Claim,
    network: Network,
    stick: Yardstick,
    conditions: Conditions,
    doc: Document,
    loc: Loc,
    problems: list[Problem],
) -> _Value | None:
    """A claim's level or push, or None after recording what is wrong."""
    if claim.direction is not None and claim.probability is not None:
        problems.append(
            doc.problem(
                (*loc, "probability"),
                "a claim states a level (probability) or a push (direction), not both",
                "keep probability if the sentence says where it lands, direction and size "
                "if it says which way it moves",
            )
        )
        return None
    if claim.direction is not None:
        return _push(claim, network, conditions, doc, loc, problems)
    if claim.size is not None or claim.reference is not None:
        problems.append(
            doc.problem(
                (*loc, "size" if claim.size is not None else "reference"),
                "a relative claim needs a direction",
                "add direction: raises, lowers or no_change",
            )
        )
        return None
    if claim.probability is None:
        problems.append(
            doc.problem(
                (*loc, "about"),
                "the claim states neither a level nor a push",
                "add probability (where it lands) or direction and size (which way it moves)",
                key=False,
            )
        )
        return None
    span = _range(claim.probability, stick, doc, (*loc, "probability"), problems)
    return None if span is None else _Value(*span)


def _check_text(
    loaded: Loaded[EvidenceFile], raw: RawInputs, problems: list[Problem]
) -> str | None:
    """The source text, after checking its path and hash; None when unusable."""
    doc, meta = loaded.doc, loaded.value.source
    path = raw.workspace.inside(meta.text.path)
    if path is None:
        problems.append(
            doc.problem(
                ("source", "text", "path"),
                f"path '{meta.text.path}' leaves the workspace",
                "keep source texts under evidence/sources/",
            )
        )
        return None
    if not path.exists():
        problems.append(
            doc.problem(
                ("source", "text", "path"),
                f"source text '{meta.text.path}' not found",
                "copy the text there or correct the path",
            )
        )
        return None
    try:
        data = reading.read_bytes(path, meta.text.path, reading.MAX_TEXT_BYTES, raw.workspace.root)
    except InputError as exc:
        for refused in exc.problems:
            problems.append(
                doc.problem(
                    ("source", "text", "path"),
                    f"source text '{meta.text.path}': {refused.message}",
                    refused.fix,
                )
            )
        return None
    digest = hashlib.sha256(data).hexdigest()
    if digest != meta.text.sha256:
        quoting = ", ".join(c.id for c in loaded.value.claims) or "no claims"
        problems.append(
            doc.problem(
                ("source", "text", "sha256"),
                f"{meta.text.path} has changed: its SHA-256 is now {digest}, "
                f"claims quoting it: {quoting}",
                "restore the original text, or re-check every quote and record the new hash",
            )
        )
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        problems.append(
            doc.problem(
                ("source", "text", "path"),
                f"source text '{meta.text.path}' is not UTF-8",
                "convert it to UTF-8 and record the new hash",
            )
        )
        return None


def _quote_mismatch(path: str, near: quotes.Passage) -> str:
    """Where a quote is closest in its source, with the words that differ spelled out."""
    differences = ", ".join(near.differences) or "only spacing differs"
    return (
        f"quote not found in {path}: closest passage (line {near.line}), differing words "
        f'in «»: "{near.marked}" (differences: {differences})'
    )


def _check_evidence(
    raw: RawInputs, network: Network, stick: Yardstick, problems: list[Problem]
) -> tuple[list[Source], list[Statement]]:
    model = raw.model.value
    sources: list[Source] = []
    statements: list[Statement] = []
    first_claim: dict[str, str] = {}
    first_source: dict[str, str] = {}
    today = dt.date.today()
    for loaded in raw.evidence:
        doc, ev = loaded.doc, loaded.value
        meta = ev.source
        if meta.id in first_source:
            problems.append(
                doc.problem(
                    ("source", "id"),
                    f"source id '{meta.id}' is also used in {first_source[meta.id]}",
                    "give each source its own id",
                )
            )
            continue
        first_source[meta.id] = doc.path
        if meta.date.value > today:
            problems.append(
                doc.problem(
                    ("source", "date", "value"),
                    f"date {meta.date.value} is in the future",
                    "give the publication date (YYYY-MM-DD)",
                )
            )
        elif meta.date.value > model.as_of:
            problems.append(
                doc.problem(
                    ("source", "date", "value"),
                    f"source dated {meta.date.value}, after the model's as_of {model.as_of}",
                    "move as_of in model/network.yaml forward to include it",
                )
            )
        text = _check_text(loaded, raw, problems)
        weight = grading.reliability_weight(meta.reliability.grade) * grading.recency_weight(
            meta.date.value, model.as_of, model.settings.half_life_years
        )
        sources.append(Source(meta.id, meta, doc.path, weight, meta.date.value))
        for i, claim in enumerate(ev.claims):
            loc: Loc = ("claims", i)
            if claim.id in first_claim:
                problems.append(
                    doc.problem(
                        (*loc, "id"),
                        f"claim id '{claim.id}' is also used in {first_claim[claim.id]}",
                        "give each claim its own id",
                    )
                )
            first_claim.setdefault(claim.id, doc.path)
            about = _resolve_about(network, claim.about, doc, (*loc, "about"), problems)
            value = (
                None
                if about is None
                else _claim_value(claim, network, stick, about[0], doc, loc, problems)
            )
            if claim.kind == "forecast" and claim.about.node != network.outcome:
                problems.append(
                    doc.problem(
                        (*loc, "about", "node"),
                        "a forecast claim must be about the outcome node",
                        f"use node '{network.outcome}' or kind: parameter",
                    )
                )
            words = len(claim.quote.split())
            if words < quotes.MIN_QUOTE_WORDS:
                problems.append(
                    doc.problem(
                        (*loc, "quote"),
                        f"quote has {words} word{'s' if words != 1 else ''}, fewer than the "
                        f"{quotes.MIN_QUOTE_WORDS} a citation needs",
                        "quote the whole sentence that carries the claim",
                    )
                )
            elif text is not None and not quotes.contains(text, claim.quote):
                problems.append(
                    doc.problem(
                        (*loc, "quote"),
                        _quote_mismatch(meta.text.path, quotes.closest_passage(text, claim.quote)),
                        "copy the words exactly from the source text",
                    )
                )
            if about is None or value is None:
                continue
            withdrawn = claim.retracted or meta.retracted
            line, col = doc.where(loc)
            statements.append(
                Statement(
                    claim.id,
                    "forecast" if claim.kind == "forecast" else "claim",
                    meta.id,
                    claim.about.node,
                    claim.about.state,
                    about[0],
                    None if value.direction is not None else about[1],
                    value.low,
                    value.high,
                    value.stated,
                    weight * grading.credibility_weight(claim.credibility),
                    claim.credibility,
                    " ".join(claim.quote.split()),
                    " ".join(claim.note.split()),
                    f"{withdrawn.date}: {withdrawn.reason}" if withdrawn else None,
                    value.direction,
                    value.reference,
                    claim.reader,
                    f"{doc.path}:{line}:{col}",
                    quotes.surrounding(text, claim.quote) if text is not None else ("", ""),
                )
            )
    return sources, statements


def _check_assumptions(
    raw: RawInputs,
    network: Network,
    stick: Yardstick,
    covered: set[ColumnKey],
    problems: list[Problem],
    warnings: list[str],
) -> list[Statement]:
    """The model file's assumptions: one column each. With settings.assumptions: give_way,
    one on a column that claims cover is dropped with a warning."""
    doc, model = raw.model.doc, raw.model.value
    give_way = model.settings.assumptions == "give_way"
    out: list[Statement] = []
    for i, assumption in enumerate(model.assumptions):
        loc: Loc = ("assumptions", i)
        about = _resolve_about(network, assumption.about, doc, (*loc, "about"), problems)
        span = _range(assumption.probability, stick, doc, (*loc, "probability"), problems)
        if about is None or span is None:
            continue
        conditions, column = about
        if column is None:
            parents = ", ".join(network.node(assumption.about.node).parents)
            problems.append(
                doc.problem(
                    (*loc, "about"),
                    "an assumption is about one column of its node's table",
                    f"name every parent in 'given' ({parents})",
                )
            )
            continue
        if give_way and column in covered:
            line, _ = doc.where(loc)
            warnings.append(
                f"{doc.path}:{line}: assumption '{assumption.id}' is not used: claims "
                f"now speak to {column.label()}; remove it"
            )
            continue
        line, col = doc.where(loc)
        out.append(
            Statement(
                assumption.id,
                "assumption",
                None,
                assumption.about.node,
                assumption.about.state,
                conditions,
                column,
                span[0],
                span[1],
                span[2],
                grading.assumption_weight(),
                None,
                "",
                " ".join(assumption.rationale.split()),
                location=f"{doc.path}:{line}:{col}",
            )
        )
    return out


def _check_coverage(
    raw: RawInputs, network: Network, statements: list[Statement], problems: list[Problem]
) -> None:
    doc = raw.model.doc
    active = [s for s in statements if not s.retracted]
    index = {n.id: i for i, n in enumerate(raw.model.value.nodes)}
    for key in network.parameter_columns():
        if not any(s.touches(key) for s in active):
            problems.append(
                doc.problem(
                    ("nodes", index[key.node], "id"),
                    f"no claim or assumption covers {key.label()}",
                    "add a claim with this 'about' to an evidence file, or an "
                    "analyst assumption with its rationale to the model file",
                )
            )
    justified: dict[str, set[str]] = defaultdict(set)
    for s in active:
        if s.cited:
            named = {**s.given, **s.do}
            justified[s.node].update(
                p for p, state in named.items() if state != network.node(p).baseline
            )
    for node in network.nodes:
        for j, parent in enumerate(node.parents):
            if parent not in justified[node.id]:
                problems.append(
                    doc.problem(
                        ("nodes", index[node.id], "parents", j),
                        f"edge {parent} -> {node.id} has no quote-backed claim",
                        f"cite a claim about '{node.id}' given a non-baseline "
                        f"state of '{parent}', or remove the edge",
                    )
                )


def _check_scenarios(raw: RawInputs, network: Network, problems: list[Problem]) -> list[Scenario]:
    out: list[Scenario] = []
    seen: dict[str, str] = {}
    for loaded in raw.scenarios:
        doc, sc = loaded.doc, loaded.value
        if sc.id in seen:
            problems.append(
                doc.problem(
                    ("id",),
                    f"scenario id '{sc.id}' is also used in {seen[sc.id]}",
                    "give each scenario its own id",
                )
            )
            continue
        seen[sc.id] = doc.path
        for part, conditions in (("given", sc.given), ("do", sc.do)):
            for node_id, state in conditions.items():
                if node_id not in network.ids:
                    problems.append(
                        doc.problem(
                            (part, node_id),
                            f"unknown node '{node_id}'",
                            did_you_mean(node_id, network.ids, "nodes"),
                        )
                    )
                elif state not in network.node(node_id).states:
                    problems.append(
                        doc.problem(
                            (part, node_id),
                            f"'{state}' is not a state of '{node_id}'",
                            did_you_mean(state, network.node(node_id).states, "states"),
                        )
                    )
                elif node_id == network.outcome:
                    problems.append(
                        doc.problem(
                            (part, node_id),
                            "a scenario cannot fix the outcome node",
                            "condition on drivers only",
                        )
                    )
        for node_id in set(sc.given) & set(sc.do):
            problems.append(
                doc.problem(
                    ("do", node_id),
                    f"'{node_id}' is both observed (given) and forced (do)",
                    "keep it in one of the two",
                )
            )
        out.append(
            Scenario(
                sc.id,
                sc.title,
                " ".join(sc.narrative.split()),
                dict(sc.given),
                dict(sc.do),
                doc.path,
            )
        )
    return out


def build_study(raw: RawInputs) -> Study:
    """Check every cross-reference and return the Study; raise InputError listing all problems."""
    problems: list[Problem] = []
    warnings: list[str] = []
    network = _check_network(raw.model, problems)
    problems += criteria_problems(raw.model.doc, raw.model.value)
    problems += reader_problems(raw)
    if network is None:
        raise InputError(problems)
    stick = yardstick(raw.model.value.settings.yardstick)
    sources, statements = _check_evidence(raw, network, stick, problems)
    covered = {
        key
        for key in network.parameter_columns()
        if any(s.touches(key) for s in statements if not s.retracted)
    }
    statements += _check_assumptions(raw, network, stick, covered, problems, warnings)
    if not problems:  # a claim refused above would only show up again as a gap in coverage
        _check_coverage(raw, network, statements, problems)
    scenarios = _check_scenarios(raw, network, problems)
    problems += sizes.size_problems(raw.model.doc, raw.model.value, network)
    if not raw.scenarios:
        shown = display_path(raw.workspace.scenarios_dir, raw.workspace.root)
        problems.append(
            Problem(shown, 1, 1, "no scenario files", "add scenarios/<id>.yaml (e.g. a baseline)")
        )
    if not raw.evidence:
        shown = display_path(raw.workspace.evidence_dir, raw.workspace.root)
        problems.append(Problem(shown, 1, 1, "no evidence files", "add evidence/<source>.yaml"))
    if problems:
        raise InputError(problems)
    return Study(
        raw.model.value,
        network,
        tuple(sources),
        tuple(statements),
        tuple(scenarios),
        tuple(warnings),
    )


def strict_problems(doc: Document, study: Study, rows: list[Coverage]) -> list[Problem]:
    """--strict: every parameter resting on one source alone or on an assumption, placed in
    the model file `doc`."""
    index = {n.id: i for i, n in enumerate(study.model.nodes)}
    problems = []
    for row in rows:
        if row.weak:
            problems.append(
                doc.problem(
                    ("nodes", index[row.column.node], "id"),
                    f"{row.column.label()} {row.weak}",
                    "cite a claim from another, independent source",
                )
            )
    return problems
