"""Where the chunks of a batch are computed: here, in worker threads, or on a Dask cluster.

Every executor hands each finished chunk back to the caller, which writes it; workers
never touch the output folder, so a cluster needs no shared disk. Results do not depend
on the executor (each run's result depends only on its id), only the time does.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed

from sim.batch import Chunk, compute
from sim.yamlread import InputError

CONNECT_TIMEOUT = 5  # seconds to reach a Dask scheduler before giving up

Done = Callable[[int, object, object], None]


def connect(scheduler: str | None, jobs: int):
    """A Dask client for ``--scheduler`` (None: no cluster); raises :class:`InputError` if it
    cannot be had, before anything is written."""
    if scheduler is None:
        return None
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise InputError.command_line(f"--scheduler {scheduler}: Dask is not installed "
                       "(expected: pip install 'tightrope[cluster]')") from None
    if scheduler == "local":
        cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, host="127.0.0.1",
                               dashboard_address=None, silence_logs=logging.ERROR)
        return Client(cluster)
    if not scheduler.startswith("tcp://"):
        raise InputError.command_line(f"--scheduler {scheduler}: expected 'local' or an address like tcp://HOST:8786")
    try:
        client = Client(scheduler, timeout=f"{CONNECT_TIMEOUT}s")
    except (OSError, TimeoutError) as err:
        raise InputError.command_line(f"--scheduler {scheduler}: no Dask scheduler answered within {CONNECT_TIMEOUT} s "
                       f"({type(err).__name__}); start one with 'dask scheduler' and its workers with "
                       f"'dask worker {scheduler}'") from None
    try:
        client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)  # a scheduler alone would wait forever
    except (OSError, TimeoutError):
        client.close()
        raise InputError.command_line(f"--scheduler {scheduler}: the scheduler answered but has no workers after "
                       f"{CONNECT_TIMEOUT} s; start some with 'dask worker {scheduler}'") from None
    return client


def close(client) -> None:
    if client is not None:
        cluster = getattr(client, "cluster", None)
        client.close()
        if cluster is not None:
            cluster.close()


def execute(todo: Iterable[Chunk], done: Done, jobs: int = 1, client=None) -> None:
    """Compute every chunk in ``todo`` and call ``done(index, runs, series)`` as each finishes."""
    todo = list(todo)
    if client is not None:
        from dask.distributed import as_completed as dask_completed
        futures = [client.submit(compute, c, pure=False) for c in todo]
        for future in dask_completed(futures):
            done(*future.result())
            future.release()
    elif jobs == 1 or len(todo) <= 1:
        for c in todo:
            done(*compute(c))
    else:
        # Threads, not processes: a chunk spends its time in the compiled loop (or numpy's loops),
        # which run without the GIL, so two threads keep two cores busy (x1.66 measured here)
        # and nothing is pickled and no interpreter starts (a process pool took ~1.5 s to).
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            for future in as_completed([pool.submit(compute, c) for c in todo]):
                done(*future.result())
