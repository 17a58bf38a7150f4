"""Assemble trial arms and preclinical studies from tables and prose.

A table row gives most fields; the paragraph that cites the same study (same abstract number,
reference or registry id) adds what only the prose says, and any disagreement is kept in the
``conflicts`` column instead of being silently resolved. Registry ids mentioned only in prose still
yield records.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from pipeline.fields.adverse_event import one_grade
from pipeline.fields.disease import narrower
from pipeline.fields.dose import DOSE_RANGE, format_cells, parse_doses
from pipeline.fields.header import columns_of
from pipeline.fields.phrases import Glossary
from pipeline.fields.product import cited_products, development_code, known_targets
from pipeline.fields.regimen import regimen_without
from pipeline.fields.target import EFFECTOR_ARMS, document_target
from pipeline.knowledge.patterns import DECIMAL_NUMBER
from pipeline.knowledge.spans import covered_by, overlapped_by
from pipeline.models import DocumentResult, IngestedText, PreclinicalStudy, Table, TrialArm
from pipeline.records import arms, prose, studies
from pipeline.records.table_rows import Partial, clinical_rows, is_clinical, preclinical_rows

R = TypeVar("R", bound=BaseModel)
ARM_WIDE = ("phase", "crs", "crs_max_grade", "crs_n", "icans", "icans_n", "gvhd", "trial_id", "product", "cell_source",
            "preconditioning", "study", "doses_drug", "drug_dose_unit")
PER_ARM = ("orr_pct", "cr_pct")
EVENT_STATEMENTS = ("crs", "icans", "gvhd")
_EVENT_FIELDS = frozenset({*EVENT_STATEMENTS, "crs_max_grade", "crs_n", "icans_n"})


def _linked(p: Partial, seg: prose.Segment) -> bool:
    f = p.fields
    if seg.abstract_number and f.get("abstract_number") == seg.abstract_number:
        return True
    if seg.reference and f.get("reference") == seg.reference and not seg.abstract_number:
        return True
    return bool(_ids(p) & set(seg.trial_ids))


def _ids(p: Partial) -> set[str]:
    return set(str(p.fields.get("trial_id", "")).split(";")) - {""}


def _numbers(value: object) -> list[str]:
    return DECIMAL_NUMBER.findall(str(value))


def _merge(p: Partial, key: str, value: object, conflicts: list[str]) -> None:
    """Prose fills what the table leaves empty; a prose event statement that repeats every number of
    the table's and adds more ("any grade in 99 patients; grade 3 in 10 patients" for a cell
    "Grade ≥3: 10") replaces it; any other difference is a conflict."""
    current = p.fields.get(key)
    if current in (None, ""):
        p.fields[key] = value
    elif value in (None, "") or str(current) == str(value):
        return
    elif key in EVENT_STATEMENTS and set(_numbers(current)) <= set(_numbers(value)) and current != "none":
        p.fields[key] = value
    else:
        conflicts.append(f"{key}: table {current} vs prose {value}")


def _footnote_doses(table: Table, p: Partial, conflicts: list[str]) -> None:
    """A footnote marker in a row pulls the footnote's cell doses into the row's dose check."""
    for mark in dict.fromkeys(p.footnote_marks):
        note = next((n for n in table.footnotes if n.lstrip().startswith(mark)), "")
        doses = parse_doses(note, require_cells=True)
        values = list(dict.fromkeys(v for d in doses for v in d.values))
        if not values:
            continue
        p.evidence.append(note.strip())
        listed = [float(v) for v in str(p.fields.get("doses_cells", "")).split(";") if v]
        if not listed:
            p.fields["doses_cells"] = ";".join(format_cells(v) for v in values)
            p.fields["dose_unit"] = doses[0].unit
        elif {round(v) for v in values} != {round(v) for v in listed}:
            conflicts.append(f"doses_cells: table {p.fields['doses_cells']} vs footnote "
                             f"{';'.join(format_cells(v) for v in values)}")


def _apply_prose(arms: list[tuple[Partial, list[str]]], facts: prose.ProseFacts) -> None:
    single = len(arms) == 1
    for p, conflicts in arms:
        for key, value in facts.fields.items():
            if key == "n_patients_prose":
                if single:
                    _merge(p, "n_patients", value, conflicts)
                else:
                    total = sum(int(q.fields.get("n_patients") or 0) for q, _ in arms)
                    if total and total != value:
                        conflicts.append(f"n_patients: arms sum to {total} vs prose {value}")
            elif key in ARM_WIDE or (key in PER_ARM and single):
                _merge(p, key, value, conflicts)
        p.evidence.extend(facts.evidence)
        _prose_doses(p, facts, conflicts, single)


def _fill_empty(p: Partial, facts: prose.ProseFacts) -> None:
    """Prose about a study that one table row gives fills what the row leaves empty, and only that: the
    prose may run over several studies' sentences, so it never overrides or contradicts the row. Safety
    statements are left to the row: a sentence's event rate may be qualified by a dose level or a
    subgroup that the statement grammar cannot keep ("grade ≥3 neurotoxicity in 19% at 9 × 10^6 cells/kg")."""
    filled = False
    for key, value in facts.fields.items():
        key = "n_patients" if key == "n_patients_prose" else key
        if key in _EVENT_FIELDS:
            continue
        if value not in (None, "") and p.fields.get(key) in (None, ""):
            p.fields[key] = value
            filled = True
    if facts.doses and not p.fields.get("doses_cells"):
        values, unit, sentence = facts.doses[0]
        p.fields["doses_cells"] = ";".join(format_cells(v) for v in values)
        p.fields["dose_unit"] = unit
        p.evidence.append(sentence)
    if filled:
        p.evidence.extend(facts.evidence)


def _prose_doses(p: Partial, facts: prose.ProseFacts, conflicts: list[str], single: bool) -> None:
    """A prose dose belongs to the arm its sentence names (monotherapy / the combination agent)."""
    listed = [float(v) for v in str(p.fields.get("doses_cells", "")).split(";") if v]
    combination = str(p.fields.get("combination", ""))
    for values, unit, sentence in facts.doses:
        lowered = sentence.lower()
        for_arm = single or (
            ("monotherapy" in lowered) == (p.fields.get("arm") == "monotherapy")
            and (not combination or combination in lowered)
        )
        if not for_arm:
            continue
        p.evidence.append(sentence)
        if not listed or (_refines_range(p, listed, values) and unit == p.fields.get("dose_unit")):
            p.fields["doses_cells"] = ";".join(format_cells(v) for v in values)
            p.fields["dose_unit"] = unit
            p.fields.pop(DOSE_RANGE, None)
            listed = values
        elif not all(any(abs(v - w) <= 1e-6 * w for w in listed) for v in values):
            conflicts.append(f"doses_cells: table {p.fields['doses_cells']} vs prose "
                             f"{';'.join(format_cells(v) for v in values)}")


def _refines_range(p: Partial, bounds: list[float], levels: list[float]) -> bool:
    """Prose levels "2.5 × 10^5, 7.5 × 10^5 and 2.5 × 10^6 cells/kg" spell out a table range
    "2.5 × 10^5–2.5 × 10^6/kg" when they start and end at its bounds; they are then the dose levels."""
    if not p.fields.get(DOSE_RANGE) or len(levels) < 3:
        return False
    low, high = min(bounds), max(bounds)
    return math.isclose(min(levels), low, rel_tol=1e-6) and math.isclose(max(levels), high, rel_tol=1e-6)


def _dominant_disease(result: DocumentResult, share: float = 0.6) -> str:
    """The disease a summary is about, when one accounts for most of its disease mentions.

    A section on myeloma does not repeat "multiple myeloma" in every study's paragraph; a record
    that names no disease of its own takes the document's, and only when that is unambiguous. A kind of
    a disease counts for it ("diffuse large B-cell lymphoma" for large B-cell lymphoma), and a name the
    document narrows elsewhere ("lymphoma") is no candidate: it says less than its kinds.
    """
    mentions = Counter(e.normalized for e in result.entities if e.label == "DISEASE" and e.normalized)
    named = {n: k for n, k in mentions.items() if not any(narrower(n, other) for other in mentions)}
    if not named:
        return ""
    counts = {n: sum(k for m, k in named.items() if m == n or narrower(n, m)) for n in named}
    top = max(sorted(counts), key=lambda n: counts[n])
    return top if counts[top] >= share * sum(named.values()) else ""


# A name of a study or product holds words: a cell of three numbers or more ("275 43 82 64 7") is a row of figures a
# table's reader ran into the name's column.
_FIGURES_RUN = 3


def _misread(p: Partial) -> bool:
    """Whether a row's study or product is a run of figures and nothing else (a misread line of a table, "275 43 82
    64 7"): the document's disease is given to a study's row, not to such a line."""
    names = [str(p.fields.get(k) or "").split() for k in ("study", "product")]
    return any(len(words) >= _FIGURES_RUN and all(DECIMAL_NUMBER.fullmatch(w.strip(",;")) for w in words)
               for words in names)


