"""Speed and memory of confmine's PDF input against the bare readers, on the same pages, in one run.

    .venv/bin/python bench/pdf_speed.py [--pages 120] [--docs prose upright_tables rotated_tables]
        [--pdf FILE ...] [--memory-pages 300] [--no-pipeline] [--breakdown] [--json OUT]

Without ``--pdf`` it draws the three long documents of ``tests/pdfgen.BENCH_DOCUMENTS`` (``--pages``
each): ``prose`` (dense two-column pages, doses written flat with a caret and a few raised for real),
``upright_tables`` (an unruled table on every page between prose) and ``rotated_tables`` (prose, and a
table turned 90° or 270° every tenth page). On each it times, each in a fresh interpreter so that
neither imports nor memory of one reader count for another:

- ``pypdfium2``: ``get_text_range()`` of every page (the text layer: the floor);
- ``pdfplumber``: ``extract_text()`` of every page, each page closed after (its documented advice);
- ``ingestion``: confmine's ``read_pdf_pages`` then ``ingest_text`` (what ``read_document`` does),
  with the pages per engine and the reasons a page took the geometry road;
- ``pipeline``: ``extract_document`` with a spaCy pipeline built before the clock starts (as a batch
  run builds it once), with the time of ingestion and of the text stages after it.

Each reader runs ``--repeat`` times (default 3), the readers taking turns, and its fastest run
counts: on a machine others share, a burst of load then falls on no reader alone. Rates are pages/s;
ratios are to pdfplumber and to pypdfium2 of the same run. ``--memory-pages``
(default 300) then reads a ``rotated_tables`` document of that many pages with confmine's reader and
reports resident memory at a tenth of the run, at its end and at its peak (flat means the end is no
higher than the tenth plus a few MB), then the peak of ``ingest_text`` on the whole text, apart: the
shared normalisation keeps offset maps as long as the text. ``--breakdown`` adds where ingestion's
time goes: the exclusive seconds of the reader's functions (``BREAKDOWN``), wrapped in one more
ingestion run of their own (the timers cost time too, so that run is not among those timed). Not
part of the test suite; numbers go to stdout (and ``--json``).
"""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_SECONDS = 0.05
READERS = ("pypdfium2", "pdfplumber", "ingestion", "pipeline")
BREAKDOWN = (
    ("pypdfium2._helpers.document", "PdfDocument.get_page"),
    ("pypdfium2._helpers.page", "PdfPage.get_textpage"),
    ("pipeline.ingest.pdf", "_read_pdfium_page"),
    ("pipeline.ingest.pdf_words", "read_words"),
    ("pipeline.ingest.pdf_glyphs", "pdfium_glyphs"),
    ("pipeline.ingest.pdf_glyphs", "pdfium_objects"),
    ("pipeline.ingest.pdf_rules", "read_rules"),
    ("pipeline.ingest.pdf_rules", "ruled_cells"),
    ("pipeline.ingest.pdf_lines", "build_lines"),
    ("pipeline.ingest.pdf_lines", "line_words"),
    ("pipeline.ingest.pdf_layout", "arrange"),
    ("pipeline.ingest.pdf_tables", "find_aligned_tables"),
    ("pipeline.ingest.pdf_tables", "aligned_grid"),
    ("pipeline.ingest.pdf_layout", "render"),
    ("pipeline.ingest.pdf", "_LazyPlumber.layout"),
    ("pipeline.ingest.pdf_tables", "ruled_tables"),
    ("pdfplumber.page", "Page.parse_objects"),
    ("pipeline.ingest.pdf_glyphs", "glyphs_from_plumber"),
)
"""Functions whose exclusive time ``--breakdown`` reports, for the reader of any version (those absent
from a version are skipped): pdfium's page and text page, the word, glyph and rule readers, line
building, the layout, and pdfplumber's page parse where the reader still opens pages with it."""


