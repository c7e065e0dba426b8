"""Where the compiled engine keeps its machine code, and whether it is there yet.

Numba compiles :mod:`sim.engine.kernel` (with :mod:`~sim.engine.quarter`, :mod:`~sim.engine.levels`)
and :mod:`sim.engine.streams` on first use
(about 25 s) and caches the result on disk. The cache lives in a folder of its own,
named by a fingerprint of everything the machine code depends on: the two modules'
source, the layout they read by name from the model (drivers, channels, decision
rules), and the numba and Python versions. Numba itself only watches the source file
of each function, so without the fingerprint a changed layout would load stale code.

The folder is the first of these that can be written: ``$TIGHTROPE_CACHE_DIR``,
``$NUMBA_CACHE_DIR``, the package's own ``sim/engine/__pycache__`` (a checkout or a
writable install), the user's cache folder (``$XDG_CACHE_HOME`` or ``~/.cache``), the
temporary folder.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import sys
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from sim.model import decisions, dynamics, events

HERE = Path(__file__).resolve().parent
SOURCES = ("kernel.py", "drives.py", "quarter.py", "levels.py", "streams.py")  # what the machine code is made from
MARKER = "ready"  # written once the engine has been compiled and saved
JIT = {"cache": True, "nogil": True, "error_model": "numpy"}  # no GIL; IEEE float division, unchecked


def fingerprint() -> str:
    from importlib.metadata import version  # not `import numba`: this runs before numba is needed

    digest = hashlib.sha256()
    for name in SOURCES:
        digest.update((HERE / name).read_bytes())
    layout = (
        dynamics.DRIVERS,
        dynamics.CHANNELS,
        dynamics.BENEFIT_CHANNELS,
        dynamics.STRUCTURAL,
        dynamics.Memory._fields,
        decisions.RULES,
        (events.NO_BOUND, events.FLOOR, events.CEILING),
    )
    digest.update(repr((layout, JIT, version("numba"), sys.version_info[:2])).encode())
    return digest.hexdigest()[:16]


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".probe-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
        return True
    except OSError:
        return False


def _candidates() -> list[Path]:
    home = os.environ.get("XDG_CACHE_HOME") or (Path.home() / ".cache")
    found = [
        os.environ.get("TIGHTROPE_CACHE_DIR"),
        os.environ.get("NUMBA_CACHE_DIR"),
        HERE / "__pycache__",
        Path(home) / "tightrope",
        Path(tempfile.gettempdir()) / f"tightrope-cache-{os.getuid()}",
    ]
    return [Path(p) for p in found if p]


def folder() -> Path:
    """This engine's cache folder (made if need be), in the first place that can be written."""
    name = f"numba-{fingerprint()}"
    for base in _candidates():
        if _writable(base / name):
            return base / name
    raise OSError("no folder to cache the compiled engine in (set TIGHTROPE_CACHE_DIR to a writable one)")


FOLDER = folder()


def jit(fn):
    """``numba.njit`` without the GIL and with IEEE float division, cached in :data:`FOLDER`."""
    import numba

    before = numba.config.CACHE_DIR
    numba.config.CACHE_DIR = str(FOLDER)  # read once, when the function's cache is set up
    try:
        return numba.njit(**JIT)(fn)
    finally:
        numba.config.CACHE_DIR = before


def warm_now() -> bool:
    """Whether the engine was compiled here before (loading it then takes well under a second)."""
    return (FOLDER / MARKER).exists()


def mark_warm() -> None:
    (FOLDER / MARKER).write_text("compiled and cached\n")


_READY = threading.Event()
_LOADING = threading.Lock()


def ready() -> None:
    """Load the compiled engine from its disk cache, or compile it (saying so, once: ~25 s).

    Safe to call from several threads: one loads, the others wait for it.
    """
    if _READY.is_set():
        return
    with _LOADING:
        if _READY.is_set():
            return
        from sim.engine import kernel

        with _no_blas_probe():
            if warm_now():
                _tiny(kernel)
            else:
                with _machine_lock():
                    warm = warm_now()  # another process may have compiled it while this one waited
                    if not warm:
                        say = f"compiling the batch engine once, ~25 s (cached in {FOLDER})"
                        print(say, file=sys.stderr, flush=True)
                    _tiny(kernel)
                    if not warm:
                        mark_warm()
        _READY.set()


