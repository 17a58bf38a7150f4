"""Run many documents and write the CSVs of SCHEMA.md.

Each document's result is saved, as soon as it is done, in ``OUT/.confmine/results/<sha256>.json``
(atomically), keyed by the content hash and the pipeline version: a re-run skips unchanged documents,
and a run killed half-way resumes where it stopped. The CSVs are then written, each atomically, by
streaming the saved results in ``doc_id`` order, so memory does not grow with the corpus.
Documents are processed by a pool of worker processes (each builds the spaCy pipeline once and is
recycled after a number of documents, so a leaky PDF cannot grow memory for ever) or on Dask
(``pipeline.dask_backend``: this process sends each document's bytes and stores every result itself,
so the workers need no shared disk).
Where the platform forks, the workers are forked from this process after it has built the spaCy
pipeline, so a worker starts in milliseconds instead of importing and building everything again.
A fork copies only the forking thread, with every lock as it was: a display thread caught writing
to the terminal would leave the stream's lock held for ever in the child. So while a local pool runs,
a progress display must not refresh from a thread of its own: it refreshes from ``on_wait``, called
on this thread while it waits for the workers.
"""

from __future__ import annotations

import csv
import ctypes
import fcntl
import gc
import hashlib
import multiprocessing
import os
import resource
import signal
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from pipeline import columns
from pipeline.extract import DEFAULT_MAX_BYTES, extract_bytes, extract_document, sha256_of
from pipeline.ingest import SUPPORTED_SUFFIXES
from pipeline.models import DocumentInfo, DocumentResult, ErrorRecord
from pipeline.output import open_temporary, remove_temporaries, spreadsheet_safe, write_atomic


@cache
def pipeline_version(root: Path | None = None) -> str:
    """A digest of the package's code and lexicons (``root``: the package folder): a stored result is
    reused only by the code that made it (a release number alone would hand an upgraded pipeline the
    old one's results)."""
    digest = hashlib.sha256()
    root = root or Path(__file__).resolve().parent
    for path in sorted(p for p in root.rglob("*") if p.suffix in (".py", ".tsv") and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


# A worker is replaced after this many documents, so a leaky PDF cannot grow it for ever; a worker's
# peak memory grows about 3% from its 200th to its 500th document (spaCy's string store), and a
# replacement is cheap when forked (about 3 s of CPU when spawned: spaCy import, pipeline build).
TASKS_PER_WORKER = 500
# While the workers are busy, ``on_wait`` is called this often (seconds), so a display keeps its
# clock and estimate moving during a slow document.
HEARTBEAT = 0.5
STATE_DIR = ".confmine"
BACKENDS = ("local", "dask")  # a process pool here, or dask.distributed
# The folders a run writes inside its output folder; when that folder is also an input folder, what
# is under these is output, not input (the input documents beside them still are).
TABLES_DIR = "tables"
TEXTS_DIR = "texts"
OUTPUT_FOLDERS = (TABLES_DIR, TEXTS_DIR, STATE_DIR)


@dataclass
class InputProblem:
    path: str
    message: str


@dataclass
class Collected:
    files: list[Path] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)


def collect_inputs(inputs: Iterable[str | Path], out: Path | None = None) -> Collected:
    """Supported files named or found under the given folders, sorted, each once.

    Symlink loops, unreadable folders and files that are not regular files (a FIFO, a link to a device)
    are reported instead of stopping the walk or hanging on a read; nothing in the folders a run writes
    under ``out`` (its texts, when the outputs are written inside an input folder) is an input.
    """
    collected = Collected()
    seen: set[Path] = set()
    skipped = [(out / name).resolve() for name in OUTPUT_FOLDERS] if out is not None else []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found: list[Path] = []

            def report(error: OSError) -> None:
                collected.problems.append(InputProblem(str(error.filename), f"cannot read folder: {error.strerror}"))

            for root, dirs, files in os.walk(path, followlinks=False, onerror=report):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                found.extend(Path(root) / n for n in files if Path(n).suffix.lower() in SUPPORTED_SUFFIXES)
            if not found:
                collected.problems.append(InputProblem(str(path), "no .txt or .pdf files in this folder"))
            candidates = sorted(found)
        elif path.exists() or path.is_symlink():
            candidates = [path]
        else:
            collected.problems.append(InputProblem(str(path), "no such file or folder"))
            continue
        for candidate in candidates:
            try:
                key = candidate.resolve(strict=True)
            except (OSError, RuntimeError) as exc:
                collected.problems.append(InputProblem(str(candidate), f"cannot resolve path (symlink loop?): {exc}"))
                continue
            if candidate is not path and any(skip in key.parents for skip in skipped):
                continue
            if key in seen:
                continue
            seen.add(key)
            try:
                regular = stat.S_ISREG(key.stat().st_mode)
            except OSError as exc:
                collected.problems.append(InputProblem(str(candidate), f"cannot read file: {exc.strerror}"))
                continue
            if not regular:
                collected.problems.append(InputProblem(str(candidate), "not a regular file (a pipe, device or "
                                                                       "socket); not read"))
                continue
            collected.files.append(candidate)
    return collected