def _known_product_targets(p: Partial) -> None:
    """A row whose text names more targets than its product is known by keeps the product's: a summary names the
    antigens of earlier therapies and of the field around the product's ("Most immunotherapies in myeloma target
    BCMA; talquetamab steers T cells to GPRC5D")."""
    known = known_targets(str(p.fields.get("product") or "")) - EFFECTOR_ARMS
    named = set(str(p.fields.get("target_symbols") or "").split(";")) - {""}
    if known and known < named:
        p.fields["target_symbols"] = ";".join(sorted(known))


def _of_one_patient(p: Partial) -> None:
    """A study of one patient (a case report): an event of one grade happened to that patient ("grade 3 CRS"
    is grade 3 in 1 patient, the worst grade 3)."""
    for key in ("crs", "icans"):
        grade = one_grade(str(p.fields.get(key) or ""))
        if grade is not None:
            p.fields[key] = f"grade {grade} in 1 patient"
            p.fields[f"{key}_n"] = 1
            if key == "crs":
                p.fields["crs_max_grade"] = grade


def _validated(model: type[R], doc_id: str, p: Partial, conflicts: list[str]) -> R:
    """The record with every value that passes validation; a value that does not (a percentage over
    100, a negative count) is dropped and named in ``conflicts``, so the record is kept, marked
    partial, and nothing is made up."""
    fields = {k: v for k, v in p.fields.items() if k in model.model_fields}
    notes = list(conflicts)
    while True:
        try:
            return model(doc_id=doc_id, evidence=_quotes(p.evidence), conflicts="; ".join(notes), start=p.start,
                         **fields)
        except ValidationError as error:
            bad = {str(e["loc"][0]) for e in error.errors() if e["loc"] and str(e["loc"][0]) in fields}
            if not bad:
                raise
            for name in sorted(bad):
                notes.append(f"partial record: {name} {fields.pop(name)!r} is invalid and was dropped")


