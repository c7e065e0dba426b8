"""Scenario files: extends, the schema, and a clear one-line error for every kind of bad input."""

import json
import re
from pathlib import Path

import pytest
from conftest import ROOT, SCENARIOS

from sim import cli
from sim.scenario.loader import load
from sim.scenario.schema import json_schema

LINE = re.compile(r"^[^\n]+:\d+:\d+: .+$")


def errors(tmp_path, capsys, text: str | bytes, name="bad.yaml", extra: dict | None = None):
    for fname, body in (extra or {}).items():
        (tmp_path / fname).write_text(body, encoding="utf-8")
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    code = cli.main(["validate", str(path)])
    out, err = capsys.readouterr()
    assert code == 2, out
    lines = err.strip().splitlines()
    assert lines and all(LINE.match(line) for line in lines), err
    assert "Traceback" not in err
    return lines


MINIMAL = """name: t
description: d
actors:
  PAK: {name: Pakistan}
  RUS: {name: Russia}
"""


def test_minimal_scenario_is_valid(tmp_path):
    (tmp_path / "ok.yaml").write_text(MINIMAL)
    assert load(tmp_path / "ok.yaml").scenario.horizon.end == "2030Q4"


@pytest.mark.parametrize(
    "body, expect, line",
    [
        (MINIMAL + "magnitud: 3\n", "unknown key 'magnitud'", 6),
        (MINIMAL.replace("name: t", "nmae: t"), "did you mean 'name'", 1),
        (
            MINIMAL + "events:\n  - {type: visit, from: PAK, to: RUS, date: 2014, magnitud: 1}\n",
            "did you mean 'magnitude'",
            7,
        ),
        (MINIMAL + "seed: many\n", "seed", 6),
        (MINIMAL + "initial:\n  - {between: [PAK, RUS], value: 1.5}\n", "less than or equal to 1", 7),
        (MINIMAL + "initial:\n  - {between: [PAK, RUZ], value: 0.5}\n", "unknown actor 'RUZ'", 7),
        (MINIMAL + "events:\n  - {type: visit, from: PAK, to: RUS, date: 2035Q1}\n", "outside the horizon", 7),
        (MINIMAL + "events:\n  - {type: vist, from: PAK, to: RUS, date: 2014}\n", "type", 7),
        (MINIMAL + "events:\n  - {type: visit, from: PAK, to: RUS, date: 2014, magnitude: -1}\n", "expected > 0", 7),
        (
            MINIMAL + "events:\n  - {type: visit, from: PAK, to: RUS, date: 2014, claims: [nf.salala]}\n",
            "did you mean 'nf.salala-2011'",
            7,
        ),
        (MINIMAL + "assumptions: {inertia_rate: 7}\n", "out of range", 6),
        (MINIMAL + "assumptions: {inertia_rat: 0.1}\n", "did you mean 'inertia_rate'", 6),
        (MINIMAL + "  PAK: {name: Again}\n", "duplicate key 'PAK'", 6),
        (MINIMAL + "x: !!python/object/apply:os.system [ls]\n", "tag", 6),
        (MINIMAL + "a: &x [1]\nb: *x\n", "anchor", 6),
        ("name: [unclosed\n", "malformed YAML", 2),
        ("", "empty", 1),
        ("# only a comment\n", "empty", 1),
        ("- a\n- b\n", "mapping", 1),
        (MINIMAL + "---\nname: two\n", "more than one YAML document", 6),
        (
            MINIMAL + "events:\n  - {type: visit, from: PAK, to: RUS, date: 2014, until: 2016}\n",
            "until: applies to a standing event",
            7,
        ),
        (
            MINIMAL + "events:\n  - {type: sanctions, from: PAK, to: RUS, date: 2016, until: 2014}\n",
            "is not after the event's date",
            7,
        ),
        (MINIMAL + "events:\n  - {type: sanction, from: PAK, to: RUS, date: 2014}\n", "did you mean 'sanctions'", 7),
        (MINIMAL + "rivalries:\n  - {between: [PAK, RUZ], claims: [nf.arch-rival]}\n", "unknown actor 'RUZ'", 7),
        (MINIMAL + "rivalries:\n  - {between: [PAK, PAK], claims: [nf.arch-rival]}\n", "two different states", 7),
        (MINIMAL + "rivalries:\n  - {between: [PAK, RUS]}\n", "claims", 7),
        (
            MINIMAL
            + "rivalries:\n  - {between: [PAK, RUS], claims: [nf.arch-rival]}\n"
            + "partnerships:\n  - {between: [RUS, PAK], claims: [nf.arch-rival]}\n",
            "both in rivalries and in partnerships",
            9,
        ),
        (MINIMAL + "ties:\n  - {channel: sanctions, from: PAK, to: RUS, level: 1}\n", "expected at most 0", 7),
        (MINIMAL + "ties:\n  - {channel: aid, from: PAK, to: RUS, level: -1}\n", "expected at least 0", 7),
    ],
)
def test_bad_input_gets_one_clear_line(tmp_path, capsys, body, expect, line):
    lines = errors(tmp_path, capsys, body)
    assert any(expect in ln for ln in lines), lines
    assert any(f"bad.yaml:{line}:" in ln for ln in lines), lines


