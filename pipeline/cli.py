"""The ``confmine`` command: run, text, score, schema."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table as RichTable

from pipeline.extract import DEFAULT_MAX_BYTES

if TYPE_CHECKING:
    from pipeline.models import DocumentInfo

app = typer.Typer(
    help="Turn hematology/oncology conference summaries (.pdf, or .txt extracted from a PDF) into CSVs.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console(stderr=True)
DEFAULT_WORKERS = os.cpu_count() or 1


@app.command()
def run(
    inputs: Annotated[list[Path], typer.Argument(help="Files (.txt, .pdf) or folders to process.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the CSVs (created if missing).")] = Path(
        "extracted"
    ),
    max_bytes: Annotated[int, typer.Option(help="Reject input files larger than this many bytes.")] = (
        DEFAULT_MAX_BYTES
    ),
    workers: Annotated[
        int, typer.Option("--workers", "-w", min=1, help="Worker processes (default: all cores), or the workers of "
                                                        "--backend dask's LocalCluster; same output.")
    ] = DEFAULT_WORKERS,
    force: Annotated[bool, typer.Option("--force", help="Redo documents already processed.")] = False,
    doc_timeout: Annotated[float, typer.Option(help="Give up on one document after this many seconds (0: off).")] = 300,
    backend: Annotated[
        str | None, typer.Option(help="'local' (process pool) or 'dask' (dask.distributed); default: 'dask' when "
                                      "--scheduler is given, else 'local'.")
    ] = None,
    scheduler: Annotated[
        str | None, typer.Option(help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (runs on Dask; without "
                                      "it --backend dask starts a LocalCluster of --workers processes here).")
    ] = None,
) -> None:
    """Extract trials, preclinical studies, tables, abbreviations and entities from INPUTS into OUT.

    Exit code 0: every document ok; 1: some documents failed (the others are written); 2: usage error.
    """
    from pipeline.batch import BACKENDS, ClusterError, OutputsLocked, run_batch

    backend = backend or ("dask" if scheduler else "local")
    if backend not in BACKENDS:
        raise typer.BadParameter("--backend must be 'local' or 'dask'")
    if scheduler and backend != "dask":
        raise typer.BadParameter("--scheduler runs on Dask: drop --backend local")
    # Only a local pool forks workers while the bar is shown; elsewhere rich may refresh it by itself.
    try:
        with _Display(refresh_thread=backend == "dask" or workers <= 1) as display:
            summary = run_batch(inputs, out, max_bytes=max_bytes, workers=workers, force=force,
                                doc_timeout=doc_timeout, backend=backend, scheduler=scheduler,
                                on_document=display.finished, on_start=display.started, on_wait=display.refresh)
    except OutputsLocked as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    except ClusterError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    console.print(
        f"{summary.documents} documents ({summary.documents - summary.failed} ok, {summary.failed} failed), "
        f"{summary.trials} trial arms, {summary.preclinical} preclinical studies, {summary.entities} entities "
        f"-> {out}/" + (f" ({summary.skipped} unchanged, reused)" if summary.skipped else "")
    )
    if summary.input_problems:
        console.print(f"[yellow]{summary.input_problems} input problem(s): see {out}/errors.csv[/yellow]")
    raise typer.Exit(0 if summary.ok else 1)


class _Display:
    """The progress bar of ``confmine run`` (documents, docs/s, elapsed, ETA).

    Without ``refresh_thread`` it is refreshed from the run's own callbacks (a document done, the
    pool's heartbeat), at most ``PER_SECOND`` times a second, not by rich's refresh thread: a local
    pool forks worker processes while the run goes on, and a thread caught writing to the terminal
    at that moment would leave the child a locked stream (see ``pipeline.batch``). A run that forks
    nothing (one worker, or Dask) keeps the thread, so its clock moves during a long document too.
    """

    PER_SECOND = 10

    def __init__(self, refresh_thread: bool) -> None:
        self.progress = Progress(
            TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TimeRemainingColumn(),
            console=console, transient=False, auto_refresh=refresh_thread, refresh_per_second=self.PER_SECOND,
        )
        self.task = self.progress.add_task("documents", total=None, rate="")
        self.shown = 0.0

    def __enter__(self) -> _Display:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.progress.refresh()
        finally:
            self.progress.stop()  # shows the cursor again whatever happened

    def started(self, total: int) -> None:
        self.progress.update(self.task, total=total)
        self.refresh()

    def finished(self, info: DocumentInfo) -> None:
        self.progress.advance(self.task)
        task = self.progress.tasks[0]
        elapsed = task.elapsed or 0
        self.progress.update(self.task, rate=f"{task.completed / elapsed:.1f} docs/s" if elapsed else "")
        if info.status == "failed":
            self.progress.console.print(f"[red]failed[/red] {info.source_path}: {info.error}")
        self.refresh()

    def refresh(self) -> None:
        now = time.monotonic()
        if now - self.shown >= 1 / self.PER_SECOND:
            self.shown = now
            self.progress.refresh()


@app.command()
def text(doc: Annotated[Path, typer.Argument(help="A .txt or .pdf file.")]) -> None:
    """Print the normalised text of DOC (the text every offset in the CSVs refers to)."""
    from pipeline.ingest import read_document

    try:
        ingested = read_document(doc)
    except (OSError, ValueError) as exc:
        console.print(f"[red]error:[/red] {doc}: {exc}")
        raise typer.Exit(1) from exc
    sys.stdout.write(ingested.text)
    if not ingested.text.endswith("\n"):
        sys.stdout.write("\n")


@app.command()
def score(
    pred: Annotated[Path, typer.Option("--pred", help="Folder written by `confmine run`.")],
    gold: Annotated[Path, typer.Option("--gold", help="Gold folder: one sub-folder per document.")],
) -> None:
    """Compare PRED with GOLD field by field; print P/R/F1 and write PRED/scores.csv."""
    from pipeline.score import score_folders

    if not gold.is_dir() or not pred.is_dir():
        console.print("[red]error:[/red] --pred and --gold must be folders")
        raise typer.Exit(2)
    scores = score_folders(pred, gold)
    table = RichTable(title=f"confmine scores ({pred} vs {gold})")
    for column in ("file", "field", "tp", "fp", "fn", "precision", "recall", "f1"):
        table.add_column(column, justify="right" if column not in ("file", "field") else "left")
    totals = scores[scores["doc_id"] == "ALL"]
    for row in totals.itertuples():
        table.add_row(row.file, row.field, str(row.tp), str(row.fp), str(row.fn),
                      f"{row.precision:.3f}", f"{row.recall:.3f}", f"{row.f1:.3f}")
    Console().print(table)


@app.command()
def report(
    out: Annotated[Path, typer.Argument(help="Folder written by `confmine run`.")] = Path("extracted"),
    gold: Annotated[
        Path | None, typer.Option("--gold", help="Gold folder, to chart scores and list disagreements.")
    ] = None,
) -> None:
    """Write OUT/report/index.html: every value next to its evidence, scores and errors, one static page."""
    from pipeline.report import write_report

    if not out.is_dir():
        console.print(f"[red]error:[/red] {out} is not a folder written by `confmine run`")
        raise typer.Exit(2)
    path = write_report(out, gold if gold is not None and gold.is_dir() else None)
    console.print(f"report -> {path}")


@app.command()
def schema() -> None:
    """Print the JSON schema of the trial and preclinical records."""
    from pipeline.models import PreclinicalStudy, TrialArm

    print(json.dumps({"TrialArm": TrialArm.model_json_schema(),
                      "PreclinicalStudy": PreclinicalStudy.model_json_schema()}, indent=2))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
