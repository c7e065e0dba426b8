"""The model: pure dynamics and decision rules (numpy), the compiled World, and the Mesa model over them.

Add a driver in :mod:`sim.model.dynamics` (and the compiled loop, :mod:`sim.engine.kernel`);
a state's decision rule in :mod:`sim.model.decisions` and its agent move in :mod:`sim.model.agents`.
"""