def _typed(table: Table) -> Table:
    return table if table.columns else table.model_copy(update={"columns": columns_of(table)})


def _quotes(items: list[str]) -> str:
    return " | ".join(dict.fromkeys(" ".join(i.split()) for i in items if i.strip()))




def _has_results(facts: prose.ProseFacts) -> bool:
    """Whether prose about a study states a result of it (patients, a response rate, an event, a dose)."""
    stated = {"n_patients_prose", "orr_pct", "cr_pct", "crs", "icans", "gvhd"}
    return bool(stated & {k for k, v in facts.fields.items() if v not in (None, "")} or facts.doses)


def _facts_of(doc: IngestedText, seg: prose.Segment, spans: list[tuple[int, int]], result: DocumentResult,
              glossary: Glossary) -> prose.ProseFacts:
    """The facts of ``seg`` read from ``spans`` only (the rest of the text blanked, offsets kept)."""
    view = doc.model_copy(update={"text": arms.masked(doc.text, spans)})
    inside = [e for e in result.entities if any(a <= e.start and e.end <= b for a, b in spans)]
    read = prose.facts(view, seg, inside, glossary)
    read.evidence = arms.verbatim(doc.text, spans, read.evidence)
    read.doses = [(values, unit, quote) for values, unit, sentence in read.doses
                  for quote in arms.verbatim(doc.text, spans, [sentence])[:1]]
    return read


