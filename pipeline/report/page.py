"""The page around the sections: one HTML file with its stylesheet inlined and no script at all.

The report is opened from disk, mailed, archived and printed, so it must not fetch anything and must
work without JavaScript: navigation is plain links, the evidence a link points to is highlighted with
the CSS ``:target`` selector, and long tables scroll inside their own region on narrow screens.
"""

from __future__ import annotations

from pipeline.report.markup import esc

CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: #1a1a1a; background: #fff; margin: 0 auto; max-width: 80rem; padding: 0 1rem 3rem; }
a { color: #0b57a4; }
a:focus-visible, [tabindex]:focus-visible { outline: 3px solid #b45309; outline-offset: 2px; }
h1 { font-size: 1.7rem; margin: 1.2rem 0 .4rem; }
h2 { font-size: 1.35rem; border-bottom: 2px solid #c8c8c8; margin-top: 2.5rem; padding-bottom: .2rem; }
h3 { font-size: 1.1rem; margin-top: 1.8rem; }
.skip { position: absolute; left: -9999px; }
.skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .5rem; z-index: 1; }
nav ol { columns: 2 16rem; margin: 0; }
.summary { display: flex; flex-wrap: wrap; gap: .4rem 1.5rem; padding: 0; list-style: none; }
.scroll { overflow-x: auto; max-width: 100%; margin: .8rem 0; }
table { border-collapse: collapse; font-size: .875rem; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; caption-side: top; }
th, td { border: 1px solid #b5b5b5; padding: .25rem .5rem; vertical-align: top; text-align: left; }
thead th { background: #eef0f3; }
td { overflow-wrap: break-word; min-width: 3rem; }
dl.fields { display: grid; grid-template-columns: max-content minmax(6rem, 1fr); gap: 0 .6rem; margin: 0; }
dl.fields dt { color: #444; }
dl.fields dd { margin: 0; }
tr.has-conflict td:first-child { border-left: 4px solid #b45309; }
.quotes { margin: 0; padding-left: 1.3rem; }
q { quotes: "\\201C" "\\201D"; }
.flag { color: #8a3b00; }
.not-found, .empty { color: #555; }
.kind { font-weight: 600; }
td.kind-missed .kind::before { content: "\\2212  "; }
td.kind-not-in-gold .kind::before { content: "+ "; }
td.kind-different-value .kind::before { content: "\\2260  "; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; margin: .5rem 0; }
dl.meta dt { font-weight: 600; }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
.legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .3rem 1rem; }
.hint { font-size: .9rem; color: #444; }
.doc-text { border: 1px solid #d5d5d5; background: #fcfcfc; padding: .75rem 1rem; overflow-wrap: anywhere; }
mark.entity { color: inherit; padding: .15em .35em; margin: 0 .1em; border-radius: .35em; line-height: 1;
  -webkit-box-decoration-break: clone; box-decoration-break: clone; }
.entity-label { font-size: .68em; font-weight: 700; letter-spacing: .02em; vertical-align: middle; }
abbr[title] { text-decoration: underline dotted; cursor: help; }
.evidence { border-bottom: 2px solid #5b6b80; }
:target { outline: 3px solid #b45309; background: #fff1c2; scroll-margin-top: 5rem; }
figure { margin: 1rem 0; }
figcaption { font-weight: 600; }
svg.chart { max-width: 100%; height: auto; }
details { margin: .5rem 0; }
summary { cursor: pointer; }
footer { margin-top: 3rem; font-size: .85rem; color: #555; }
@media (max-width: 40rem) {
  body { font-size: 15px; padding: 0 .6rem 2rem; }
  nav ol { columns: 1; padding-left: 1.2rem; }
  dl.meta { grid-template-columns: 1fr; }
}
@media print {
  .skip, nav { display: none; }
  body { max-width: none; padding: 0; font-size: 11pt; }
  .scroll { overflow: visible; }
  a { color: inherit; text-decoration: none; }
  mark.entity, thead th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  section.document { break-before: page; }
  tr, figure { break-inside: avoid; }
  :target { outline: none; background: none; }
}
"""


def page(title: str, header: str, nav: list[tuple[str, str, list[tuple[str, str]]]], main: str,
         footer: str) -> str:
    """The whole document; ``nav`` is (id, title, sub-entries) for the table of contents."""
    entries = []
    for ident, name, children in nav:
        sub = "".join(f'<li><a href="#{esc(c_id)}">{esc(c_name)}</a></li>' for c_id, c_name in children)
        nested = f"<ol>{sub}</ol>" if sub else ""
        entries.append(f'<li><a href="#{esc(ident)}">{esc(name)}</a>{nested}</li>')
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        '<a class="skip" href="#main">Skip to the report</a>\n'
        f"<header>{header}</header>\n"
        f'<nav aria-label="Contents"><h2 id="contents-h">Contents</h2><ol>{"".join(entries)}</ol></nav>\n'
        f'<main id="main">{main}</main>\n<footer>{footer}</footer>\n</body>\n</html>\n'
    )
