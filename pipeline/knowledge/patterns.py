"""Every pattern for a registry id, a table caption, a citation, a percentage, a phase or a patient count.

These shapes are read by several stages: a registry id is a table cell to the segmenter, an entity to
recognition and a record key to assembly; a caption starts a table section in ingestion and a table in
the tables stage. Each shape is written here once and imported, so that a registry or a caption style
learnt once is learnt everywhere. ``tests/test_knowledge.py`` holds the rule: no other module of
``pipeline/`` compiles a pattern that recognises "NCT01234567", "Table S2", "45%", "n = 12" or "phase 2".
"""

from __future__ import annotations

import re

# A decimal number as summaries print it (a decimal comma is kept: "1,5" is one number to the dose parser).
NUMBER = r"\d+(?:[.,]\d+)?"
# A decimal number with a point only: what a percentage or a rate is written with.
DECIMAL = r"\d+(?:\.\d+)?"

# --- Registry ids -------------------------------------------------------------------------------------
# The registries of SCHEMA.md, each as its ids are printed. EudraCT numbers may carry their registry's
# name ("EudraCT 2019-001234-56", "EudraCT No. 2019-...") or stand bare; the record keeps the bare number.
REGISTRIES: dict[str, str] = {
    "ClinicalTrials.gov": r"NCT\s?\d{8}",
    "ChiCTR": r"ChiCTR[-\s]?(?:[A-Z]{2,4}-)?\d{8,10}",
    "ISRCTN": r"ISRCTN\s?\d{8}",
    "EudraCT": r"(?:EudraCT\s?(?:[Nn]o\.?|[Nn]umber|#)?:?\s?)?(?:19|20)\d\d-\d{6}-\d{2}",
    "ANZCTR": r"ACTRN\d{14}",
    "UMIN-CTR": r"UMIN\d{9}",
    "jRCT": r"jRCT[a-z]?\d{9,10}",
    "CTRI": r"CTRI/\d{4}/\d{2,3}/\d{6}",
    "CRIS": r"KCT\d{7}",
    "DRKS": r"DRKS\d{8}",
    "Netherlands Trial Register": r"NTR\d{3,5}|NL-?(?:OMON)?\d{4,5}",
    "IRCT": r"IRCT\d{8,15}N\d{1,3}",
    "China Drug Trials": r"CTR\d{8}",
}
# The letters every id opens with (a header cut before them splits an id: "NCT|0500...").
REGISTRY_PREFIXES: tuple[str, ...] = ("NCT", "ChiCTR", "ISRCTN", "EudraCT", "ACTRN", "UMIN", "jRCT", "CTRI", "KCT",
                                      "DRKS", "NTR", "NL", "IRCT", "CTR")
_ANY_REGISTRY = "|".join(f"(?:{p})" for p in REGISTRIES.values())
# One id anywhere in a text. A reference number glued to an id is not part of it ("NCT030756968,9" is
# NCT03075696 cited with references 8 and 9, "NCT0307569615" NCT03075696 with reference 15): an NCT id has
# exactly eight digits, so one or two more digits after them (and any further reference numbers) are a
# reference mark.
TRIAL_ID = re.compile(
    rf"(?<![A-Za-z0-9])(?:NCT\s?\d{{8}}(?=\d{{1,2}}(?:\s*[,–-]\s*\d{{1,3}})*(?!\d))|(?:{_ANY_REGISTRY})(?!\d))"
)
# The same, for a table cell that holds nothing else: an id, ids joined, and an optional name in brackets.
_NAME_IN_BRACKETS = r"\([A-Z][A-Za-z0-9\-‑]*(?:\s[A-Za-z0-9\-‑]+){0,3}\)"
_CELL_ID = r"(?:NCT\d{8}|ChiCTR\d{10}|ChiCTR-[A-Z]{2,4}-\d{8}|EudraCT\s?\d{4}-\d{6}-\d{2}|ISRCTN\d{8}|ACTRN\d{14}|" \
           r"jRCT\w{8,12}|CTR\d{8}|KCT\d{7}|DRKS\d{8}|UMIN\d{9}|CTRI/\d{4}/\d{2,3}/\d{6}|NTR\d{3,5}|" \
           r"NL-?(?:OMON)?\d{4,5}|IRCT\d{8,15}N\d{1,3}|(?:19|20)\d\d-\d{6}-\d{2})"
CELL_TRIAL_IDS = re.compile(rf"{_CELL_ID}(?:\s*(?:[;,/&]|and)\s*{_CELL_ID})*(?:\s*{_NAME_IN_BRACKETS})?")
# The name in brackets that closes a registry cell: "NCT02435849 (ELIANA)".
NAME_AFTER_IDS = re.compile(rf"\((?P<name>{_NAME_IN_BRACKETS[2:-2]})\)\s*$")
# A name (or a note) and the study's ids in brackets, or ids and a note: "TRANSCEND NHL 001 (NCT02631044)",
# "MajesTEC-1 (NCT03145181/NCT04557098)", "NCT01343043 (pilot)"; at most eight words besides the ids.
CELL_NAMED_IDS = re.compile(rf"(?:[^()\s][^()]{{0,60}}?\s?\(\s?{_CELL_ID}(?:\s?[/;,]\s?{_CELL_ID})*\s?\)"
                            rf"|{_CELL_ID}(?:\s?[/;,]\s?{_CELL_ID})*\s?\([^()]{{1,30}}\))[*†‡§¶]*")
# Any id inside a cell (a cell of another column holding one is a shifted cell).
CELL_ID = re.compile(_CELL_ID)
# The literals one of which every ``CELL_ID`` match holds (for a substring test before the scan; a bare
# EudraCT number holds its two dashes).
CELL_ID_NEEDLES: tuple[str, ...] = ("NCT", "CTR", "EudraCT", "ISRCTN", "jRCT", "KCT", "DRKS", "UMIN", "CTRI",
                                    "NTR", "NL", "IRCT", "-")
