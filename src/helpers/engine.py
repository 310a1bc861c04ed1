"""Run a per-document function over many documents: in this process, in local processes, or on
a Dask cluster — with the same results in the same order whichever runs it.

Stages 01-03 are *map* phases (one call per document, no document sees another) separated by
corpus-level *reductions* that run in the calling process (duplicates, Punkt training, common
words). :func:`Engine.map` is the map: it takes ``(doc_id, payload)`` items and yields
``(doc_id, result)`` in the order given, so tables come out byte for byte the same whatever
the engine or the number of workers.

Engines:

* ``local`` (default): a :class:`concurrent.futures.ProcessPoolExecutor`, all cores unless
  ``workers`` says otherwise; documents go out in chunks; ``workers=1`` runs in this process.
* ``dask``: ``dask.distributed``; a ``LocalCluster`` with ``workers`` processes when no
  ``scheduler`` address is given, else the cluster at that address (``tcp://host:8786``),
  whose workers need this package installed (``pip install -e .`` in the same environment).

Fault isolation: an exception while processing one document never stops the map; that
document's result is a :class:`Fault` (error type and message) that the stage turns into a
warnings.csv row, leaving the document's rows for that stage out.

For tests only: ``TALLYBOOK_TEST_FAULT="02_entities=doc_a,03_tallies=doc_b"`` makes the named
stage raise for the named document, in whatever process runs it (monkeypatching does not cross
process boundaries).
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

ENGINES = ("local", "dask")
MISSING = object()  # map_cached: no cached result for this item
FAULT_ENV = "TALLYBOOK_TEST_FAULT"

DocFn = Callable[[str, Any, Any], Any]
"""A per-document function: ``fn(doc_id, payload, context) -> result`` (module level, so it
can be pickled to other processes)."""


@dataclass(frozen=True)
class Fault:
    """A document whose per-document function raised."""

    error_type: str
    message: str

    def describe(self, stage: str) -> str:
        """The warnings.csv message: what failed, and that the rows are left out."""
        return (f"{stage} failed for this document ({self.error_type}: {self.message}); "
                "its rows for this stage are left out")


def _injected(stage: str, doc_id: str) -> bool:
    spec = os.environ.get(FAULT_ENV, "")
    return bool(spec) and f"{stage}={doc_id}" in spec.split(",")


def call_one(fn: DocFn, stage: str, doc_id: str, payload: Any, context: Any) -> Any:
    """Run ``fn`` on one document; any exception becomes a :class:`Fault`."""
    try:
        if _injected(stage, doc_id):
            raise RuntimeError(f"fault injected for tests ({FAULT_ENV})")
        return fn(doc_id, payload, context)
    except Exception as exc:  # one document's failure must never stop the others
        return Fault(type(exc).__name__, str(exc)[:500])


def _run_chunk(fn: DocFn, stage: str, chunk: list[tuple[str, Any]], context: Any) -> list[Any]:
    return [call_one(fn, stage, d, p, context) for d, p in chunk]


_WORKER_CONTEXT: Any = None


def _init_worker(context: Any) -> None:
    global _WORKER_CONTEXT
    _WORKER_CONTEXT = context


def _run_chunk_pool(fn: DocFn, stage: str, chunk: list[tuple[str, Any]]) -> list[Any]:
    return _run_chunk(fn, stage, chunk, _WORKER_CONTEXT)


def _chunks(items: Iterable[tuple[str, Any]], size: int) -> Iterator[list[tuple[str, Any]]]:
    chunk: list[tuple[str, Any]] = []
    for it in items:
        chunk.append(it)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def default_workers() -> int:
    """All the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


_CLIENTS: dict[tuple[str, int], Any] = {}


def _shared_client(scheduler: str, workers: int) -> Any:
    """One Dask client per scheduler (or LocalCluster size) for the whole process: starting a
    cluster and importing the package on its workers costs seconds, once is enough."""
    key = (scheduler, 0 if scheduler else workers)
    if key not in _CLIENTS:
        import atexit
        import logging

        from dask.distributed import Client, LocalCluster

        if scheduler:
            client = Client(scheduler)
        else:
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=logging.ERROR)
            client = Client(cluster)
            atexit.register(cluster.close)
        atexit.register(client.close)
        _CLIENTS[key] = client
    return _CLIENTS[key]


# The local engine processes at most this many documents in the calling process.
SERIAL_UP_TO = 16