@contextmanager
def _no_blas_probe():
    """Numba's first compiled call asks whether BLAS is there by importing ``scipy.linalg`` (0.34 s
    of a 0.76 s load, measured); the engine calls no BLAS, so while it loads the answer is no.

    Numba then offers no ``np.dot`` to compiled code in this process: nothing here compiles one.
    When numba has already asked (another library compiled first), nothing changes.
    """
    if "numba.np.arraymath" in sys.modules:
        yield
        return
    from numba.np import linalg

    asked = linalg.ensure_blas

    def none_needed():
        raise ImportError("the batch engine uses no BLAS")

    linalg.ensure_blas = none_needed
    try:
        yield
    finally:
        linalg.ensure_blas = asked


@contextmanager
def _machine_lock():
    """Held while loading or compiling, across processes: of several Dask workers on a machine
    with nothing cached, one compiles and the others wait, then load what it saved."""
    with open(FOLDER / ".lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ready_in_background() -> threading.Thread | None:
    """Start loading a compiled engine from its disk cache in a thread (LLVM links the code
    without the GIL, so a command can read its input meanwhile); None if there is nothing
    cached to load (the first use compiles, in the caller's own time)."""
    if _READY.is_set() or not warm_now():
        return None
    thread = threading.Thread(target=ready, name="engine", daemon=True)
    thread.start()
    return thread


def _tiny(kernel) -> None:
    """One run of two states for one quarter, through the batch loop and the one-run stepper, and a run
    seed, through every compiled function."""
    from sim.engine import drives, quarter

    n, T = 2, 2
    A = np.zeros((n, n))
    S = np.zeros((len(dynamics.CHANNELS), n, n))
    per_run = lambda k: np.ones((1, k))
    start, cells, delta = np.zeros(T + 1, dtype=np.int64), np.zeros((0, 7), dtype=np.int64), np.zeros(0)
    counts = np.zeros((1, len(decisions.RULES)), dtype=np.int64)
    kernel.advance_runs(
        A,
        S,
        S.copy(),
        per_run(len(drives.GAINS)),
        per_run(len(dynamics.BENEFIT_CHANNELS)),
        per_run(len(dynamics.CHANNELS)),
        per_run(len(quarter.ACTS)),
        np.ones(n),
        np.ones(n),
        np.ones(n),
        np.zeros((n, n)),
        start,
        cells,
        delta,
        np.arange(n, dtype=np.int64),
        np.zeros(1, dtype=np.uint64),
        np.empty((1, T, n, n)),
        counts,
        np.zeros((1, T, len(dynamics.DRIVERS), n, n)),
    )
    inp = kernel.Inputs(
        A,
        S,
        S.copy(),
        np.ones(len(drives.GAINS)),
        np.ones(len(dynamics.BENEFIT_CHANNELS)),
        np.ones(len(dynamics.CHANNELS)),
        np.ones(len(quarter.ACTS)),
        np.ones(n),
        np.ones(n),
        np.ones(n),
        np.zeros((n, n)),
    )
    st, sc = kernel.new_state(inp, 0), kernel.new_scratch(n, S.shape[0])
    kernel.begin(inp, st, sc)
    kernel.advance(
        inp,
        st,
        sc,
        0,
        1,
        np.zeros((T - 1, len(decisions.RULES), n, n)),
        np.zeros((T - 1, n, n)),
        start,
        cells,
        delta,
        start.copy(),
        cells.copy(),
        delta.copy(),
        counts[0],
        np.empty((T, n, n)),
        np.empty((T, len(dynamics.DRIVERS), n, n)),
    )
    kernel.streams.spawned_seeds(np.uint64(0), np.zeros(1, dtype=np.uint64), np.empty(1, dtype=np.uint64))
