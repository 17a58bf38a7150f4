"""The Dask backend of ``run_batch``: documents on a dask.distributed cluster, with no shared disk.

The client (the process that runs ``confmine run``) keeps the files and every output. It reads each
document's bytes, sends them to the workers in batches, and stores each finished result itself
(``ResultStore``, the local pool's store) as the batch comes back: the workers need neither the input
paths nor the output folder, and hold nothing that must outlive them. The runner then writes the
CSVs in input order from the store, as for the local pool, and a rerun skips what the store holds.

On each worker a plugin (``DocumentPool``) keeps a pool of document processes, one per worker thread,
each building the spaCy pipeline once, started with the worker (``dask worker --preload
pipeline.dask_backend``) or by the first run and kept for the next ones. A document runs in the main
thread of one of them, so it gets the local pool's time limit (SIGALRM, which a Dask task thread
cannot use) and memory limit, and dies with the worker; a process that dies (memory, a crash in a
library) fails its document alone, as in the local pool, while the worker goes on. A worker that dies
(killed, its machine lost) costs only the batches it held, which Dask runs again elsewhere; a batch
that has killed ``allowed-failures`` workers is split and its documents tried one by one, so only a
document that kills every worker it meets fails (``WorkerDied``).

Batches are sized to keep every worker busy without the client's memory growing with the corpus (see
``MAX_BATCH_DOCS``, ``MAX_BATCH_BYTES``, ``BATCHES_PER_THREAD`` and ``TAIL_SPLIT``).
"""

from __future__ import annotations

import hashlib
import math
import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path
from typing import Any

try:
    import dask
    from distributed import Client, KilledWorker, LocalCluster, as_completed, get_worker
    from distributed.diagnostics.plugin import WorkerPlugin
    from distributed.protocol.pickle import dumps
except ImportError as exc:  # pragma: no cover - depends on the install
    raise ImportError("the Dask backend needs dask.distributed: pip install 'confmine[dask]'") from exc

from pipeline.batch import (
    ClusterError,
    ResultStore,
    pipeline_version,
    process_bytes,
    start_worker,
    store_key,
    worker_died,
)
from pipeline.extract import extract_document
from pipeline.models import DocumentInfo, DocumentResult

# A batch holds at most this many documents: at 25-55 ms a generated abstract on one core
# (bench/RESULTS.md) that is about a second of work, so a task's round trip through the scheduler
# (a few ms of CPU in the scheduler and the worker) costs under 1%, results come back about every
# second, and a lost worker costs about a second per thread.
MAX_BATCH_DOCS = 32
# ... and at most this many bytes (a single larger document goes alone): the bytes travel inside the
# task through the scheduler, which warns about tasks over 10 MB, and stay in the client's memory
# until the batch is done.
MAX_BATCH_BYTES = 8 * 1024 * 1024
# Batches in flight per worker thread: one running and one waiting, so a worker never waits for the
# client to answer a finished batch with a new one; more would only hold more bytes in memory.
BATCHES_PER_THREAD = 2
# Batches shrink towards the end: none is larger than the documents left over this many batches per
# thread, so the last ones are small and every worker finishes at about the same time.
TAIL_SPLIT = 4
# A document process is replaced after this many documents (on average: the pool is replaced whole, see
# ``DocumentPool.run``), so a leaky PDF cannot grow it for ever. The local pool's forked workers are
# replaced every 500 (``TASKS_PER_WORKER``), but a spawned process costs about 1.5 s of CPU to start
# (imports, spaCy pipeline): 12% of 500 generated abstracts' work, 3% of 2,000's; one grows from 191 to
# 209 MB between its 500th and its 2,000th (bench/generate.py, seed 3).
TASKS_PER_PROCESS = 2000
PLUGIN = "confmine-documents"

# One document as it travels: the path the client knows it by, and its bytes.
Doc = tuple[str, bytes]