# A registry's name with a digit after it, but not a whole id: a truncated id is no study name.
ID_PREFIX = re.compile(r"(?:NCT|ChiCTR|EudraCT|ISRCTN|ACTRN|jRCT|UMIN|KCT|DRKS|CTRI|IRCT)\s?\d")
_EUDRACT_NAME = re.compile(r"^EudraCT\s?(?:[Nn]o\.?|[Nn]umber|#)?:?\s?")


def normalize_trial_id(text: str) -> str:
    """An id as SCHEMA.md writes it: without spaces, a EudraCT number bare."""
    return re.sub(r"\s+", "", _EUDRACT_NAME.sub("", text.strip()))


# --- Captions ----------------------------------------------------------------------------------------
# "Table 2", "TABLE 2", "Table S2", "Tab. 3", "Supplementary Table 1", "Suppl. Table S4", "Table 2a".
# The number group is the table's number; a letter before it (S2, A1) is part of the label only.
_CAPTION = (r"(?:(?:Supplementa(?:ry|l)|Suppl\.|SUPPLEMENTARY)\s+)?(?P<label>Table|TABLE|Tab\.)\s*"
            r"(?:[A-Z][-\u2013.]?)?(?P<number>\d{1,3})[A-Za-z]?\b")
CAPTION = re.compile(_CAPTION)
# A caption that opens a line (where a table's own text starts).
CAPTION_LINE = re.compile(rf"(?m)^[ \t]*{_CAPTION}")
# The label and the punctuation after it, as removed from a caption's text ("Table 2. " -> "").
CAPTION_LABEL = re.compile(rf"^{_CAPTION}\s*[.:|]?\s*")
# What a caption says after its label when a table goes on from the page before: "Table 2. (continued)",
# "Table 2 (cont'd)", "Table 2—continued".
CONTINUED_CAPTION = re.compile(r"^[\s.:—–-]*\(?\s*(?:continued|cont(?:'d|’d|\.|d)?)\b\.?\s*\)?\.?\s*$", re.I)

# --- Citations ---------------------------------------------------------------------------------------
ABSTRACT_ID = re.compile(r"\b(?:[Aa]bstracts?|[Aa]bs\.)\s*(?:#|no\.?|number)?\s*(?P<number>\d{1,5})\b")
# "(Abstract 1234)", "Abstr. no. S123", "abstracts #4567": an abstract number cited in prose.
ABSTRACT_CITED = re.compile(r"\b[Aa]bstr(?:act)?s?\.?\s*(?:[Nn]o\.?|[Nn]umber|#)?\s*([A-Z]{0,2}\d{1,5}[a-z]?)\b")
# An abstract of an abstract-book page: its number opening a line, its title after it (on that line or the
# next), and a structured abstract's first heading a few lines on ("3474 Anti-CLL-1 CAR-T Cells ...",
# "S200" then the title, "7002" then a two-line title). A running header ("362      Oral Abstract
# Session") has more than one space after its page number. A number opening a paragraph (after a blank
# line, or the text's start) may have a long byline before the first heading: a three-line title, the
# program, session and topic lines, the authors and their affiliations.
_FIRST_HEADING = r"\n[ \t]*(?:Background|Introduction|Aims?|Objectives?|Purpose|Methods|Context)\b"
ABSTRACT_HEADING = re.compile(
    r"(?m)(?:(?P<para>\A|(?<=\n\n))|^)[ \t]*(?P<number>[A-Z]{0,2}\d{2,5})(?:[ \t]?\n[ \t]*|[ \t](?=[A-Z]))"
    r"(?P<title>[A-Z][^\n]{15,})"
    rf"(?(para)(?=(?:\n[^\n]*){{0,18}}?{_FIRST_HEADING})|(?=(?:\n[^\n]*){{0,8}}?{_FIRST_HEADING}))"
)
REFERENCE = re.compile(r"\[(?P<number>\d{1,3}(?:\s*[,–-]\s*\d{1,3})*)\]")
# Reference numbers in parentheses, Vancouver style, after a word, a bracket or "et al." and before the clause goes
# on: "in a phase 1–2 study (NCT03373097) (41).", "Liu et al. (44) infused", "the SPEARHEAD-1 trial (43), 52
# patients" (never glued to a number: "387(13):1196"; a count or a rate carries a sign or a word: "(n = 40)", "(63%)").
PAREN_REFERENCE = re.compile(r"(?<=[\w).\]] )\((?P<number>\d{1,3}(?:\s*[,–-]\s*\d{1,3})*)\)(?=[.,;:]|\s+[a-z])")
# Reference numbers a PDF glued as superscripts to the full stop that closes a sentence: "a complete
# response.14 CRS occurred", "the CR rate 60%.16" (a decimal number has a digit before its point).
SENTENCE_REFERENCE = re.compile(r"(?<=[a-z%)\]])\.(?P<number>\d{1,3}(?:\s?[,–-]\s?\d{1,3})*)(?=\s|$)")
# An abstract's number as a meeting summary cites it in parentheses: "(S219)", "(P1442)", "(#4370)",
# "(Abstract 1234)", "(abstr. LBA7)" (EHA's S/P/PB, late-breaking LB/LBA codes; a bare number in
# parentheses may be a year or a count, and "(CD19)" is a target).
ABSTRACT_CODE = re.compile(
    r"\(\s*(?:#\s*(?P<hash>\d{2,5})|(?P<code>(?:S|P|PB|PS|LB|LBA|OA)\d{2,5})"
    r"|[Aa]bstr(?:act)?s?\.?\s*(?:[Nn]o\.?|[Nn]umber|#)?\s*(?P<abstract>[A-Z]{0,3}\d{1,5}[a-z]?))\s*\)"
)
# A study's citation that closes its paragraph in a review: "(Abstract 1234) [7]" or "[7]".
STUDY_CITATION = re.compile(
    r"\(\s*(?:[Aa]bstracts?|[Aa]bs\.)\s*(?:#|no\.?|number)?\s*(?P<abstract>\d{1,5})\s*\)"
    r"(?:\s*\[(?P<ref>\d{1,3})\])?|(?<![\w(])\[(?P<ref2>\d{1,3})\]"
)
# Any citation in prose: an abstract in parentheses or reference numbers in brackets.
ANY_CITATION = re.compile(r"\([Aa]bstr[^)]{0,40}\)|\[\d+(?:\s?[,–-]\s?\d+)*\]")

