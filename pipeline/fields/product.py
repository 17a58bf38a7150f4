"""The product studied ("Product", "Construct", "Drug")."""

from __future__ import annotations

import re
from functools import cache

from pipeline.fields.agent import agentive
from pipeline.fields.base import ColumnType, Field
from pipeline.fields.cell_facts import CellFacts, cell_facts
from pipeline.fields.citation import reference_entries
from pipeline.fields.evidence import DocContext
from pipeline.fields.phrases import Glossary, canonical, clean, join_names
from pipeline.fields.score_settings import S
from pipeline.fields.trial import trial_ids
from pipeline.knowledge.gates import Gate
from pipeline.knowledge.lexicon import alias_index, load_rows, lookup
from pipeline.knowledge.patterns import CELL_NAMED_IDS, ID_PREFIX
from pipeline.models import Column, IngestedText

# "Agent" heads the product in reviews of antibodies ("Agent: teclistamab"); an added agent is a combination.
PRODUCT = Field("product", ColumnType.PRODUCT,
                words=("product", "products", "construct", "constructs", "drug", "drugs", "agent", "agents"))
FIELDS = (PRODUCT,)


# A development code: letters then digits ("FT596", "NKX101", "CT103A"), not a CD antigen or gene.
_CODE = re.compile(r"\b[A-Z]{2,5}-?\d{2,4}[A-Z]?\b")


def development_code(text: str) -> str:
    """The development code a text names most, at least twice ("XK-77 is an allogeneic ... XK-77 was given"),
    that no lexicon files as anything but a product (CD19 is a target, IL-15 a cytokine): the product of an
    abstract about a product the lexicons do not know yet. "" when there is none."""
    counts: dict[str, int] = {}
    for m in _CODE.finditer(text):
        entry = lookup(m.group())
        if entry is None or entry.label == "PRODUCT":
            counts[m.group()] = counts.get(m.group(), 0) + 1
    best = max(counts, key=lambda c: counts[c], default="")
    return best if best and counts[best] >= 2 else ""


def cited_products(doc: IngestedText) -> dict[str, str]:
    """Reference number -> the one product its entry names (entries naming none or several are left out)."""
    products: dict[str, str] = {}
    for number, body in reference_entries(doc).items():
        found = set()
        for m in _CODE.finditer(body):
            code = m.group()
            entry = lookup(code)
            if entry is None or entry.label == "PRODUCT":
                found.add(entry.normalized if entry else code)
        for alias, normalized in _product_aliases():
            if alias in body and re.search(rf"(?<![\w-]){re.escape(alias)}(?![\w-])", body):
                found.add(normalized)
        if len(found) == 1:
            products[number] = found.pop()
    return products


@cache
def _product_aliases() -> tuple[tuple[str, str], ...]:
    """(alias, product) for every product alias long enough to search for in a reference's title
    (lexicon data: read once per process)."""
    found = []
    for alias, entries in alias_index().items():
        product = next((e for e in entries if e.label == "PRODUCT"), None)
        if len(alias) > 3 and product is not None:
            found.append((alias, product.normalized))
    return tuple(found)


@cache
def _lexicon_targets() -> dict[str, frozenset[str]]:
    """Product (canonical, lower case) -> the targets ``products.tsv`` gives it (lexicon data: read once)."""
    return {r["canonical"].lower(): frozenset(t for t in r.get("targets", "").split(";") if t)
            for r in load_rows("products") if r.get("targets")}


def known_targets(name: str) -> frozenset[str]:
    """The targets the lexicon knows a product by ("talquetamab": GPRC5D and CD3E), none for a product it does
    not know."""
    entry = lookup(name.strip(), "PRODUCT")
    return _lexicon_targets().get((entry.normalized if entry else name).strip().lower(), frozenset())


# Products and agents dosed in milligrams, not cells (``products.tsv``, ``agents.tsv`` kinds).
_DRUG_PRODUCTS = {"bispecific", "NK engager"}
_DRUG_AGENTS = {"bispecific antibody", "monoclonal antibody", "ADC", "checkpoint inhibitor", "NK cell engager"}


@cache
def _drugs() -> frozenset[str]:
    names = {r["canonical"].lower() for r in load_rows("products") if r.get("kind") in _DRUG_PRODUCTS}
    names |= {r["alias"].lower() for r in load_rows("products") if r.get("kind") in _DRUG_PRODUCTS}
    for r in load_rows("agents"):
        if r.get("kind") in _DRUG_AGENTS:
            names |= {r["canonical"].lower(), r["alias"].lower()}
    return frozenset(names)


def is_drug(name: str) -> bool:
    """Whether a product is an antibody or drug (dosed in mg), not a cell therapy."""
    return name.strip().lower() in _drugs()


_PARENTHESES = re.compile(r"\s*\([^()]*\)")
_ADDED = re.compile(r"\s+\+\s+|\s+plus\s+|\s+with\s+")
# A cell that opens with the added agent ("+ ibrutinib", "plus rituximab") is another arm of the product
# in the row above: it names only what this arm adds.
ADDED_ONLY = re.compile(r"(?i)^\s*(?:\+|plus\b|with\b)\s*(?=\S)")
_ONE_TOKEN = re.compile(r"[\w/-]+")