def _arm_records(doc: IngestedText, result: DocumentResult, seg: prose.Segment, glossary: Glossary,
                 fields: dict[str, object], facts: prose.ProseFacts) -> list[Partial]:
    """A record per arm where the prose of one study reports the product alone and with an added agent (or
    only with it); [] for a study of the product alone. Each arm is read from its own clauses and from
    what is said of every arm; a combination arm takes only the design of what is said of the study as a
    whole (its results are always said of it)."""
    product = str(fields.get("product") or facts.fields.get("product") or "")
    found = arms.split(doc.text, seg.start, seg.end, result.entities, product, glossary)
    out = []
    for arm in found:
        read = _facts_of(doc, seg, arm.spans(with_neutral=arm.reads_neutral_results), result, glossary)
        for key in arms.DESIGN:  # the study's design is every arm's, wherever the text says it
            if facts.fields.get(key) not in (None, "") and read.fields.get(key) in (None, ""):
                read.fields[key] = facts.fields[key]
        read.doses = read.doses or facts.doses
        regimen = str(read.fields.get("preconditioning", ""))
        if arm.combination and arm.combination in regimen:  # the added agent is no lymphodepleting drug
            read.fields["preconditioning"] = regimen_without(regimen, arm.combination)
        if arm.n_patients:
            read.fields["n_patients_prose"] = arm.n_patients
            read.evidence.append(arm.count_quote)
        p = Partial(fields={**fields, "arm": arm.arm, "combination": arm.combination}, start=seg.start)
        _apply_prose([(p, [])], read)
        out.append(p)
    return out


def _single_study(doc: IngestedText, result: DocumentResult, unit: studies.Unit, glossary: Glossary,
                  table_arms: list[tuple[Partial, list[str]]], clinical: list[tuple[Partial, list[str]]]) -> None:
    """A unit about one study (an abstract, a news item, a press release, a letter): its prose from title to
    end is the study's, keyed by its registry ids, its name, its product or its abstract number."""
    seg = prose.Segment(unit.prose[0][0], unit.prose[-1][1], abstract_number=unit.abstract_number,
                        trial_ids=list(unit.trial_ids), name=unit.name)
    facts = prose.facts(doc, seg, result.entities, glossary)
    rows = [(p, c) for p, c in table_arms if unit.start <= p.start < unit.end]
    if rows:
        # the table of an abstract about one study gives its arms; the abstract's prose is about them all
        _apply_prose(rows, facts)
        for p, _ in rows:
            for key, value in (("study", unit.name), ("abstract_number", unit.abstract_number)):
                if value and not p.fields.get(key):
                    p.fields[key] = value
        return
    if not unit.trial_ids and not _has_results(facts):
        return  # no study reported: a design, a background, a commentary
    fields = {"arm": "monotherapy", "abstract_number": unit.abstract_number, "study": unit.name,
              "reference": unit.reference, **prose.subject(doc, seg, result.entities, glossary)}
    code = "" if facts.fields.get("product") else development_code(doc.text[unit.start : unit.end])
    if code:
        fields["product"] = code
    for p in _arm_records(doc, result, seg, glossary, fields, facts) or [Partial(fields=fields, start=unit.start)]:
        if p.fields.get("arm") == "monotherapy" and not p.fields.get("combination") and not p.evidence:
            _apply_prose([(p, [])], facts)
        p.start = unit.start
        p.evidence.insert(0, doc.text[unit.start : unit.title_end] if unit.title_end else "")
        clinical.append((p, []))


