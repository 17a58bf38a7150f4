"""confmine: conference summaries (PDF or PDF-extracted text) into structured, scored CSVs.

Importing the package registers its spaCy factories (``confmine_targets``, ``confmine_entities``, ...),
so they can be added to any pipeline with ``nlp.add_pipe``.
"""

from pipeline.extract import extract_document
from pipeline.models import DocumentResult

__version__ = "0.1.0"
__all__ = ["DocumentResult", "extract_document", "__version__"]
