"""Scale benchmark of ``confmine run``: speed, parallel speed-up, memory growth and backend identity.

    .venv/bin/python bench/scale.py [--docs 1000] [--rss-sizes 100,1000,10000] [--quick] [--parts ...]

One run measures, on documents from ``bench/generate.py`` (same seed, so the corpora are nested):

(a) speed: words/s of the full pipeline (``pipeline.extract_document`` with one ``build_nlp()``
    reused) and, as the floor, of spaCy's bare tokenizer (``spacy.blank("en").tokenizer``) on the same
    texts in the same process, and their ratio; where the time goes: each stage's time as a multiple
    of the tokenizer's (a 25% ratio allows 4x in all), and the ratio per table layout;
(b) throughput: documents/s of ``run_batch`` with 1 worker, 2 workers and the Dask backend - a
    LocalCluster of 2 workers, and a cluster of a ``dask scheduler`` and 2 ``dask worker`` processes
    started beforehand as the README says (``--preload pipeline.dask_backend``: each worker's document
    process is up before the run; the CPU that took is recorded apart) - on the same ``--docs``
    documents, the speed-ups over 1 worker, and the CPU seconds each run took, every process of it
    counted (workers, scheduler); the best of ``--repeat`` runs each. Each run is a fresh interpreter,
    so no run inherits a built spaCy pipeline or grown caches from an earlier one;
(c) memory: peak resident memory of a ``confmine run`` subprocess over each ``--rss-sizes`` corpus -
    of its largest single process (exact: ``ru_maxrss`` of ``RUSAGE_CHILDREN`` in a wrapper process)
    and of the whole process tree (main + workers, sampled with psutil every 0.1 s) - and the growth
    from the 1,000-document run (the smallest when there is none) to the largest; and, part
    ``dask_rss``, the peak of the client alone of ``confmine run --scheduler`` on a 2-worker cluster
    over each ``--dask-rss-sizes`` corpus (its workers' memory does not grow with the corpus by design:
    they hold a batch at a time);
(d) identity: the CSVs (and normalised texts) of the local and Dask runs of (b), compared byte for byte.

Every measurement runs on a snapshot of ``pipeline/`` copied at the start (put first on
``PYTHONPATH`` for this process and every subprocess): the working tree may be edited while the
benchmark runs, and runs that import different code can neither be compared nor checked for identity.
The snapshot's sha256 is recorded, with whether the live tree changed meanwhile.

Writes ``bench/results.json`` and ``bench/RESULTS.md`` (a short markdown table, also printed). Not
part of ``make test``: the default run takes about ten minutes on two cores, 10,000 documents about
fifteen more. ``--quick`` (50 documents, sizes 20 and 100) checks that it all works in about a minute.
Everything is written under a temporary folder that is removed at the end (``--keep`` keeps it).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psutil

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from generate import write_corpus  # noqa: E402  (a sibling script, not a package)

PARTS = ("speed", "throughput", "rss", "dask_rss")
TARGETS = {"ratio": 0.25, "speedup_2": 1.7, "speedup_dask": 1.6, "rss_growth": 0.10}
# (label, backend, workers, on a cluster started beforehand) of the throughput runs.
THROUGHPUT_RUNS = (("local_1", "local", 1, False), ("local_2", "local", 2, False), ("dask", "dask", 2, False),
                   ("dask_cluster", "dask", 0, True))
CLUSTER_WORKERS = 2
CLUSTER_START_SECONDS = 120
SAMPLE_SECONDS = 0.1
# The wrapper runs confmine as its child and reports the largest resident set of any process of that
# tree once it has been reaped (Linux propagates ``cmaxrss`` up through every wait()).
RSS_WRAPPER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.call(sys.argv[1:])\n"
    "print('MAXRSS_KB=%d' % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, flush=True)\n"
    "sys.exit(code)\n"
)


# ---------------------------------------------------------------- code snapshot

def fingerprint(package: Path) -> str:
    """sha256 over the package's Python and data files (names and contents), in a stable order."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def snapshot_pipeline(work: Path) -> tuple[Path, str]:
    """Copy ``pipeline/`` into ``work/code`` and make every later import of it, here and in subprocesses
    (pool workers, Dask workers, ``confmine run``), load that copy."""
    if "pipeline" in sys.modules:
        raise RuntimeError("pipeline was imported before the snapshot was taken")
    code = work / "code"
    shutil.copytree(ROOT / "pipeline", code / "pipeline", ignore=shutil.ignore_patterns("__pycache__"))
    sys.path.insert(0, str(code))
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(code), os.environ.get("PYTHONPATH", "")]))
    return code, fingerprint(code / "pipeline")


# ---------------------------------------------------------------- (a) speed