def _paragraph_records(doc: IngestedText, result: DocumentResult, unit: studies.Unit, glossary: Glossary,
                       table_arms: list[tuple[Partial, list[str]]],
                       clinical: list[tuple[Partial, list[str]]]) -> list[tuple[int, int]]:
    """A record for each paragraph of a unit about several studies that reports one study of its own
    (a review's paragraph per product, a meeting summary's paragraph per abstract), keyed by every
    identifier the paragraph gives; the spans it reads, which the sentence-level readers then skip. A
    paragraph about a study a table row gives is left to them (they link prose to rows)."""
    claimed = []
    found = studies.paragraph_studies(doc, unit, result.entities, glossary)
    if not studies.several_studies(found):
        return []
    for para in found:
        seg = prose.Segment(para.start, para.end, abstract_number=para.abstract_number, reference=para.reference,
                            trial_ids=list(para.trial_ids), name=para.name)
        if any(_linked(p, seg) or (para.name and p.fields.get("study") == para.name) for p, _ in table_arms):
            continue
        facts = prose.facts(doc, seg, result.entities, glossary)
        if not _has_results(facts):
            continue
        fields = {"arm": "monotherapy", "abstract_number": para.abstract_number, "reference": para.reference,
                  "study": para.name, "product": para.product or development_code(doc.text[para.start : para.end]),
                  **prose.subject(doc, seg, result.entities, glossary)}
        for p in _arm_records(doc, result, seg, glossary, fields, facts) or [Partial(fields=fields, start=para.start)]:
            if not p.evidence:
                _apply_prose([(p, [])], facts)
            p.evidence.insert(0, doc.text[para.start : para.end])
            clinical.append((p, []))
        claimed.append((para.start, para.end))
    return claimed


