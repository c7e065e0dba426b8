"""Pure alignment dynamics: numpy functions over (..., n, n) arrays, no I/O, no Mesa.

Notation: ``A[..., i, j]`` is how actor i regards actor j, in [-1, 1]. ``S[..., c, g, r]``
is the stock of channel c flowing from g to r (what g gives r); ``L`` holds the standing
level each stock relaxes towards. :class:`Memory` is what each state is used to: the
reference its regard returns to and the benefits, threat, pressure and support it expects.

Each quarter every driver pushes each regard up or down. The pushes are measured against
memory where the sources speak of change (inertia, benefits, shared threat, pressure,
displeasure), and memory drifts slowly towards what is: a tie held for years settles there,
and a lasting change leaves a lasting, finite mark. Hedging is a change too: it begins when a
patron's ties fray from their 2010 level and ends when they mend. Balance is absolute, because
the sources speak of structure there (a friend's enemy becomes an enemy).

Weighted sums over third states are divided by their total weight once it exceeds one, so a
state with many ties gets a weighted mean, not a bigger push, and a world with more states is
not mechanically stronger. Only significant ties, at least
``tie_threshold`` in size, pass balance and displeasure on: a state's many near-zero ties
are neither friends nor enemies, and the compiled engine can skip them.

The pushes are then scaled by the room left in their direction and shrunk together if they
exceed the largest move a quarter allows (:func:`contributions`), so every driver's
contribution is exactly its share of the move and scores stay in [-1, 1] at any coefficient.
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

import numpy as np

DRIVERS = ("inertia", "memory", "benefits", "threat", "pressure", "displeasure", "balance", "hedging", "noise")
CHANNELS = ("arms", "aid", "trade", "security", "diplomacy", "sanctions", "threat")
BENEFIT_CHANNELS = CHANNELS[:5]  # what flows between states; sanctions and threats are not benefits
SANCTIONS, THREAT = CHANNELS.index("sanctions"), CHANNELS.index("threat")
# Channels that are a level only: sanctions act on the record from the day they are decided
# (in_force reads the levels), so nothing reads their stock, which is left where it starts.
LEVEL_ONLY = ("sanctions",)
# The drivers that act through third states: an enduring rivalry cannot be warmed by them, nor an
# enduring partnership cooled (Coefficients.enduring).
STRUCTURAL = ("pressure", "displeasure", "balance", "hedging")
# Which assumptions each driver rests on (its claims are theirs).
DRIVER_ASSUMPTIONS: dict[str, tuple[str, ...]] = {
    "inertia": ("inertia_rate", "settle_rate"),
    "memory": (
        "memory_gain",
        "trust_fade",
        "grievance_fade",
        "grievance_weight",
        "resentment_weight",
        "weight_sanctions",
    ),
    "benefits": (
        "benefit_gain",
        "habituation_rate",
        "giver_share",
        "weight_arms",
        "weight_aid",
        "weight_trade",
        "weight_security",
        "weight_diplomacy",
    ),
    "threat": ("threat_gain", "relax_threat"),
    "pressure": ("pressure_gain",),
    "displeasure": ("displeasure_gain", "tie_threshold"),
    "balance": ("balance_gain", "tie_threshold"),
    "hedging": ("hedging_gain",),
    "noise": ("noise_sd",),
}


class Coefficients(NamedTuple):
    """Every coefficient of the dynamics; numbers, or arrays with a leading run axis.

    The values come from the assumption catalogue (``seeds/assumptions.yaml``),
    which names the claims each rests on; :func:`sim.model.world.coefficients` builds them.
    """

    inertia_rate: np.ndarray
    settle_rate: np.ndarray
    memory_gain: np.ndarray
    trust_fade: np.ndarray
    grievance_fade: np.ndarray
    grievance_weight: np.ndarray
    resentment_weight: np.ndarray
    weight_sanctions: np.ndarray
    habituation_rate: np.ndarray
    benefit_gain: np.ndarray
    giver_share: np.ndarray
    threat_gain: np.ndarray
    pressure_gain: np.ndarray
    displeasure_gain: np.ndarray
    balance_gain: np.ndarray
    hedging_gain: np.ndarray
    noise_sd: np.ndarray
    tie_threshold: np.ndarray
    max_step: np.ndarray
    channel_weight: np.ndarray  # (..., len(BENEFIT_CHANNELS))
    relax_rate: np.ndarray  # (..., len(CHANNELS))
    hedging: np.ndarray  # (n,): each actor's doctrine of hedging, 0..1
    enduring: np.ndarray  # (n, n): +1 an enduring partnership, -1 an enduring rivalry, 0 neither (symmetric)


class Memory(NamedTuple):
    """What each state is used to: the reference its regard returns to, and the benefits, shared
    threat, pressure and support it has come to expect. The change-driven pushes are measured
    against it, and it drifts slowly (``settle_rate``) towards what is: a state gets used to a
    new level of aid, a threat, a rival's new patron, and a tie held for years settles there.

    The record of each relationship is in two parts. ``record`` holds every act between the two
    since the start (a visit, an exercise, support, a delivery; an incident, public pressure),
    goodwill above zero and grievance below, fading slowly, grievance more slowly than goodwill.
    ``measures`` is the grievance the hostile measures carry (sanctions, an embargo): as large as
    those in force while they stand, fading like any grievance once lifted; ``measures_start`` is
    what the measures of the start carried. The memory driver pushes by the record and by the
    measures' change since the start."""

    alignment: np.ndarray
    benefits: np.ndarray
    threat: np.ndarray
    pressure: np.ndarray
    support: np.ndarray
    hedging: np.ndarray
    record: np.ndarray
    measures: np.ndarray
    measures_start: np.ndarray