# The stages of ``pipeline.extract.extract_document``, by the name of the function it calls for each.
STAGES = {"ingest": "read_document", "abbreviations": "abbreviations_in", "tables": "find_tables",
          "entities": "find_entities", "records": "build_records"}


@contextlib.contextmanager
def stage_clock() -> Iterator[dict[str, float]]:
    """Seconds spent in each stage of ``extract_document`` while inside.

    The pipeline keeps no timings of its own: the stage functions it calls are wrapped here, for the
    benchmark only, and put back on leaving.
    """
    import pipeline.extract as extract

    spent = dict.fromkeys(STAGES, 0.0)
    originals = {stage: getattr(extract, name) for stage, name in STAGES.items()}

    def timed(stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[stage] += time.perf_counter() - began
        return run

    for stage, name in STAGES.items():
        setattr(extract, name, timed(stage, originals[stage]))
    try:
        yield spent
    finally:
        for stage, name in STAGES.items():
            setattr(extract, name, originals[stage])


def measure_speed(paths: list[Path]) -> dict[str, Any]:
    """Words/s of the full pipeline and of the bare tokenizer over the same texts, in this process.

    Words are whitespace-separated tokens of the raw file (a rotated dump counts each shred as a word,
    for both sides alike, so the ratio does not depend on the definition). The pipeline is timed once
    after a one-document warm-up; the tokenizer, which is over in a moment, takes the best of three
    passes - that floor is the fastest it goes (its cache warm from the earlier passes), so the ratio
    errs on the low side. The floor with a fresh tokenizer per pass is recorded beside it, for context.
    Stage times are taken in the same pipeline pass; the per-layout ratio uses each text's time in
    the tokenizer's best pass.
    """
    import spacy

    import pipeline
    from pipeline import extract_document
    from pipeline.ner import build_nlp

    busy = _busy_elsewhere()
    texts = [p.read_text(encoding="utf-8") for p in paths]
    words = sum(len(t.split()) for t in texts)
    nlp = build_nlp()
    extract_document(paths[0], nlp=nlp)
    per_layout: dict[str, list[float]] = defaultdict(list)
    statuses: Counter[str] = Counter()
    trials = 0
    with stage_clock() as stage_s:
        start = time.perf_counter()
        for path in paths:
            began = time.perf_counter()
            result = extract_document(path, nlp=nlp)
            per_layout[_layout(path)].append(time.perf_counter() - began)
            statuses[result.info.status] += 1
            trials += len(result.trials)
        pipeline_s = time.perf_counter() - start

    tokenizer = spacy.blank("en").tokenizer
    tokenizer(texts[0])
    passes: list[tuple[float, dict[str, float]]] = []
    for _ in range(3):
        by_layout: dict[str, float] = defaultdict(float)
        start = time.perf_counter()
        for path, text in zip(paths, texts, strict=True):
            began = time.perf_counter()
            tokenizer(text)
            by_layout[_layout(path)] += time.perf_counter() - began
        passes.append((time.perf_counter() - start, by_layout))
    tokenizer_s, tokenizer_by_layout = min(passes, key=lambda found: found[0])
    # For context: the floor with nothing cached, as the pipeline meets each text (a fresh tokenizer
    # per pass, whose cache fills only with what earlier texts of the same pass taught it).
    cold = []
    for _ in range(3):
        fresh = spacy.blank("en").tokenizer
        start = time.perf_counter()
        for text in texts:
            fresh(text)
        cold.append(time.perf_counter() - start)
    cold_s = min(cold)
    return {
        "docs": len(paths), "words": words, "failed": statuses["failed"], "trials": trials, "busy_cpus_before": busy,
        "pipeline_from": str(Path(pipeline.__file__).parent),
        "pipeline_s": round(pipeline_s, 3), "pipeline_words_per_s": round(words / pipeline_s, 1),
        "tokenizer_s": round(tokenizer_s, 4), "tokenizer_words_per_s": round(words / tokenizer_s, 1),
        "ratio": round(tokenizer_s / pipeline_s, 5),
        "tokenizer_cold_s": round(cold_s, 4), "tokenizer_cold_words_per_s": round(words / cold_s, 1),
        "ratio_cold": round(cold_s / pipeline_s, 5),
        "per_layout_ms_per_doc": {k: round(1000 * sum(v) / len(v), 1) for k, v in sorted(per_layout.items())},
        "per_layout_ratio": {k: round(tokenizer_by_layout[k] / sum(v), 5) for k, v in sorted(per_layout.items())},
        "stage_s": {k: round(v, 3) for k, v in stage_s.items()},
        "stage_x_tokenizer": {k: round(v / tokenizer_s, 2) for k, v in stage_s.items()}
        | {"rest": round((pipeline_s - sum(stage_s.values())) / tokenizer_s, 2)},
    }


def _layout(path: Path) -> str:
    """The table layout a generated document used: its name ends with it (``gen0_00012_cell_per_line``)."""
    return path.stem.split("_", 2)[2]


# ---------------------------------------------------------------- (b) throughput and (d) identity

def _batch_child(argv: list[str]) -> int:
    """Entry point of the fresh interpreter that does one timed ``run_batch``; prints one JSON line."""
    corpus, out, backend, workers = argv[0], Path(argv[1]), argv[2], int(argv[3])
    scheduler = argv[4] if len(argv) > 4 else None
    from pipeline.batch import run_batch

    before = _cpu_seconds()
    start = time.perf_counter()
    summary = run_batch([corpus], out, workers=workers, backend=backend, scheduler=scheduler, force=True)
    seconds = time.perf_counter() - start
    import pipeline

    print(json.dumps({"seconds": seconds, "documents": summary.documents, "failed": summary.failed,
                      "trials": summary.trials, "cpu_seconds": round(_cpu_seconds() - before, 2),
                      "pipeline_from": str(Path(pipeline.__file__).parent)}))
    return 0


def _cpu_seconds() -> float:
    """User + system CPU of this process and its reaped children (pool workers, Dask nannies/workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _busy_elsewhere(seconds: float = 1.0) -> float:
    """CPUs kept busy by other processes right now: a shared machine makes speed-ups meaningless."""
    return round(psutil.cpu_percent(interval=seconds) / 100 * (os.cpu_count() or 1), 2)


def run_batch_timed(corpus: Path, out: Path, backend: str, workers: int, cluster: Cluster | None = None
                    ) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "_batch", str(corpus), str(out), backend, str(workers)]
    if cluster is not None:
        cmd.append(cluster.address)
    busy_before = _busy_elsewhere()
    load = os.getloadavg()[0]
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=out.parent) as proc:
        roots = [proc.pid, *(cluster.pids if cluster is not None else [])]
        try:
            with CpuSampler(roots) as cpu:
                stdout, stderr = proc.communicate()
        except BaseException:
            _kill_tree(proc.pid)
            raise
    load = max(load, os.getloadavg()[0])
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{stderr[-3000:]}")
    found = json.loads(stdout.strip().splitlines()[-1])
    found["docs_per_s"] = round(found["documents"] / found["seconds"], 3)
    # Every process of the run, sampled (the cluster's scheduler and workers too, which the run's own
    # rusage does not see); cpus_used: how many CPUs that kept busy (2.0 = both cores, all the time).
    found["cpu_seconds_sampled"] = round(cpu.seconds(), 2)
    found["cpus_used"] = round(cpu.seconds() / found["seconds"], 2)
    found["seconds"] = round(found["seconds"], 2)
    found["busy_cpus_before"] = busy_before
    found["load_1min"] = round(load, 2)
    return found


def measure_throughput(corpus: Path, work: Path, repeat: int = 1) -> tuple[dict[str, Any], dict[str, Any]]:
    """1 worker, 2 workers, Dask on a LocalCluster and on a cluster of its own processes, each the best
    of ``repeat`` runs (in rounds, so a burst of other work hurts every configuration alike); then the
    byte-identity of their outputs."""
    runs: dict[str, dict[str, Any]] = {}
    tries: dict[str, list[dict[str, Any]]] = defaultdict(list)
    outs: dict[str, Path] = {}
    for attempt in range(repeat):
        for label, backend, workers, on_cluster in THROUGHPUT_RUNS:
            outs[label] = work / f"out_{label}"
            print(f"  run_batch {label} ({attempt + 1}/{repeat}) ...", file=sys.stderr, flush=True)
            if on_cluster:
                with start_cluster(work / f"cluster_{label}_{attempt}", CLUSTER_WORKERS) as cluster:
                    found = run_batch_timed(corpus, outs[label], backend, workers, cluster)
                    found["cluster_start_cpu_seconds"] = cluster.start_cpu_seconds
            else:
                found = run_batch_timed(corpus, outs[label], backend, workers)
            tries[label].append(found)
            print(f"    {found}", file=sys.stderr, flush=True)
    for label, found in tries.items():
        runs[label] = {**max(found, key=lambda r: r["docs_per_s"]),
                       "all_docs_per_s": [r["docs_per_s"] for r in found]}
    base = runs["local_1"]["docs_per_s"]
    throughput = {
        "docs": runs["local_1"]["documents"], "dask_workers": CLUSTER_WORKERS, "repeat": repeat, "runs": runs,
        "speedup_2_workers": round(runs["local_2"]["docs_per_s"] / base, 3),
        "speedup_dask": round(runs["dask"]["docs_per_s"] / base, 3),
        "speedup_dask_cluster": round(runs["dask_cluster"]["docs_per_s"] / base, 3),
    }
    identity = {
        "local_vs_dask": compare_outputs(outs["local_2"], outs["dask"]),
        "local_vs_dask_cluster": compare_outputs(outs["local_2"], outs["dask_cluster"]),
        "local_1_vs_local_2": compare_outputs(outs["local_1"], outs["local_2"]),
    }
    return throughput, identity


class Cluster:
    """A scheduler and its workers, each a process of its own (``dask scheduler``, ``dask worker``), and
    the CPU seconds they took to start (the workers' document processes included)."""

    def __init__(self, address: str, procs: list[subprocess.Popen]) -> None:
        self.address = address
        self.procs = procs
        self.start_cpu_seconds = 0.0

    @property
    def pids(self) -> list[int]:
        return [proc.pid for proc in self.procs]


@contextlib.contextmanager
def start_cluster(folder: Path, workers: int) -> Iterator[Cluster]:
    """A scheduler and ``workers`` single-threaded workers on loopback, as ``dask`` starts them on a
    cluster's machines (without a nanny: the ``dask worker`` process is the worker), up before this
    yields; stopped on leaving. Every process gets this environment (the code snapshot first)."""
    from distributed import Client

    folder.mkdir(parents=True)
    dask = str(Path(sys.executable).parent / "dask")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    with contextlib.ExitStack() as stack:
        logs = [stack.enter_context(open(folder / name, "w", encoding="utf-8"))
                for name in ["scheduler.log", *(f"worker{i}.log" for i in range(workers))]]
        procs = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                                  stdout=subprocess.DEVNULL, stderr=logs[0], cwd=folder)]
        try:
            for i in range(workers):
                procs.append(subprocess.Popen([dask, "worker", address, "--nthreads", "1", "--no-nanny",
                                               "--no-dashboard", "--host", "127.0.0.1", "--local-directory",
                                               str(folder / f"w{i}"), "--preload", "pipeline.dask_backend"],
                                              stdout=subprocess.DEVNULL, stderr=logs[i + 1], cwd=folder))
            with Client(address, timeout=CLUSTER_START_SECONDS) as client:
                client.wait_for_workers(workers, timeout=CLUSTER_START_SECONDS)
            cluster = Cluster(address, procs)
            cluster.start_cpu_seconds = _settle(procs)
            yield cluster
        finally:
            for proc in reversed(procs):
                proc.terminate()
            for proc in procs:
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    _kill_tree(proc.pid)