def build_records(doc: IngestedText, result: DocumentResult) -> tuple[list[TrialArm], list[PreclinicalStudy]]:
    glossary = Glossary.from_abbreviations(result.abbreviations)
    clinical: list[tuple[Partial, list[str]]] = []
    preclinical: list[Partial] = []
    for table in (_typed(t.studies()) for t in result.tables):
        roles = {c.field for c in table.columns}
        if is_clinical(table):
            for p in clinical_rows(table, glossary):
                conflicts: list[str] = []
                _footnote_doses(table, p, conflicts)
                clinical.append((p, conflicts))
        elif {"abstract_number", "purpose", "method"} & roles or "preclinical" in table.caption.lower():
            preclinical.extend(preclinical_rows(table, glossary))

    table_arms = list(clinical)
    found = studies.units(doc, result.entities, glossary, result.tables)
    singles = [(u.start, u.end) for u in found if u.single]
    for unit in found:
        if not unit.single:
            singles.extend(_paragraph_records(doc, result, unit, glossary, table_arms, clinical))
    in_a_single = covered_by(singles)
    cited = [seg for seg in prose.segments(doc) if not in_a_single(seg.start)]
    for seg in cited:
        arms = [(p, c) for p, c in clinical if _linked(p, seg)]
        linked_preclinical = [p for p in preclinical if _linked(p, seg)]
        for p in linked_preclinical:
            p.evidence.append(doc.text[seg.start : seg.end])
        facts = prose.facts(doc, seg, result.entities, glossary)
        if not arms and not linked_preclinical and (seg.trial_ids or _has_results(facts)):
            # A study reported only in prose: the cited paragraph is its record.
            p = Partial(fields={"arm": "monotherapy", "abstract_number": seg.abstract_number,
                                "reference": seg.reference}, start=seg.start)
            p.fields.update(prose.subject(doc, seg, result.entities, glossary))
            p.evidence.insert(0, doc.text[seg.start : seg.end])
            arms = [(p, [])]
            clinical.append(arms[0])
        if arms:
            _apply_prose(arms, facts)

    known_ids = {i for p, _ in clinical for i in str(p.fields.get("trial_id", "")).split(";") if i}
    rows_by_id: dict[str, list[int]] = {}
    for k, (p, _) in enumerate(table_arms):
        for i in _ids(p):
            rows_by_id.setdefault(i, []).append(k)
    in_a_table = overlapped_by([(t.start, t.end) for t in result.tables])
    for seg in prose.trial_segments(doc, singles, result.entities, glossary):
        if set(seg.trial_ids) & known_ids:
            # The prose about a study a table row gives (by its registry id) adds what the row does not say.
            matches = {k for i in seg.trial_ids for k in rows_by_id.get(i, [])}
            if len(matches) == 1 and not in_a_table(seg.start, seg.end):
                _fill_empty(table_arms[matches.pop()][0], prose.facts(doc, seg, result.entities, glossary))
            continue
        facts = prose.facts(doc, seg, result.entities, glossary)
        p = Partial(fields={"arm": "monotherapy", **prose.subject(doc, seg, result.entities, glossary)},
                    start=seg.start)
        _apply_prose([(p, [])], facts)
        p.evidence.insert(0, doc.text[seg.start : seg.end])
        clinical.append((p, []))
        known_ids.update(seg.trial_ids)

    known_names = {str(p.fields.get("study")) for p, _ in clinical if p.fields.get("study")}
    for seg in prose.named_segments(doc, singles, result.entities, glossary):
        if seg.name in known_names:
            continue  # a table row or an earlier paragraph already gave this study its record
        facts = prose.facts(doc, seg, result.entities, glossary)
        if not _has_results(facts):
            continue  # a study named in passing is not one the document reports
        p = Partial(fields={"arm": "monotherapy", "study": seg.name,
                            **prose.subject(doc, seg, result.entities, glossary)}, start=seg.start)
        _apply_prose([(p, [])], facts)
        p.evidence.insert(0, doc.text[seg.start : seg.end])
        clinical.append((p, []))
        known_names.add(seg.name)

    for unit in found:
        if unit.single:
            _single_study(doc, result, unit, glossary, table_arms, clinical)

    named = prose.names_of_ids(doc, result.entities, glossary)
    for p, _ in clinical:
        name = next((named[i] for i in sorted(_ids(p)) if i in named), "")
        if name and not p.fields.get("study"):
            p.fields["study"] = name

    glued = prose.glued_references(doc)
    for p, _ in clinical:
        refs = [glued[i] for i in sorted(_ids(p)) if i in glued]
        if refs and not p.fields.get("reference"):
            p.fields["reference"] = refs[0]

    sizes = prose.stated_sizes(doc, [str(p.fields.get("study", "")) for p, _ in clinical])
    for p, _ in clinical:
        size = sizes.get(str(p.fields.get("study", "")))
        if size and p.fields.get("n_patients") in (None, ""):
            p.fields["n_patients"], quote = size
            p.evidence.append(quote)

    topic = _dominant_disease(result)
    aimed = document_target(doc, result.entities)
    products = cited_products(doc)
    sources = prose.product_sources(doc, result.entities, glossary)
    trials = []
    for p, conflicts in clinical:
        if not p.fields.get("disease") and topic and not _misread(p):
            p.fields["disease"] = topic
        if not p.fields.get("target_symbols") and aimed:
            p.fields["target_symbols"] = aimed
        _known_product_targets(p)
        if not p.fields.get("cell_source") and str(p.fields.get("product", "")).lower() in sources:
            p.fields["cell_source"] = sources[str(p.fields["product"]).lower()]
        if not p.fields.get("product") and p.fields.get("reference") in products:
            p.fields["product"] = products[str(p.fields["reference"])]
        if p.fields.get("n_patients") == 1:
            _of_one_patient(p)
        trials.append(_validated(TrialArm, doc.doc_id, p, conflicts))
    studies_ = [_validated(PreclinicalStudy, doc.doc_id, p, []) for p in preclinical]
    return sorted(trials, key=lambda t: t.start), sorted(studies_, key=lambda s: s.start)