def per_run(x) -> np.ndarray:
    """A number, or one per run ``(R,)``, lifted to broadcast over ``(..., n, n)``."""
    return np.asarray(x, dtype=float)[..., None, None]


def _t(x: np.ndarray) -> np.ndarray:
    return np.swapaxes(x, -1, -2)


@cache
def off_diagonal(n: int) -> np.ndarray:
    """1 off the diagonal, 0 on it: no state acts on or regards itself."""
    mask = 1.0 - np.eye(n)
    mask.flags.writeable = False
    return mask


def weighted(total: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """A weighted sum over third states divided by its total weight once that exceeds one."""
    return total / np.maximum(weight.sum(axis=-1, keepdims=True), 1.0)


def benefit_flows(S: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """``F[g, r]``: weighted benefits g gives r, summed over the benefit channels in order."""
    w = np.asarray(weight, dtype=float)[..., :, None, None]
    flows = w[..., 0, :, :] * S[..., 0, :, :]
    for c in range(1, len(BENEFIT_CHANNELS)):  # one channel at a time: no (..., channels, n, n) temporary
        flows += w[..., c, :, :] * S[..., c, :, :]
    return flows


def received(flows: np.ndarray, c: Coefficients) -> np.ndarray:
    """What i gets out of its ties with j: receipts plus a share of what it gives (``giver_share``)."""
    return _t(flows) + per_run(c.giver_share) * flows


def benefits_level(flows: np.ndarray, c: Coefficients) -> np.ndarray:
    """What i gets out of its ties with j, on a tanh scale."""
    return np.tanh(received(flows, c))


def dependence(flows: np.ndarray) -> np.ndarray:
    """``dep[i, k]`` in [0, 1): how much i stands to lose if k turns away (both ways, symmetric)."""
    return np.tanh(np.maximum(flows + _t(flows), 0.0))


def support(flows: np.ndarray) -> np.ndarray:
    """``support[g, r]`` in [0, 1): how much g backs r materially (arms, aid, trade, exercises, cover)."""
    return np.tanh(np.maximum(flows, 0.0))


def hostility(A: np.ndarray) -> np.ndarray:
    return np.maximum(-A, 0.0)


def rivalry(A: np.ndarray) -> np.ndarray:
    """Mutual hostility of a pair, symmetric."""
    return np.maximum(-(A + _t(A)) / 2.0, 0.0)


def significant(A: np.ndarray, threshold) -> np.ndarray:
    """The ties at least ``threshold`` in size; the rest as zero (neither friend nor enemy)."""
    return np.where(np.abs(A) >= per_run(threshold), A, 0.0)


def fray(A: np.ndarray, A0: np.ndarray) -> np.ndarray:
    """How far a once-positive tie has fallen below its 2010 level, weighted by what it was."""
    return np.maximum(A0 - A, 0.0) * np.maximum(A0, 0.0)


def shared_threat_level(S: np.ndarray) -> np.ndarray:
    """``out[a, b] = sum_s min(T[s, a], T[s, b])``: the threats a and b both feel, added over their
    sources (a second threat from one country adds to the first, in the channel's 0..1 severities).

    One source at a time, and only sources that threaten anyone: no (n, n, n) temporary.
    """
    T = np.maximum(S[..., THREAT, :, :], 0.0)
    total = np.zeros(T.shape[:-2] + T.shape[-1:] * 2)
    for s in np.flatnonzero(T.reshape(-1, T.shape[-1], T.shape[-1]).any(axis=(0, 2))):
        row = T[..., s, :]
        total += np.minimum(row[..., :, None], row[..., None, :])
    return total


def pressure_level(A: np.ndarray, flows: np.ndarray) -> np.ndarray:
    """Displeasure of those i depends on at i's ties with j: ``sum_k dep[i, k] hostility[k, j]``,
    weighted (a mean over dependences once they exceed one in total)."""
    dep = dependence(flows)
    return weighted(np.matmul(dep, hostility(A)), dep)


def displeasure(A: np.ndarray, added: np.ndarray, c: Coefficients) -> np.ndarray:
    """How much more j backs i's enemies than i is used to: ``sum_k enmity[i, k] added[j, k]``, weighted
    over i's significant enemies, with ``added`` the support beyond memory. Positive when j warms to
    i's rival ("enraged New Delhi")."""
    enmity = hostility(significant(A, c.tie_threshold))
    return weighted(np.matmul(enmity, _t(added)), enmity)


def balance_level(A: np.ndarray, c: Coefficients) -> np.ndarray:
    """Friend of a friend, enemy of an enemy: ``sum_k A[i, k] A_sym[k, j]`` over i's significant
    ties, weighted by their size. In [-1, 1]; absolute, so an unbalanced triad of 2010 resolves."""
    tie = significant(A, c.tie_threshold)
    sym = significant((A + _t(A)) / 2.0, c.tie_threshold)
    return weighted(np.matmul(tie, sym), np.abs(tie))


def hedging_signal(A: np.ndarray, A0: np.ndarray) -> np.ndarray:
    """Pull towards the rivals of patrons whose ties frayed: ``sum_p fray[i, p] rivalry[p, j]``, weighted."""
    frayed = fray(A, A0)
    return weighted(np.matmul(frayed, rivalry(A)), frayed)


class Levels(NamedTuple):
    """This quarter's benefits, shared threat, pressure, support and hedging signal: what the drivers
    compare with memory."""

    benefits: np.ndarray
    threat: np.ndarray
    pressure: np.ndarray
    support: np.ndarray
    hedging: np.ndarray


def levels(A: np.ndarray, S: np.ndarray, A0: np.ndarray, c: Coefficients) -> Levels:
    flows = benefit_flows(S, c.channel_weight)
    return Levels(
        benefits_level(flows, c),
        shared_threat_level(S),
        pressure_level(A, flows),
        support(flows),
        hedging_signal(A, A0),
    )


def remember(A0: np.ndarray, S0: np.ndarray, L0: np.ndarray, c: Coefficients) -> Memory:
    """The memory a world starts with: its own first quarter; on record, the measures in force."""
    measures = in_force(L0, c)
    return Memory(A0, *levels(A0, S0, A0, c), np.zeros_like(A0), measures, measures)


def acts(landed: np.ndarray, measures: np.ndarray, A: np.ndarray, c: Coefficients) -> np.ndarray:
    """What each state adds to its record of each other state this quarter: the acts between them
    that landed (the one-off pulses, friendly or hostile) and the hostile measures imposed or
    lifted (``measures``, the change of :func:`hostile`), once each, as received with the giver's
    share, on a tanh scale; less a grievance at a partner's new dealings with one's enemies (arming, backing or
    exercising with them, or armed by them), weighted by one's enmity as the displeasure driver
    weighs it and by ``resentment_weight``, except within an enduring partnership. A cut in aid or
    trade is a benefit lost, which the benefits driver feels."""
    flows = benefit_flows(landed, c.channel_weight)
    dealings = support(flows)
    enemies = displeasure(A, dealings + _t(dealings), c)  # with i's enemies k: j's to k and k's to j
    # A resentment comes through third states: it cannot cool an enduring partnership.
    enemies = np.where(np.asarray(c.enduring) > 0.0, 0.0, enemies)
    return np.tanh(received(flows, c) + measures) - per_run(c.resentment_weight) * enemies


def hostile(L: np.ndarray, c: Coefficients) -> np.ndarray:
    """The hostile measures in force (<= 0), from the day they are decided: the standing levels below
    nothing (an arms embargo; sanctions, at ``weight_sanctions`` a unit), as received."""
    flows = benefit_flows(np.minimum(L, 0.0), c.channel_weight)
    flows = flows + np.minimum(L[..., SANCTIONS, :, :], 0.0) * per_run(c.weight_sanctions)
    return received(flows, c)


def in_force(L: np.ndarray, c: Coefficients) -> np.ndarray:
    """The grievance the hostile measures in force carry: :func:`hostile`, ``grievance_weight`` times over."""
    return per_run(c.grievance_weight) * hostile(L, c)


def recorded(memory: Memory, x: np.ndarray, floor: np.ndarray, c: Coefficients) -> Memory:
    """The record after a quarter: it fades (goodwill at ``trust_fade``, grievance at
    ``grievance_fade``) and this quarter's acts ``x`` are added, grievances ``grievance_weight``
    times over. The measures' grievance fades too, but is at least what the measures in force carry
    (``floor``, from :func:`in_force`): they keep the pair apart while they last, on top of
    what is on record, and once lifted their grievance fades like any other."""
    record = memory.record
    fade = np.where(record > 0.0, per_run(c.trust_fade), per_run(c.grievance_fade))
    weight = np.where(x < 0.0, per_run(c.grievance_weight), 1.0)
    measures = np.minimum(memory.measures - per_run(c.grievance_fade) * memory.measures, floor)
    return memory._replace(record=record - fade * record + weight * x, measures=measures)


def enduring_only(push: np.ndarray, enduring: np.ndarray) -> np.ndarray:
    """A push through third states as an enduring tie allows it: never warming a rivalry (-1), never
    cooling a partnership (+1)."""
    return np.where(enduring < 0.0, np.minimum(push, 0.0), np.where(enduring > 0.0, np.maximum(push, 0.0), push))


def drives(A: np.ndarray, S: np.ndarray, memory: Memory, A0: np.ndarray, c: Coefficients, z: np.ndarray):
    """Raw push of each driver on each pair, ``(..., len(DRIVERS), n, n)``, before scaling, and the
    quarter's levels. ``A0`` is the 2010 regard frayed ties are measured from; ``z`` standard-normal
    noise of shape ``(..., n, n)`` drawn by the caller.
    """
    now = levels(A, S, A0, c)
    through_others = lambda push: enduring_only(push, np.asarray(c.enduring, dtype=float))
    terms = [
        -per_run(c.inertia_rate) * (A - memory.alignment),
        per_run(c.memory_gain) * (memory.record + (memory.measures - memory.measures_start)),
        per_run(c.benefit_gain) * (now.benefits - memory.benefits),
        per_run(c.threat_gain) * (now.threat - memory.threat),
        through_others(-per_run(c.pressure_gain) * (now.pressure - memory.pressure)),
        through_others(-per_run(c.displeasure_gain) * displeasure(A, now.support - memory.support, c)),
        through_others(per_run(c.balance_gain) * balance_level(A, c)),
        through_others(
            per_run(c.hedging_gain) * np.asarray(c.hedging, dtype=float)[:, None] * (now.hedging - memory.hedging)
        ),
        per_run(c.noise_sd) * z,
    ]
    return np.stack(np.broadcast_arrays(*terms), axis=-3), now


def contributions(A: np.ndarray, raw: np.ndarray, max_step) -> np.ndarray:
    """Each push scaled by the room left in its direction: its exact share of the quarter's move.

    A push up is scaled by ``1 - A``, a push down by ``1 + A``. The pushes in one direction are
    shrunk together if they add to more than 1 (so no score leaves [-1, 1]) or would move the
    score more than ``max_step`` (so no score moves more than that in a quarter); each driver
    keeps its share of the move.
    """
    push_up = np.maximum(raw, 0.0)
    push_down = raw - push_up  # exactly min(raw, 0)
    up, down = push_up.sum(axis=-3), -push_down.sum(axis=-3)
    room_up, room_down = 1.0 - A, 1.0 + A
    step = np.asarray(max_step, dtype=float)[..., None, None]
    most = np.maximum(np.maximum(up, down), np.maximum(up * room_up, down * room_down) / step)
    factor = off_diagonal(A.shape[-1]) / np.maximum(1.0, most)
    # Each cell has one nonzero push, so the other product adds an exact zero.
    return (push_up * room_up[..., None, :, :] + push_down * room_down[..., None, :, :]) * factor[..., None, :, :]


def total(contrib: np.ndarray) -> np.ndarray:
    """Sum of contributions over the driver axis, in driver order."""
    return contrib.sum(axis=-3)


def relax_stocks(S: np.ndarray, L: np.ndarray, c: Coefficients) -> np.ndarray:
    """Each stock moves a fixed share of the way to its standing level each quarter."""
    rate = np.asarray(c.relax_rate, dtype=float)[..., :, None, None]
    return S + rate * (L - S)


def settle(memory: Memory, A: np.ndarray, now: Levels, c: Coefficients) -> Memory:
    """Memory drifts a small share of the way to what is: the regard ``A`` at ``settle_rate``, the
    usual levels at ``habituation_rate``."""
    regard, habit = per_run(c.settle_rate), per_run(c.habituation_rate)
    used = lambda m, x: m + habit * (x - m)
    return memory._replace(
        alignment=memory.alignment + regard * (A - memory.alignment),
        benefits=used(memory.benefits, now.benefits),
        threat=used(memory.threat, now.threat),
        pressure=used(memory.pressure, now.pressure),
        support=used(memory.support, now.support),
        hedging=used(memory.hedging, now.hedging),
    )


def advance(A, memory: Memory, S, standing, L, A0, c: Coefficients, z, landed, L_before):
    """One quarter: ``(A_next, memory_next, S_next, standing_next, contrib)``, ``A_next - A == sum(contrib)``.

    ``standing`` is the part of the stocks ``S`` that the standing ties deliver, without the
    one-off pulses (visits, deliveries, exercises) riding on it. Memory settles towards the
    levels it gives: a state gets used to an arrangement as it is delivered (aid, a trade
    deal, a lasting threat), not to a one-off gift. ``landed`` holds the pulses put on the
    stocks this quarter and ``L_before`` the levels before the quarter's events: the record
    remembers each act once (a hostile measure imposed or lifted is one), before the drivers push.
    """
    measures = hostile(L, c) - hostile(L_before, c)  # imposed (< 0) or lifted (> 0) this quarter
    memory = recorded(memory, acts(landed, measures, A, c), in_force(L, c), c)
    raw, now = drives(A, S, memory, A0, c, z)
    contrib = contributions(A, raw, c.max_step)
    A_next = np.clip(A + total(contrib), -1.0, 1.0)
    usual = levels(A, standing, A0, c)._replace(hedging=now.hedging)
    return A_next, settle(memory, A_next, usual, c), relax_stocks(S, L, c), relax_stocks(standing, L, c), contrib
