"""Reading YAML safely, remembering where every value came from.

Scenario files are written by hand, so a mistake must point at its line and
column. Tags, anchors and aliases are refused outright (an alias bomb of a few
hundred bytes can otherwise expand to gigabytes), as are oversized, binary,
non-UTF-8 and deeply nested files.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from sim.scenario.errors import InputError, Problem, Where

MAX_BYTES = 1_000_000
MAX_DEPTH = 32
# libyaml parses ~12x faster; a file it finds fault with is read again by the Python parser,
# whose messages (and control-character checks) are the ones reported.
FAST = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Path_ = tuple  # a path into the document: keys and list indices


@dataclass
class Document:
    """Plain data read from one file plus the position of every value and key."""

    data: object
    values: dict  # Path_ -> Where of the value
    keys: dict  # Path_ -> Where of the key that names it
    local: dict = field(default_factory=dict)  # (list key, index after a merge) -> the index in its own file


def _where(file: str, mark) -> Where:
    return Where(file, mark.line + 1, mark.column + 1)


def _line_col(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _decode(name: str, raw: bytes) -> str:
    start = Where(name, 1, 1)
    if len(raw) > MAX_BYTES:
        raise InputError([start.problem(f"file is {len(raw):,} bytes (expected at most {MAX_BYTES:,})")])
    if b"\x00" in raw:
        line, col = _line_col(raw.decode("latin-1"), raw.index(b"\x00"))
        raise InputError([Problem(name, line, col, "binary data: NUL byte (expected a UTF-8 text file)")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line, col = _line_col(raw[: err.start].decode("utf-8", "replace"), err.start)
        raise InputError(
            [Problem(name, line, col, f"byte 0x{raw[err.start]:02x} is not UTF-8 (expected a UTF-8 text file)")]
        ) from None
    text = text.removeprefix("\ufeff")
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        raise InputError([start.problem("file is empty (expected a scenario mapping)")])
    return text


def _refuse_unsafe(name: str, text: str, loader=yaml.SafeLoader) -> None:
    """Walk the parser's events once, before anything is built, and refuse what is unsafe."""
    problems, depth, documents = [], 0, 0
    try:
        for event in yaml.parse(text, Loader=loader):
            here = _where(name, event.start_mark)
            if isinstance(event, yaml.AliasEvent):
                problems.append(here.problem("YAML alias '*' is not allowed (write the value out in full)"))
            elif getattr(event, "anchor", None):
                problems.append(here.problem("YAML anchor '&' is not allowed (write the value out in full)"))
            tag, implicit = getattr(event, "tag", None), getattr(event, "implicit", True)
            explicit = tag is not None and not (implicit if isinstance(implicit, bool) else any(implicit))
            if explicit:
                problems.append(here.problem(f"YAML tag '{tag}' is not allowed (plain values only)"))
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    problems.append(here.problem("more than one YAML document (expected one scenario per file)"))
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    problems.append(here.problem(f"nested more than {MAX_DEPTH} levels deep"))
                    break
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
            if len(problems) >= 20:
                break
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = _where(name, mark) if mark else Where(name, 1, 1)
        what = " ".join(filter(None, [err.context, err.problem]))
        problems.append(where.problem(f"malformed YAML: {what} (expected valid YAML)"))
    except yaml.reader.ReaderError as err:
        line, col = _line_col(text, err.position)
        problems.append(
            Problem(
                name, line, col, f"control character U+{err.character:04X} is not allowed (expected printable text)"
            )
        )
    except yaml.YAMLError as err:
        problems.append(Where(name, 1, 1).problem(f"malformed YAML: {err} (expected valid YAML)"))
    if problems:
        raise InputError(problems)


class _Builder:
    def __init__(self, name: str):
        self.name = name
        self.values: dict = {}
        self.keys: dict = {}
        self.problems: list[Problem] = []
        self._scalars = yaml.SafeLoader("")

    def build(self, node, path: Path_):
        self.values[path] = _where(self.name, node.start_mark)
        if isinstance(node, yaml.MappingNode):
            out = {}
            for key_node, value_node in node.value:
                here = _where(self.name, key_node.start_mark)
                if not isinstance(key_node, yaml.ScalarNode):
                    self.problems.append(here.problem("a key must be a plain word (expected 'name: value')"))
                    continue
                key = key_node.value
                if key in out:
                    self.problems.append(here.problem(f"duplicate key '{key}' (each key may appear once here)"))
                    continue
                self.keys[path + (key,)] = here
                out[key] = self.build(value_node, path + (key,))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        if node.tag == "tag:yaml.org,2002:timestamp":
            return node.value  # dates stay text, as written; the schema reads them (2019-02-30 too)
        try:
            return self._scalars.construct_object(node)
        except (ValueError, OverflowError, yaml.YAMLError):  # a scalar YAML cannot make into its type
            return node.value


def read(path: str | Path, display: str | None = None) -> Document:
    """Read one YAML file into plain data with positions, or raise :class:`InputError`.

    Only a regular file is opened (never a FIFO or a device, which could block or never
    end), its size is checked before it is read, and no more than the limit is read.
    """
    name = display or str(path)
    return parse(read_bytes(Path(path), name), name)


def read_bytes(path: Path, name: str) -> bytes:
    """The bytes of a regular file of at most :data:`MAX_BYTES`, or :class:`InputError`."""
    start = Where(name, 1, 1)
    try:
        info = os.stat(path)
    except OSError as err:
        raise InputError(
            [start.problem(f"cannot read file: {err.strerror or err} (expected a readable file)")]
        ) from None
    if not stat.S_ISREG(info.st_mode):
        raise InputError([start.problem("not a regular file (expected a scenario file)")])
    if info.st_size > MAX_BYTES:
        raise InputError([start.problem(f"file is {info.st_size:,} bytes (expected at most {MAX_BYTES:,})")])
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)  # a file that grew, or reports no size, is still read only so far
    except OSError as err:
        raise InputError(
            [start.problem(f"cannot read file: {err.strerror or err} (expected a readable file)")]
        ) from None
    return raw


def parse(raw: bytes, name: str) -> Document:
    """Parse YAML bytes that came from somewhere other than a file (an upload, an editor)."""
    text = _decode(name, raw)
    try:
        _refuse_unsafe(name, text, FAST)
        node = yaml.compose(text, Loader=FAST)
    except (InputError, yaml.YAMLError, RecursionError):
        _refuse_unsafe(name, text)  # again, for the Python parser's own account of what is wrong
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
        except (yaml.YAMLError, RecursionError) as err:  # pragma: no cover - the event walk catches these first
            raise InputError([Problem(name, 1, 1, f"malformed YAML: {err} (expected valid YAML)")]) from None
    if node is None:
        raise InputError([Problem(name, 1, 1, "file is empty (expected a scenario mapping)")])
    builder = _Builder(name)
    data = builder.build(node, ())
    if builder.problems:
        raise InputError(builder.problems)
    return Document(data, builder.values, builder.keys)
