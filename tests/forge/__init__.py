"""The table forge: gold table grids drawn to PDFs in many styles, read back with the text extractors
users run themselves, and written as documents whose gold is known by construction.

``grids`` loads the gold grids, ``render`` draws them, ``extract`` reads the PDFs back, ``documents``
writes the corpus and its gold, ``cells`` scores confmine's reconstructed tables cell by cell.
``bench/forge.py`` runs it all against ``confmine run`` / ``confmine score``.
"""
