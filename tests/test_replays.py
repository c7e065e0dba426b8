"""The compiled stepper and the debrief's replays on it: the same numbers as the Mesa model's."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.engine.stepper import Stepper
from sim.game import debrief, strategies
from sim.game.moves import Move, setup
from sim.game.play import Injection, Live, objective_values, play
from sim.model.events import Scheduled
from sim.model.mesa_model import AlignmentModel, run
from sim.model.world import compile
from sim.scenario.schema import Scenario

LOADED = sim.load("walk_the_tightrope")
SCENARIOS = ("baseline", "no_embargo_lift", "walk_the_tightrope", "us_ties_mended", "daesh_threat_fades")


def _lasting():
    """The baseline with standing events that end (until:) and a threat that comes and goes."""
    base = sim.load("baseline").scenario.model_dump(by_alias=True, exclude_none=True)
    extra = [
        {"type": "sanctions", "from": "USA", "to": "PAK", "date": "2013Q1", "until": "2016Q3", "magnitude": 1.0},
        {"type": "trade_cut", "from": "IND", "to": "PAK", "date": "2015", "until": "2019", "magnitude": 0.5},
        {
            "type": "threat_shock",
            "from": "AFG",
            "to": ["PAK", "RUS"],
            "date": "2012",
            "until": "2014",
            "magnitude": 0.8,
        },
    ]
    return Scenario.model_validate({**base, "name": "lasting", "events": [*base["events"], *extra]})


@pytest.mark.parametrize("name", [*SCENARIOS, "lasting"])
def test_a_stepped_run_equals_the_mesa_model_on_many_seeds(name):
    world = compile(_lasting() if name == "lasting" else sim.load(name))
    for seed in range(8):
        stepper = Stepper(world, seed)
        stepper.run_to(world.n_steps - 1)
        mesa = run(world, seed)
        assert np.abs(stepper.alignment - mesa.alignment).max() < 1e-12
        assert np.abs(stepper.contributions - mesa.contributions).max() < 1e-12


def test_events_added_during_the_run_land_as_in_the_mesa_model_and_a_restored_run_repeats_itself():
    world = compile(sim.load("baseline"))
    index = world.index
    added = [
        (21, Scheduled("visit", index["PAK"], (index["RUS"],), 1.0, "a visit", ())),
        (21, Scheduled("sanctions", index["USA"], (index["PAK"],), 1.0, "sanctions", ())),
        (40, Scheduled("incident", index["IND"], (index["PAK"],), 1.5, "a clash", ())),
    ]
    for seed in (1, 2, 3):
        mesa, stepper = AlignmentModel(world, seed), Stepper(world, seed)
        for model in (mesa, stepper):
            model.run_to(20)
            for t, e in added:
                model.add(t, e, "team")
        snap = stepper.snapshot()
        for model in (mesa, stepper):
            model.run_to(world.n_steps - 1)
        assert np.abs(stepper.alignment - mesa.alignment).max() < 1e-12
        assert np.abs(stepper.alignment - run(world, seed).alignment).max() > 0.01  # the events did something
        first = stepper.alignment.copy()
        stepper.restore(snap)
        stepper.run_to(world.n_steps - 1)
        assert np.array_equal(stepper.alignment, first)  # bitwise: the same quarters from the same state
    with pytest.raises(ValueError, match="already run"):
        stepper.add(5, added[0][1])


def test_a_game_on_the_compiled_engine_decides_every_move_as_the_mesa_game_does():
    s = setup(LOADED, list(LOADED.scenario.game.roles))
    log = [[o.move for o in t.outcomes] for t in strategies.play_class(s, "random", 3).turns]
    mesa, compiled = play(s, log), play(s, log, engine="compiled")
    assert [t.outcomes for t in mesa.turns] == [t.outcomes for t in compiled.turns]
    assert np.abs(mesa.run.alignment - compiled.run.alignment).max() < 1e-12
    assert compiled.run.log == () and len(mesa.run.log) > 0  # the compiled game keeps no news
    with pytest.raises(ValueError, match="engine"):
        Live(s, "numpy")


def _class():
    """A whole class (six teams, eight turns) moving at random, with two of the teacher's events."""
    s = setup(LOADED, list(LOADED.scenario.game.roles))
    log = [[o.move for o in t.outcomes] for t in strategies.play_class(s, "random", 4).turns]
    injections = [[], [Injection("incident", "IND", "PAK", 1.0, "a border clash")], [], []]
    injections[3] = [Injection("visit", "USA", "PAK", 1.0, "a surprise visit")]
    return s, log, injections, play(s, log, injections)


def test_the_debriefs_replays_equal_whole_mesa_replays_of_the_game_without_each_move():
    s, log, injections, p = _class()
    rows = debrief.attribution(p, log, injections)
    made = [(k, m) for k, moves in enumerate(log) for m in sorted(set(moves))]
    assert len(made) >= 100 and len(rows) == len(made) + 2
    final = objective_values(p)
    happened = [n for n, (k, m) in enumerate(made) if rows[n]["status"] in ("done", "agreed", "accepted")]
    missed = [n for n in range(len(made)) if n not in happened]
    assert len(happened) >= 30 and len(missed) >= 30
    # Every move that did not happen is worth exactly nothing; a sample of those that did, and the
    # teacher's events, is checked against the game replayed whole through the Mesa model.
    for n in missed:
        assert all(v == 0.0 for v in rows[n].values() if isinstance(v, float))
    sample = happened[:: max(1, len(happened) // 10)] + happened[-2:]
    for n in sample:
        k, m = made[n]
        less = [list(moves) if j != k else [x for x in moves if x != m] for j, moves in enumerate(log)]
        other = objective_values(play(s, less, injections))
        for (c, i), value in final.items():
            label = f"{c}: {s.game.roles[c].objectives[i].label}"
            assert rows[n][label] == pytest.approx(value - other[c, i], abs=1e-12)
    moved = [r for n, r in enumerate(rows) if n in happened]
    assert max(abs(v) for r in moved for v in r.values() if isinstance(v, float)) > 0.05
    clash = rows[len(made)]
    without = objective_values(play(s, log, [[], [], [], injections[3]]))
    label = "PAK: Russia regards Pakistan above 0.4 at the end"
    assert clash["team"] == debrief.TEACHER and clash[label] == pytest.approx(
        final["PAK", 1] - without["PAK", 1], abs=1e-12
    )


def test_the_debrief_on_either_engine_gives_the_same_table():
    s = setup(LOADED, ["PAK", "RUS", "IND"], seed=3)
    log = [
        [
            Move("PAK", "minister_visit", "RUS"),
            Move("RUS", "minister_visit", "PAK"),
            Move("PAK", "arms_request", "IND"),
        ],
        [
            Move("IND", "joint_exercise", "RUS"),
            Move("RUS", "joint_exercise", "IND"),
            Move("PAK", "forum_support", "USA"),
        ],
        [Move("RUS", "leader_visit", "CHN"), Move("IND", "public_pressure", "PAK")],
    ]
    p = play(s, log)
    compiled, mesa = debrief.attribution(p, log), debrief.attribution(p, log, engine="mesa")
    assert [(r["move"], r["status"]) for r in compiled] == [(r["move"], r["status"]) for r in mesa]
    for a, b in zip(compiled, mesa):
        for key, value in a.items():
            if isinstance(value, float):
                assert value == pytest.approx(b[key], abs=1e-12)
    assert np.abs(debrief.without_players(p, log).run.alignment - play(s, [[], [], []]).run.alignment).max() < 1e-12
