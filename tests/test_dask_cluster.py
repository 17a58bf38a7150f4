"""The Dask backend on a real cluster: a scheduler and two workers, each its own process started with the
``dask`` command on loopback, as on a cluster of machines.

Where this machine allows mount namespaces (``unshare -m``, as root), the workers run in one where the
input and output folders are empty file systems: they cannot read a document nor write an output, so a
run that succeeds needed no shared disk.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import psutil
from bench_modules import bench_module

from pipeline.batch import run_batch

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
# Enough documents that two workers are still busy half-way (about 3 s of work on one core), few
# enough that the test, cluster start-up included, takes well under a minute.
DOCUMENTS = 120
STARTUP_SECONDS = 60
STOP_SECONDS = 5


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _env() -> dict[str, str]:
    """This checkout first on the path of every process, whichever venv runs it."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}


def _can_hide_folders(folder: Path) -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-m", "sh", "-c", f"mount -t tmpfs none '{folder}'"], capture_output=True)
    return probe.returncode == 0


def _worker_command(address: str, name: str, scratch: Path, hidden: list[Path], nanny: bool) -> list[str]:
    """``dask worker`` as the README starts it (a nanny, the pipeline preloaded), or bare."""
    started = ["--preload", "pipeline.dask_backend"] if nanny else ["--no-nanny"]
    worker = [str(BIN / "dask"), "worker", address, "--name", name, "--nthreads", "1", "--no-dashboard",
              "--host", "127.0.0.1", "--local-directory", str(scratch), *started]
    if not hidden:
        return worker
    mounts = " && ".join(f"mount -t tmpfs none '{folder}' && test -z \"$(ls -A '{folder}')\"" for folder in hidden)
    return ["unshare", "-m", "sh", "-c", f"{mounts} && exec \"$@\"", "worker", *worker]


@contextlib.contextmanager
def _cluster(work: Path, hidden: list[Path]) -> Iterator[str]:
    """A scheduler and two single-threaded workers: one as the README starts it (a nanny process starting
    the worker process as a daemon; the pipeline and the document processes started with the worker),
    one bare (no nanny: the ``dask worker`` process is the worker; the first run starts its document
    processes); stopped and reaped on leaving; yields the scheduler's address."""
    address = f"tcp://127.0.0.1:{_free_port()}"
    logs = work / "logs"
    logs.mkdir()
    procs = [subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port",
                               address.rsplit(":", 1)[1], "--no-dashboard"], env=_env(),
                              stdout=subprocess.DEVNULL, stderr=(logs / "scheduler.log").open("w"))]
    try:
        for name, nanny in (("w1", True), ("w2", False)):
            (work / name).mkdir()
            procs.append(subprocess.Popen(_worker_command(address, name, work / name, hidden, nanny), env=_env(),
                                          stdout=subprocess.DEVNULL, stderr=(logs / f"{name}.log").open("w")))
        from distributed import Client

        with Client(address, timeout=STARTUP_SECONDS) as client:
            client.wait_for_workers(2, timeout=STARTUP_SECONDS)
        yield address
    finally:
        _stop(procs)


def _stop(procs: list[subprocess.Popen]) -> None:
    """Ask each process to stop, then kill what is left of it and of its children (a nanny busy
    restarting a killed worker may not answer at once)."""
    trees = []
    for proc in procs:
        with contextlib.suppress(psutil.Error):
            trees += [psutil.Process(proc.pid), *psutil.Process(proc.pid).children(recursive=True)]
        with contextlib.suppress(ProcessLookupError):
            proc.terminate()
    _gone, alive = psutil.wait_procs(trees, timeout=STOP_SECONDS)
    for proc in alive:
        with contextlib.suppress(psutil.Error):
            proc.kill()
    for proc in procs:
        proc.wait()


def _outputs(out: Path) -> dict[str, bytes]:
    """Every file a run wrote, its state under ``.confmine`` aside."""
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and ".confmine" not in p.relative_to(out).parts}


def _stored(out: Path) -> int:
    results = out / ".confmine" / "results"
    return sum(1 for _ in results.glob("*.json")) if results.is_dir() else 0