# --- Percentages and rates ----------------------------------------------------------------------------
# A number starts where no digit precedes it: tried from inside a run of digits, a pattern that wants a
# "%" after the run backtracks through the whole run at every digit (a line of 40,000 digits took 30 s).
PERCENT = re.compile(rf"(?<!\d)(?P<value>{NUMBER})\s*%")
# A percentage's number, a space at most before the sign ("45%", "45 %").
PERCENT_NUMBER = re.compile(rf"(?<!\d)({DECIMAL})\s?%")
# A percentage given for one group beside another's, each of its own ("79.0% (QW) and 74.5% (Q2W)", "74.1% with QW and
# 71.7% with Q2W dosing", "77% of patients on the weekly schedule and 80% on the other", "in 2.1% and 0.7%"): the
# study as a whole has no such figure. Not a clause of its own after a comma ("45% of patients, and 19% had events
# of grade 3") or with its own verb ("63% and 39% reached CR"). Matched where the first percentage starts.
PARALLEL_PERCENTS = re.compile(rf"{DECIMAL}\s*%(?:\s*\([^()]{{1,20}}\))?[^.;,%\d]{{0,50}}?\s(?:and|vs\.?|versus)\s+"
                               rf"{DECIMAL}\s*%(?!\s+(?:of\s+(?:the\s+)?(?:patients|pts)\s+)?(?:had|developed|experienced|"
                               r"reached|achieved|attained|were|was|responded)\b)", re.I)
# The percentages that close a list before "respectively": "in 2% and 10%", "24%, 25% and 3% of patients".
RESPECTIVE_PERCENTS = re.compile(rf"(?<![\d.]){DECIMAL}\s*%(?:\s*,\s*{DECIMAL}\s*%)*\s*,?\s*(?:and|&)\s*{DECIMAL}\s*%"
                                 r"(?:\s+of\s+(?:the\s+|all\s+)?(?:patients|pts))?\s*$", re.I)
FRACTION = re.compile(r"\(\s*(?P<num>\d+)\s*/\s*(?P<den>\d+)\s*\)")
# The percentage that reports an outcome mentioned just before it: "CR of 60%", "ORR: 92.9%", "ORR was 81%".
PERCENT_AFTER_OUTCOME = re.compile(
    rf"\)?(?:\s*\([^()]{{1,15}}\))?[^.;%()]{{0,25}}?(?:of|was|:|=|in|reached|rate of)?\s*(?P<value>{NUMBER})\s*%"
)
# A rate right after an outcome's name in a free-text cell: "ORR 92.9%", "CR rate of 66.7%".
RATE_AFTER_NAME = re.compile(rf"\s*(?:rate\s*)?(?:of\s+|[:=]\s*)?({DECIMAL})\s*%")
# A cell of a table column: a percentage, or a count with its percentage.
_PCT_CELL = rf"(?:[≤≥<>~]?{DECIMAL}\s?%)"
PERCENT_CELL = re.compile(rf"{_PCT_CELL}[*†‡§¶]*")
PERCENT_PAIR_CELL = re.compile(rf"({_PCT_CELL}|0|NR|NA|NE|N/A)\s?/\s?({_PCT_CELL}|0|NR|NA|NE|N/A)[*†‡§¶]*")
COUNT_PERCENT_CELL = re.compile(rf"(?:\d+(?:/\d+)?\s?\({_PCT_CELL}\)|{_PCT_CELL}\s?\((?:\d+(?:/\d+)?|{_PCT_CELL})\))"
                                rf"(?:\s?[;,]?\s?\([^()]{{1,30}}\))?[*†‡§¶]*")
# A count with its percentage in parentheses: "14 (70%)" (the percentage is the value).
COUNT_THEN_PERCENT = re.compile(rf"\d+\s*\(\s*({DECIMAL})\s*%\s*\)")
# A percentage with its sign optional (in a column whose header says "%").
PERCENT_OPTIONAL_SIGN = re.compile(rf"({DECIMAL})\s*%?")
# "77% (46%)" or "16 (80%)" under a header "CRS, any (grade ≥3)": the any-grade rate, the graded one.
ANY_THEN_GRADED_CELL = re.compile(rf"\s*(?:(?P<n>\d+)\s*\(\s*)?(?P<pct>{DECIMAL})\s*%\s*\)?"
                                  rf"(?:\s*\(\s*(?P<graded>{DECIMAL})\s*%\s*\))?")
# "94%/38%" under "CRS any/≥G3".
PERCENT_SLASH_PERCENT = re.compile(rf"\s*(?P<pct>{DECIMAL})\s*%\s*/\s*(?P<graded>{DECIMAL})\s*%")
# What a safety, response or citation cell holds and other cells do not.
FOREIGN_IN_CELL = re.compile(r"\b(?:CRS|ICANS|GVHD|GvHD)\b|(?i:\bgrade\b)|\d%|\[\d")
# A rate in an adverse-event statement: "in 38%".
EVENT_PERCENT = rf"(?P<pct>{DECIMAL})\s*%"