# The longest doc_id, in UTF-8 bytes: it names files ("tables/<doc_id>__table12.csv"), and a file name
# may hold 255 bytes on the file systems users run on.
MAX_DOC_ID_BYTES = 200


def _path_tag(path: Path) -> str:
    """The first 8 hex digits of the sha256 of a source path: what tells two inputs with one stem apart."""
    return hashlib.sha256(str(path).encode("utf-8", "surrogateescape")).hexdigest()[:8]


def assign_doc_ids(files: list[Path]) -> dict[Path, str]:
    """Each input's doc_id, unique in the run and safe as a file name (SCHEMA.md): the file's stem;
    where two inputs share a stem (``x/a.txt`` and ``y/a.txt``, ``a.txt`` and ``a.pdf``) each gets the
    stem + "~" + the path tag; a stem too long for a file name is cut to fit and tagged the same way."""
    stems: dict[str, int] = {}
    for path in files:
        stems[path.stem] = stems.get(path.stem, 0) + 1
    ids: dict[Path, str] = {}
    for path in files:
        stem = path.stem
        if stems[stem] > 1 or len(stem.encode("utf-8", "surrogateescape")) > MAX_DOC_ID_BYTES:
            cut = stem.encode("utf-8", "surrogateescape")[:MAX_DOC_ID_BYTES - 9].decode("utf-8", "ignore")
            stem = f"{cut}~{_path_tag(path)}"
        ids[path] = stem
    return ids


class DocumentTimeout(BaseException):
    """The document took longer than ``--doc-timeout`` seconds.

    A ``BaseException``, like ``KeyboardInterrupt``: each stage records its own ``Exception`` and the
    document goes on, but a timeout must end the whole document wherever the alarm finds it.
    """


@cache
def _worker_nlp():
    from pipeline.ner import build_nlp

    return build_nlp()


def _on_alarm(signum, frame):  # pragma: no cover - called by the OS
    raise DocumentTimeout


def process_path(path: str, max_bytes: int = DEFAULT_MAX_BYTES, timeout: float = 0, store: str = "") -> dict:
    """Process one document (in whichever process this runs) and return its result as plain data.

    With ``store`` (the result folder of the run) the worker saves a finished document itself and
    returns only its ``info`` and ``errors``, so the parent process does not serialise every result a
    second time: that serial work is what kept a second worker from doubling the throughput.
    A time limit is enforced with SIGALRM, so a pathological document fails alone.
    """
    nlp = _worker_nlp()  # built once per worker, outside the document's time limit
    result = _within(timeout, lambda: extract_document(path, nlp=nlp, max_bytes=max_bytes),
                     lambda: _timed_out(Path(path), timeout, sha256_of(Path(path))))
    result.ingested = None
    if store and result.info.sha256:
        ResultStore.at(Path(store)).save(result)
        if result.info.status == "ok":
            return {"info": result.info.model_dump(mode="json"), "errors": []}
    return result.model_dump(mode="json")


def process_bytes(source_path: str, data: bytes, max_bytes: int = DEFAULT_MAX_BYTES, timeout: float = 0,
                  scratch: str = "") -> dict:
    """Process one document sent as bytes by a client that keeps the files (``pipeline.dask_backend``);
    return its ``info`` and the whole result as JSON, for the client to store as it is.

    The JSON is made here, in the process that did the work, so the client only writes it to disk;
    the time limit is ``process_path``'s (this runs in the main thread of a pool process).
    """
    nlp = _worker_nlp()
    result = _within(timeout, lambda: extract_bytes(data, source_path, nlp=nlp, max_bytes=max_bytes,
                                                    scratch=scratch or None),
                     lambda: _timed_out(Path(source_path), timeout, hashlib.sha256(data).hexdigest()))
    result.ingested = None
    return {"info": result.info.model_dump(mode="json"), "result": result.model_dump_json()}


