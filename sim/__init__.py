"""Tightrope: a what-if simulator of the Pakistan-Russia thaw, built on Mesa.

The public API, in the order a run goes::

    import sim
    world = sim.compile(sim.load("baseline"), overrides={"hedging_gain": 0.8})
    run = sim.run(world, seed=7)                       # one run through the Mesa model
    print(run.pair("PAK", "RUS")[-1])                  # Pakistan-Russia in 2030Q4
    many = sim.run_ensemble(world, seeds=range(1000))  # a thousand, through the compiled engine

Names are imported when first used, so ``import sim`` costs nothing until then.
"""

from __future__ import annotations

__version__ = "0.2.0"

__all__ = [
    "Ensemble",
    "InputError",
    "Loaded",
    "Run",
    "SweepResult",
    "World",
    "compile",
    "load",
    "load_sweep",
    "run",
    "run_ensemble",
    "run_sweep",
]

_WHERE = {
    "InputError": "sim.scenario.errors",
    "Loaded": "sim.scenario.loader",
    "load": "sim.scenario.loader",
    "World": "sim.model.world",
    "compile": "sim.model.world",
    "Run": "sim.model.run",
    "run": "sim.model.mesa_model",
    "Ensemble": "sim.engine.ensemble",
    "load_sweep": "sim.batch.sweep",
    "SweepResult": "sim.batch.run",
    "run_sweep": "sim.batch.run",
}
_RENAMED = {"run_ensemble": ("sim.engine.ensemble", "run")}


def __getattr__(name: str):
    import importlib

    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    if name in _RENAMED:
        module, attr = _RENAMED[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'sim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
