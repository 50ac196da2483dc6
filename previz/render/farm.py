"""Render on a Dask cluster: the playblast's chunk function, one task per chunk.

``previz playblast PLAN --scheduler tcp://HOST:PORT`` sends each chunk of
frames (:func:`previz.render.playblast.render_chunk`, plain arguments) to a
Dask ``distributed`` scheduler and gathers the results as they finish.

Needs the optional extra: ``pip install previz[farm]``. The cluster's workers
must be able to import previz (the same version, with pyvista/VTK able to
render off-screen) and must see the plan file, the files it names and the
output folder at the same paths as the machine that submits (a shared file
system): tasks carry paths, not data. Start workers with one thread each and
as many processes as the node has cores, since a renderer renders on one
thread at a time::

    dask scheduler                                  # on the head node
    dask worker tcp://HEAD:8786 --nworkers auto --nthreads 1   # on every node
    previz playblast shots/demo.toml -o /shared/playblasts --scheduler tcp://HEAD:8786
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from previz.errors import InputError, OperationError

__all__ = ["INSTALL_HINT", "check_address", "run_on_cluster"]

#: How to get the optional dependency.
INSTALL_HINT = "pip install previz[farm]  (or: pip install distributed)"

_ADDRESS = re.compile(r"^(tcp|tls)://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):(\d{1,5})$")


def check_address(address: str) -> str:
    """Return a scheduler address ``tcp://HOST:PORT`` (or ``tls://``), checked.

    Raises
    ------
    InputError
        Naming the address and the form expected.
    """
    text = address.strip()
    match = _ADDRESS.match(text)
    if match is None or not 0 < int(match.group(3)) < 65536:
        raise InputError(f"scheduler address {address!r}: expected tcp://HOST:PORT "
                         f"(e.g. tcp://127.0.0.1:8786)")
    return text


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise OperationError(f"rendering on a Dask cluster needs the 'distributed' package; "
                             f"install it with: {INSTALL_HINT}") from None
    return distributed


def _connect(distributed: Any, address: str, timeout: float, worker_timeout: float) -> Any:
    try:
        client = distributed.Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError) as error:
        raise OperationError(f"cannot reach the Dask scheduler at {address}: {error}") from None
    try:
        client.wait_for_workers(1, timeout=worker_timeout)
    except (OSError, TimeoutError):
        client.close()
        raise OperationError(f"the Dask scheduler at {address} has no workers "
                             f"(waited {worker_timeout:g} s); start some with: "
                             f"dask worker {address} --nthreads 1") from None
    return client


def run_on_cluster(address: str, function: Callable[..., Any],
                   calls: Sequence[tuple[Any, ...]],
                   on_done: Callable[[int, Any], None], *, timeout: float = 10.0,
                   worker_timeout: float = 60.0) -> None:
    """Run ``function(*arguments)`` for every entry of ``calls`` on a Dask cluster.

    Parameters
    ----------
    address : str
        The scheduler, ``tcp://HOST:PORT``.
    function : callable
        A top-level function of an importable module (workers import it by name).
    calls : sequence of tuple
        Positional arguments, one tuple per task.
    on_done : callable
        ``on_done(index, result)``, called in this thread as each task finishes.
    timeout : float, keyword-only
        Seconds to wait for the scheduler to answer.
    worker_timeout : float, keyword-only
        Seconds to wait for the cluster to have a worker.

    Raises
    ------
    InputError
        For a malformed address.
    OperationError
        When ``distributed`` is missing, the scheduler cannot be reached or
        has no workers.
    Exception
        The first error a task raised (its own type); the other tasks are cancelled.
    """
    address = check_address(address)
    distributed = _distributed()
    client = _connect(distributed, address, timeout, worker_timeout)
    futures: dict[Any, int] = {}
    try:
        for index, arguments in enumerate(calls):
            futures[client.submit(function, *arguments, pure=False)] = index
        for future in distributed.as_completed(list(futures), loop=client.loop):
            on_done(futures[future], future.result())
    except BaseException:
        client.cancel(list(futures), force=True)
        raise
    finally:
        client.close()
