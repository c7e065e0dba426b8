"""Loading a scenario file: ``extends`` chains, validation, and errors that point at FILE:LINE:COL.

A what-if inherits from its base: mappings merge key by key, ``events``,
``initial``, ``ties``, ``rivalries``, ``partnerships`` and ``drop_events`` append
to the base's lists, and any other value replaces the base's. ``extends: baseline.yaml`` names a file beside
this one; ``extends: baseline`` (a bare name) names a shipped scenario, wherever
this file is (:mod:`sim.scenario.shipped`).
"""

from __future__ import annotations

import contextlib
import difflib
import gc
import re
import types
import typing
from dataclasses import dataclass
from pathlib import Path

import pydantic

from sim.scenario import checks, shipped
from sim.scenario.errors import InputError, Problem, Where, did_you_mean
from sim.scenario.schema import Scenario
from sim.scenario.yamlread import Document, parse, read

APPENDED = ("events", "initial", "ties", "rivalries", "partnerships", "drop_events")
MAX_EXTENDS = 10


@dataclass
class Loaded:
    """A validated scenario and where each of its values was written."""

    scenario: Scenario
    document: Document
    files: list[str]  # the file and its bases, nearest first


def display_name(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def merge(base: Document, child: Document) -> Document:
    """``child`` over ``base``, as ``extends`` merges them, with every value's position kept.

    One pass over each document: appended list items move past the base's, and a
    replaced value takes its positions from the child.
    """
    replaced: set[tuple] = set()
    offsets: dict[str, int] = {}

    def combine(old: dict, new: dict, path: tuple) -> dict:
        out = dict(old)
        for key, value in new.items():
            here = path + (key,)
            if isinstance(out.get(key), dict) and isinstance(value, dict):
                out[key] = combine(out[key], value, here)
            elif path == () and key in APPENDED and isinstance(out.get(key), list) and isinstance(value, list):
                offsets[key] = len(out[key])
                out[key] = out[key] + value
            else:
                replaced.add(here)
                out[key] = value
        return out

    own = child.data if isinstance(child.data, dict) else {}
    data = combine(base.data, {k: v for k, v in own.items() if k != "extends"}, ())
    data.pop("extends", None)

    def kept(p: tuple) -> bool:
        return not any(p[:k] in replaced for k in range(1, len(p) + 1))

    def moved(p: tuple) -> tuple:
        if len(p) > 1 and p[0] in offsets and isinstance(p[1], int):
            return (p[0], p[1] + offsets[p[0]], *p[2:])
        return p

    tables = []
    for mine, theirs in ((base.values, child.values), (base.keys, child.keys)):
        table = {p: w for p, w in mine.items() if kept(p)}
        table.update((moved(p), w) for p, w in theirs.items() if p and p[0] != "extends")
        tables.append(table)
    local = dict(base.local)
    for key, offset in offsets.items():
        local.update(((key, offset + i), i) for i in range(len(own[key])))
    return Document(data, *tables, local)


def _resolve(path: Path, chain: tuple[Path, ...]) -> tuple[Document, list[str]]:
    name = display_name(path)
    return _extend(read(path, name), name, path.parent, path.resolve(), chain)


def base_file(parent: str, directory: Path) -> Path | None:
    """The file ``extends: parent`` names from a file in ``directory`` (None if there is none)."""
    if shipped.is_name(parent):
        return shipped.scenario(parent)
    if any(ord(ch) < 32 for ch in parent):
        return None  # no file name holds a control character (or a NUL, which no system call takes)
    target = (directory / parent).resolve()
    return target if target.is_file() else None


def _extend(
    doc: Document, name: str, directory: Path, me: Path | None, chain: tuple[Path, ...]
) -> tuple[Document, list[str]]:
    """Merge ``doc`` over the file its ``extends`` names."""
    if not isinstance(doc.data, dict):
        kind = type(doc.data).__name__
        raise InputError(
            [doc.values[()].problem(f"a scenario must be a mapping of keys, not a {kind} (expected 'name: ...')")]
        )
    parent = doc.data.get("extends")
    if parent is None:
        return doc, [name]
    where = doc.values[("extends",)]
    if not isinstance(parent, str) or not parent.strip():
        raise InputError(
            [where.problem("extends must be a file or a shipped scenario (expected e.g. 'extends: baseline')")]
        )
    target = base_file(parent, directory)
    if target is None:
        hint = (
            f"expected a shipped scenario: {', '.join(shipped.names())}"
            if shipped.is_name(parent)
            else "expected a scenario file beside this one, or a shipped scenario by name such as 'extends: baseline'"
        )
        raise InputError(
            [
                where.problem(
                    f"extends names '{parent}', which does not exist ({did_you_mean(parent, shipped.names())}{hint})"
                )
            ]
        )
    if target in chain or target == me:
        cycle = " -> ".join(display_name(p) for p in (*chain, *([me] if me else []), target))
        raise InputError([where.problem(f"extends makes a cycle: {cycle} (expected a chain that ends)")])
    if len(chain) >= MAX_EXTENDS:
        raise InputError([where.problem(f"extends chain is longer than {MAX_EXTENDS} files")])
    base, files = _resolve(target, (*chain, *([me] if me else [])))
    return merge(base, doc), [name, *files]


def _model_at(loc: tuple, root: type[pydantic.BaseModel]) -> type[pydantic.BaseModel] | None:
    """The pydantic model that holds the value at ``loc``, to suggest its keys."""
    tp: object = root
    for part in loc:
        tp = _unwrap(tp, part)
        if tp is None:
            return None
    tp = _unwrap(tp, None)
    return tp if _is_model(tp) else None


def _unwrap(tp: object, part) -> object:
    """Step from a type to the type of its member ``part`` (a field, index or key)."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(tp)[0], part)
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(tp):
            got = _unwrap(arg, part)
            if got is not None and (part is not None or _is_model(got)):
                return got
        return None
    if part is None:
        return tp
    if _is_model(tp):
        for fname, field in tp.model_fields.items():
            if part in (fname, field.alias):
                return field.annotation
        return None
    if origin in (list, tuple):
        return typing.get_args(tp)[0]
    if origin is dict:
        return typing.get_args(tp)[1]
    return None


def _is_model(tp) -> bool:
    return isinstance(tp, type) and issubclass(tp, pydantic.BaseModel)


def locate(doc: Document, loc: tuple, key: bool = False) -> Where:
    table = doc.keys if key else doc.values
    for n in range(len(loc), -1, -1):
        if loc[:n] in table:
            return table[loc[:n]]
        if loc[:n] in doc.values:
            return doc.values[loc[:n]]
    return Where("?", 1, 1)


def dotted(loc: tuple, doc: Document | None = None) -> str:
    """A location as a reader writes it: ``events[3].date``, counting list items within their own file."""
    if doc is not None and len(loc) > 1 and (loc[0], loc[1]) in doc.local:
        loc = (loc[0], doc.local[(loc[0], loc[1])], *loc[2:])
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top)"


def _clean_loc(loc: tuple, data: object, missing: bool) -> tuple:
    """Keep the parts of pydantic's ``loc`` that name something in the file.

    Pydantic adds the name of each union branch it tried (``str``, ``list[str]``);
    those are dropped, except a missing key's own name at the end.
    """
    out: list = []
    for i, part in enumerate(loc):
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        elif not (missing and i == len(loc) - 1):
            continue
        out.append(part)
    return tuple(out)


def problems_from(
    err: pydantic.ValidationError, doc: Document, root: type[pydantic.BaseModel] = Scenario
) -> list[Problem]:
    """One FILE:LINE:COL problem per invalid value of ``doc``, validated as ``root``."""
    problems, seen = [], set()
    for e in err.errors(include_url=False):
        loc = _clean_loc(tuple(e["loc"]), doc.data, e["type"] == "missing")
        if loc in seen and e["type"] != "extra_forbidden":
            continue  # one line per value, though pydantic tried each union branch
        seen.add(loc)
        if e["type"] == "extra_forbidden":
            model = _model_at(loc[:-1], root)
            allowed = sorted((f.alias or n) for n, f in model.model_fields.items()) if model else []
            msg = (
                f"unknown key '{loc[-1]}' ({did_you_mean(str(loc[-1]), allowed)}expected one of: {', '.join(allowed)})"
            )
            problems.append(locate(doc, loc, key=True).problem(msg))
        elif e["type"] == "missing":
            problems.append(locate(doc, loc[:-1]).problem(f"{dotted(loc[:-1], doc)}: missing required key '{loc[-1]}'"))
        else:
            if e["type"] == "too_long":
                ctx, inherited = e.get("ctx", {}), " with those of the scenario it extends" if doc.local else ""
                problems.append(
                    locate(doc, loc).problem(
                        f"{dotted(loc, doc)}: {ctx.get('actual_length', 0):,} items{inherited} "
                        f"(expected at most {ctx.get('max_length', 0):,})"
                    )
                )
                continue
            got = repr(e.get("input"))
            got = got if len(got) <= 40 else got[:37] + "..."
            msg = advice(e, loc, doc) or e["msg"].removeprefix("Value error, ")
            problems.append(locate(doc, loc).problem(f"{dotted(loc, doc)}: got {got} ({msg[0].lower() + msg[1:]})"))
    return problems


MONEY = re.compile(r"^\s*(?:US)?\$?\s*([0-9]+(?:\.[0-9]+)?)\s*(bn|billion|b|m|mn|million|k|thousand)?\s*$", re.I)
UNITS = {"bn": 1.0, "billion": 1.0, "b": 1.0, "m": 1e-3, "mn": 1e-3, "million": 1e-3, "k": 1e-6, "thousand": 1e-6}


def advice(e: dict, loc: tuple, doc: Document) -> str | None:
    """What to write instead, for the mistakes people make: a name for a code, money for a number,
    a near miss of an event type or channel."""
    given = e.get("input")
    if e["type"] == "literal_error":
        allowed = re.findall(r"'([^']*)'", str(e.get("ctx", {}).get("expected", "")))
        return f"{did_you_mean(str(given), allowed)}expected one of: {', '.join(allowed)}"
    if "is not a state's code" in e["msg"] and isinstance(doc.data, dict) and isinstance(doc.data.get("actors"), dict):
        actors = {code: a.get("name", "") if isinstance(a, dict) else "" for code, a in doc.data["actors"].items()}
        by_name = {str(name).lower(): code for code, name in actors.items()}
        code = by_name.get(str(given).strip().lower()) or by_name.get(
            next(iter(difflib.get_close_matches(str(given).lower(), list(by_name), n=1, cutoff=0.6)), "")
        )
        if code:
            return f"use the code {code} for {actors[code]}: states are named by their three-letter codes"
        return f"expected one of the scenario's codes: {', '.join(actors)}"
    if loc and loc[-1] in ("magnitude", "level", "start") and isinstance(given, str):
        money = MONEY.match(given)
        unit = "the channel's unit: US$bn a year for arms and aid, 1 = a major deal, exercise or act of cover"
        if money:
            value = float(money.group(1)) * UNITS.get((money.group(2) or "bn").lower(), 1.0)
            return f"expected a plain number in {unit}; {given.strip()} is {value:g}"
        return f"expected a plain number in {unit}"
    return None


def find(what: str | Path, kind: str = "scenario") -> Path:
    """The file a command line or a caller means: an existing path, else a shipped scenario (or
    sweep, with ``kind="sweep"``) of that name, e.g. ``baseline``."""
    path = Path(what)
    if path.exists() or not shipped.is_name(str(what)):
        return path  # reading it reports what is wrong with it
    found = shipped.scenario(str(what)) if kind == "scenario" else shipped.sweep(str(what))
    if found is None:
        choices = shipped.names() if kind == "scenario" else shipped.names(shipped.sweeps())
        raise InputError.command_line(
            f"{what}: no such file, nor a shipped {kind} of that name "
            f"({did_you_mean(str(what), choices)}expected a file or one of: {', '.join(choices)})"
        )
    return found


@contextlib.contextmanager
def _collector_paused():
    """Python's cycle collector held off while a file becomes data.

    A big file is a few hundred thousand small objects with no cycles among them; the collector
    would walk the growing heap again every few hundred of them, so a file four times bigger
    would cost about five times as much. Memory is still bounded by the 1 MB cap on the file.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load(path: str | Path) -> Loaded:
    """Read, merge and validate a scenario (a file, or a shipped one by name), or raise
    :class:`InputError` listing every problem."""
    path = find(path)
    with _collector_paused():
        return validated(*_resolve(path, ()))


def load_text(text: str, name: str, directory: Path) -> Loaded:
    """Validate scenario text that is not a file (an upload, an editor); ``extends`` looks in ``directory``."""
    with _collector_paused():
        doc = parse(text.encode("utf-8", errors="surrogatepass"), name)
        return validated(*_extend(doc, name, directory, None, ()))


def load_document(doc: Document, name: str, directory: Path) -> Loaded:
    """Validate a scenario that is part of another file (a what-if inside a list of cases): its
    positions are that file's; ``extends`` looks in ``directory``."""
    with _collector_paused():
        return validated(*_extend(doc, name, directory, None, ()))


def validated(doc: Document, files: list[str]) -> Loaded:
    """The scenario a merged document describes, or :class:`InputError` with every problem in it."""
    try:
        scenario = Scenario.model_validate(doc.data)
    except pydantic.ValidationError as err:
        raise InputError(problems_from(err, doc)) from None
    problems = [locate(doc, loc, key=key).problem(msg) for loc, msg, key in checks.check(scenario)]
    if problems:
        raise InputError(problems)
    return Loaded(scenario, doc, files)
