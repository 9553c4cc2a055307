"""The joint fit's loss: how far given parameters are from honouring every claim, per draw.

The loss is a weighted sum of divergences, one term per kind of statement:

- column statements (claims and analyst assumptions on one column of a table): a
  statement states a level on one state, so it constrains that state alone. The
  statements on one state of a column are pooled (the model's pool) into one level, which
  weighs `W * KL` on {state, not state}, W their total weight, like a query claim. The
  states no statement on the column names are held, among themselves, to the column's
  reference at the assumption weight (uniform for a base column, no effect for an effect):
  a claim about one state says nothing about how the others share the rest;
- a query claim (a level on any probability the model implies): `w * KL` on the claim's
  own outcome space {state, not state};
- a push (relative claim): `w * KL` between the model's probability under the claim's
  conditions and the reference's probability moved by the claimed odds ratio; at the ends
  of the claimed range it costs what an absolute claim costs at the ends of the matching
  range. A push that comes out the wrong way round pays a steep extra hinge;
- a framed query claim (a source's forecast of the whole question, `frames`): a level on
  the outcome's marginal with the driver priors of the source's date in place of today's;
- the default assumptions, at the assumption weight: a base column no assumption covers is
  held towards uniform, an effect towards no effect (the base column again).

Every draw is an independent problem; `FitProblem` evaluates the loss and its exact
gradient for a batch of draws, and `solver` minimises it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from forecast.base.arrays import Array
from forecast.fitting.frames import Frame
from forecast.fitting.loglinear import NodeLayout, Stacked
from forecast.fitting.pooling import CLIP
from forecast.inference.jointqueries import Slot
from forecast.inference.slotgroups import GroupedQueries
from forecast.inference.structure import Structure
from forecast.inputs.domain import Conditions

Index = npt.NDArray[np.intp]
HINGE = 1e2  # extra cost per unit squared log odds ratio of a push the wrong way round
TINY = 1e-12


@dataclass(frozen=True)
class ColumnTerm:
    """W * KL(column || target) on the column's `states` (all of them when None), each side
    renormalised over them: a default assumption, or the states no statement names."""

    node: str
    column: int
    target: Array  # (draws, states)
    weight: Array  # (draws,)
    states: tuple[int, ...] | None = None


@dataclass(frozen=True)
class NoEffectTerm:
    """The default assumption on an effect: no effect unless claims say so, as a penalty
    weight * |c|^2 / (2 scale^2) on the effect's log odds ratios against the base column,
    c, centred over the states. It keeps every effect finite, so effects cannot be traded
    for one another without bound when several parents move at once."""

    node: str
    column: int
    weight: float
    scale: float
    states: tuple[int, ...] | None = None  # the states it holds (all when None)


@dataclass(frozen=True)
class ColumnLevelTerm:
    """A level on one state of a column: weight * KL on {state, not state} of the column
    itself (read from its logits, no inference)."""

    node: str
    column: int
    state: int
    value: Array  # (draws,) the pooled level
    weight: Array  # (draws,)


@dataclass(frozen=True)
class QueryTerm:
    """A level: weight * KL on {state, not state} of P(node=state | conditions)."""

    node: str
    conditions: Conditions
    state: int
    value: Array  # (draws,) claimed probability
    weight: Array  # (draws,)


@dataclass(frozen=True)
class PushTerm:
    """A push: the odds of P(node=state | conditions) against those under `reference`."""

    node: str
    conditions: Conditions
    reference: Conditions
    state: int
    log_odds_ratio: Array  # (draws,) claimed
    weight: Array  # (draws,)
    sign: int  # +1 raises, -1 lowers, 0 no change


@dataclass(frozen=True)
class FramedTerm:
    """A level on P(node=state) under the network with `frame`'s root tables in place of
    the fitted ones: weight * KL on {state, not state}; no gradient reaches those roots."""

    node: str
    state: int
    value: Array  # (draws,) claimed probability
    weight: Array  # (draws,)
    frame: Frame


@dataclass
class Terms:
    columns: list[ColumnTerm] = field(default_factory=list)
    no_effects: list[NoEffectTerm] = field(default_factory=list)
    levels: list[ColumnLevelTerm] = field(default_factory=list)
    queries: list[QueryTerm] = field(default_factory=list)
    pushes: list[PushTerm] = field(default_factory=list)
    framed: list[FramedTerm] = field(default_factory=list)

    def count(self) -> int:
        return sum(len(getattr(self, name)) for name in GROUPS)

    def only(self, index: int) -> Terms:
        """The one term at `index` (columns, then no-effects, levels, queries and pushes)."""
        out = Terms()
        for name in GROUPS:
            group = getattr(self, name)
            if index < len(group):
                getattr(out, name).append(group[index])
                return out
            index -= len(group)
        raise IndexError(index)

    def weights(self, draws: int) -> Array:
        """Each term's weight in every draw, (draws, terms)."""
        columns = [t.weight for t in self.columns]
        fixed = [np.full(draws, a.weight) for a in self.no_effects]
        own = [t.weight for t in self.levels]
        levels = [q.weight for q in self.queries]
        pushes = [p.weight for p in self.pushes]
        framed = [f.weight for f in self.framed]
        return np.stack([*columns, *fixed, *own, *levels, *pushes, *framed], axis=1)