def _within(timeout: float, run: Callable[[], DocumentResult], timed_out: Callable[[], DocumentResult]
            ) -> DocumentResult:
    """``run()``, or ``timed_out()`` once it has taken ``timeout`` seconds (0: no limit). SIGALRM
    interrupts the document wherever it is; signals reach only a main thread, so this runs in the
    main thread of a worker process (or of this process, with one worker)."""
    use_alarm = timeout > 0 and hasattr(signal, "SIGALRM")
    if use_alarm:
        previous = signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        return run()
    except DocumentTimeout:
        return timed_out()
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


def _reused(path: Path, sha256: str) -> DocumentInfo:
    """What the progress display is told of a document whose stored result is reused."""
    return DocumentInfo(doc_id=path.stem, source_path=str(path), sha256=sha256,
                        kind="pdf" if path.suffix.lower() == ".pdf" else "txt")


def _timed_out(path: Path, timeout: float, sha256: str) -> DocumentResult:
    info = DocumentInfo(doc_id=path.stem, source_path=str(path), sha256=sha256,
                        kind="pdf" if path.suffix.lower() == ".pdf" else "txt", status="failed",
                        error=f"timeout: over {timeout:g} s (--doc-timeout)")
    error = ErrorRecord(doc_id=path.stem, source_path=str(path), stage="timeout", error_type="DocumentTimeout",
                        message=f"processing took longer than {timeout:g} s (--doc-timeout)")
    return DocumentResult(info=info, errors=[error])


@dataclass
class RunSummary:
    documents: int = 0
    failed: int = 0
    skipped: int = 0
    trials: int = 0
    preclinical: int = 0
    entities: int = 0
    input_problems: int = 0

    @property
    def ok(self) -> bool:
        return self.failed == 0 and self.input_problems == 0


class ResultStore:
    """Finished documents on disk, by content hash and pipeline version."""

    def __init__(self, out: Path):
        self.root = out / STATE_DIR / "results"

    @classmethod
    def at(cls, root: Path) -> ResultStore:
        store = cls.__new__(cls)
        store.root = root
        return store

    def path(self, key: str) -> Path:
        return self.root / f"{key}-{pipeline_version()}.json"

    def has(self, key: str) -> bool:
        """Whether a finished result is stored (checked without reading it: a damaged entry is
        found, and the document redone, when the outputs are written)."""
        return bool(key) and self.path(key).exists()

    def load(self, key: str) -> DocumentResult | None:
        path = self.path(key)
        if not key or not path.exists():
            return None
        try:
            return DocumentResult.model_validate_json(path.read_text(encoding="utf-8"))
        except ValueError:
            return None

    def save(self, result: DocumentResult, key: str = "") -> None:
        """Store a finished document, failed ones too: a rerun does not redo a document that crashed
        a worker the first time (``--force`` does)."""
        key = key or store_key(Path(result.info.source_path), result.info.sha256)
        if key:
            self.save_json(key, result.model_dump_json())

    def save_json(self, key: str, text: str) -> None:
        """Store a result already serialised (by the Dask worker that made it)."""
        # A cache entry: renamed into place whole, but not fsynced (a lost entry is recomputed).
        write_atomic(self.path(key), text, durable=False)


def store_key(path: Path, sha256: str) -> str:
    """What a stored result is found by: the content and the kind of input its suffix makes it (the
    same bytes saved as ``a.txt`` and as ``a.pdf`` are two documents)."""
    return f"{sha256}-{path.suffix.lower().lstrip('.') or 'none'}" if sha256 else ""


def _forks() -> bool:
    """Whether workers can be forked from this process (Linux): they then share its built pipeline."""
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def _executor(workers: int) -> ProcessPoolExecutor:
    """A pool for one generation of workers. Forked pools cannot recycle their workers themselves
    (``max_tasks_per_child`` needs spawn), so the caller starts a new generation instead."""
    if _forks():
        return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                                   initializer=start_worker)
    return ProcessPoolExecutor(max_workers=workers, max_tasks_per_child=TASKS_PER_WORKER, initializer=start_worker)


