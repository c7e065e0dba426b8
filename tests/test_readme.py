"""The README's Python examples run as written, in order, in one namespace (as a reader would paste them)."""

from __future__ import annotations

import re

from tests.conftest import ROOT


def test_the_readmes_python_examples_run(tmp_path, monkeypatch):
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)
    assert len(blocks) >= 2
    monkeypatch.chdir(tmp_path)  # from any folder, as an installed package is used
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102 - the examples are ours
    assert namespace["run"].pair("PAK", "RUS").shape == (namespace["world"].n_steps,)
    assert [o.status for o in namespace["played"].turns[0].outcomes] == ["agreed", "agreed"]
    assert len(namespace["rows"]) == 2
