"""Speed and memory of confmine's PDF reader against bare pdfplumber, on the same pages, same run.

    .venv/bin/python bench/pdf_speed.py [--pages 300] [--pdf FILE] [--lean]

Without ``--pdf`` it draws a long synthetic summary (``tests/pdfgen.long_document``: two-column
prose pages, some with superscript doses, a rotated table every tenth page). Each reader runs in its
own subprocess so its peak resident memory is its own; a sampling thread also records resident memory
over the run, to show whether it stays flat or grows with the page count.

``--lean`` keeps superscript and aligned-table pages on pypdfium2 (``PdfSettings``
``pdfplumber_for_superscripts`` / ``pdfplumber_for_tables`` off): only rotated and ruled pages go to
pdfplumber. Not part of the test suite (it takes two minutes); numbers go to stdout.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_SECONDS = 0.05


class MemorySampler:
    """Resident memory of this process, sampled in a background thread."""

    def __init__(self) -> None:
        self.samples: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._process = psutil.Process()

    def _run(self) -> None:
        start = time.perf_counter()
        while not self._stop.is_set():
            self.samples.append((time.perf_counter() - start, self._process.memory_info().rss))
            time.sleep(SAMPLE_SECONDS)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def summary(self) -> dict[str, float]:
        """Peak, and resident memory at a tenth and at the end of the run (MB): growth shows there."""
        rss = [r for _, r in self.samples] or [0]
        tenth = rss[max(len(rss) // 10, 0)]
        return {"peak_mb": max(rss) / 2**20, "at_10pct_mb": tenth / 2**20, "at_end_mb": rss[-1] / 2**20}


def run_pdfplumber(path: Path) -> dict[str, object]:
    """Bare pdfplumber: ``extract_text`` on every page, closing each page (its documented advice)."""
    import pdfplumber

    words: Counter[str] = Counter()
    with MemorySampler() as memory:
        start = time.perf_counter()
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                words.update((page.extract_text() or "").split())
                page.close()
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "words": dict(words), **memory.summary()}


def run_confmine(path: Path, lean: bool = False) -> dict[str, object]:
    """confmine's reader (both engines, layout, tables), then ``ingest_text`` timed apart: the shared
    normalisation is not the reader's cost, and its offset maps grow with the document."""
    sys.path.insert(0, str(ROOT))
    from pipeline.ingest.pdf import PdfSettings, read_pdf_pages
    from pipeline.ingest.text import ingest_text

    settings = PdfSettings(pdfplumber_for_superscripts=not lean, pdfplumber_for_tables=not lean)
    with MemorySampler() as memory:
        start = time.perf_counter()
        pages = read_pdf_pages(path, settings)
        seconds = time.perf_counter() - start
    reader = memory.summary()
    raw = "\f".join(p.text for p in pages)
    with MemorySampler() as memory:
        start = time.perf_counter()
        ingest_text(raw, path.stem, str(path), "pdf", "pdf")
        ingest_seconds = time.perf_counter() - start
    engines = {engine: sum(1 for p in pages if p.engine == engine) for engine in ("pdfium", "pdfplumber")}
    return {"seconds": seconds, "words": dict(Counter(raw.split())), "engines": engines,
            "ingest_seconds": ingest_seconds, "ingest_peak_mb": memory.summary()["peak_mb"], **reader}


def _child(mode: str, path: Path, lean: bool = False) -> dict[str, object]:
    """Run one reader in a fresh interpreter and read back its JSON line."""
    flags = ["--lean"] if lean else []
    out = subprocess.run([sys.executable, __file__, "--child", mode, "--pdf", str(path), *flags],
                         check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _page_count(path: Path) -> int:
    import pypdfium2 as pdfium

    with pdfium.PdfDocument(path) as document:
        return len(document)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--pdf", type=Path)
    parser.add_argument("--lean", action="store_true", help="only rotated and ruled pages go to pdfplumber")
    parser.add_argument("--child", choices=("pdfplumber", "confmine"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        result = run_pdfplumber(args.pdf) if args.child == "pdfplumber" else run_confmine(args.pdf, args.lean)
        print(json.dumps(result))
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = args.pdf
        if path is None:
            sys.path.insert(0, str(ROOT))
            from tests.pdfgen import long_document

            path = Path(tmp) / f"summary_{args.pages}p.pdf"
            long_document(path, pages=args.pages)
        n = _page_count(path)
        plumber, confmine = _child("pdfplumber", path), _child("confmine", path, args.lean)
    print(f"PDF: {path.name}, {n} pages")
    for name, result in (("pdfplumber extract_text", plumber), ("confmine read_pdf_pages", confmine)):
        rate = n / float(result["seconds"])  # type: ignore[arg-type]
        print(f"{name:26s} {result['seconds']:7.2f} s {rate:7.1f} pages/s  peak {result['peak_mb']:6.1f} MB"
              f"  (at 10%: {result['at_10pct_mb']:.1f} MB, at end: {result['at_end_mb']:.1f} MB)")
    print(f"pages per engine: {confmine['engines']}")
    speedup = float(plumber["seconds"]) / float(confmine["seconds"])  # type: ignore[arg-type]
    print(f"speed-up over bare pdfplumber: {speedup:.2f}x")
    print(f"then ingest_text (shared normalisation): {confmine['ingest_seconds']:.2f} s, "
          f"peak {confmine['ingest_peak_mb']:.1f} MB")
    theirs, ours = Counter(plumber["words"]), Counter(confmine["words"])  # type: ignore[arg-type]
    shared = sum((theirs & ours).values())
    print(f"words: pdfplumber {sum(theirs.values())}, confmine {sum(ours.values())}; "
          f"{shared / max(sum(theirs.values()), 1):.1%} of pdfplumber's words are in confmine's text")


if __name__ == "__main__":
    main()
