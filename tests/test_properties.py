"""Property tests: mangled scenario files get clear errors and nothing else."""

import re

from conftest import SCENARIOS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim import cli

BASE = (SCENARIOS / "us_ties_mended.yaml").read_bytes()
LINE = re.compile(r"^[^\n]+:\d+:\d+: .+$")


def mangle(data: bytes, cuts) -> bytes:
    out = bytearray(data)
    for kind, pos, byte in cuts:
        pos %= max(len(out), 1)
        if kind == 0:
            out[pos : pos + 1] = b""
        elif kind == 1:
            out.insert(pos, byte)
        else:
            out[pos : pos + 1] = bytes([byte])
    return bytes(out)


def check(tmp_path, capsys, body: bytes):
    path = tmp_path / "mangled.yaml"
    path.write_bytes(body)
    (tmp_path / "baseline.yaml").write_bytes((SCENARIOS / "baseline.yaml").read_bytes())
    code = cli.main(["validate", str(path)])
    out, err = capsys.readouterr()
    assert code in (0, 2)
    if code == 2:
        lines = err.strip().splitlines()
        assert lines and all(LINE.match(ln) for ln in lines), err
    else:
        assert err == "" and "ok" in out
    assert "Traceback" not in err


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=6))
def test_mangled_bytes_get_clear_errors(tmp_path, capsys, cuts):
    check(tmp_path, capsys, mangle(BASE, cuts))


YAMLISH = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.floats(allow_nan=True) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)
KEYS = [
    "name",
    "description",
    "seed",
    "actors",
    "initial",
    "events",
    "ties",
    "assumptions",
    "horizon",
    "extends",
    "drop_events",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), YAMLISH, max_size=6))
def test_wrongly_typed_documents_get_clear_errors(tmp_path, capsys, doc):
    import yaml

    check(tmp_path, capsys, yaml.safe_dump(doc, allow_unicode=True).encode("utf-8"))
