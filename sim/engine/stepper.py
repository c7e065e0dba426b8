"""One run through the compiled quarter, a few quarters at a time, with events added as it goes.

A :class:`Stepper` is what a game needs of :class:`sim.model.mesa_model.AlignmentModel`: the
world, the scores ``A``, stocks ``S`` and levels ``L`` as they stand, the quarter reached,
``add`` (an event decided during the run: a team's move, a teacher's) and ``run_to``. It
draws what the Mesa model draws (one generator seeded alike, every draw made up front, in
the actors' alphabetical order), so the two agree to 1e-12 (tests hold them so); it keeps
no event log. :meth:`Stepper.snapshot` copies the run's state (a few small arrays), and
:meth:`Stepper.restore` goes back to it: replaying a game without one move then starts at
the turn the move was made, not at the beginning.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.model import dynamics as dyn
from sim.model import events
from sim.model.decisions import RULES
from sim.model.events import Scheduled
from sim.model.mesa_model import canonical
from sim.model.world import World
from sim.scenario.schema import EVENT_KINDS


def _row(x, n: int | None = None) -> np.ndarray:
    """A writable, contiguous float copy (the compiled code takes no read-only or strided arrays)."""
    out = np.array(x, dtype=float, order="C")
    return out if n is None else out.reshape(n)


def inputs(world: World):
    """The compiled quarter's :class:`~sim.engine.kernel.Inputs` of a world, from its own values."""
    from sim.engine import drives, kernel, quarter

    coef, values = world.coef, world.values
    return kernel.Inputs(
        _row(world.A0),
        _row(world.S0),
        _row(world.L0),
        _row([getattr(coef, g) for g in drives.GAINS]),
        _row(coef.channel_weight),
        _row(coef.relax_rate),
        _row([values[name] for name in quarter.ACTS]),
        _row(world.hedging),
        _row(world.export),
        _row(world.conditionality),
        _row(world.enduring),
    )


@dataclass(frozen=True)
class Snapshot:
    """A stepper's run at the end of quarter ``quarter``: its state, its scores and drivers' pushes so
    far, and the events added for later quarters."""

    quarter: int
    state: tuple
    alignment: np.ndarray
    contributions: np.ndarray
    pending: tuple  # the events added for later quarters: (quarter, cell row, delta)


class Stepper:
    """One seeded run of ``world`` through the compiled quarter, advanced on request."""

    def __init__(self, world: World, seed: int | None = None):
        from sim.engine import cache

        cache.ready()
        from sim.engine import kernel

        self._kernel = kernel
        self.world = world
        self.seed = world.seed if seed is None else seed
        n, steps = len(world.codes), world.n_steps - 1
        rng = np.random.default_rng(self.seed)  # as mesa.Model(rng=seed) makes it, drawn in the same order
        self.uniforms = np.ascontiguousarray(canonical(world, rng.random((steps, len(RULES), n, n))))
        self.normals = np.ascontiguousarray(canonical(world, rng.standard_normal((steps, n, n))))
        self.start, self.cells, self.delta = events.cells(world.schedule)
        self.inputs = inputs(world)
        self.state = kernel.new_state(self.inputs, self.cells.shape[0])
        self.scratch = kernel.new_scratch(n, len(dyn.CHANNELS))
        kernel.begin(self.inputs, self.state, self.scratch)
        self.alignment = np.zeros((world.n_steps, n, n))
        self.contributions = np.zeros((world.n_steps, len(dyn.DRIVERS), n, n))
        self.alignment[0] = world.A0
        self.counts = np.zeros(len(RULES), dtype=np.int64)
        self.quarter = 0
        self.pending: list[tuple[int, tuple, float]] = []  # the cells of events added for later quarters
        self.log: list = []  # the stepper keeps no log of events (the Mesa model does)

    @property
    def A(self) -> np.ndarray:
        return self.state.A

    @property
    def S(self) -> np.ndarray:
        return self.state.S

    @property
    def L(self) -> np.ndarray:
        return self.state.L

    def add(self, t: int, event: Scheduled, origin: str = "") -> None:
        """An event decided while the run goes on, landing in quarter ``t`` after the scenario's own
        (``origin`` is for a log, which a stepper does not keep)."""
        if t <= self.quarter:
            raise ValueError(f"quarter {t} has already run (the run is at {self.quarter})")
        if event.slot >= 0:
            raise ValueError("an event with until: cannot be added during a run")
        delta = EVENT_KINDS[event.type].sign * event.magnitude
        for level, c, a, b in events.landings(event.type, event.source, event.targets):
            self.pending.append((t, (int(level), c, a, b, events.BOUNDS.get(c, events.NO_BOUND), -1, 0), delta))

    def _more(self, stop: int):
        """The added events of quarters up to ``stop`` as cells, in :func:`sim.model.events.cells`' layout
        (none has a slot: none has an end), in the order they were added; the rest stay pending."""
        now = sorted((x for x in self.pending if x[0] <= stop), key=lambda x: x[0])
        self.pending = [x for x in self.pending if x[0] > stop]
        per_quarter = np.zeros(self.world.n_steps + 1, dtype=np.int64)
        for t, _, _ in now:
            per_quarter[t + 1] += 1
        cells = np.array([row for _, row, _ in now], dtype=np.int64).reshape(-1, 7)
        return np.cumsum(per_quarter), cells, np.array([d for _, _, d in now], dtype=float)

    def run_to(self, t: int) -> None:
        """Run every quarter up to and including ``t``."""
        t = min(t, self.world.n_steps - 1)
        if t <= self.quarter:
            return
        more_start, more_cells, more_delta = self._more(t)
        self._kernel.advance(
            self.inputs,
            self.state,
            self.scratch,
            self.quarter,
            t,
            self.uniforms,
            self.normals,
            self.start,
            self.cells,
            self.delta,
            more_start,
            more_cells,
            more_delta,
            self.counts,
            self.alignment,
            self.contributions,
        )
        self.quarter = t

    def step(self) -> None:
        self.run_to(self.quarter + 1)

    def snapshot(self) -> Snapshot:
        t = self.quarter + 1
        state = tuple(x.copy() for x in self.state)
        return Snapshot(
            self.quarter, state, self.alignment[:t].copy(), self.contributions[:t].copy(), tuple(self.pending)
        )

    def restore(self, snap: Snapshot) -> None:
        """Back to ``snap``: its state, its scores so far, and the events then pending (the scores of later
        quarters are written again as the run goes on)."""
        for mine, kept in zip(self.state, snap.state):
            mine[...] = kept
        t = snap.quarter + 1
        self.alignment[:t], self.contributions[:t] = snap.alignment, snap.contributions
        self.quarter, self.pending = snap.quarter, list(snap.pending)