def _settle(procs: list[subprocess.Popen], quiet: float = 0.05) -> float:
    """Wait until the processes and their children have started (the workers' document processes
    have built the pipeline): less than ``quiet`` CPU seconds in a second; their CPU seconds so far."""

    def used() -> float:
        total = 0.0
        for proc in procs:
            with contextlib.suppress(psutil.Error):
                for each in [psutil.Process(proc.pid), *psutil.Process(proc.pid).children(recursive=True)]:
                    times = each.cpu_times()
                    total += times.user + times.system
        return total

    deadline = time.monotonic() + CLUSTER_START_SECONDS
    before = used()
    while time.monotonic() < deadline:
        time.sleep(1.0)
        now = used()
        if now - before < quiet:
            return round(now, 2)
        before = now
    return round(before, 2)


class CpuSampler:
    """CPU seconds of some processes and all their descendants, sampled in a background thread: each
    process counts with the last CPU time seen of it (a process that lives under one sampling interval
    may be missed, one that ends loses at most an interval)."""

    def __init__(self, pids: list[int]) -> None:
        self.roots = [psutil.Process(pid) for pid in pids]
        self.seen: dict[tuple[int, float], float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while True:
            for root in self.roots:
                try:
                    procs = [root, *root.children(recursive=True)]
                except psutil.Error:
                    continue
                for proc in procs:
                    with contextlib.suppress(psutil.Error):
                        times = proc.cpu_times()
                        self.seen[(proc.pid, proc.create_time())] = times.user + times.system
            if self._stop.wait(SAMPLE_SECONDS):
                return

    def seconds(self) -> float:
        return sum(self.seen.values())

    def __enter__(self) -> CpuSampler:
        self.before = {key: 0.0 for key in self.seen}
        for root in self.roots:  # the cluster's processes have worked before the run: count from now
            with contextlib.suppress(psutil.Error):
                for proc in [root, *root.children(recursive=True)]:
                    times = proc.cpu_times()
                    self.before[(proc.pid, proc.create_time())] = times.user + times.system
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        for key, start in self.before.items():
            if key in self.seen:
                self.seen[key] -= start


def compare_outputs(left: Path, right: Path) -> dict[str, Any]:
    """Every CSV and normalised text two runs wrote (run state under ``.confmine`` aside), byte for byte."""

    def files(root: Path) -> dict[str, Path]:
        return {str(p.relative_to(root)): p for p in root.rglob("*")
                if p.is_file() and ".confmine" not in p.relative_to(root).parts}

    a, b = files(left), files(right)
    differing = sorted(name for name in a.keys() & b.keys() if a[name].read_bytes() != b[name].read_bytes())
    only = sorted(a.keys() ^ b.keys())
    csvs = sum(name.endswith(".csv") for name in a)
    return {"identical": not differing and not only, "files_compared": len(a.keys() & b.keys()), "csv_files": csvs,
            "differing": differing[:20], "only_in_one": only[:20]}


# ---------------------------------------------------------------- (c) memory

class TreeSampler:
    """Resident memory of a process and all its descendants, sampled in a background thread."""

    def __init__(self, pid: int) -> None:
        self.root = psutil.Process(pid)
        self.peak_tree = 0
        self.peak_processes = 0
        # The root is the wrapper; its children are confmine's main process; theirs the workers.
        self.peak_main = 0
        self.peak_worker = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            total = 0
            try:
                main = {p.pid for p in self.root.children()}
                procs = [self.root, *self.root.children(recursive=True)]
            except psutil.Error:
                break
            for proc in procs:
                try:
                    rss = proc.memory_info().rss
                except psutil.Error:
                    continue
                total += rss
                if proc.pid in main:
                    self.peak_main = max(self.peak_main, rss)
                elif proc.pid != self.root.pid:
                    self.peak_worker = max(self.peak_worker, rss)
            self.peak_tree = max(self.peak_tree, total)
            self.peak_processes = max(self.peak_processes, len(procs))
            self._stop.wait(SAMPLE_SECONDS)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def confmine_command() -> list[str]:
    script = Path(sys.executable).parent / "confmine"
    if script.exists():
        return [str(script)]
    found = shutil.which("confmine")
    if not found:
        raise RuntimeError("the confmine command is not installed (pip install -e .)")
    return [found]


def measure_rss(size: int, seed: int, workers: int, work: Path, keep: bool = False, cluster: Cluster | None = None
                ) -> dict[str, Any]:
    """Peak RSS of one ``confmine run`` over ``size`` fresh documents (corpus and output deleted after,
    unless ``keep``), of its largest process and of the tree, and (sampled) of the main process and
    of the largest worker - which of them grows is what a fix needs to know. On a ``cluster`` the
    run is its client alone (``--scheduler``): the largest process is the client."""
    tag = f"{size}_dask" if cluster is not None else str(size)
    corpus, out = work / f"rss_corpus_{tag}", work / f"rss_out_{tag}"
    write_corpus(size, corpus, seed)
    log = work / f"rss_{tag}.log"
    where = ["--scheduler", cluster.address] if cluster is not None else ["--workers", str(workers)]
    cmd = [sys.executable, "-c", RSS_WRAPPER, *confmine_command(), "run", str(corpus), "--out", str(out), *where]
    print(f"  confmine run over {size} documents {' '.join(where)} ...", file=sys.stderr, flush=True)
    start = time.perf_counter()
    with open(log, "w", encoding="utf-8") as stderr:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=stderr, text=True, cwd=work)
        try:
            with TreeSampler(proc.pid) as sampler:
                stdout, _ = proc.communicate()
        except BaseException:
            _kill_tree(proc.pid)
            raise
    seconds = time.perf_counter() - start
    maxrss = [line for line in stdout.splitlines() if line.startswith("MAXRSS_KB=")]
    failed = 0
    documents = 0
    if (out / "documents.csv").exists():
        import csv

        with open(out / "documents.csv", encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                documents += 1
                failed += row["status"] == "failed"
    result = {
        "docs": size, "seconds": round(seconds, 1), "docs_per_s": round(size / seconds, 2),
        "exit_code": proc.returncode, "documents_written": documents, "failed": failed,
        "peak_process_mb": round(int(maxrss[-1].split("=")[1]) / 1024, 1) if maxrss else None,
        "peak_tree_mb": round(sampler.peak_tree / 2**20, 1), "max_processes": sampler.peak_processes,
        "peak_main_mb": round(sampler.peak_main / 2**20, 1), "peak_worker_mb": round(sampler.peak_worker / 2**20, 1),
    }
    if proc.returncode not in (0, 1):  # 1: some documents failed, the rest were written
        result["stderr_tail"] = log.read_text(encoding="utf-8", errors="replace")[-2000:]
    print(f"    {result}", file=sys.stderr, flush=True)
    if not keep:
        shutil.rmtree(corpus, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
    return result


def _kill_tree(pid: int) -> None:
    """Stop a run we started and every process under it: pool workers outlive a killed parent."""
    try:
        root = psutil.Process(pid)
        procs = [*root.children(recursive=True), root]
    except psutil.Error:
        return
    for proc in procs:
        with contextlib.suppress(psutil.Error):
            proc.kill()
    psutil.wait_procs(procs, timeout=10)


def rss_growth(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Growth of each peak from the 1,000-document run (or the smallest) to the largest run."""
    if len(runs) < 2:
        return {}
    by_size = {r["docs"]: r for r in runs}
    reference = by_size.get(1000) or min(runs, key=lambda r: r["docs"])
    largest = max(runs, key=lambda r: r["docs"])
    if largest is reference:
        return {}
    out: dict[str, Any] = {"from_docs": reference["docs"], "to_docs": largest["docs"]}
    for key in ("peak_process_mb", "peak_tree_mb"):
        if reference.get(key) and largest.get(key):
            out[key.replace("peak_", "growth_").replace("_mb", "")] = round(largest[key] / reference[key] - 1, 4)
    return out


# ---------------------------------------------------------------- report

def _yes(flag: bool) -> str:
    return "yes" if flag else "**no**"


def markdown(results: dict[str, Any]) -> str:
    """The short table for the README and the terminal; targets from issue 9 where it sets one."""
    rows: list[tuple[str, str, str, str]] = []
    speed = results.get("speed")
    if speed:
        rows.append((f"full pipeline, words/s ({speed['docs']} docs, {speed['words']:,} words)",
                     f"{speed['pipeline_words_per_s']:,.0f}", "", ""))
        rows.append(("bare spaCy tokenizer, words/s (same texts)", f"{speed['tokenizer_words_per_s']:,.0f}", "", ""))
        rows.append(("pipeline / tokenizer", f"{100 * speed['ratio']:.2f}%", f">= {100 * TARGETS['ratio']:.0f}%",
                     _yes(speed["ratio"] >= TARGETS["ratio"])))
        if "ratio_cold" in speed:
            rows.append(("(context) pipeline / tokenizer with a cold cache (fresh tokenizer per pass)",
                         f"{100 * speed['ratio_cold']:.2f}%", "", ""))
        if "stage_x_tokenizer" in speed:
            rows.append(("(context) time per stage, in tokenizer times (25% allows 4x in all)",
                         ", ".join(f"{k} {v:.1f}x" for k, v in speed["stage_x_tokenizer"].items()), "", ""))
            rows.append(("(context) pipeline / tokenizer by table layout",
                         ", ".join(f"{k} {100 * v:.0f}%" for k, v in speed["per_layout_ratio"].items()), "", ""))
    throughput = results.get("throughput")
    if throughput:
        runs = throughput["runs"]
        n = throughput["docs"]

        def used(run: dict[str, Any]) -> str:
            return f"; {run['cpus_used']:.2f} CPUs used" if "cpus_used" in run else ""

        rows.append((f"run_batch, 1 worker, docs/s ({n} docs)",
                     f"{runs['local_1']['docs_per_s']:.2f}{used(runs['local_1'])}", "", ""))
        rows.append((f"run_batch, 2 workers, docs/s ({n} docs)",
                     f"{runs['local_2']['docs_per_s']:.2f} ({throughput['speedup_2_workers']:.3f}x"
                     f"{used(runs['local_2'])})",
                     f">= {TARGETS['speedup_2']}x", _yes(throughput["speedup_2_workers"] >= TARGETS["speedup_2"])))
        rows.append((f"run_batch, Dask LocalCluster ({throughput['dask_workers']} workers), docs/s",
                     f"{runs['dask']['docs_per_s']:.2f} ({throughput['speedup_dask']:.3f}x{used(runs['dask'])})",
                     f">= {TARGETS['speedup_dask']}x", _yes(throughput["speedup_dask"] >= TARGETS["speedup_dask"])))
        if "dask_cluster" in runs:
            rows.append((f"run_batch, Dask scheduler + {throughput['dask_workers']} `dask worker` processes, docs/s",
                         f"{runs['dask_cluster']['docs_per_s']:.2f} ({throughput['speedup_dask_cluster']:.3f}x"
                         f"{used(runs['dask_cluster'])})", f">= {TARGETS['speedup_dask']}x",
                         _yes(throughput["speedup_dask_cluster"] >= TARGETS["speedup_dask"])))
        if all("cpu_seconds_sampled" in run for run in runs.values()):
            rows.append((f"CPU seconds of each run, every process counted ({n} docs)",
                         ", ".join(f"{label} {run['cpu_seconds_sampled']:.1f}" for label, run in runs.items()),
                         "", ""))
    identity = results.get("identity")
    if identity:
        same = identity["local_vs_dask"]
        rows.append((f"CSVs local vs Dask ({same['csv_files']} CSVs, {same['files_compared']} files)",
                     "identical" if same["identical"] else "DIFFERENT", "identical", _yes(same["identical"])))
        if "local_vs_dask_cluster" in identity:
            same = identity["local_vs_dask_cluster"]
            rows.append((f"CSVs local vs Dask cluster ({same['csv_files']} CSVs, {same['files_compared']} files)",
                         "identical" if same["identical"] else "DIFFERENT", "identical", _yes(same["identical"])))
        same = identity["local_1_vs_local_2"]
        rows.append(("CSVs 1 vs 2 workers", "identical" if same["identical"] else "DIFFERENT", "identical",
                     _yes(same["identical"])))
    rss = results.get("rss")
    if rss:
        for run in rss["runs"]:
            split = (f" (main {run['peak_main_mb']}, worker {run['peak_worker_mb']})"
                     if run.get("peak_worker_mb") else "")
            rows.append((f"confmine run, {run['docs']:,} docs ({rss['workers']} workers): peak RSS",
                         f"{run['peak_process_mb']} MB largest process{split}; {run['peak_tree_mb']} MB tree",
                         "", f"{run['seconds']} s, {run['failed']} failed"))
        growth = rss.get("growth")
        if growth and "growth_process" in growth:
            ok = growth["growth_process"] <= TARGETS["rss_growth"] and growth.get("growth_tree", 0) <= TARGETS[
                "rss_growth"]
            applies = growth["from_docs"] == 1000 and growth["to_docs"] == 10000
            rows.append((f"peak RSS growth {growth['from_docs']:,} -> {growth['to_docs']:,} docs",
                         f"{100 * growth['growth_process']:+.1f}% process, {100 * growth.get('growth_tree', 0):+.1f}% "
                         "tree", f"<= {100 * TARGETS['rss_growth']:.0f}% (1,000 -> 10,000)",
                         _yes(ok) if applies else "n/a"))
    dask_rss = results.get("dask_rss")
    if dask_rss:
        for run in dask_rss["runs"]:
            rows.append((f"confmine run --scheduler, {run['docs']:,} docs ({dask_rss['workers']} workers): client "
                         "peak RSS",
                         f"{run['peak_process_mb']} MB", "", f"{run['seconds']} s, {run['failed']} failed"))
        growth = dask_rss.get("growth")
        if growth and "growth_process" in growth:
            applies = growth["from_docs"] == 1000 and growth["to_docs"] == 10000
            rows.append((f"client peak RSS growth {growth['from_docs']:,} -> {growth['to_docs']:,} docs",
                         f"{100 * growth['growth_process']:+.1f}%", f"<= {100 * TARGETS['rss_growth']:.0f}% "
                         "(1,000 -> 10,000)", _yes(growth["growth_process"] <= TARGETS["rss_growth"])
                         if applies else "n/a"))
    head = (f"confmine scale benchmark, {results['generated_at']} ({results['machine']['cpus']} CPUs, "
            f"seed {results['settings']['seed']}{', quick' if results['settings']['quick'] else ''})")
    lines = [head, "", "| measure | value | target | met |", "|:--|--:|:--|:--|"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    busy = [r.get("busy_cpus_before", 0) for r in (throughput or {}).get("runs", {}).values()]
    if speed:
        busy.append(speed.get("busy_cpus_before", 0))
    source = results.get("pipeline_source", {})
    if source:
        lines += ["", f"Code: snapshot of pipeline/ sha256 {source['snapshot_sha256'][:12]}"
                  + (" (the working tree changed during the run; the snapshot was measured)."
                     if source.get("live_tree_changed_during_run") else ".")]
    if max(busy, default=0) > 0.25:
        lines += ["", f"Other processes kept up to {max(busy):.1f} of {results['machine']['cpus']} CPUs busy when a "
                  "measurement started: speeds and speed-ups are understated (see cpus_used in results.json)."]
    return "\n".join(lines) + "\n"


def machine() -> dict[str, Any]:
    import spacy

    return {"cpus": os.cpu_count(), "python": platform.python_version(), "spacy": spacy.__version__,
            "platform": platform.platform(), "memory_gb": round(psutil.virtual_memory().total / 2**30, 1)}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="confmine scale benchmark (see the module docstring).")
    parser.add_argument("--docs", type=int, default=1000, help="documents for the 1/2-worker and Dask runs")
    parser.add_argument("--speed-docs", type=int, default=300, help="documents for words/s (at most --docs)")
    parser.add_argument("--rss-sizes", default="100,1000,10000", help="comma-separated corpus sizes for peak RSS")
    parser.add_argument("--rss-workers", type=int, default=os.cpu_count() or 1, help="--workers of confmine run")
    parser.add_argument("--dask-rss-sizes", default="1000,10000",
                        help="comma-separated corpus sizes for the client's peak RSS on a Dask cluster")
    parser.add_argument("--repeat", type=int, default=1, help="throughput runs of each configuration (best kept)")
    parser.add_argument("--seed", type=int, default=0, help="corpus seed")
    parser.add_argument("--parts", default=",".join(PARTS), help=f"which measures to run, of {','.join(PARTS)}")
    parser.add_argument("--quick", action="store_true", help="50 documents, RSS sizes 20,100: a check that it runs")
    parser.add_argument("--results", type=Path, default=HERE / "results.json", help="where to write the JSON")
    parser.add_argument("--markdown", type=Path, default=HERE / "RESULTS.md", help="where to write the table")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (its path is printed)")
    parser.add_argument("--from-json", type=Path, help="measure nothing: rewrite --markdown from this results file")
    args = parser.parse_args(argv)
    if args.quick:
        args.docs, args.speed_docs, args.rss_sizes, args.dask_rss_sizes = 50, 50, "20,100", "20,100"
    args.speed_docs = min(args.speed_docs, args.docs)
    args.sizes = [int(s) for s in args.rss_sizes.split(",") if s.strip()]
    args.dask_sizes = [int(s) for s in args.dask_rss_sizes.split(",") if s.strip()]
    args.parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    unknown = set(args.parts) - set(PARTS)
    if unknown:
        parser.error(f"unknown --parts {sorted(unknown)}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.from_json:
        table = markdown(json.loads(args.from_json.read_text(encoding="utf-8")))
        args.markdown.write_text(table, encoding="utf-8")
        print(table)
        return 0
    results: dict[str, Any] = {
        "generated_at": dt.datetime.now().isoformat(timespec="seconds"), "machine": machine(),
        "settings": {"docs": args.docs, "speed_docs": args.speed_docs, "rss_sizes": args.sizes,
                     "rss_workers": args.rss_workers, "dask_rss_sizes": args.dask_sizes, "repeat": args.repeat,
                     "seed": args.seed, "quick": args.quick, "parts": args.parts},
    }
    def save() -> str:
        """Write what is measured so far: a long run that dies late still leaves its first parts."""
        results["total_seconds"] = round(time.perf_counter() - began, 1)
        source = results.get("pipeline_source")
        if source:
            source["live_tree_changed_during_run"] = fingerprint(ROOT / "pipeline") != source["snapshot_sha256"]
        table = markdown(results)
        args.results.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        args.markdown.write_text(table, encoding="utf-8")
        return table

    work = Path(tempfile.mkdtemp(prefix="confmine-scale-"))
    print(f"working in {work}", file=sys.stderr)
    began = time.perf_counter()
    try:
        _code, snapshot = snapshot_pipeline(work)
        results["pipeline_source"] = {"snapshot_sha256": snapshot, "live_tree_changed_during_run": False}
        corpus = work / "corpus"
        paths: list[Path] = []
        if {"speed", "throughput"} & set(args.parts):
            paths = write_corpus(args.docs, corpus, args.seed)
        if "speed" in args.parts:
            print(f"(a) speed over {args.speed_docs} documents ...", file=sys.stderr, flush=True)
            results["speed"] = measure_speed(paths[: args.speed_docs])
            print(f"    {results['speed']}", file=sys.stderr, flush=True)
            save()
        if "throughput" in args.parts:
            print(f"(b, d) run_batch over {args.docs} documents ...", file=sys.stderr, flush=True)
            results["throughput"], results["identity"] = measure_throughput(corpus, work, args.repeat)
            save()
        if "rss" in args.parts:
            print(f"(c) peak RSS for {args.sizes} documents ...", file=sys.stderr, flush=True)
            runs: list[dict[str, Any]] = []
            for size in args.sizes:
                runs.append(measure_rss(size, args.seed, args.rss_workers, work, args.keep))
                results["rss"] = {"workers": args.rss_workers, "runs": runs, "growth": rss_growth(runs)}
                save()
        if "dask_rss" in args.parts:
            print(f"(c) client peak RSS on a Dask cluster for {args.dask_sizes} documents ...", file=sys.stderr,
                  flush=True)
            runs = []
            for size in args.dask_sizes:
                with start_cluster(work / f"cluster_rss_{size}", CLUSTER_WORKERS) as cluster:
                    runs.append(measure_rss(size, args.seed, 0, work, args.keep, cluster))
                results["dask_rss"] = {"workers": CLUSTER_WORKERS, "runs": runs, "growth": rss_growth(runs)}
                save()
    finally:
        if args.keep:
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(save())
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_batch":
        sys.exit(_batch_child(sys.argv[2:]))
    sys.exit(main())
