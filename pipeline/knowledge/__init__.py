"""What every stage knows of the field: the patterns of ids, captions, citations, percentages and counts
(``patterns``) and the lexicons of ``pipeline/data`` (``lexicon``).

Nothing here imports a stage; every stage may import from here.
"""