class DocumentPool(WorkerPlugin):
    """A Dask worker's document processes: one per worker thread, each running one document at a time
    in its main thread, replaced when one dies. Started when the worker starts (``dask_setup``) or by
    the first run's client, and kept for the next runs: they hold nothing of a run, and a run on a
    cluster that has them starts at once."""

    idempotent = True  # a client registering it leaves a worker's running pool as it is

    def setup(self, worker: Any) -> None:
        _allow_children()
        self.processes = worker.state.nthreads
        self.scratch = str(Path(worker.local_directory) / "confmine")
        Path(self.scratch).mkdir(parents=True, exist_ok=True)
        self.lock = threading.Lock()
        self.pool = _document_processes(self.processes)
        self.sent = 0  # documents sent to this pool
        for _ in range(self.processes):  # start them now (imports, spaCy): not when the first batch comes
            self.pool.submit(os.getpid)

    def teardown(self, worker: Any) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)

    def run(self, docs: list[Doc], max_bytes: int, timeout: float) -> list[dict]:
        """Each document's reply (``process_bytes``), in order. Documents that were in the pool when
        a process died are tried again one by one in a pool of their own, as the local pool does: the
        one that kills its process again fails alone (``WorkerDied``)."""
        pool, futures = self._submit(docs, max_bytes, timeout)
        replies = []
        for (name, data), future in zip(docs, futures, strict=True):
            try:
                if future is None:
                    raise BrokenProcessPool
                replies.append(future.result())
            except BrokenProcessPool:
                self._replace(pool)
                replies.append(self._alone(name, data, max_bytes, timeout))
        return replies

    def _submit(self, docs: list[Doc], max_bytes: int, timeout: float
                ) -> tuple[ProcessPoolExecutor, list[Future | None]]:
        """Send ``docs`` to the pool, and a new pool takes over once this one has been sent
        ``TASKS_PER_PROCESS`` documents a process: the old one finishes what it was sent, then its
        processes exit. (Not ``max_tasks_per_child``: on Python 3.11 a pool with a backlog stops for good
        when a process leaves at its limit, CPython gh-115634.) Under the lock, so no thread sends to a
        pool another has shut down; ``None`` for a document the pool was broken for."""
        with self.lock:
            if self.sent >= TASKS_PER_PROCESS * self.processes:
                self._renew(cancel_futures=False)
            pool = self.pool
            self.sent += len(docs)
            futures: list[Future | None] = []
            for name, data in docs:
                try:
                    futures.append(pool.submit(process_bytes, name, data, max_bytes, timeout, self.scratch))
                except BrokenProcessPool:  # broken by another thread's batch
                    futures.append(None)
            return pool, futures

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        with self.lock:
            if self.pool is broken:
                self._renew(cancel_futures=True)

    def _renew(self, cancel_futures: bool) -> None:
        """A new pool takes over (the caller holds the lock) and the old one is shut down: what it was sent
        is cancelled when it is broken, finished when it is only old."""
        old, self.pool, self.sent = self.pool, _document_processes(self.processes), 0
        old.shutdown(wait=False, cancel_futures=cancel_futures)

    def _alone(self, name: str, data: bytes, max_bytes: int, timeout: float) -> dict:
        with _document_processes(1) as lone:
            try:
                return lone.submit(process_bytes, name, data, max_bytes, timeout, self.scratch).result()
            except BrokenProcessPool:
                return _reply(worker_died(Path(name), hashlib.sha256(data).hexdigest()))


def _allow_children() -> None:
    """Let this worker process start its document processes. A nanny starts its worker as a daemon
    process (``distributed.worker.daemon``), and multiprocessing refuses children to a daemon lest
    they outlive it; these cannot: each dies with this process (``start_worker``: PDEATHSIG)."""
    process = multiprocessing.current_process()
    if process.daemon:
        process.daemon = False


def _document_processes(processes: int) -> ProcessPoolExecutor:
    """A pool of ``processes`` document processes, spawned: a fork of a Dask worker would copy the
    locks its other threads hold, and a fork server would become their parent, so they would not die
    with the worker. ``start_worker``'s PDEATHSIG follows the thread that started a process: here a
    task thread of the worker (they live as long as the worker) or the pool's own manager thread."""
    context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(processes, mp_context=context, initializer=start_worker)


def _reply(result: DocumentResult) -> dict:
    """A result as ``process_bytes`` replies it."""
    return {"info": result.info.model_dump(mode="json"), "result": result.model_dump_json()}


async def dask_setup(worker: Any) -> None:
    """``dask worker ADDRESS --preload pipeline.dask_backend``: the worker imports the pipeline and
    starts its document processes when it starts, so no run waits for them. The plugin is registered
    with the scheduler, which hands it to this worker as it joins: a client registering it again then
    changes nothing (a plugin added by the worker alone would be replaced, and its processes with it)."""
    await worker.scheduler.register_worker_plugin(plugin=dumps(DocumentPool()), name=PLUGIN, idempotent=True)


def run_documents(docs: list[Doc], max_bytes: int, timeout: float) -> tuple[str, list[dict]]:
    """The task the client submits: a batch on this worker's ``DocumentPool``, with the version of
    the pipeline the worker runs (its results are stored under the client's)."""
    plugin: DocumentPool = get_worker().plugins[PLUGIN]
    return pipeline_version(), plugin.run(docs, max_bytes, timeout)