# A footnote mark printed after a cell's value ("62*", "NCT04567890†").
FOOTNOTE_MARK = re.compile(r"[*†‡§]")
# The parts of a two-outcome cell ("60%/60%", "78% / 51%").
OUTCOME_SEPARATOR = re.compile(r"\s*/\s*")
# A number in a statement ("grade 3 in 10 patients": 3, 10).
DECIMAL_NUMBER = re.compile(DECIMAL)

# --- Drug doses -------------------------------------------------------------------------------------
# A dose of an antibody or a drug: "1.5 mg/kg", "76 mg", "0.16 mg", "0.4 or 0.8 mg/kg", "10 µg/kg", "2.5 mg → 10 mg".
# A number after "day", "week" or "cycle" is a time, not the first level of a list ("12 mg on Day 1 and 32 mg",
# "from cycle 5, 160 mg").
_TIME_BEFORE = r"(?<![Dd]ay\s)(?<![Dd]ays\s)(?<![Ww]eek\s)(?<![Cc]ycle\s)(?<![Cc]ycles\s)"
DRUG_DOSE = re.compile(
    rf"(?<![\w.,/]){_TIME_BEFORE}(?P<values>{DECIMAL}(?:\s*(?:,\s*|\s+or\s+|\s+and\s+)(?:or\s+|and\s+)?{DECIMAL})*)\s?"
    r"(?P<unit>mg/kg|mg/m2|mg/m²|[µμu]g/kg|mcg/kg|mg)(?![\w/²])"
)
# The schedule written after a regimen's agents and doses: ", days −5 to −3", "on days 1-3", "× 3 days".
REGIMEN_SCHEDULE = re.compile(r"(?:,\s*|\s+on\s+|\s+)(?:days?|d)\s*[−–-]?\d.*$|\s*[×x]\s*\d+\s*days?\b.*$", re.I)
# Words that make a dose a step of a step-up schedule, given before the full dose whatever the order of
# the sentence: "after step-up priming doses of 12 mg and 32 mg", "a 0.16 mg priming dose".
STEP_UP_DOSE = re.compile(r"step[\s-]?up|priming|intermediate|ramp[\s-]?up|initial\s+dose", re.I)
FULL_DOSE = re.compile(r"\b(?:full|target|maintenance)\b", re.I)
# Journal tables print a column's "%" in its header, not in its cells ("ORR (CR), %" over "82 (54)"):
# the number shapes of such cells, footnote marks allowed after a number.
_MARKS = "[*†‡§¶]*"
_NUM_OR_NR = rf"(?:{DECIMAL}|NR|NE|NA|N/A)"
# "82", "31.4", "111*"
NUMBER_CELL = re.compile(rf"{DECIMAL}{_MARKS}")
# "82 (54)", "52 (40)†", "NR (70†)", "43 (18)*": a figure and a second one in brackets.
NUMBER_PAREN_CELL = re.compile(rf"(?P<a>{_NUM_OR_NR}){_MARKS}\s?\(\s?(?P<b>{DECIMAL}){_MARKS}\s?%?\s?\){_MARKS}")
# "93 / 13", "63.0 / 39.4", "0/0/0", "NR/0/0": figures split by slashes.
NUMBER_SLASH_CELL = re.compile(rf"{_NUM_OR_NR}{_MARKS}(?:\s?/\s?{_NUM_OR_NR}{_MARKS}){{1,3}}")
# "27/30 (90)", "39/55 (71%)", "7/12": patients with the outcome of those evaluated, and its percentage.
FRACTION_CELL = re.compile(rf"(?P<num>\d+)\s?/\s?(?P<den>\d+)(?:\s?\(\s?(?P<pct>{DECIMAL})\s?%?\s?\))?{_MARKS}")
# Symbols drawn from a font whose glyphs are not mapped to their Unicode values, as journal PDFs
# print them: "×" as "3" ("2 3 106" is 2 × 10^6), "=" as "5" ("n 5 24"), "≥" as "$" ("$3"), "≤" as "#".
GARBLED_TIMES = re.compile(r"(?<=\d)\s3\s(?=10\^?\d)")
GARBLED_EQUALS = re.compile(r"\b([nN])\s5\s(?=\d)")
GARBLED_AT_LEAST = re.compile(r"\$(?=\s?(?:G|grade\s?)?\d)")
GARBLED_AT_MOST = re.compile(r"#(?=\s?\d)")

# --- Patient counts -----------------------------------------------------------------------------------
# A number of patients stated in prose: "n = 12", "12 patients", "12 evaluable subjects".
PATIENTS_ANY = re.compile(r"\b[nN]\s?=\s?(\d+)|\b(\d+)\s+(?:\w+\s+)?(?:patients|subjects|participants|pts)\b")
# The size of a study as a sentence states it: "40 patients were treated", "(n = 12)", "enrolled 40 patients".
PATIENTS_STATED = re.compile(
    r"\b(?P<n5>\d+)\s+(?:adult\s+|paediatric\s+|pediatric\s+)?patients\b(?:\s+[^.;]{0,60}?)?"
    r"\s+(?:received|were\s+(?:treated|infused|enrolled|evaluated)|had\s+been\s+(?:treated|infused)|underwent)\b"
    r"|\b(?:in|of|among)\s+(?P<n>\d+)\s+(?:evaluated|(?:efficacy-|response-)?evaluable|treated|enrolled|infused|assessable)"
    r"\s+patients\b"
    r"|\(\s*n\s*=\s*(?P<n3>\d+)\s*\)|\bn\s*=\s*(?P<n4>\d+)\b"
    r"|\b(?:enrolled|included|covered|recruited)\s+(?P<n2>\d+)\s+patients\b"
    r"|\b(?:gave|given|administered|infused)\s+(?:[\w-]+\s+){0,4}?to\s+(?P<n6>\d+)\s+(?:adult\s+|paediatric\s+|pediatric\s+)?"
    r"patients\b",
    re.I,
)
# A count written in words ("Twelve", "Ninety-eight", "a single"), read by ``fields.count.number``.
_UNITS = r"one|two|three|four|five|six|seven|eight|nine"
COUNT_WORD = (rf"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-](?:{_UNITS}))?|{_UNITS}|"
              r"ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|a\s+single)")