def test_a_worker_killed_half_way_costs_a_retry_not_the_run(tmp_path: Path) -> None:
    """``confmine run --scheduler`` (no --backend: the address alone means Dask) on two worker processes;
    one is killed (SIGKILL) while it runs a batch, half-way through. The run ends well, its outputs are
    byte for byte those of the local pool, and the killed worker's document processes died with it."""
    corpus, out = tmp_path / "in", tmp_path / "out"
    bench_module("generate").write_corpus(DOCUMENTS, corpus, 7)
    out.mkdir()
    local = run_batch([corpus], tmp_path / "local", workers=2)
    assert local.ok and local.documents == DOCUMENTS
    hidden = [corpus, out] if _can_hide_folders(out) else []
    with _cluster(tmp_path, hidden) as address:
        from distributed import Client

        run = subprocess.Popen([str(BIN / "confmine"), "run", str(corpus), "--out", str(out), "--scheduler", address,
                                "--doc-timeout", "60"], env=_env(), cwd=tmp_path, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
        try:
            with Client(address, timeout=STARTUP_SECONDS) as watcher:
                deadline = time.monotonic() + STARTUP_SECONDS
                victim = None
                while time.monotonic() < deadline and run.poll() is None and victim is None:
                    if _stored(out) >= DOCUMENTS // 2:
                        busy = [a for a, keys in watcher.processing().items() if keys]
                        victim = busy[0] if busy else None
                    time.sleep(0.05)
                assert victim is not None, f"no worker was busy half-way (run ended: {run.poll()})"
                pid = watcher.run(os.getpid, workers=[victim])[victim]
                processes = [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
                stored_at_kill = _stored(out)
                os.kill(pid, signal.SIGKILL)
            stdout, stderr = run.communicate(timeout=STARTUP_SECONDS)
        finally:
            if run.poll() is None:
                run.kill()
                run.wait()
    assert run.returncode == 0, stderr[-3000:]
    assert stored_at_kill < DOCUMENTS
    assert len(processes) >= 2, "the killed worker had no document process"
    _gone, alive = psutil.wait_procs(processes, timeout=10)
    assert not alive, f"outlived their worker: {[p.pid for p in alive]}"
    assert _outputs(out) == _outputs(tmp_path / "local")


def test_on_dask_a_document_out_of_time_or_memory_fails_alone(tmp_path: Path) -> None:
    """The per-document time limit and memory limit hold on Dask workers (a LocalCluster's here): a text
    that takes many times the limit fails as a timeout, a PDF inflating past a worker's memory fails,
    and the example's rows are those of a clean local run."""
    import hostile

    clean = tmp_path / "clean"
    run_batch([hostile.EXAMPLE], clean)
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(hostile.EXAMPLE, folder / hostile.EXAMPLE.name)
    long = hostile.over_a_million(folder)
    long.write_text(long.read_text() * 3)  # about 20 s on one core, four times the limit
    hostile.inflating_pdf(folder)
    started = time.monotonic()
    summary = run_batch([folder], tmp_path / "out", backend="dask", workers=1, doc_timeout=5)
    assert time.monotonic() - started < 50
    assert summary.documents == 3 and summary.failed == 2
    documents = {Path(r["source_path"]).name: r for r in _rows(tmp_path / "out" / "documents.csv")}
    assert documents["long.txt"]["error"].startswith("timeout: over 5 s")
    assert documents["inflating.pdf"]["status"] == "failed"
    assert documents[hostile.EXAMPLE.name]["status"] == "ok"
    for name in ("trials.csv", "entities.csv", "abbreviations.csv", "tables.csv"):
        example = [r for r in _rows(tmp_path / "out" / name) if r["doc_id"] == hostile.EXAMPLE.stem]
        assert example == _rows(clean / name), name


def test_a_worker_reads_the_bytes_it_is_sent_not_the_path(tmp_path: Path) -> None:
    """What a worker runs (``process_bytes``) on a document's bytes, under a path that exists nowhere on
    it, is what the local pool gets from the file, under that path."""
    from hostile import EXAMPLE

    from pipeline.batch import process_bytes, process_path

    elsewhere = "/no/such/folder/" + EXAMPLE.name
    sent = process_bytes(elsewhere, EXAMPLE.read_bytes(), scratch=str(tmp_path))
    local = process_path(str(EXAMPLE))
    assert sent["info"] == {**local["info"], "source_path": elsewhere}
    assert json.loads(sent["result"]) == json.loads(json.dumps({**local, "info": sent["info"]}))
    assert not any(tmp_path.iterdir()), "the temporary copy was left behind"


def test_scheduler_address_and_backend(tmp_path: Path) -> None:
    """``--scheduler`` with ``--backend local`` is a usage error; an address nobody answers at fails
    with one line, not a traceback."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("CD19 CAR-T cells (NCT01234567) treated 10 patients.\n")
    command = [str(BIN / "confmine"), "run", str(folder), "--out", str(tmp_path / "out")]
    both = subprocess.run([*command, "--backend", "local", "--scheduler", "tcp://127.0.0.1:1"], capture_output=True,
                          text=True, env=_env())
    assert both.returncode == 2 and "--scheduler runs on Dask" in both.stderr
    nobody = subprocess.run([*command, "--scheduler", f"tcp://127.0.0.1:{_free_port()}"], capture_output=True,
                            text=True, env={**_env(), "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s"})
    assert nobody.returncode == 1 and "cannot reach the Dask scheduler" in nobody.stderr
    assert "Traceback" not in nobody.stderr


def _rows(path: Path) -> list[dict[str, str]]:
    import csv

    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


POISON = "gen3_00001_poison"  # sorts between the generated documents, so it is batched with others


def _killing(run_documents, log: Path):
    """A batch's task as Dask ends it when the workers running it keep dying: KilledWorker when the
    poison document is in the batch; any other batch runs as ``run_documents`` does. ``log`` gets the
    documents of every task, a line each (Dask sends the task pickled: a list would not be this one)."""
    from distributed import KilledWorker

    def task(docs: list, max_bytes: int, timeout: float) -> tuple[str, list[dict]]:
        names = [Path(name).stem for name, _ in docs]
        with log.open("a") as handle:
            handle.write(" ".join(names) + "\n")
        if POISON in names:
            # the worker Dask names in its message (a WorkerState on the scheduler)
            raise KilledWorker("run_documents-x", SimpleNamespace(address="tcp://127.0.0.1:1"), 3)
        return run_documents(docs, max_bytes, timeout)

    return task


def test_a_batch_that_keeps_killing_workers_is_split_and_only_its_culprit_fails(tmp_path: Path,
                                                                             monkeypatch) -> None:
    """The batch is sent again one document per task; the document whose task still kills workers
    fails alone (WorkerDied), and every other document's rows are those of the local pool."""
    from pipeline import dask_backend

    corpus = tmp_path / "in"
    bench_module("generate").write_corpus(6, corpus, 3)
    (corpus / f"{POISON}.txt").write_text("CD19 CAR-T cells (NCT01234567) treated 10 patients.\n")
    local = run_batch([corpus], tmp_path / "local")
    log = tmp_path / "tasks.log"
    monkeypatch.setattr(dask_backend, "run_documents", _killing(dask_backend.run_documents, log))
    summary = run_batch([corpus], tmp_path / "dask", backend="dask", workers=1)
    assert summary.documents == 7 and summary.failed == 1 and local.failed == 0
    batches = [line.split() for line in log.read_text().splitlines()]
    shared = next(b for b in batches if POISON in b and len(b) > 1)  # the poison went in a batch with others
    assert all([name] in batches for name in shared)  # ... which was sent again one document per task
    errors = _rows(tmp_path / "dask" / "errors.csv")
    assert [(e["doc_id"], e["error_type"]) for e in errors] == [(POISON, "WorkerDied")]
    for name in ("trials.csv", "entities.csv", "tables.csv"):
        assert _rows(tmp_path / "dask" / name) == [r for r in _rows(tmp_path / "local" / name)
                                                  if r["doc_id"] != POISON], name


def test_a_workers_document_processes_are_replaced_without_stopping_the_batches(tmp_path: Path,
                                                                               monkeypatch) -> None:
    """After TASKS_PER_PROCESS documents a process the next batch goes to a new pool, and every batch
    is answered (a pool replacing its own processes at a task limit stopped for good with a backlog on
    Python 3.11, CPython gh-115634: a 10,000-document run hung at its 4,000th)."""
    import threading

    from pipeline import dask_backend

    monkeypatch.setattr(dask_backend, "TASKS_PER_PROCESS", 2)
    corpus = tmp_path / "in"
    bench_module("generate").write_corpus(6, corpus, 3)
    docs = [(str(path), path.read_bytes()) for path in sorted(corpus.iterdir())]
    plugin = dask_backend.DocumentPool()
    plugin.setup(SimpleNamespace(state=SimpleNamespace(nthreads=1), local_directory=str(tmp_path / "scratch")))
    pools, replies = [], []

    def batches() -> None:
        for batch in (docs[:3], docs[3:]):  # three documents each: a backlog past the limit
            replies.extend(plugin.run(batch, 10_000_000, 60))
            pools.append(plugin.pool)

    try:
        thread = threading.Thread(target=batches, daemon=True)
        thread.start()
        thread.join(STARTUP_SECONDS)
        assert not thread.is_alive(), "the document processes stopped answering"
    finally:
        plugin.teardown(None)
    assert [json.loads(r["result"])["info"]["status"] for r in replies] == ["ok"] * 6
    assert pools[0] is not pools[1]


def test_a_dask_run_resumes_from_what_the_client_stored(tmp_path: Path) -> None:
    """The client stores every result as it comes back, so a run stopped half-way (here: half the stored
    results removed) redoes only the rest, and its outputs are those of the whole run."""
    corpus = tmp_path / "in"
    bench_module("generate").write_corpus(6, corpus, 3)
    out = tmp_path / "out"
    first = run_batch([corpus], out, backend="dask", workers=1)
    whole = {name: _rows(out / name) for name in ("trials.csv", "entities.csv", "documents.csv")}
    stored = sorted((out / ".confmine" / "results").rglob("*.json"))
    assert first.documents == 6 and len(stored) == 6
    for path in stored[:3]:
        path.unlink()
    again = run_batch([corpus], out, backend="dask", workers=1)
    assert (again.documents, again.skipped, again.failed) == (6, 3, 0)
    assert {name: _rows(out / name) for name in whole} == whole