class MemorySampler:
    """Resident memory of this process, sampled in a background thread."""

    def __init__(self) -> None:
        self.samples: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._process = psutil.Process()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append(self._process.memory_info().rss)
            time.sleep(SAMPLE_SECONDS)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def summary(self) -> dict[str, float]:
        """Peak, and resident memory at a tenth and at the end of the run (MB): growth shows there."""
        rss = self.samples or [0]
        return {"peak_mb": max(rss) / 2**20, "at_10pct_mb": rss[len(rss) // 10] / 2**20,
                "at_end_mb": rss[-1] / 2**20}


class Breakdown:
    """Exclusive wall time per wrapped function: a call's time minus that of wrapped calls inside it."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self._stack: list[float] = []  # time spent in wrapped callees, per open call

    def wrap(self, owner: Any, attribute: str, name: str) -> None:
        inner = getattr(owner, attribute)

        def timed(*args: Any, **kwargs: Any) -> Any:
            self._stack.append(0.0)
            start = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                total = time.perf_counter() - start
                nested = self._stack.pop()
                self.seconds[name] = self.seconds.get(name, 0.0) + total - nested
                self.calls[name] = self.calls.get(name, 0) + 1
                if self._stack:
                    self._stack[-1] += total

        setattr(owner, attribute, timed)

    def install(self) -> None:
        """Wrap every function of ``BREAKDOWN`` that this version has, in its module and wherever it
        was imported by name."""
        for module_name, qualified in BREAKDOWN:
            try:
                module = importlib.import_module(module_name)
            except ImportError:
                continue
            owner: Any = module
            *path, attribute = qualified.split(".")
            for part in path:
                owner = getattr(owner, part, None)
            if owner is None or not hasattr(owner, attribute):
                continue
            original = getattr(owner, attribute)
            self.wrap(owner, attribute, f"{module_name.rsplit('.', 1)[-1]}.{qualified}")
            if path:
                continue
            for other in list(sys.modules.values()):  # `from x import f` copies f into other modules
                if other is not module and getattr(other, attribute, None) is original and \
                        (getattr(other, "__name__", "") or "").startswith("pipeline"):
                    setattr(other, attribute, getattr(owner, attribute))


# --- the readers, each run in a child interpreter ------------------------------------------------------


def run_pypdfium2(path: Path) -> dict[str, Any]:
    import pypdfium2 as pdfium

    chars = 0
    with MemorySampler() as memory:
        start = time.perf_counter()
        with pdfium.PdfDocument(path) as document:
            for index in range(len(document)):
                page = document[index]
                textpage = page.get_textpage()
                chars += len(textpage.get_text_range())
                textpage.close()
                page.close()
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "chars": chars, **memory.summary()}


def run_pdfplumber(path: Path) -> dict[str, Any]:
    import pdfplumber

    chars = 0
    with MemorySampler() as memory:
        start = time.perf_counter()
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                chars += len(page.extract_text() or "")
                page.close()
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "chars": chars, **memory.summary()}


def run_ingestion(path: Path, breakdown: bool = False) -> dict[str, Any]:
    """confmine's reader, then the shared normalisation on its text (``read_pdf_file``'s two steps)."""
    sys.path.insert(0, str(ROOT))
    from pipeline.ingest import pdf
    from pipeline.ingest.text import ingest_text

    timer = Breakdown()
    if breakdown:
        timer.install()
    with MemorySampler() as memory:
        start = time.perf_counter()
        pages = pdf.read_pdf_pages(path)
        reader = time.perf_counter() - start
    with MemorySampler() as normalising:
        start = time.perf_counter()
        raw = pdf.PAGE_BREAK.join(page.text for page in pages)
        doc = ingest_text(raw, path.stem, str(path), encoding="pdf", kind="pdf")
        seconds = reader + time.perf_counter() - start
    engines: dict[str, int] = {}
    reasons: dict[str, int] = {}
    for page in pages:
        engines[page.engine] = engines.get(page.engine, 0) + 1
        for reason in page.reasons:
            reasons[reason] = reasons.get(reason, 0) + 1
    return {"seconds": seconds, "reader_seconds": reader, "chars": len(doc.text), "engines": engines,
            "reasons": reasons, "breakdown": timer.seconds, "calls": timer.calls,
            "ingest_text_peak_mb": normalising.summary()["peak_mb"], **memory.summary()}


def run_pipeline(path: Path) -> dict[str, Any]:
    """``extract_document`` with the spaCy pipeline built (and warmed on a small text) beforehand."""
    sys.path.insert(0, str(ROOT))
    from pipeline import extract
    from pipeline.ner import build_nlp

    nlp = build_nlp()
    with tempfile.TemporaryDirectory() as tmp:
        warm = Path(tmp) / "warm.txt"
        warm.write_text("In the phase 1 trial NCT01234567, 12 patients received CAR-T cells (ORR 80%).\n")
        extract.extract_document(warm, nlp)
    spent: dict[str, float] = {"ingest": 0.0}
    read = extract.read_document

    def timed_read(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return read(*args, **kwargs)
        finally:
            spent["ingest"] += time.perf_counter() - start

    extract.read_document = timed_read  # type: ignore[assignment]
    with MemorySampler() as memory:
        start = time.perf_counter()
        result = extract.extract_document(path, nlp)
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "ingest_seconds": spent["ingest"], "status": result.info.status,
            "trials": len(result.trials), "tables": len(result.tables), **memory.summary()}


CHILDREN: dict[str, Callable[..., dict[str, Any]]] = {
    "pypdfium2": run_pypdfium2, "pdfplumber": run_pdfplumber, "ingestion": run_ingestion, "pipeline": run_pipeline,
}


def _child(reader: str, path: Path, breakdown: bool = False) -> dict[str, Any]:
    """Run one reader in a fresh interpreter and read back its JSON line."""
    flags = ["--breakdown"] if breakdown else []
    out = subprocess.run([sys.executable, __file__, "--child", reader, "--pdf", str(path), *flags],
                         check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _page_count(path: Path) -> int:
    import pypdfium2 as pdfium

    with pdfium.PdfDocument(path) as document:
        return len(document)


def _draw(kind: str, folder: Path, pages: int) -> Path:
    sys.path.insert(0, str(ROOT))
    from tests.pdfgen import BENCH_DOCUMENTS

    path = folder / f"{kind}_{pages}p.pdf"
    BENCH_DOCUMENTS[kind](path, pages=pages)
    return path


def measure(path: Path, readers: tuple[str, ...], breakdown: bool, repeat: int) -> dict[str, Any]:
    """Every reader ``repeat`` times, in turn (so a burst of load on a shared machine falls on all of
    them alike); each reader's fastest run counts."""
    n = _page_count(path)
    runs: dict[str, list[dict[str, Any]]] = {reader: [] for reader in readers}
    for _ in range(repeat):
        for reader in readers:
            runs[reader].append(_child(reader, path))
    results = {reader: min(found, key=lambda r: float(r["seconds"])) for reader, found in runs.items()}
    for reader, found in runs.items():
        results[reader]["all_seconds"] = [round(float(r["seconds"]), 3) for r in found]
    if breakdown and "ingestion" in results:  # a run of its own: the wrappers cost time too
        profiled = _child("ingestion", path, breakdown=True)
        results["ingestion"].update(breakdown=profiled["breakdown"], calls=profiled["calls"],
                                    profiled_seconds=profiled["seconds"])
    rates = {reader: n / float(result["seconds"]) for reader, result in results.items()}
    return {"pdf": path.name, "pages": n, "results": results, "pages_per_s": rates, "repeat": repeat}