_N = rf"(?:\d+|{COUNT_WORD})"
_WHO = (r"(?:(?:adult|paediatric|pediatric|consecutive|evaluable|eligible|heavily\s+pretreated|additional)\s+)*"
        r"(?:patients|adults|children|participants|subjects|pts)")
# How many patients a study treated, as prose says it: "97 received tisa-cel", "Eighteen patients were treated",
# "54 patients (61% female; ...) were infused", "Of 15 patients treated", "treated six adults", "given (or gave)
# ... to 38 patients", "22 patients had been infused". A count of enrolled patients is not the treated one
# ("Ninety-eight patients were enrolled and 97 received" is 97): the words between a count and its verb never
# say "enrolled".
# "Cohort 1 received", "dose level 2 were treated": the number of a group, not a count of patients.
_NOT_A_GROUP = (r"(?<![Cc]ohort\s)(?<![Aa]rm\s)(?<![Gg]roup\s)(?<![Ll]evel\s)(?<![Pp]art\s)(?<![Rr]egimen\s)"
                r"(?<![Dd]ay\s)(?<![Cc]ycle\s)(?<![Ss]tage\s)(?<![Pp]hase\s)")
PATIENTS_TREATED = re.compile(
    rf"\b(?P<a>{_N})\s+{_WHO}\b(?:\([^()]{{0,80}}\)|(?!\benrolled\b|\bof\s+whom\b)[^.;]){{0,110}}?\s+(?:were\s+(?:enrolled\s+and\s+)?"
    r"(?:treated|infused|dosed|lymphodepleted)|had\s+been\s+(?:treated|infused|dosed)|(?:were\s+enrolled\s+and\s+)?received|"
    r"underwent)\b"
    rf"|{_NOT_A_GROUP}\b(?P<b>\d+)\s+(?:of\s+(?:them|whom)\s+)?(?:were\s+(?:treated|infused|dosed)|received)\b"
    rf"|\b(?:treated|infused|dosed)\s+(?P<c>{_N})\s+{_WHO}"
    rf"|\b(?:of|among|in)\s+(?:all\s+|the\s+)?(?P<d>\d+)\s+(?:treated|infused)\s+patients"
    rf"|\bof\s+(?:the\s+|all\s+)?(?P<e>{_N})\s+{_WHO}\s+(?:treated|infused|dosed)"
    rf"|\b(?:given|gave|administered|infused)\b[^.;]{{0,80}}?\b(?:to|into)\s+(?P<f>{_N})\s+{_WHO}"
    rf"|\b(?:in|among)\s+(?P<g>{_N})\s+{_WHO}\s+who\s+had\s+(?:been|received|undergone)\b"
    rf"|\b(?P<h>\d+)\s+(?:patients|pts)\s+(?:treated|infused|dosed)\b(?!\s+with\b)",
    re.I,
)
PATIENTS_TREATED_GROUPS = ("a", "b", "c", "d", "e", "f", "g", "h")
# The size of a study otherwise: "The cohort included 157 patients", "(n = 12)", "(n 5 57)", "n 5 59 pts" (a symbol
# font's "=" read as "5"), "study ... of 20 patients", "Ten patients aged 18 to 65 years ... were enrolled".
PATIENTS_SIZE = re.compile(
    rf"\b(?P<a>{_N})\s+{_WHO}\b[^.;]{{0,80}}?\s+were\s+(?:enrolled|included|evaluated)\b"
    rf"|\b(?:enrolled|included|covered|recruited)\s+(?P<b>{_N})\s+{_WHO}"
    r"|\(\s*[nN]\s*[=5]\s*(?P<c>\d+)\s*\)|\b[nN]\s*=\s*(?P<d>\d+)\b"
    rf"|\b(?:study|trial|cohort)\b[^.;]{{0,40}}?\bof\s+(?P<e>{_N})\s+{_WHO}"
    rf"|\b[nN]\s+5\s+(?P<f>\d+)\s+(?:patients|pts)\b"
    rf"|\b[Oo]f\s+(?:the\s+)?(?P<g>{_N})\s+{_WHO}\s*,"
    rf"|\b[Tt]here\s+were\s+(?P<h>{_N})\s+(?:such\s+)?{_WHO}",
    re.I,
)
PATIENTS_SIZE_GROUPS = ("a", "b", "c", "d", "e", "f", "g", "h")
# The one patient of a case report: "A 45-year-old man", "a 7-year-old girl with ...".
# The patients a sentence speaks of when it gives no other count: "follow-up in 165 patients with triple-class-exposed
# myeloma", "its experience ... in 58 adults with relapsed B-ALL".
PATIENTS_WITH = re.compile(rf"\bin\s+(?P<n>\d+)\s+{_WHO}\s+with\b", re.I)
ONE_PATIENT = re.compile(r"\b[Aa]n?\s+\d{1,2}-year-old\s+(?:man|woman|male|female|boy|girl|patient|child)\b")
# A share of patients stated before (or after "in") the outcome it counts: "99 of 157 patients responded",
# "MRD-negative CR in 5 out of 5", "19 (95%) reached", "complete responses in 10 (62.5%)", "Ninety percent
# achieved", "All six achieved", "seven of them".
SHARE_OF = re.compile(rf"\b(?P<x>{_N})\s+(?:out\s+)?of\s+(?:the\s+|all\s+)?(?P<y>{_N}|them)\b"
                      r"|\b(?P<fx>\d+)\s*/\s*(?P<fy>\d+)\s+(?:patients|evaluable|treated)\b", re.I)
