"""Where the chunks of a batch are computed: here, in worker threads, or on a Dask cluster.

Every executor hands each finished chunk back to the caller, which writes it; workers
never touch the output folder, so a cluster needs no shared disk. Results do not depend
on the executor (each run's result depends only on its id), only the time does.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed

from sim.batch.plan import Chunk, compute
from sim.scenario.errors import InputError

CONNECT_TIMEOUT = 5  # seconds to reach a Dask scheduler before giving up
LOST_AFTER = 5  # seconds with no worker at all before a batch gives up on its cluster (a nanny restarts one in ~1 s)


class WorkersLost(RuntimeError):
    """Every worker of the Dask cluster is gone; the chunks saved so far are kept."""


Done = Callable[[int, object, object], None]


def connect(scheduler: str | None, jobs: int):
    """A Dask client for ``--scheduler`` (None: no cluster); raises :class:`InputError` if it
    cannot be had, before anything is written."""
    if scheduler is None:
        return None
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise InputError.command_line(
            f"--scheduler {scheduler}: Dask is not installed (expected: pip install 'tightrope[cluster]')"
        ) from None
    # Lost workers and rescheduled chunks are handled and reported here in one line each; the
    # client's own log lines (with tracebacks) would only bury that line. "asyncio" too: a
    # result abandoned when its worker died is reported by it as "never retrieved" on exit.
    for name in ("distributed", "distributed.client", "asyncio"):  # the client's level is set apart
        logging.getLogger(name).setLevel(logging.CRITICAL)
    if scheduler == "local":
        cluster = LocalCluster(
            n_workers=jobs,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
        return Client(cluster)
    if not scheduler.startswith("tcp://"):
        raise InputError.command_line(f"--scheduler {scheduler}: expected 'local' or an address like tcp://HOST:8786")
    try:
        client = Client(scheduler, timeout=f"{CONNECT_TIMEOUT}s")
    except (OSError, TimeoutError) as err:
        raise InputError.command_line(
            f"--scheduler {scheduler}: no Dask scheduler answered within {CONNECT_TIMEOUT} s "
            f"({type(err).__name__}); start one with 'dask scheduler' and its workers with "
            f"'dask worker {scheduler}'"
        ) from None
    try:
        client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)  # a scheduler alone would wait forever
    except (OSError, TimeoutError):
        client.close()
        raise InputError.command_line(
            f"--scheduler {scheduler}: the scheduler answered but has no workers after "
            f"{CONNECT_TIMEOUT} s; start some with 'dask worker {scheduler}'"
        ) from None
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
        _on_cluster(client, todo, done)
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


def _on_cluster(client, todo: list[Chunk], done: Done) -> None:
    """Submit every chunk and hand each back as it finishes; give up once no worker is left.

    A chunk counts as finished once its result has reached here: one whose worker died
    before sending it goes back to the queue (the scheduler computes it again).
    """
    from dask.distributed import KilledWorker, wait

    pending = {client.submit(compute, c, pure=False) for c in todo}
    alone_since = None
    while pending:
        try:
            finished, pending = wait(pending, timeout=1, return_when="FIRST_COMPLETED")
        except TimeoutError:  # nothing finished this second: see whether anyone is left to finish it
            finished = set()
        progressed = False
        for future in finished:
            try:
                result = future.result(timeout=1)
            except TimeoutError:
                pending.add(future)  # its worker died with the result
                continue
            except KilledWorker as err:
                raise WorkersLost(
                    f"workers kept dying while computing a chunk ({err}); {len(pending) + 1} chunks were left undone"
                ) from None
            done(*result)
            future.release()
            progressed = True
        if progressed or not pending or client.scheduler_info(n_workers=0).get("n_workers", 0):
            alone_since = None
        elif alone_since is None:
            alone_since = time.monotonic()
        elif time.monotonic() - alone_since > LOST_AFTER:
            raise WorkersLost(
                f"every Dask worker was lost and none came back within {LOST_AFTER} s; "
                f"{len(pending)} chunks were left undone"
            )
