"""The errors a reader raises for input it cannot read; each message is one line for errors.csv."""


class IngestError(ValueError):
    """An input file that cannot be turned into text (empty, binary, too large, unreadable PDF...)."""