# A count of patients right before the outcome they reached, whose share is of the study's patients:
# "Nine patients were treated and four achieved CR".
SHARE_COUNT = re.compile(rf"\b(?P<x>{_N})\s+(?:patients\s+|of\s+them\s+)?(?:achieved|reached|attained|had)\s+"
                         r"(?:an?\s+)?(?:[\w-]+\s+){0,2}$", re.I)
# A count of the group the sentence counted last, right before its outcome: "Eight of the 11 patients responded,
# seven with a complete remission".
SHARE_WITH = re.compile(rf"\b(?P<x>{_N})\s+(?:of\s+(?:them|whom|these)\s+)?with\s+(?:an?\s+)?(?:[\w-]+\s+)?$", re.I)
SHARE_PERCENT = re.compile(rf"(?P<p>{DECIMAL})\s*%|\b(?P<w>{_N})\s+percent\b", re.I)
SHARE_ALL = re.compile(rf"\b(?:all|every)\s+(?:(?P<y>{_N})\s+)?(?:patients?|adults|children|of\s+them)?\b", re.I)
SHARE_AFTER = re.compile(rf"^\s*(?:[\w-]+\s+){{0,3}}?in\s+(?:(?P<x>{_N})\s+(?:out\s+)?of\s+(?:the\s+)?(?P<y>{_N})"
                         rf"(?:\s+(?:[\w-]+\s+)?patients)?(?:\s*\(\s*(?P<p3>{DECIMAL})\s*%\s*\))?|"
                         rf"(?P<n>{_N})\s*\(\s*(?P<p>{DECIMAL})\s*%\s*\)|(?P<p2>{DECIMAL})\s*%)", re.I)
# A share written as a fraction right after the outcome: "ORR 4/8", "the ORR was 8 of 12 (67%)" (the printed
# percentage, where there is one, is the value).
SHARE_FRACTION = re.compile(rf"^\s*(?:was\s+|of\s+|[:=]\s*)?(?P<x>\d+)\s*(?:/|\s(?:out\s+)?of\s)\s*(?P<y>\d+)(?![\d/])"
                            rf"(?:\s*\(\s*(?P<p>{DECIMAL})\s*%\s*\))?")
# The rate that follows an outcome's name ("ORR was 36%", "CR rate 60%", "the ORR was 8 of 12 (67%)"): the next
# outcome's share is not it ("The ORR was 36%, with complete responses in 2 of 66 patients (3%)").
RATE_OF_PREVIOUS = re.compile(rf"\s*(?:rate\s+)?(?:was\s+|were\s+|is\s+|of\s+|[:=]\s*)?{DECIMAL}\s*%"
                              rf"|\s*(?:rate\s+)?(?:was\s+|were\s+|is\s+|[:=]\s*)?\d+\s*(?:/|\s(?:out\s+)?of\s)\s*\d+(?![\d/])"
                              rf"(?:\s*\(\s*{DECIMAL}\s*%\s*\))?")
# A printed percentage in parentheses right after the outcome or its verb: "responded (71%)".
PERCENT_IN_PARENTHESES = re.compile(rf"\s*\(\s*(?P<p>{DECIMAL})\s*%\s*\)")
# The whole group before its count: "Of 12 patients, 11 were in MRD-negative CR".
SHARE_OF_GROUP = re.compile(rf"\bof\s+(?:the\s+)?(?P<y>{_N})\s+(?:[\w-]+\s+)?{_WHO}\s*,\s+(?P<x>{_N})\s+"
                            r"(?:were|had|achieved|reached|attained)\b", re.I)
# A response told by its verb: "patients responded", "objective responses in 14 of 16".
RESPONDED = re.compile(r"\b(?:responded|(?:objective\s+|overall\s+)?responses)\b", re.I)
# A complete response or better: "35.0% of pts achieved ≥CR", "CR or better".
CR_OR_BETTER = re.compile(r"≥\s?CR\b|\bCR\s+or\s+better\b")
# --- Arms of one study ---------------------------------------------------------------------------------
# A label a study gives an arm: "Regimen A", "arm B", "Cohort 2", "Part 1".
ARM_LABEL = re.compile(r"\b(?:[Rr]egimen|[Aa]rm|[Cc]ohort|[Gg]roup|[Pp]art)\s+(?P<label>[A-H]|\d{1,2})\b")
# Words that say an arm gives the product alone.
MONOTHERAPY = re.compile(r"\b(?:monotherapy|alone|on\s+its\s+own|as\s+a\s+single\s+agent|single[\s-]agent)\b",
                         re.I)
# Words that say the study has an arm besides the one being described: "In a separate arm, 19 patients
# received liso-cel together with ibrutinib".
OTHER_ARM = re.compile(r"\b(?:separate|another|second|other|additional)\s+(?:arm|cohort|group)\b", re.I)
# Words that add an agent to the product: "with rituximab", "plus polatuzumab vedotin", "FT596 + rituximab";
# ``strong`` where they say so of a study's only arm. Not where the agent treats a toxicity ("controlled with
# tocilizumab"), was a prior therapy ("treated with ibrutinib") or is built into the cells ("armed with IL-15").
WITH_AGENT = re.compile(r"(?:(?P<strong>\bplus|\+|\bcombined\s+with|\btogether\s+with|\bin\s+combination\s+with)|"
                        r"(?<!\btreated\s)(?<!\bmanaged\s)(?<!\bcontrol\s)(?<!\bresolved\s)(?<!\barmed\s)"
                        r"(?<!\bcontrolled\s)(?<!\bengineered\s)(?<!\bpretreated\s)(?<!\bexposed\s)\bwith)"
                        r"\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,3}$", re.I)