def run_dask(paths: list[Path], scheduler: str | None, workers: int, max_bytes: int, timeout: float,
             store: ResultStore) -> Iterator[DocumentResult]:
    """Documents on the cluster at ``scheduler`` (a LocalCluster of ``workers`` workers here when there
    is none), each stored as it comes back; yields what the runner needs of each (as the local pool)."""
    with _connected(scheduler, workers) as client:
        client.register_plugin(DocumentPool(), name=PLUGIN)
        yield from _stream(client, paths, max_bytes, timeout, store)


# Dask keeps the last ``distributed.admin.low-level-log-length`` (1,000) messages under 1 MB that a
# connection sent, for debugging: on the client those are the batches, documents' bytes and all, so a
# run of 10,000 abstracts held 28 MB more than a run of 1,000 (bench/scale.py, part dask_rss). This
# process keeps none.
SENT_MESSAGES_KEPT = 0


@contextmanager
def _connected(scheduler: str | None, workers: int) -> Iterator[Client]:
    with dask.config.set({"distributed.admin.low-level-log-length": SENT_MESSAGES_KEPT}):
        yield from _clients(scheduler, workers)


def _clients(scheduler: str | None, workers: int) -> Iterator[Client]:
    if scheduler:
        try:
            client = Client(scheduler)
        except (OSError, TimeoutError) as exc:
            raise ClusterError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
        with client:
            yield client
        return
    # The LocalCluster's workers are threads of this process: what they do is hand batches to their
    # document processes and wait, and worker processes of their own would only add their start-up
    # (importing Dask and the pipeline) and a copy of every result between processes.
    with LocalCluster(n_workers=workers if workers >= 1 else os.cpu_count() or 1, threads_per_worker=1,
                      processes=False, dashboard_address=None) as cluster, Client(cluster) as client:
        yield client


def _stream(client: Client, paths: list[Path], max_bytes: int, timeout: float, store: ResultStore
            ) -> Iterator[DocumentResult]:
    version = pipeline_version()
    queue = deque(paths)
    lone: deque[Doc] = deque()  # documents of a batch that killed workers, to be sent one by one
    in_flight: dict[Any, list[Doc]] = {}
    finished = as_completed()
    while queue or lone or in_flight:
        threads = max(1, sum(client.nthreads().values()))
        while len(in_flight) < threads * BATCHES_PER_THREAD and (queue or lone):
            if lone:
                docs = [lone.popleft()]
            else:
                docs, unreadable = _next_batch(queue, threads)
                yield from unreadable
            if docs:
                future = client.submit(run_documents, docs, max_bytes, timeout, pure=False)
                in_flight[future] = docs
                finished.add(future)
        if not in_flight:
            continue
        future = next(finished)
        docs = in_flight.pop(future)
        try:
            worker_version, replies = future.result()
        except KilledWorker:
            if len(docs) > 1:
                lone.extend(docs)
            else:
                name, data = docs[0]
                yield worker_died(Path(name), hashlib.sha256(data).hexdigest())
            continue
        finally:
            future.release()
        if worker_version != version:
            raise ClusterError(f"the Dask workers run other confmine code (pipeline version {worker_version}) "
                               f"than this client ({version}): install the same confmine on every worker")
        for reply in replies:
            yield _stored(reply, store)


def _next_batch(queue: deque[Path], threads: int) -> tuple[list[Doc], list[DocumentResult]]:
    """The next batch read from ``queue``, and the failures of files that could not be read here
    (what a worker reading them would have reported: ``extract_document`` stops at the read)."""
    size = max(1, min(MAX_BATCH_DOCS, math.ceil(len(queue) / (threads * TAIL_SPLIT))))
    docs: list[Doc] = []
    unreadable: list[DocumentResult] = []
    total = 0
    while queue and len(docs) < size:
        try:
            data = queue[0].read_bytes()
        except OSError:
            unreadable.append(extract_document(queue.popleft()))
            continue
        if docs and total + len(data) > MAX_BATCH_BYTES:
            break
        docs.append((str(queue.popleft()), data))
        total += len(data)
    return docs, unreadable


def _stored(reply: dict, store: ResultStore) -> DocumentResult:
    """Store a document's result as its worker serialised it; what the runner needs of it: the info of
    a finished document (its rows are read back from the store in order), all of a failed one."""
    info = DocumentInfo.model_validate(reply["info"])
    if info.sha256:
        store.save_json(store_key(Path(info.source_path), info.sha256), reply["result"])
        if info.status == "ok":
            return DocumentResult(info=info)
    return DocumentResult.model_validate_json(reply["result"])