# What one worker may take above what it holds when it starts (its share of the pipeline): a document
# that needs more (a small PDF whose content inflates to hundreds of megabytes of operators) fails
# alone with a MemoryError, or takes only its own worker down, instead of the machine's memory.
WORKER_MEMORY = 1024 * 1024 * 1024
_PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent dies


def start_worker() -> None:
    """Build (or, forked, inherit) the spaCy pipeline, then exempt everything alive from garbage
    collection: each full collection would otherwise walk the pipeline's vocabulary and lexicons,
    which live as long as the worker, and write to pages the worker shares with the parent (the
    parent's own collections still may). Only worker processes are frozen; a caller's own process
    is left as it is. A worker dies with the run (``kill -9`` of the main process leaves none behind)
    and may not grow without bound."""
    _die_with_parent()
    _worker_nlp()
    gc.freeze()
    _limit_memory(WORKER_MEMORY)


def _die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies (no other system has the call)."""
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the request was made
        os._exit(1)


def _limit_memory(extra: int) -> None:
    """Cap this process's address space at what it maps now plus ``extra`` bytes."""
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            mapped = int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        resource.setrlimit(resource.RLIMIT_AS, (mapped + extra, resource.getrlimit(resource.RLIMIT_AS)[1]))
    except (OSError, ValueError):
        return


def _run_local(paths: list[Path], workers: int, max_bytes: int, timeout: float, store: str,
               on_wait: Callable[[], None] | None = None) -> Iterator[DocumentResult]:
    """Results as documents finish; with one worker, in this process."""
    if workers <= 1:
        for path in paths:
            yield DocumentResult.model_validate(process_path(str(path), max_bytes, timeout, store))
        return
    if _forks():
        _worker_nlp()  # built here once; every forked worker inherits it
        size = workers * TASKS_PER_WORKER
        generations = [paths[i:i + size] for i in range(0, len(paths), size)]
    else:
        generations = [paths]
    for generation in generations:
        yield from _run_pool(generation, workers, max_bytes, timeout, store, on_wait)


def _run_pool(paths: list[Path], workers: int, max_bytes: int, timeout: float, store: str,
              on_wait: Callable[[], None] | None = None) -> Iterator[DocumentResult]:
    """Documents on one pool, a few tasks queued per worker so results stream back as they finish.

    A worker that dies (killed for its memory, a crash in a PDF library) breaks the pool: the
    documents it held are each tried again alone, in a pool of their own, so the one that kills its
    worker again fails alone, and the others go on in a new pool."""
    queue = list(paths)
    while queue:
        in_flight: dict[Future, Path] = {}
        broken = False
        with _executor(workers) as pool:
            at = 0
            while at < len(queue) and len(in_flight) < workers * 4:
                in_flight[pool.submit(process_path, str(queue[at]), max_bytes, timeout, store)] = queue[at]
                at += 1
            while in_flight and not broken:
                done, _ = wait(in_flight, timeout=HEARTBEAT, return_when=FIRST_COMPLETED)
                if not done and on_wait:
                    on_wait()
                for future in done:
                    path = in_flight.pop(future)
                    try:
                        data = future.result()
                    except BrokenProcessPool:
                        broken = True
                        in_flight[future] = path
                        break
                    yield DocumentResult.model_validate(data)
                    if at < len(queue):
                        in_flight[pool.submit(process_path, str(queue[at]), max_bytes, timeout, store)] = queue[at]
                        at += 1
        if not broken:
            return
        for path in in_flight.values():
            yield _alone(path, max_bytes, timeout, store)
        queue = queue[at:]


def _alone(path: Path, max_bytes: int, timeout: float, store: str) -> DocumentResult:
    """A document run in a worker of its own, after a worker that held it died."""
    with _executor(1) as pool:
        try:
            return DocumentResult.model_validate(pool.submit(process_path, str(path), max_bytes, timeout,
                                                             store).result())
        except BrokenProcessPool:
            return worker_died(path)