# the order of the terms
GROUPS = ("columns", "no_effects", "levels", "queries", "pushes", "framed")


BATCH_ROWS = 4096  # draws evaluated at once while fitting (bounds the memory)


def term_slots(terms: Terms) -> list[Slot]:
    """Every probability the query terms read, as (node, conditions), repeats kept: each
    level's, each push's and its reference's, and for a framed term its node with every
    root forced, which its frame's weights mix: P(y) under the frame's priors is the sum
    over x of w(x) P(y | do(roots = x))."""
    slots: list[Slot] = [(t.node, t.conditions) for t in terms.queries]
    for push in terms.pushes:
        slots += [(push.node, push.conditions), (push.node, push.reference)]
    for framed in terms.framed:
        slots += [(framed.node, where) for where, _ in framed.frame.mixture]
    return slots


class FitProblem:
    """The loss of every draw and its exact gradient, in free parameters: each column's
    logits with the last one held at zero (softmax is blind to a shift of all of them)."""

    def __init__(
        self, structure: Structure, plan: Mapping[str, NodeLayout], terms: Terms, draws: int
    ) -> None:
        self.structure = structure
        self.plan = plan
        self.terms = terms
        self.draws = draws
        self.slots = list(dict.fromkeys(term_slots(terms)))
        self.slot = {s: i for i, s in enumerate(self.slots)}
        self.stacked = Stacked(plan)
        self.parameters = len(self.stacked.free_index)
        self._index_uses(terms)
        self._group_columns(terms)
        # each group of queries reads its own part of the network (`slotgroups`)
        rows = min(draws, BATCH_ROWS)
        self.engine = GroupedQueries(structure, self.slots, rows) if self.slots else None

    def _index_uses(self, terms: Terms) -> None:
        """Where each level and push reads a probability: its slot and state, as index
        arrays and one-hot maps, so every claim term is computed in one pass."""
        uses = [(self.slot[(t.node, t.conditions)], t.state) for t in terms.queries]
        uses += [(self.slot[(p.node, p.conditions)], p.state) for p in terms.pushes]
        uses += [(self.slot[(p.node, p.reference)], p.state) for p in terms.pushes]
        sizes = [len(self.structure.states[node]) for node, _ in self.slots]
        self.width = max(sizes, default=1)
        self.use_slot = np.array([u[0] for u in uses], dtype=np.intp)
        self.use_state = np.array([u[1] for u in uses], dtype=np.intp)
        # which slot state and which slot each use reads, as one-hot maps
        self.use_onehot = np.zeros((len(uses), len(self.slots) * self.width))
        self.use_slot_onehot = np.zeros((len(uses), len(self.slots)))
        for i, (slot, state) in enumerate(uses):
            self.use_onehot[i, slot * self.width + state] = 1.0
            self.use_slot_onehot[i, slot] = 1.0

        def stacked(values: list[Array]) -> Array:
            return np.stack(values, axis=1) if values else np.zeros((self.draws, 0))

        level = np.clip(stacked([t.value for t in terms.queries]), CLIP, 1.0 - CLIP)
        self.level_log = np.log(level)  # log v and log(1 - v) of each claimed level
        self.level_log_not = np.log1p(-level)
        self.level_weight = stacked([t.weight for t in terms.queries])
        self.push_ratio = stacked([p.log_odds_ratio for p in terms.pushes])
        self.push_weight = stacked([p.weight for p in terms.pushes])
        self.push_sign = np.array([p.sign for p in terms.pushes], dtype=np.float64)
        # a framed term's probability: its slots' answers in its state, by its mixture
        self.mix = np.zeros((len(terms.framed), len(self.slots)))
        self.mix_state = np.zeros((len(terms.framed), self.width))
        for i, term in enumerate(terms.framed):
            for where, weight in term.frame.mixture:
                self.mix[i, self.slot[(term.node, where)]] += weight
            self.mix_state[i, term.state] = 1.0
        framed = np.clip(stacked([t.value for t in terms.framed]), CLIP, 1.0 - CLIP)
        self.framed_log, self.framed_log_not = np.log(framed), np.log1p(-framed)
        self.framed_weight = stacked([t.weight for t in terms.framed])

    def _group_columns(self, terms: Terms) -> None:
        """The column terms and no-effect anchors of every node side by side, read from
        the stacked logits by one matrix: a column term reads its column's logits, an
        anchor the difference between its column's and the node's base column's. The
        same matrix, transposed, carries their gradients back."""
        width, count = self.stacked.width, self.stacked.count
        items: list[ColumnTerm | NoEffectTerm | ColumnLevelTerm]
        items = [*terms.columns, *terms.no_effects, *terms.levels]
        self.selector = np.zeros((count, len(items)))
        real = np.zeros((width, len(items)))
        for i, term in enumerate(items):
            at = self.stacked.columns[term.node]
            self.selector[at.start + term.column, i] += 1.0
            if isinstance(term, NoEffectTerm):
                self.selector[at.start, i] -= 1.0
            own = getattr(term, "states", None)  # a level reads its whole column
            held = range(self.plan[term.node].states) if own is None else own
            real[list(held), i] = 1.0
        self.split = len(terms.columns)
        self.level_split = self.split + len(terms.no_effects)
        self.column_real = real[:, : self.split]
        self.anchor_real = real[:, self.split : self.level_split]
        self.own_real = real[:, self.level_split :]
        self.own_state = np.zeros((width, len(terms.levels)))
        for i, level in enumerate(terms.levels):
            self.own_state[level.state, i] = 1.0
        value = np.stack([t.value for t in terms.levels], axis=1) if terms.levels else None
        value = np.zeros((self.draws, 0)) if value is None else np.clip(value, CLIP, 1.0 - CLIP)
        self.own_log, self.own_log_not = np.log(value), np.log1p(-value)
        self.own_weight = (
            np.stack([t.weight for t in terms.levels], axis=1)
            if terms.levels
            else np.zeros((self.draws, 0))
        )
        self.column_target = np.zeros((self.draws, width, self.split))
        for i, term in enumerate(terms.columns):
            mask = self.column_real[: term.target.shape[1], i]
            target = term.target * mask
            self.column_target[:, : term.target.shape[1], i] = target / target.sum(axis=1)[:, None]
        self.column_log_target = np.log(np.maximum(self.column_target, TINY))
        self.column_weight = (
            np.stack([t.weight for t in terms.columns], axis=1)
            if terms.columns
            else np.zeros((self.draws, 0))
        )
        self.anchor_factor = np.array([a.weight / a.scale**2 for a in terms.no_effects])

    def free(self, theta: Mapping[str, Array]) -> Array:
        """Free parameters (draws, P) from logits: each column shifted so its last is zero."""
        return free_parameters({node: theta[node] for node in self.plan})

    def logits(self, phi: Array) -> dict[str, Array]:
        """Each node's logits (draws, columns, states) from free parameters."""
        every = self.stacked.node_logits(self.stacked.logits(phi))
        return {node: np.ascontiguousarray(values) for node, values in every.items()}

    def evaluate(self, phi: Array, rows: Index) -> tuple[Array, Array]:
        """Loss (batch,) and gradient (batch, P) of the draws `rows` at parameters `phi`."""
        losses, grads = [], []
        for at in range(0, len(rows), BATCH_ROWS):
            loss, grad = self._evaluate(phi[at : at + BATCH_ROWS], rows[at : at + BATCH_ROWS])
            losses.append(loss)
            grads.append(grad)
        return np.concatenate(losses), np.concatenate(grads)

    def _evaluate(self, phi: Array, rows: Index) -> tuple[Array, Array]:
        logits = self.stacked.logits(phi)
        stacked = self.stacked.tables(logits)
        cpts = self.stacked.unstack(stacked)
        grad = np.zeros_like(logits)
        total = self._column_terms(logits, grad, rows)
        if self.engine is not None:
            joints = self.engine.answers(cpts)
            upstream, claims = self._claim_terms(joints, rows)
            total += claims
            grad += self.stacked.pull_back(stacked, self.engine.backward(cpts, upstream))
        # the last logit of each column is held at zero: its gradient goes with it
        return total, self.stacked.free(grad)

    def _column_terms(self, logits: Array, grad: Array, rows: Index) -> Array:
        """The column terms' and anchors' loss per draw; adds their gradient to `grad`
        (both with respect to the stacked logits, (draws, widest, columns))."""
        total = np.zeros(len(rows))
        if not self.selector.shape[1]:
            return total
        draws, width, count = logits.shape
        read = (logits.reshape(draws * width, count) @ self.selector).reshape(draws, width, -1)
        pull = np.empty_like(read)
        if self.split:
            own = read[:, :, : self.split]  # every column term's logits
            own = own - own.max(axis=1, keepdims=True)  # padding is 0, so the max is >= 0
            p = np.exp(own) * self.column_real
            z = p.sum(axis=1, keepdims=True)
            p /= z
            inner = (own - np.log(z) - self.column_log_target[rows]) * self.column_real
            kl = (p * inner).sum(axis=1)
            weight = self.column_weight[rows]
            total += (weight * kl).sum(axis=1)
            pull[:, :, : self.split] = weight[:, None, :] * p * (inner - kl[:, None, :])
        if self.own_real.shape[1]:
            total += self._level_terms(read[:, :, self.level_split :], pull, rows)
        if len(self.anchor_factor):
            shift = read[:, :, self.split : self.level_split]  # effects against the base
            real = self.anchor_real
            mean = (shift * real).sum(axis=1, keepdims=True) / real.sum(axis=0)
            centred = (shift - mean) * real
            total += 0.5 * (self.anchor_factor * centred**2).sum(axis=(1, 2))
            pull[:, :, self.split : self.level_split] = self.anchor_factor * centred
        grad += (pull.reshape(draws * width, -1) @ self.selector.T).reshape(draws, width, count)
        return total

    def _level_terms(self, read: Array, pull: Array, rows: Index) -> Array:
        """The levels on one state of a column: their loss per draw, and their gradient
        with respect to their columns' logits written into `pull`."""
        own = read - read.max(axis=1, keepdims=True)
        p = np.exp(own) * self.own_real
        p /= p.sum(axis=1, keepdims=True)
        named = np.clip((p * self.own_state).sum(axis=1), TINY, 1.0 - TINY)  # (draws, levels)
        loss, slope = level_divergence(
            named,
            np.log(named),
            np.log1p(-named),
            self.own_log[rows],
            self.own_log_not[rows],
            self.own_weight[rows],
        )
        # dq/d(logit j) = q (1[j = state] - p_j)
        pull[:, :, self.level_split :] = (slope * named)[:, None, :] * (self.own_state - p)
        pull[:, :, self.level_split :] *= self.own_real
        total: Array = loss.sum(axis=1)
        return total

    def _framed_terms(self, answers: Array, spread: Array, rows: Index) -> Array:
        """The framed terms' loss per draw; adds their gradient with respect to each slot's
        normalised answer, taken through the normalisation, to `spread`."""
        mixed = answers.transpose(0, 2, 1) @ self.mix.T  # (draws, states, terms)
        p = np.clip((mixed * self.mix_state.T).sum(axis=1), TINY, 1.0 - TINY)
        loss, d_p = level_divergence(
            p,
            np.log(p),
            np.log1p(-p),
            self.framed_log[rows],
            self.framed_log_not[rows],
            self.framed_weight[rows],
        )
        d_answers = ((d_p[:, None, :] * self.mix_state.T) @ self.mix).transpose(0, 2, 1)
        spread += d_answers - (d_answers * answers).sum(axis=2, keepdims=True)
        total: Array = loss.sum(axis=1)
        return total

    def _claim_terms(self, joints: list[Array], rows: Index) -> tuple[list[Array], Array]:
        """Levels and pushes, all at once: their loss per draw and the gradient with respect
        to each slot's unnormalised answer."""
        width = self.width
        padded = np.zeros((len(rows), len(self.slots), width))
        for i, joint in enumerate(joints):
            padded[:, i, : joint.shape[1]] = joint
        z = padded.sum(axis=2)
        answers = padded / z[:, :, None]
        used = np.clip(answers[:, self.use_slot, self.use_state], TINY, 1.0 - TINY)
        log_used, log_not = np.log(used), np.log1p(-used)
        odds = log_used - log_not  # every used probability's log odds
        levels, pushes = len(self.terms.queries), len(self.terms.pushes)
        d_used = np.zeros_like(used)
        total = np.zeros(len(rows))
        if levels:
            # KL({p, 1-p} || {v, 1-v}) and its derivative in p, logit p - logit v
            loss, d_used[:, :levels] = level_divergence(
                used[:, :levels],
                log_used[:, :levels],
                log_not[:, :levels],
                self.level_log[rows],
                self.level_log_not[rows],
                self.level_weight[rows],
            )
            total += loss.sum(axis=1)
        if pushes:
            mine, theirs = slice(levels, levels + pushes), slice(levels + pushes, None)
            p, r = used[:, mine], used[:, theirs]
            weight = self.push_weight[rows]
            # the target t = expit(x), x = logit r + claimed log odds ratio; with
            # s = log(1 + e^x), log t = x - s and log(1 - t) = -s
            x = odds[:, theirs] + self.push_ratio[rows]
            soft = np.logaddexp(0.0, x)
            value = p * log_used[:, mine] + (1.0 - p) * log_not[:, mine] - p * x + soft
            target = np.exp(x - soft)
            wrong = np.maximum(0.0, -self.push_sign * (odds[:, mine] - odds[:, theirs]))
            total += (weight * (value + HINGE * wrong**2)).sum(axis=1)
            d_x = -2.0 * HINGE * weight * wrong * self.push_sign  # d(hinge)/d(log odds ratio)
            d_p = weight * (odds[:, mine] - x)
            d_used[:, mine] = d_p + d_x / (p * (1.0 - p))
            d_used[:, theirs] = (weight * (target - p) - d_x) / (r * (1.0 - r))
        # d(loss)/d(unnormalised answer j of slot s) = (sum of d/dP over uses of state j
        # in s - sum over uses in s of d/dP times P) / z_s
        spread = (d_used @ self.use_onehot).reshape(len(rows), len(self.slots), width)
        spread -= ((d_used * used) @ self.use_slot_onehot)[:, :, None]
        if len(self.mix):
            total += self._framed_terms(answers, spread, rows)
        spread /= z[:, :, None]
        upstream = [spread[:, i, : joint.shape[1]] for i, joint in enumerate(joints)]
        return upstream, total


def level_divergence(
    p: Array, log_p: Array, log_not_p: Array, log_v: Array, log_not_v: Array, weight: Array
) -> tuple[Array, Array]:
    """weight * KL({p, 1-p} || {v, 1-v}) and its derivative in p, weight (logit p - logit v),
    elementwise, from the logs of p, 1 - p, v and 1 - v (each log ratio taken first: they
    are small near the optimum)."""
    up, down = log_p - log_v, log_not_p - log_not_v
    return weight * (p * up + (1.0 - p) * down), weight * (up - down)


def free_parameters(theta: Mapping[str, Array]) -> Array:
    """Free parameters (draws, P) from logits, nodes in `theta`'s order: each column
    shifted so that its last logit is zero."""
    parts = [(t - t[..., -1:])[..., :-1].reshape(t.shape[0], -1) for t in theta.values()]
    return np.concatenate(parts, axis=1)
