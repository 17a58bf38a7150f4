"""The review report: one static HTML page to check every extracted value against its evidence.

``write_report(out_dir, gold_dir)`` reads what ``confmine run`` wrote and writes
``out_dir/report/index.html``. The modules follow the data: ``load`` reads the CSVs, ``evidence`` finds
quotes in the text, ``diff`` compares with gold, ``text`` draws the text with displaCy, ``charts`` the
scores, ``records``/``sections``/``markup``/``page`` the HTML, and ``build`` puts it together.
"""

from pipeline.report.build import build_html, write_report

__all__ = ["build_html", "write_report"]
