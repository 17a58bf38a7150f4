"""One document through every stage: read, abbreviations, tables, entities, records.

Each stage after reading is guarded: a stage that fails records an ``ErrorRecord`` and marks the
document failed, but what the earlier stages produced is kept, so one bad table never loses the
document's other results.
"""

from __future__ import annotations

import gc
import hashlib
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePath
from typing import TypeVar

from spacy.language import Language

from pipeline.abbreviations.api import abbreviations_in
from pipeline.ingest import read_document
from pipeline.ingest.errors import IngestError
from pipeline.ingest.sections import close_table_sections
from pipeline.models import DocumentInfo, DocumentResult, ErrorRecord
from pipeline.ner import build_nlp, find_entities
from pipeline.records import build_records
from pipeline.tables import find_tables

T = TypeVar("T")

DEFAULT_MAX_BYTES = 50 * 1024 * 1024


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _kind(path: Path) -> str:
    return "pdf" if path.suffix.lower() == ".pdf" else "txt"


def _fail(result: DocumentResult, stage: str, exc: BaseException) -> None:
    message = " ".join(str(exc).split()) or exc.__class__.__name__
    result.errors.append(
        ErrorRecord(
            doc_id=result.info.doc_id,
            source_path=result.info.source_path,
            stage=stage,
            error_type=exc.__class__.__name__,
            message=message,
        )
    )
    result.info.status = "failed"
    result.info.error = result.info.error or f"{stage}: {message}"


def _stage(result: DocumentResult, stage: str, run: Callable[[], T], default: T) -> T:
    try:
        return run()
    except Exception as exc:  # noqa: BLE001 - a stage's failure is data, recorded in errors.csv
        _fail(result, stage, exc)
        return default


@contextmanager
def _collected_after() -> Iterator[None]:
    """Automatic garbage collection held off while one document is read, then one young collection.

    A document's stages make hundreds of thousands of short-lived objects (candidate cells, memo
    entries) that reference counting frees; each automatic full collection they set off walks every
    object alive in the process, the spaCy pipeline's vocabulary and lexicons included, and took about
    a fifth of the tables stage. What a document leaves in reference cycles is collected at its end;
    a caller that had collection off keeps it off."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
            gc.collect(0)


def extract_document(
    path: str | Path, nlp: Language | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> DocumentResult:
    """Run the whole pipeline on one ``.txt`` or ``.pdf`` file and return everything it found.

    ``nlp`` is the spaCy pipeline from ``pipeline.ner.build_nlp()``; pass one in when processing
    many documents so it is built once.
    """
    with _collected_after():
        return _extract(Path(path), nlp, max_bytes)


def extract_bytes(
    data: bytes, source_path: str, nlp: Language | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
    scratch: str | Path | None = None,
) -> DocumentResult:
    """``extract_document`` on a document's bytes, read where the file is (a Dask client sends them to
    workers that cannot see its disk): the result is the one ``extract_document(source_path)`` gives.

    The readers open files (the suffix gives the kind, pdfium maps the file), so the bytes are put in
    a private temporary folder (under ``scratch`` if given) under the document's own file name, and
    removed when it is read; the result names ``source_path``, not the temporary file.
    """
    with tempfile.TemporaryDirectory(prefix="confmine-", dir=scratch) as folder:
        path = Path(folder) / PurePath(source_path).name
        path.write_bytes(data)
        result = extract_document(path, nlp=nlp, max_bytes=max_bytes)
    where = str(path)
    result.info.source_path = source_path
    if result.info.error:
        result.info.error = result.info.error.replace(where, source_path)
    for error in result.errors:
        error.source_path = source_path
        error.message = error.message.replace(where, source_path)
    if result.ingested is not None:
        result.ingested.source_path = source_path
    return result


def _extract(path: Path, nlp: Language | None, max_bytes: int) -> DocumentResult:
    info = DocumentInfo(doc_id=path.stem, source_path=str(path), sha256="", kind=_kind(path))  # type: ignore[arg-type]
    result = DocumentResult(info=info)
    try:
        info.sha256 = sha256_of(path)
        size = path.stat().st_size
        if size > max_bytes:
            raise IngestError(f"file is {size:,} bytes, over the limit of {max_bytes:,} (--max-bytes)")
        doc = read_document(path)
    except (OSError, ValueError) as exc:
        _fail(result, "ingest", exc)
        return result
    result.ingested = doc
    result.text = doc.text
    result.warnings.extend(doc.warnings)
    info.encoding = doc.encoding
    info.kind = doc.kind
    info.chars = len(doc.text)
    info.pages = max((page.number for page in doc.pages), default=0) if doc.kind == "pdf" else len(doc.pages)

    result.abbreviations = _stage(result, "abbreviations", lambda: abbreviations_in(doc.text), [])
    result.tables = _stage(result, "tables", lambda: find_tables(doc, result.abbreviations), [])
    # Prose printed after a table and its notes is prose again (the caption opened a section that ran on).
    doc.sections = close_table_sections(doc.text, doc.sections, [(t.start, t.end) for t in result.tables])
    language = nlp if nlp is not None else build_nlp()
    result.entities = _stage(
        result, "entities", lambda: find_entities(doc, result.abbreviations, result.tables, language), []
    )
    records = _stage(result, "records", lambda: build_records(doc, result), ([], []))
    result.trials, result.preclinical = records
    return result