def report(measured: dict[str, Any]) -> None:
    rates, results = measured["pages_per_s"], measured["results"]
    print(f"\n{measured['pdf']}: {measured['pages']} pages")
    print(f"  {'reader':12s} {'s':>7s} {'pages/s':>8s} {'x pdfplumber':>13s} {'% pypdfium2':>12s} {'peak MB':>8s}"
          "  all runs (s)")
    for reader, result in results.items():
        rate = rates[reader]
        print(f"  {reader:12s} {result['seconds']:7.2f} {rate:8.1f} {rate / rates['pdfplumber']:13.2f} "
              f"{100 * rate / rates['pypdfium2']:11.1f}% {result['peak_mb']:8.1f}  {result['all_seconds']}")
    ingestion = results.get("ingestion")
    if ingestion:
        print(f"  ingestion: reader {ingestion['reader_seconds']:.2f} s + ingest_text "
              f"{ingestion['seconds'] - ingestion['reader_seconds']:.2f} s; engines {ingestion['engines']}; "
              f"reasons {ingestion['reasons']}")
        if ingestion["breakdown"]:
            print(f"  where ingestion's time goes (a run of its own, {ingestion['profiled_seconds']:.2f} s with the "
                  "timers; exclusive time, the rest is ingest_text and the reader's own loop):")
        for name, seconds in sorted(ingestion["breakdown"].items(), key=lambda kv: -kv[1]):
            print(f"    {name:40s} {seconds:7.3f} s  {1000 * seconds / measured['pages']:6.2f} ms/page  "
                  f"({ingestion['calls'][name]} calls)")
    pipeline = results.get("pipeline")
    if pipeline:
        rest = pipeline["seconds"] - pipeline["ingest_seconds"]
        print(f"  pipeline: ingestion {pipeline['ingest_seconds']:.2f} s + text stages {rest:.2f} s "
              f"({1000 * rest / measured['pages']:.1f} ms/page); {pipeline['trials']} trials, "
              f"{pipeline['tables']} tables, status {pipeline['status']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=120)
    parser.add_argument("--docs", nargs="+", default=["prose", "upright_tables", "rotated_tables"])
    parser.add_argument("--pdf", type=Path, nargs="+", help="measure these PDFs instead of drawing the three")
    parser.add_argument("--memory-pages", type=int, default=300, help="0: no memory run")
    parser.add_argument("--no-pipeline", action="store_true", help="leave out extract_document")
    parser.add_argument("--breakdown", action="store_true", help="where ingestion's time goes")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each reader, the fastest counts")
    parser.add_argument("--json", type=Path, help="write every figure here")
    parser.add_argument("--child", choices=READERS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run = CHILDREN[args.child]
        result = run(args.pdf[0], args.breakdown) if args.child == "ingestion" else run(args.pdf[0])
        print(json.dumps(result))
        return
    readers = tuple(r for r in READERS if not (args.no_pipeline and r == "pipeline"))
    figures: dict[str, Any] = {"machine": {"cpus": psutil.cpu_count(), "load_before": psutil.getloadavg()}}
    with tempfile.TemporaryDirectory() as tmp:
        paths = args.pdf or [_draw(kind, Path(tmp), args.pages) for kind in args.docs]
        figures["documents"] = []
        for path in paths:
            measured = measure(path, readers, args.breakdown, args.repeat)
            report(measured)
            figures["documents"].append(measured)
        if args.memory_pages:
            path = _draw("rotated_tables", Path(tmp), args.memory_pages)
            memory = _child("ingestion", path)
            figures["memory"] = {"pages": args.memory_pages, **memory}
            print(f"\nmemory, confmine's reader on {path.name}: at 10% {memory['at_10pct_mb']:.1f} MB, at end "
                  f"{memory['at_end_mb']:.1f} MB, peak {memory['peak_mb']:.1f} MB "
                  f"({args.memory_pages / memory['reader_seconds']:.1f} pages/s); then ingest_text on the whole "
                  f"text: peak {memory['ingest_text_peak_mb']:.1f} MB (its offset maps grow with the text)")
    figures["machine"]["load_after"] = psutil.getloadavg()
    print(f"\nload average (1, 5, 15 min) before {figures['machine']['load_before']}, "
          f"after {figures['machine']['load_after']}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