# An agent given before the product that is no arm of the study: "obinutuzumab pretreatment".
PRETREATMENT = re.compile(r"\b(?:pre-?treatment|premedication|pre-?phase|debulking|bridging|prior|previous(?:ly)?|"
                          r"refractory|exposed|relapsed)\b", re.I)
# What is said of every arm: "in either regimen", "in each arm", "in both cohorts", "with or without rituximab".
EVERY_ARM = re.compile(r"\b(?:either|each|both|neither|any)\s+(?:regimen|arm|cohort|group|part)s?\b|"
                       r"\bwith\s+or\s+without\b|\bin\s+any\s+patient\b", re.I)
# A count of patients given to one arm: "8 in Regimen A", "12 on regimen B", "12 pts treated".
ARM_COUNT = re.compile(rf"^\W*(?:and\s+)?(?P<n>{_N})\s+(?:(?:patients|pts)\s+)?"
                       r"(?:(?:were\s+)?(?:treated|infused|dosed)\b)?"
                       r"(?:\s*(?:in|on|to|into)\s+(?:the\s+)?(?:[Rr]egimen|[Aa]rm|[Cc]ohort|[Gg]roup|[Pp]art)\s+\w+)?\W*$",
                       re.I)
# Where a sentence about two arms parts into clauses, coarsest first.
ARM_CLAUSE_BREAKS = (re.compile(r"\s*;\s*"), re.compile(r",\s+(?:and|while|whereas|but)\s+|:\s+"),
                     re.compile(r",\s+"), re.compile(r"\s+(?:and|or|versus|vs\.?)\s+"))

# Reference numbers a PDF glued to a registry id as superscripts: "NCT0309065912,13" is NCT03090659 cited
# with references 12 and 13, "NCT026140663,4" is NCT02614066 with 3 and 4, "NCT0307569615" with 15.
GLUED_REFERENCES = re.compile(r"(?P<id>NCT\s?\d{8})(?P<refs>\d{1,2}(?:\s*[,–-]\s*\d{1,3})*)(?!\d)")
# Diseases named together: "CLL/SLL", "synovial sarcoma or myxoid/round cell liposarcoma", "T-ALL or T-LBL",
# "acute myeloid leukaemia, T-LBL or T-ALL", "17 with B-ALL and 21 with large B-cell lymphoma".
DISEASE_JOIN = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|/|\s+(?:and|or|and/or|&)\s+)(?:\d+\s+with\s+)?")
# The words that say who a study enrolled, right before the disease they had: "enrolling adults with relapsed or
# refractory", "treated 148 patients with", "children with relapsed, chemotherapy-refractory CD19-positive precursor";
# not "patients with transformed CLL" or "with a history of": there the disease named is the one they had before.
ENROLLED_WITH = re.compile(r"\b(?:patients|adults|children|adolescents|subjects|participants|people|pts)\b"
                           r"[^.;:]{0,30}?\bwith\s+(?![^.;:()]*\b(?:transformed|history|prior|previous)\b)"
                           r"[^.;:()]{0,60}$", re.I)
# The words before a therapy the patients had before the study's ("relapsed after autologous CAR T-cell therapy",
# "previously received BCMA CAR-T", "progressed on anti-PD-1 therapy"): what they name is not the study's.
# "Remission after CD19-specific CAR T cells" is the study's own: "after" names an earlier therapy only after a word of
# relapse, progression or failure.
PRIOR_THERAPY_BEFORE = re.compile(r"\b(?:(?:relaps\w*|progress\w*|fail\w*|refractory|resistan\w*|loss|escape|"
                                  r"downregulation|target|options?)\s+(?:\w+\s+)?(?:after|following|on|to)|prior|"
                                  r"previous(?:ly)?|(?:had\s+(?:already\s+)?|already\s+)received|exposed\s+to|"
                                  r"failure\s+of)\s+(?:(?:an?|the|one|two|a\s+prior)\s+)?(?:[\w-]+\s+)?$", re.I)
# Targets named together: "BCMA and CD19", "CD19/CD22", "CD19, CD20 or CD22".
TARGET_JOIN = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|/|\s+(?:and|or|and/or|&|plus)\s+|\s*\+\s*)")
# A count in parentheses after a name: "(n = 40)", "(359 patients)".
SIZE_IN_PARENTHESES = re.compile(
    r"(?P<between>[^().;]{0,40}?)\(\s*(?:[Nn]\s*=\s*(?P<n>\d+)|(?P<m>\d+)\s+patients)\s*\)"
)
# "(n = 37)" inside a cell ("CD19+ B-cell malignancies (n = 37)").
COUNT_NOTE = re.compile(r"\(\s*n\s*=\s*(\d+)\s*\)", re.I)
# A cell that is a count: "12", "12+", "n = 12".
COUNT_CELL = re.compile(r"(?:[1-9]\d{0,3}|0)(?:\s?\+)?|[nN]\s?=\s?[1-9]\d{0,3}")
# The count that opens a count cell.
LEADING_COUNT = re.compile(r"\s*(?:n\s*=\s*)?(\d+)\b")
# A study name with a number hyphenated to it: "CRB-402", "MajesTEC-1".
_STUDY_NAME = r"[A-Z][A-Za-z]*-[A-Z]*\d{1,4}[A-Za-z]?"

