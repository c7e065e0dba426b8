"""Loading a scenario file: ``extends`` chains, validation, and errors that point at FILE:LINE:COL.

A what-if inherits from its base: mappings merge key by key, ``events``,
``initial``, ``ties`` and ``drop_events`` append to the base's lists, and any
other value replaces the base's.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from pathlib import Path

import pydantic

from sim import checks
from sim.schema import Scenario
from sim.yamlread import Document, InputError, Problem, Where, parse, read

APPENDED = ("events", "initial", "ties", "drop_events")
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


def _merge(base: Document, child: Document) -> Document:
    values, keys = dict(base.values), dict(base.keys)

    def move(src: tuple, dst: tuple) -> None:
        for table, out in ((child.values, values), (child.keys, keys)):
            for p, w in table.items():
                if p[: len(src)] == src:
                    out[dst + p[len(src):]] = w

    def drop(prefix: tuple) -> None:
        for table in (values, keys):
            for p in [p for p in table if p[: len(prefix)] == prefix]:
                del table[p]

    def merge(old: dict, new: dict, path: tuple) -> dict:
        out = dict(old)
        for key, value in new.items():
            here = path + (key,)
            if key in out and isinstance(out[key], dict) and isinstance(value, dict):
                out[key] = merge(out[key], value, here)
                keys[here] = child.keys.get(here, keys.get(here))
            elif path == () and key in APPENDED and isinstance(out.get(key), list) and isinstance(value, list):
                for i in range(len(value)):
                    move(here + (i,), here + (len(out[key]) + i,))
                out[key] = out[key] + value
            else:
                drop(here)
                move(here, here)
                out[key] = value
        return out

    data = merge(base.data, {k: v for k, v in child.data.items() if k != "extends"}, ())
    data.pop("extends", None)
    return Document(data, values, keys)


def _resolve(path: Path, chain: tuple[Path, ...]) -> tuple[Document, list[str]]:
    name = display_name(path)
    return _extend(read(path, name), name, path.parent, path.resolve(), chain)


def _extend(doc: Document, name: str, directory: Path, me: Path | None,
            chain: tuple[Path, ...]) -> tuple[Document, list[str]]:
    """Merge ``doc`` over the file its ``extends`` names, looked up in ``directory``."""
    if not isinstance(doc.data, dict):
        kind = type(doc.data).__name__
        raise InputError([doc.values[()].problem(f"a scenario must be a mapping of keys, not a {kind} (expected 'name: ...')")])
    parent = doc.data.get("extends")
    if parent is None:
        return doc, [name]
    where = doc.values[("extends",)]
    if not isinstance(parent, str) or not parent.strip():
        raise InputError([where.problem("extends must be a file name (expected e.g. 'extends: baseline.yaml')")])
    target = (directory / parent).resolve()
    if target in chain or target == me:
        cycle = " -> ".join(display_name(p) for p in (*chain, *([me] if me else []), target))
        raise InputError([where.problem(f"extends makes a cycle: {cycle} (expected a chain that ends)")])
    if len(chain) >= MAX_EXTENDS:
        raise InputError([where.problem(f"extends chain is longer than {MAX_EXTENDS} files")])
    if not target.is_file():
        raise InputError([where.problem(f"extends names '{parent}', which does not exist (expected a scenario file beside this one)")])
    base, files = _resolve(target, (*chain, *([me] if me else [])))
    return _merge(base, doc), [name, *files]


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


def dotted(loc: tuple) -> str:
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


def problems_from(err: pydantic.ValidationError, doc: Document, root: type[pydantic.BaseModel] = Scenario) -> list[Problem]:
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
            msg = f"unknown key '{loc[-1]}' ({checks.did_you_mean(str(loc[-1]), allowed)}expected one of: {', '.join(allowed)})"
            problems.append(locate(doc, loc, key=True).problem(msg))
        elif e["type"] == "missing":
            problems.append(locate(doc, loc[:-1]).problem(f"{dotted(loc[:-1])}: missing required key '{loc[-1]}'"))
        else:
            got = repr(e.get("input"))
            got = got if len(got) <= 40 else got[:37] + "..."
            msg = e["msg"].removeprefix("Value error, ")
            problems.append(locate(doc, loc).problem(f"{dotted(loc)}: got {got} ({msg[0].lower() + msg[1:]})"))
    return problems


def load(path: str | Path) -> Loaded:
    """Read, merge and validate a scenario, or raise :class:`InputError` listing every problem."""
    path = Path(path)
    return _validated(*_resolve(path, ()))


def load_text(text: str, name: str, directory: Path) -> Loaded:
    """Validate scenario text that is not a file (an upload, an editor); ``extends`` looks in ``directory``."""
    doc = parse(text.encode("utf-8", errors="surrogatepass"), name)
    return _validated(*_extend(doc, name, directory, None, ()))


def _validated(doc: Document, files: list[str]) -> Loaded:
    try:
        scenario = Scenario.model_validate(doc.data)
    except pydantic.ValidationError as err:
        raise InputError(problems_from(err, doc)) from None
    problems = [locate(doc, loc, key=key).problem(msg) for loc, msg, key in checks.check(scenario)]
    if problems:
        raise InputError(problems)
    return Loaded(scenario, doc, files)
