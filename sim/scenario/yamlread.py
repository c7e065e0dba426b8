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


def part(doc: Document, prefix: tuple) -> Document:
    """The document under ``prefix`` (a path into ``doc``), with its positions in ``doc``'s file."""
    data = doc.data
    for key in prefix:
        data = data[key]
    cut = len(prefix)
    return Document(
        data,
        {p[cut:]: w for p, w in doc.values.items() if p[:cut] == prefix},
        {p[cut:]: w for p, w in doc.keys.items() if p[:cut] == prefix and len(p) > cut},
    )


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


class _Stream:
    """A document built from the parser's events in one pass: nothing unsafe is ever composed.

    Aliases, anchors and explicit tags are refused as they come, and so is nesting deeper than
    :data:`MAX_DEPTH`; every value and key keeps its position. Scalars are resolved and
    constructed as ``yaml.safe_load`` would, each distinct one once.
    """

    STR, TIMESTAMP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp"

    def __init__(self, name: str, loader):
        self.name, self.loader = name, loader
        self.values, self.keys, self.problems = {}, {}, []
        self._resolver, self._constructor = yaml.resolver.Resolver(), yaml.SafeLoader("")
        self._scalars: dict = {}

    def _scalar(self, event):
        key = (event.value, event.implicit)
        if key not in self._scalars:
            tag = self._resolver.resolve(yaml.ScalarNode, event.value, event.implicit)
            if tag in (self.STR, self.TIMESTAMP):  # dates stay text, as written; the schema reads them
                value = event.value
            else:
                try:
                    value = self._constructor.construct_object(yaml.ScalarNode(tag, event.value))
                except (ValueError, OverflowError, yaml.YAMLError):  # a scalar YAML cannot make into its type
                    value = event.value
            self._scalars[key] = value
        return self._scalars[key]

    def _refuse(self, event, here) -> bool:
        """Problems with an event itself; True if it must not be built."""
        bad = False
        if isinstance(event, yaml.AliasEvent):
            self.problems.append(here.problem("YAML alias '*' is not allowed (write the value out in full)"))
            return True
        if event.anchor:
            self.problems.append(here.problem("YAML anchor '&' is not allowed (write the value out in full)"))
            bad = True
        implicit = event.implicit
        if event.tag is not None and not (implicit if isinstance(implicit, bool) else any(implicit)):
            self.problems.append(here.problem(f"YAML tag '{event.tag}' is not allowed (plain values only)"))
            bad = True
        return bad

    def build(self, text: str):
        """The document's data; raises InputError on anything unsafe or malformed."""
        name, values, keys, problems = self.name, self.values, self.keys, self.problems
        stack: list[list] = []  # [container, path, the key awaiting its value (mappings)]
        root, documents, skip = None, 0, 0
        for event in yaml.parse(text, Loader=self.loader):
            kind = type(event)
            if kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    problems.append(
                        Where(name, event.start_mark.line + 1, 1).problem(
                            "more than one YAML document (expected one scenario per file)"
                        )
                    )
                    break
                continue
            if kind in (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent):
                continue
            if kind in (yaml.MappingEndEvent, yaml.SequenceEndEvent):
                if skip:
                    skip -= 1
                else:
                    stack.pop()
                continue
            mark = event.start_mark
            here = Where(name, mark.line + 1, mark.column + 1)
            opens = kind in (yaml.MappingStartEvent, yaml.SequenceStartEvent)
            if skip:
                skip += opens
                continue
            frame = stack[-1] if stack else None
            if frame is not None and isinstance(frame[0], dict) and frame[2] is None:  # a key
                if kind is not yaml.ScalarEvent:
                    problems.append(here.problem("a key must be a plain word (expected 'name: value')"))
                    skip, frame[2] = int(opens), False  # skip the key; its value goes nowhere
                    continue
                key = event.value
                if key in frame[0]:
                    problems.append(here.problem(f"duplicate key '{key}' (each key may appear once here)"))
                    frame[2] = False
                else:
                    keys[frame[1] + (key,)] = here
                    frame[2] = key
                continue
            if frame is not None and frame[2] is False:  # the value of a refused key
                frame[2] = None
                skip = int(opens)
                continue
            if self._refuse(event, here):
                skip = int(opens) if kind is not yaml.AliasEvent else 0
                if frame is not None and isinstance(frame[0], dict):
                    frame[2] = None
                continue
            if frame is None:
                path = ()
            elif isinstance(frame[0], dict):
                path = frame[1] + (frame[2],)
            else:
                path = frame[1] + (len(frame[0]),)
            values[path] = here
            if kind is yaml.ScalarEvent:
                value = self._scalar(event)
            else:
                if len(stack) >= MAX_DEPTH:
                    problems.append(here.problem(f"nested more than {MAX_DEPTH} levels deep"))
                    break
                value = {} if kind is yaml.MappingStartEvent else []
            if frame is None:
                root = value
            elif isinstance(frame[0], dict):
                frame[0][frame[2]] = value
                frame[2] = None
            else:
                frame[0].append(value)
            if opens:
                stack.append([value, path, None])
            if len(problems) >= 20:
                break
        return root


def _build(name: str, text: str, loader) -> object:
    builder = _Stream(name, loader)
    try:
        data = builder.build(text)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = Where(name, mark.line + 1, mark.column + 1) if mark else Where(name, 1, 1)
        what = " ".join(filter(None, [err.context, err.problem]))
        raise InputError([*builder.problems, where.problem(f"malformed YAML: {what} (expected valid YAML)")]) from None
    except yaml.reader.ReaderError as err:
        line, col = _line_col(text, err.position)
        raise InputError(
            [
                Problem(
                    name, line, col, f"control character U+{err.character:04X} is not allowed (expected printable text)"
                )
            ]
        ) from None
    except yaml.YAMLError as err:
        raise InputError([Where(name, 1, 1).problem(f"malformed YAML: {err} (expected valid YAML)")]) from None
    if builder.problems:
        raise InputError(builder.problems)
    if data is None:
        raise InputError([Problem(name, 1, 1, "file is empty (expected a scenario mapping)")])
    return Document(data, builder.values, builder.keys)


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
        return _build(name, text, FAST)
    except InputError:
        return _build(name, text, yaml.SafeLoader)  # again, for the Python parser's own account of what is wrong