def test_binary_non_utf8_and_oversized_files(tmp_path, capsys):
    assert "binary" in errors(tmp_path, capsys, b"name: \x00x\n")[0]
    assert "not UTF-8" in errors(tmp_path, capsys, b"name: caf\xe9\n")[0]
    assert "bytes" in errors(tmp_path, capsys, b"# " + b"x" * 1_000_001)[0]


def test_alias_bomb_is_refused_quickly(tmp_path, capsys):
    bomb = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n" for p, c in zip("abcdefgh", "bcdefghi")
    )
    assert any("alias" in ln or "anchor" in ln for ln in errors(tmp_path, capsys, bomb))


def test_missing_and_cyclic_extends(tmp_path, capsys):
    assert "does not exist" in errors(tmp_path, capsys, "extends: nowhere.yaml\n")[0]
    lines = errors(tmp_path, capsys, "extends: b.yaml\nname: a\n", name="a.yaml", extra={"b.yaml": "extends: a.yaml\n"})
    assert "cycle" in lines[0]


def test_errors_in_an_extending_file_point_at_that_file(tmp_path, capsys):
    (tmp_path / "base.yaml").write_text(MINIMAL)
    lines = errors(
        tmp_path,
        capsys,
        "extends: base.yaml\nevents:\n  - {type: visit, from: PAK, to: XYZ, date: 2014}\n",
        name="child.yaml",
    )
    assert lines[0].startswith(f"{tmp_path / 'child.yaml'}:3:") or "child.yaml:3:" in lines[0]


def test_extends_inherits_appends_and_overrides(tmp_path):
    (tmp_path / "base.yaml").write_text(MINIMAL + "events:\n  - {id: a, type: visit, from: PAK, to: RUS, date: 2014}\n")
    (tmp_path / "child.yaml").write_text(
        "extends: base.yaml\nname: child\nactors: {PAK: {doctrine: {hedging: 0.5}}}\n"
        "events:\n  - {type: visit, from: RUS, to: PAK, date: 2015}\ndrop_events: [a]\n"
    )
    s = load(tmp_path / "child.yaml").scenario
    assert s.name == "child" and s.description == "d"
    assert s.actors["PAK"].name == "Pakistan" and s.actors["PAK"].doctrine.hedging == 0.5
    assert [e.from_ for e in s.events] == ["PAK", "RUS"] and s.drop_events == ["a"]


def test_committed_schema_equals_the_printed_one():
    assert (ROOT / "scenario.schema.json").read_text() == json_schema()
    assert json.loads(json_schema())["properties"]["events"]


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.name)
def test_every_scenario_is_valid_and_points_editors_at_the_schema(path):
    assert path.read_text().startswith("# yaml-language-server: $schema=../scenario.schema.json")
    s = load(path).scenario
    assert "?" in s.description or path.name == "baseline.yaml", "a scenario's description states its question"
    if "extends:" in path.read_text():
        # The what-if itself, without the lesson or game it carries for the classroom.
        changes = re.split(r"^(?:lesson|game):", path.read_text(), flags=re.M)[0]
        assert len(changes.splitlines()) < 30, "a what-if should be a few lines over its base"


def test_check_jsonschema_accepts_every_shipped_scenario_and_sweep_as_written():
    """A client nobody here wrote reads the shipped schemas: every shipped file passes, what-ifs included."""
    import shutil
    import subprocess
    import sys

    tool = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent)) or "check-jsonschema"
    for schema, files in (
        ("scenario.schema.json", sorted(SCENARIOS.glob("*.yaml"))),
        ("sweep.schema.json", sorted((SCENARIOS / "sweeps").glob("*.yaml"))),
    ):
        done = subprocess.run(
            [tool, "--schemafile", str(ROOT / schema), *map(str, files)], capture_output=True, text=True
        )
        assert done.returncode == 0, done.stdout + done.stderr


def test_check_jsonschema_refuses_what_the_loader_refuses(tmp_path):
    import shutil
    import subprocess
    import sys

    tool = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent)) or "check-jsonschema"
    path = tmp_path / "w.yaml"
    path.write_text("extends: baseline\nevents:\n  - {type: arms_deal, from: PAK, to: RUS, date: 2021}\n")
    done = subprocess.run(
        [tool, "--schemafile", str(ROOT / "scenario.schema.json"), str(path)], capture_output=True, text=True
    )
    assert done.returncode == 1 and "arms_deal" in done.stdout