def worker_died(path: Path, sha256: str | None = None) -> DocumentResult:
    """The failure of a document whose worker died twice (its ``sha256`` when the file is not here)."""
    message = ("the worker process reading this document died (more memory than a worker may take, "
               "or a crash in a library)")
    info = DocumentInfo(doc_id=path.stem, source_path=str(path), sha256=sha256 if sha256 is not None else
                        sha256_of(path), kind=_kind_of(path),
                        status="failed", error=f"worker: {message}")
    error = ErrorRecord(doc_id=path.stem, source_path=str(path), stage="worker", error_type="WorkerDied",
                        message=message)
    return DocumentResult(info=info, errors=[error])


def run_batch(
    inputs: Iterable[str | Path],
    out: Path,
    max_bytes: int = DEFAULT_MAX_BYTES,
    workers: int = 1,
    force: bool = False,
    doc_timeout: float = 0,
    backend: str | None = None,
    scheduler: str | None = None,
    on_document: Callable[[DocumentInfo], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    on_wait: Callable[[], None] | None = None,
) -> RunSummary:
    """Process ``inputs`` into ``out``; the callbacks drive a progress display.

    ``backend`` is "local" (a process pool of ``workers``) or "dask" (``pipeline.dask_backend``: the
    cluster at ``scheduler``, or a LocalCluster of ``workers`` processes); by default Dask when a
    scheduler is given, else local.

    ``on_start`` gets the number of documents, ``on_document`` each document's info as it finishes
    (or is reused); ``on_wait`` is called when a local pool of two or more workers has returned no
    result for ``HEARTBEAT`` seconds (not for one worker, which runs here, nor for Dask). All three
    run on the calling thread; with a local pool a display must not refresh from a thread of its own
    (see the module's docstring).
    """
    backend = backend or ("dask" if scheduler else "local")
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, not {backend!r}")
    if scheduler and backend != "dask":
        raise ValueError("a scheduler address runs on Dask: drop backend='local'")
    out.mkdir(parents=True, exist_ok=True)
    with outputs_lock(out):
        return _run_batch(inputs, out, max_bytes, workers, force, doc_timeout, backend, scheduler, on_document,
                          on_start, on_wait)


def _run_batch(inputs: Iterable[str | Path], out: Path, max_bytes: int, workers: int, force: bool,
               doc_timeout: float, backend: str, scheduler: str | None,
               on_document: Callable[[DocumentInfo], None] | None, on_start: Callable[[int], None] | None,
               on_wait: Callable[[], None] | None) -> RunSummary:
    collected = collect_inputs(inputs, out)
    store = ResultStore(out)
    for folder in (out, out / TABLES_DIR, out / TEXTS_DIR, store.root):
        remove_temporaries(folder)  # left by a run that was killed: this run rewrites every output
    summary = RunSummary(input_problems=len(collected.problems))
    ids = assign_doc_ids(collected.files)
    if on_start:
        on_start(len(collected.files))

    keys: dict[Path, str] = {}
    oversized: dict[Path, DocumentResult] = {}
    todo: list[Path] = []
    first_by_key: dict[str, Path] = {}
    for path in collected.files:
        try:
            size = path.stat().st_size
        except OSError:
            size = 0
        if size > max_bytes:  # never read: a 20 GB sparse file is not hashed to be refused
            oversized[path] = _too_large(path, size, max_bytes)
            continue
        try:
            key = store_key(path, sha256_of(path))
        except OSError:
            key = ""
        keys[path] = key
        if key and key in first_by_key:
            continue
        if key:
            first_by_key[key] = path
        if force or not store.has(key):
            todo.append(path)
        else:
            summary.skipped += 1

    order = sorted(collected.files, key=lambda p: (ids[p], str(p)))
    todo.sort(key=lambda p: (ids[p], str(p)))  # submitted in output order, so they mostly finish in it
    pending = set(todo)
    failed: dict[Path, DocumentResult] = {}
    if on_document:
        for path in collected.files:
            if path not in pending and path not in oversized and keys[path] and first_by_key.get(keys[path]) == path:
                on_document(_reused(path, keys[path].split("-")[0]))

    def ready(path: Path) -> bool:
        return path not in pending and first_by_key.get(keys.get(path, ""), path) not in pending

    def output(path: Path) -> DocumentResult | None:
        if path in oversized:
            return _labelled(oversized[path], ids[path], path)
        if path in failed:
            return _labelled(failed[path], ids[path], path)
        key = keys[path]
        first = first_by_key.get(key)
        if first in failed:  # a copy of a document that failed fails the same way, without a second try
            return _labelled(failed[first], ids[path], path, f"duplicate of {first}; processed once")
        result = store.load(key)
        if result is None:  # the stored entry was damaged since it was checked: redo the document
            result = DocumentResult.model_validate(process_path(str(path), max_bytes, doc_timeout))
            store.save(result, key)
        note = f"duplicate of {first}; processed once" if first is not None and first != path else ""
        return _labelled(result, ids[path], path, note)

    def results() -> Iterator[DocumentResult]:
        """Every document in output order, each as soon as it and all before it are done: the
        outputs are written while the workers run, not after."""
        if backend == "dask":
            from pipeline.dask_backend import run_dask

            runner = run_dask(todo, scheduler, workers, max_bytes, doc_timeout, store)
        else:
            runner = _run_local(todo, workers, max_bytes, doc_timeout, str(store.root.resolve()), on_wait)
        at = 0
        for finished in runner:
            path = Path(finished.info.source_path)
            if finished.info.status != "ok" or not finished.info.sha256:
                failed[path] = finished
            pending.discard(path)
            if on_document:
                on_document(finished.info)
            while at < len(order) and ready(order[at]):
                result = output(order[at])
                at += 1
                if result is not None:
                    yield result
        for path in order[at:]:
            result = output(path)
            if result is not None:
                yield result

    problems = [InputProblem(p.path, p.message) for p in collected.problems]
    for path, result in oversized.items():
        if on_document:
            on_document(_labelled(result, ids[path], path).info)
    write_outputs(results(), problems, out, summary)
    return summary


def _labelled(result: DocumentResult, doc_id: str, path: Path, note: str = "") -> DocumentResult:
    """A result under the doc_id and source path of the input it is written for (a stored result
    or a failure may come from another input with the same bytes)."""
    update: dict[str, str] = {"doc_id": doc_id, "source_path": str(path)}
    if note:
        update["error"] = f"{result.info.error} ({note})" if result.info.status == "failed" else note
    errors = [e.model_copy(update={"doc_id": doc_id, "source_path": str(path)}) for e in result.errors]
    return result.model_copy(update={"info": result.info.model_copy(update=update), "errors": errors})


def _too_large(path: Path, size: int, max_bytes: int) -> DocumentResult:
    message = f"file is {size:,} bytes, over the limit of {max_bytes:,} (--max-bytes)"
    info = DocumentInfo(doc_id=path.stem, source_path=str(path), sha256="", kind=_kind_of(path), status="failed",
                        error=f"ingest: {message}")
    error = ErrorRecord(doc_id=path.stem, source_path=str(path), stage="ingest", error_type="IngestError",
                        message=message)
    return DocumentResult(info=info, errors=[error])


def _kind_of(path: Path) -> str:
    return "pdf" if path.suffix.lower() == ".pdf" else "txt"


class OutputsLocked(RuntimeError):
    """Another run is writing to the same output folder."""


class ClusterError(RuntimeError):
    """The Dask cluster cannot do this run: the scheduler cannot be reached, or its workers run other
    code (raised by ``pipeline.dask_backend``, defined here so a caller needs no Dask to catch it)."""


@contextmanager
def outputs_lock(out: Path) -> Iterator[None]:
    """Hold ``OUT/.confmine/lock`` for the run: a second run into the same folder would delete the
    first one's temporary files and mix the two runs' outputs, so it stops at once instead."""
    path = out / STATE_DIR / "lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            raise OutputsLocked(f"another confmine run is writing to {out}; wait for it to finish") from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class _CsvSink:
    """A CSV written row by row to a temporary file beside its target, renamed into place on close.

    ``durable`` sinks are fsynced before the rename; a document's own small files (its table grids)
    are not: the rename alone keeps them whole if the run is killed, and an fsync per file was the
    largest serial cost of writing a run's outputs.
    """

    def __init__(self, path: Path, header: list[str], durable: bool = True):
        self.path = path
        self.durable = durable
        fd, self.tmp = open_temporary(path)
        self.handle = os.fdopen(fd, "w", encoding="utf-8", newline="")
        self.writer = csv.writer(self.handle, lineterminator="\n")
        self.writer.writerow([spreadsheet_safe(name) for name in header])
        self.header = header

    def write(self, row: dict) -> None:
        self.writer.writerow(["" if row.get(c) is None else spreadsheet_safe(row.get(c)) for c in self.header])

    def abort(self) -> None:
        self.handle.close()
        Path(self.tmp).unlink(missing_ok=True)

    def close(self) -> None:
        self.handle.flush()
        if self.durable:
            os.fsync(self.handle.fileno())
        self.handle.close()
        os.replace(self.tmp, self.path)


def write_outputs(results: Iterable[DocumentResult], problems: list[InputProblem], out: Path,
                  summary: RunSummary | None = None) -> None:
    """Every CSV of SCHEMA.md plus ``texts/<doc_id>.txt`` (the normalised text offsets refer to)."""
    summary = summary if summary is not None else RunSummary()
    sinks = {
        "documents": _CsvSink(out / "documents.csv", columns.DOCUMENTS),
        "errors": _CsvSink(out / "errors.csv", columns.ERRORS),
        "abbreviations": _CsvSink(out / "abbreviations.csv", columns.ABBREVIATIONS),
        "entities": _CsvSink(out / "entities.csv", columns.ENTITIES),
        "tables": _CsvSink(out / "tables.csv", columns.TABLES),
        "trials": _CsvSink(out / "trials.csv", columns.TRIALS),
        "preclinical": _CsvSink(out / "preclinical.csv", columns.PRECLINICAL),
    }
    written: set[str] = set()  # the grids and texts written, as strings: a Path costs several times more
    try:
        _write_rows(results, problems, out, summary, sinks, written)
    except BaseException:
        for sink in sinks.values():
            sink.abort()
        raise
    for sink in sinks.values():
        sink.close()
    _remove_stale(out, written)


def _remove_stale(out: Path, written: set[str]) -> None:
    """Delete the table grids and texts an earlier run wrote and this one did not: the folder then
    holds one run's outputs, which the report and the scorer count."""
    for folder, pattern in ((out / TABLES_DIR, "*.csv"), (out / TEXTS_DIR, "*.txt")):
        if folder.is_dir():
            for path in folder.glob(pattern):
                if str(path) not in written:
                    path.unlink(missing_ok=True)


def _write_rows(results: Iterable[DocumentResult], problems: list[InputProblem], out: Path,
                summary: RunSummary, sinks: dict[str, _CsvSink], written: set[str]) -> None:
    for result in results:
        doc_id = result.info.doc_id
        summary.documents += 1
        summary.failed += result.info.status == "failed"
        summary.trials += len(result.trials)
        summary.preclinical += len(result.preclinical)
        summary.entities += len(result.entities)
        sinks["documents"].write(result.info.model_dump())
        for error in result.errors:
            sinks["errors"].write(error.model_dump())
        for name in ("abbreviations", "entities", "trials", "preclinical"):
            for item in getattr(result, name):
                sinks[name].write({**item.model_dump(), "doc_id": doc_id})
        for table in result.tables:
            sinks["tables"].write({
                "doc_id": doc_id, "table": table.number, "caption": table.caption, "n_rows": len(table.rows),
                "n_cols": len(table.header), "orientation": table.orientation,
                "footnotes": " | ".join(table.footnotes), "page": table.page,
            })
            grid = _CsvSink(out / TABLES_DIR / f"{doc_id}__table{table.number}.csv", _unique(table.header),
                            durable=False)
            written.add(str(grid.path))
            for row in table.rows:
                grid.write(dict(zip(grid.header, row, strict=False)))
            grid.close()
        if result.text:
            text = out / TEXTS_DIR / f"{doc_id}.txt"
            write_atomic(text, result.text, durable=False)
            written.add(str(text))
    for problem in problems:
        sinks["errors"].write({"doc_id": _safe_id(Path(problem.path).stem), "source_path": problem.path,
                               "stage": "input", "error_type": "InputError", "message": problem.message})


def _safe_id(stem: str) -> str:
    """A name for an input that never became a document, cut like a doc_id (SCHEMA.md)."""
    if len(stem.encode("utf-8", "surrogateescape")) <= MAX_DOC_ID_BYTES:
        return stem
    return stem.encode("utf-8", "surrogateescape")[:MAX_DOC_ID_BYTES].decode("utf-8", "ignore")


def _unique(header: list[str]) -> list[str]:
    """Header cells as column names; a repeated or empty name gets its position appended."""
    names: list[str] = []
    for i, name in enumerate(header):
        name = name or f"column{i + 1}"
        names.append(name if name not in names else f"{name} ({i + 1})")
    return names