# --- Study names -------------------------------------------------------------------------------------
# A study's name as summaries write it: an acronym or a coinage with two capitals, a number glued or
# hyphenated to it, and up to two more capitalised or numeric words ("ZUMA-2", "KarMMa", "ELARA",
# "ALLCAR19", "LINKER-MM1", "EPCORE NHL-1", "TRANSCEND CLL 004"). What the words around it say decides
# whether such a word is a study's name (``STUDY_NAMED``); a lexicon term or a defined short form never is.
STUDY_NAME = (r"(?:[A-Z][a-z]*[A-Z][A-Za-z]*|[A-Z]{2,}[a-z]*)\d{0,5}(?:[-‑][A-Za-z]*\d{1,4}[A-Za-z]?)?(?![\w‑-])"
              r"(?:[ ](?:[A-Z]{2,}(?:[-‑]\d{1,4})?|\d{1,4})(?![\w‑-])){0,2}")
_REGISTRY_AHEAD = r"(?:" + "|".join(REGISTRY_PREFIXES) + r")[\s/-]?\d"
# The contexts that make a name a study's: "the pivotal FELIX study", "KarMMa (NCT03361748)",
# "NCT02435849 (ELIANA)", "ELARA is an international, single-arm phase 2 trial", "(ZUMA-2)" closing a title,
# "Phase 2 results of ZUMA-3", "(MajesTEC-1, N = 165)", "In CRB-402 (n = 46)", "The TRANSCEND CLL 004
# investigators", "the phase 2 portion of ZUMA-1", "the expansion cohort of EPCORE NHL-1", "JULIET, the global phase
# 2 trial of ...", "the EPCORE NHL-1 clinical trial", "ZUMA-3 [32] tested ...".
STUDY_NAMED = re.compile(
    rf"(?<![\w‑-])(?P<a>{STUDY_NAME})(?=\s+(?:clinical\s+)?(?:study|trial|studies|trials|investigators|group)\b)"
    rf"|(?<![\w‑-])(?P<b>{STUDY_NAME})(?=\s*\(\s*(?:{_REGISTRY_AHEAD}))"
    rf"|(?:{_CELL_ID})\s*\(\s*(?P<c>{STUDY_NAME})\s*\)"
    rf"|(?<![\w‑-])(?P<d>{STUDY_NAME})(?=,?\s+(?:is|was)\s+an?\s+[^.;]{{0,80}}?\b(?:study|trial)\b)"
    rf"|\(\s*(?P<e>{_STUDY_NAME})\s*\)(?=\s*$|\s*\n)"
    rf"|\b(?:results|analysis|update)\s+(?:of|from)\s+(?:the\s+)?(?P<f>{_STUDY_NAME})(?![\w‑-])"
    rf"|\(\s*(?P<g>{_STUDY_NAME})\s*[,;]\s*[Nn]\s*=\s*\d+\s*\)"
    rf"|\b[Ii]n\s+(?P<h>{_STUDY_NAME})\s*\(\s*[Nn]\s*="
    rf"|\b(?:portion|part|cohorts?)\s+of\s+(?:the\s+)?(?P<i>{STUDY_NAME})(?![\w‑-])"
    rf"|(?<![\w‑-])(?P<j>{STUDY_NAME}),\s+(?:the|an?)\s+[^.;,()]{{0,60}}?\b(?:study|trial)\b"
    rf"|(?<![\w‑-])(?P<k>{_STUDY_NAME})(?=\s*\[\d{{1,3}}\]\s+(?:tested|treated|enrolled|evaluated|reported|gave|showed))",
    re.M,
)
STUDY_NAME_GROUPS = ("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k")
# A table cell that opens with a study's name before its ids in brackets, a product or a note between them
# after a comma: "TRANSCEND CLL 004 (NCT03331198)", "ELARA, tisagenlecleucel (NCT03568461)".
NAME_BEFORE_IDS = re.compile(rf"\s*(?P<name>{STUDY_NAME})\s*(?:,[^()]*)?\(\s*{_CELL_ID}")
# The words around a short form that make it part of a study's name, not a mention of its own: a capitalised
# word before it and a number after it ("TRANSCEND NHL 001", "EPCORE NHL-1", "TRANSCEND CLL 004").
NAME_WORD_BEFORE = re.compile(r"(?<![\w‑-])[A-Z][A-Za-z]*[A-Z][A-Za-z]*\s$")
NAME_NUMBER_AFTER = re.compile(r"[ ‑-]\d{1,4}(?![\w‑-])")
# What stands between a study's name and its registry id: "KarMMa (NCT03361748)", "the MajesTEC-1 study
# (NCT03145181; NCT04557098)", "the ZUMA-2 trial (NCT02601313)".
ID_AFTER_NAME = re.compile(r"\s*(?:(?:clinical\s+)?(?:study|trial))?\s*\(\s*(?:[^()\d]{0,30}?,\s*)?")
# An author citation standing for a study in a review table or its prose: "Lee et al.", "Pan and Li et al.".
AUTHOR_CITATION = re.compile(r"\b[A-Z][A-Za-z'’-]+(?:\s+(?:and|&)\s+[A-Z][A-Za-z'’-]+)?\s+et\s+al\.?")

# --- Phases and grades --------------------------------------------------------------------------------
PHASE = re.compile(r"\bphase\s+(?P<phase>I{1,3}V?[ab]?(?:/I{1,3}[ab]?)?|[1-4][ab]?(?:/[1-4][ab]?)?)\b", re.I)
# Every phase a caption names ("Phase 3 trials", "phases 1 and 2").
CAPTION_PHASE = re.compile(r"\bphases?\s+(I{1,3}V?(?:/I{1,3})?|[1-4](?:/[1-4])?)\b", re.I)
GRADE = re.compile(r"\b[Gg](?:rade)?\s*(?P<op>≥|>=|>|≤)?\s*(?P<grade>[1-5]|I{1,3}|IV|V)(?:\s*[–-]\s*(?P<to>[1-5]))?\b")
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5}


def grade_value(text: str) -> int:
    return int(text) if text.isdigit() else _ROMAN[text]