def read_cell(cell: str, column: Column, glossary: Glossary, record: dict[str, object]) -> None:
    """"AFM13-NK (NK cells + CD30/CD16A engager AFM13)": the parentheses explain the product's make-up;
    only an agent added outside them ("Cilta-cel + lenalidomide") is a combination, and a cell that is an
    added agent alone ("+ ibrutinib") leaves the product to the row above. A product written as
    a short form ("Liso-cel") is its long form; a name that merely contains one ("CAR19/IL-15 NK cells")
    is kept as printed. Registry ids in the cell are the row's study's."""
    ids = trial_ids(cell)
    if ids:  # "NKX019 (NCT05020678)" under "Product (registry)": the study's ids printed with its product
        record.setdefault("trial_id", ids)
    named = _PARENTHESES.sub("", clean(cell)).strip() or clean(cell)
    only = ADDED_ONLY.match(named)
    if only:
        added = _ADDED.split(named[only.end():])
        record["combination"] = join_names([canonical(agent, "AGENT", glossary) for agent in added])
        return
    product, *added = _ADDED.split(named)
    lead, comma, _ = product.partition(", ")
    if comma and lookup(lead, "PRODUCT"):
        product = lead  # "FT596, regimen A": the product, then which of its arms
    record["product"] = glossary.expand(product) if _ONE_TOKEN.fullmatch(product) else product
    if added:
        record["combination"] = join_names([canonical(agent, "AGENT", glossary) for agent in added])


_PRODUCT_CODE = re.compile(r"[A-Za-z]{1,8}[-‑]?[A-Za-z]?\d{2,6}[A-Za-z]{0,3}\d{0,3}")


_TWO_DIGITS = re.compile(r"\d\d")  # every product code holds two digits in a row


_PRODUCT_WORD = Gate(
    re.compile(r"(?i)(?<![A-Za-z])CAR|\bNK\b|cel\b|mab\b|bispecific|engager|TriKE|BiTE|\bT[- ]cells?\b"),
    ("car", "cel", "mab", "bispecific", "engager", "trike", "bite", "t-cell", "t cell"), fold=True,
    words=frozenset({"nk"}))


def score_cell(f: CellFacts, ctx: DocContext) -> float | None:
    value = f.value
    if ID_PREFIX.match(value):
        return None  # "NCT011": the start of a registry id, cut short, is no product code
    if f.has_id():
        return _with_ids_score(value, ctx)
    if ADDED_ONLY.match(value):
        added = _added_agent_score(f, ctx)
        if added is not None:
            return added
    evidence = (S.product_in_prose if f.in_prose(ctx)
                or (len(value) >= S.min_squashed_product and f.squashed_in_prose(ctx)) else 0.0)
    if ctx.lexicon.products and value in ctx.lexicon.products:
        return S.product + evidence
    if f.category(ctx) in ("targets", "diseases"):
        return S.antigen_alone
    if _PRODUCT_CODE.fullmatch(value):
        return S.product_code + evidence
    if f.search(_PRODUCT_WORD) or (_TWO_DIGITS.search(value) and _PRODUCT_CODE.search(value)):
        return S.product_words + min(0.0, f.text(ctx) - S.plausible_text) + evidence
    return f.text(ctx) + S.product_text + evidence


def _added_agent_score(f: CellFacts, ctx: DocContext) -> float | None:
    """"+ ibrutinib": a product cell that names only the agent an arm adds (``read_cell``), as sure as
    the agents it names are known; ``None`` when it names none (free text after a "+" or "with" scores
    as any free text does)."""
    found, unknown = agentive(f, ctx)
    if found and not unknown:
        return S.agents
    if found:
        return max(S.some_agents_floor, S.some_agents - unknown)
    return None


def _with_ids_score(value: str, ctx: DocContext) -> float | None:
    """"NKX019 (NCT05020678)" under "Product (registry)": a product with its study's ids in brackets
    after it (``read_cell`` gives them to the study) scores as the product, a little less sure; ids
    anywhere else in a product cell are another column's."""
    bracket = value.find("(")
    if bracket <= 0 or not CELL_NAMED_IDS.fullmatch(value):
        return None
    name = value[:bracket].strip()
    facts = cell_facts(name, ctx) if name else None
    if facts is None or not _product_shaped(facts, ctx):
        return None  # "5.2 + 4 (NCT02360579)": free text before ids is the end of another cell
    scored = score_cell(facts, ctx)
    return None if scored is None else scored + S.product_with_ids


def _product_shaped(f: CellFacts, ctx: DocContext) -> bool:
    """A product of the lexicon, a development code or a name with a product's words: what ``score_cell``
    scores as a product rather than as free text under a product column."""
    value = f.value
    return bool((ctx.lexicon.products and value in ctx.lexicon.products) or _PRODUCT_CODE.fullmatch(value)
                or f.search(_PRODUCT_WORD) or (_TWO_DIGITS.search(value) and _PRODUCT_CODE.search(value)))