class Engine:
    """Where per-document work runs. Use as a context manager (a Dask cluster is closed on exit).

    Args:
        engine: ``local`` or ``dask``.
        workers: worker processes; 0 means all cores. ``local`` with 1 runs in this process.
        scheduler: ``dask`` only: address of a running scheduler; empty starts a LocalCluster.
        chunksize: documents per task; 0 picks one from the number of documents.

    Raises:
        ValueError: an unknown engine.
    """

    def __init__(self, engine: str = "local", workers: int = 0, scheduler: str = "",
                 chunksize: int = 0) -> None:
        engine = (engine or "local").lower()
        if engine not in ENGINES:
            raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
        self.engine = engine
        self.workers = int(workers) if workers and int(workers) > 0 else default_workers()
        self.scheduler = scheduler or ""
        self.chunksize = int(chunksize or 0)
        self._client: Any = None

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def describe(self) -> str:
        """One line for the notebook: which engine, how many workers."""
        if self.engine == "dask":
            return f"dask ({self.scheduler or f'LocalCluster, {self.workers} workers'})"
        if self.workers == 1:
            return "local (in this process)"
        return f"local ({self.workers} processes)"

    def close(self) -> None:
        """Let go of the Dask client (the LocalCluster stays up for the next stage of this
        process and is closed when the process exits)."""
        self._client = None

    def _dask_client(self) -> Any:
        if self._client is None:
            self._client = _shared_client(self.scheduler, self.workers)
        return self._client

    def _size(self, n: int) -> int:
        if self.chunksize:
            return self.chunksize
        return max(1, min(64, n // (self.workers * 4) or 1))

    def map(self, fn: DocFn, items: Iterable[tuple[str, Any]], *, context: Any = None,
            stage: str = "", total: int | None = None, desc: str = "",
            progress: bool = True) -> Iterator[tuple[str, Any]]:
        """Yield ``(doc_id, fn(doc_id, payload, context) or Fault)`` in the order of ``items``.

        ``items`` is consumed lazily and at most a few chunks per worker are in flight, so
        memory stays bounded however many documents there are. ``context`` (read-only data
        every document needs: a trained splitter, say) is sent once per worker, not once per
        document.
        """
        for doc_id, res, _ in self.map_cached(fn, ((d, p, MISSING) for d, p in items),
                                              context=context, stage=stage, total=total,
                                              desc=desc, progress=progress):
            yield doc_id, res

    def map_cached(self, fn: DocFn, items: Iterable[tuple[str, Any, Any]], *,
                   context: Any = None, stage: str = "", total: int | None = None,
                   desc: str = "", progress: bool = True) -> Iterator[tuple[str, Any, bool]]:
        """Like :meth:`map` for ``(doc_id, payload, cached)`` items: an item whose ``cached``
        is not :data:`MISSING` is passed through as its result, in its place in the order.

        Yields:
            ``(doc_id, result or Fault, was_cached)``.
        """
        from tqdm.auto import tqdm

        bar = tqdm(total=total, desc=desc or stage, unit="doc", disable=not progress)
        try:
            # a handful of documents costs less in this process than starting workers that
            # each load the rule tables (and the tables are the same either way: tested)
            serial = self.engine == "local" and (
                self.workers == 1 or (total is not None and total <= SERIAL_UP_TO))
            if serial:
                for doc_id, payload, cached in items:
                    if cached is MISSING:
                        yield doc_id, call_one(fn, stage, doc_id, payload, context), False
                    else:
                        yield doc_id, cached, True
                    bar.update(1)
                return
            size = self._size(total if total is not None else 10_000)
            if self.engine == "local":
                yield from self._map_pool(fn, items, context, stage, size, bar)
            else:
                yield from self._map_dask(fn, items, context, stage, size, bar)
        finally:
            bar.close()

    def _schedule(self, submit, items: Iterable[tuple[str, Any, Any]], size: int,
                  bar: Any) -> Iterator[tuple[str, Any, bool]]:
        """Chunk the misses, submit them, and yield everything in input order."""
        window = self.workers * 3
        out: deque[tuple[str, Any, Any]] = deque()  # ("hit", doc_id, value) | ("job", ids, fut)
        jobs = 0
        chunk: list[tuple[str, Any]] = []

        def flush() -> None:
            nonlocal chunk, jobs
            if chunk:
                out.append(("job", [d for d, _ in chunk], submit(chunk)))
                jobs += 1
                chunk = []

        def pop() -> Iterator[tuple[str, Any, bool]]:
            nonlocal jobs
            kind, a, b = out.popleft()
            if kind == "hit":
                bar.update(1)
                yield a, b, True
                return
            jobs -= 1
            try:
                results = b.result()
            except Exception as exc:  # the worker itself died: each document of it failed
                results = [Fault(type(exc).__name__, f"worker failed: {exc}"[:500])] * len(a)
            bar.update(len(a))
            for d, r in zip(a, results, strict=True):
                yield d, r, False

        for doc_id, payload, cached in items:
            if cached is MISSING:
                chunk.append((doc_id, payload))
                if len(chunk) >= size:
                    flush()
            else:
                flush()  # keep the order: the misses before this hit go out first
                out.append(("hit", doc_id, cached))
            while out and (out[0][0] == "hit" or jobs >= window):
                yield from pop()
        flush()
        while out:
            yield from pop()

    def _map_pool(self, fn: DocFn, items: Iterable[tuple[str, Any, Any]], context: Any,
                  stage: str, size: int, bar: Any) -> Iterator[tuple[str, Any, bool]]:
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        # fork: workers start in milliseconds with the package already imported.
        ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None
        pool: ProcessPoolExecutor | None = None

        def submit(chunk: list[tuple[str, Any]]) -> Any:
            nonlocal pool
            if pool is None:  # started only when there is something to do
                pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx,
                                           initializer=_init_worker, initargs=(context,))
            return pool.submit(_run_chunk_pool, fn, stage, chunk)

        try:
            yield from self._schedule(submit, items, size, bar)
        finally:
            if pool is not None:
                pool.shutdown(cancel_futures=True)

    def _map_dask(self, fn: DocFn, items: Iterable[tuple[str, Any, Any]], context: Any,
                  stage: str, size: int, bar: Any) -> Iterator[tuple[str, Any, bool]]:
        ctx: list[Any] = []

        def submit(chunk: list[tuple[str, Any]]) -> Any:
            client = self._dask_client()
            if not ctx:
                ctx.append(client.scatter(context, broadcast=True)
                           if context is not None else None)
            return client.submit(_run_chunk, fn, stage, chunk, ctx[0], pure=False)

        yield from self._schedule(submit, items, size, bar)
