"""The constants of the cell scorers (``columns.py``, ``facts.py``), named, each with its reason."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ScoreSettings:
    """Named constants of the cell scorers, on one scale (about -3 to 7): a cell of one type is weighed
    against a cell of another and against leaving a column empty (``SegmentSettings`` of the
    segmenter). Strong shapes score high, lexicon and document terms next, plausible free text low."""

    # Any column
    empty_cell: float = 1.5  # "/" or "–": a column printed empty is plausible anywhere, never strong
    foreign_word: float = 2.0  # per word of another column's kind ("CRS" in a dose cell, "CAR-T" in a finding)
    dangling_end: float = -1.0  # a partial cell ending in "," or "and" (its text goes on below)
    lost_negation: float = -2.0  # "...; no": the cell lost what it negates
    open_bracket_partial: float = -0.3  # a bracket a later line of the cell may close
    open_bracket: float = -3.0  # a whole cell that leaves a bracket open
    # Study
    registry_id: float = 6.0  # "NCT01234567": the strongest shape there is
    name_with_id: float = -0.5  # "ZUMA-1 (NCT02348216)": an id with a name, a little less sure than an id alone
    name_unlike_study: float = -1.5  # ... a name shaped like no study's ("ZUMA-1 CAR+ T cells"): words of a neighbour
    id_in_prose: float = 0.5  # the prose cites the id too
    name_in_prose: float = 1.0  # the bracketed acronym after the id is a study the prose names
    name_not_in_prose: float = -0.5  # ... or one it never names (perhaps a neighbour's text)
    et_al: float = 3.5  # "Smith et al.": a citation names the study
    not_stated_study: float = 2.0  # "not stated" is a study cell's way of saying so
    none_study: float = 0.0  # "none"/"no": odd for a study, but not impossible
    shifted_term: float = -1.0  # a drug, disease, target, abbreviation or plain word under a study name
    coded_name: float = 3.0  # "ZUMA-7", "ELIANA": a name with a dash, digit or five capitals
    coded_name_in_prose: float = 0.5  # the prose names the study too
    study_note: float = -0.5  # "C-145-04, cohort": a coded name and a note on which of its parts
    plain_name: float = 0.5  # a capitalised word the prose does not use otherwise
    study_text: float = -3.0  # several capitalised words: free text, far below a name
    max_study_words: int = 5  # a study cell is an id or a short name
    max_study_name: int = 30  # characters of a study name
    short_capitals: int = 5  # "CANS", "CR": fewer capitals is the end of an abbreviation
    # Lexicon columns (disease, cell source, target, agents)
    whole_term: float = 5.0  # every word is a lexicon term or an allowed connector
    whole_term_in_prose: float = 0.3  # ... that the prose writes together
    some_term: float = 4.0  # terms with unknown words, less one per unknown word ...
    some_term_floor: float = 2.0  # ... but never below this
    head_word: float = 3.0  # no term, but a head word ("lymphoma", "cord blood"), less poor text
    text_fallback: float = -2.0  # free text under a lexicon column
    target_shape: float = 2.0  # "CD19", "BCMA": shaped like an antigen the lexicon lacks
    # Count
    count: float = 3.5  # "12", "n = 12"
    zero_count: float = 1.5  # "0" patients is odd
    count_cited: float = 1.0  # the prose gives this patient number
    count_number: float = 0.3  # the prose gives this number for something
    count_extra: float = 2.5  # "12 (4 evaluable)", "12/14"
    count_not_stated: float = 1.0
    # Regimen and agent
    no_agent_regimen: float = 3.5  # "none" under a conditioning regimen
    no_agent: float = 4.0  # "none" under a combination column
    agents: float = 4.5  # every word an agent or product
    some_agents_regimen: float = 3.0  # agents and unknown words, less one per unknown word ...
    some_agents_regimen_floor: float = 1.5  # ... but never below this
    some_agents: float = 3.5
    some_agents_floor: float = 2.0
    regimen_abbreviation: float = 2.0  # "FC", "Flu/Cy": a regimen is often written as an abbreviation
    agent_text: float = -0.5  # free text under a combination column (descriptions are common)
    # Dose
    dose: float = 4.0  # numbers, units and dose words only
    dose_unit: float = 0.5  # with a unit ("× 10^6", "cells/kg", "mg")
    dose_in_prose: float = 1.0  # the prose writes the dose too (its spaces lost here)
    dose_not_available: float = 1.0  # "NA", "NR"
    # Outcome and adverse event
    percent_pair: float = 5.5  # "45%/20%" (ORR/CR)
    percent: float = 4.5  # "45%"
    n_percent: float = 4.0  # "9 (45%)"
    percent_cited: float = 0.4  # per percentage the prose gives too ...
    percent_cited_max: float = 0.8  # ... up to this
    smaller_first: float = -2.0  # a pair whose first number is smaller (the broader category comes first)
    number_pair: float = 4.0  # "82 (54)", "93 / 13": two figures whose "%" the header carries
    fraction: float = 4.0  # "27/30 (90)": patients with the outcome of those evaluated
    bare_number_outcome: float = 2.0  # "82" under "ORR, %": plausible, never strong
    bare_number_finding: float = 1.0  # "24" under "Severe CRS, %": a count's cell more likely
    max_bare_percent: float = 100.0  # a bare number above this is no percentage
    not_reached: float = 2.0  # "NR", "Not reached"
    outcome_term: float = 3.0  # a lexicon outcome ("CR", "MRD-negative"), less poor text
    unfinished_list: float = -2.0  # "CRS 72%; ICANS": the last finding lost its value
    finding_text: float = -1.0  # free text under a finding column
    no_finding: float = 4.0  # "none", "no"
    zero_finding: float = 2.0  # "0"
    adverse_pair: float = 4.5  # "45%/10%" (any grade/≥G3)
    adverse_percent: float = 4.0  # "45%", "9 (45%)"
    adverse_term: float = 3.5  # "grade ≥3", "CRS", a lexicon event, less poor text
    # Abstract, reference, phase, year, status
    abstract_number: float = 2.0  # "123", "P456"
    long_abstract_number: float = 1.0  # three digits or more
    abstract_cited: float = 4.0  # the prose cites "Abstract 1234"
    abstract_label: float = 5.0  # "Abstract 1234", "#1234"
    abstract_not_stated: float = 1.5
    bracket_reference: float = 6.0  # "[12]"
    paren_reference: float = 3.0  # "(12)"
    bare_reference: float = 1.0  # "12"
    phase: float = 5.0  # "Phase I/II", "1b"
    digit_phase: float = 3.0  # "2": a phase, or a count
    other_phase: float = 2.0  # "pilot", "n/a"
    year: float = 5.0
    status: float = 4.0  # "recruiting", "completed", less poor text
    # Product
    product: float = 5.0  # a product of the lexicon
    product_in_prose: float = 1.0  # the prose writes it too (its spaces lost, perhaps)
    antigen_alone: float = 1.0  # "CD19" alone names the antigen, not the product
    product_code: float = 4.0  # "CTX110", "JNJ-4528"
    product_words: float = 3.0  # "CD19 CAR-T", "-cel", "-mab", less poor text
    product_text: float = -0.5  # free text under a product column
    product_with_ids: float = -0.5  # "NKX019 (NCT05020678)": a product and its study's ids, under "Product (registry)"
    min_squashed_product: int = 6  # shorter runs are in the prose by chance
    # Free text in a typed column: its text score counts only down from this
    plausible_text: float = 1.0
    min_dose_chars: int = 3  # a shorter dose is in the prose by chance
    # Glue points (two cells run together) in a value's words
    glued: float = 2.0  # a word glued after a number or bracket ("1Grade"): strong evidence
    weakly_glued: float = 1.0  # "2CRS", "ICANS3%": may also be a space lost inside one cell
    # Free text (``facts._text_score``)
    text: float = 1.0  # text of two characters or more
    one_character: float = -1.0  # a lone character is rarely a cell
    lower_start: float = -2.5  # a cell starts with a capital, a digit or a term ("iPSCs")
    unknown_title: float = -0.8  # a capitalised word no lexicon knows inside the text: the next cell?
    unknown_abbreviation: float = -1.0  # "ICA" (of "ICANS" cut short) is no word the document uses
    bigram: float = 0.4  # per pair of neighbouring words the prose writes together ...
    bigram_max: float = 1.2  # ... up to this
    text_in_prose: float = 0.8  # the prose writes the whole text (or its words with spaces lost)
    min_squashed_text: int = 8  # shorter runs are in the prose by chance
    long_text: float = -1.0  # longer than ``max_text_chars``
    max_text_chars: int = 80
    cut_capital: float = -1.5  # "CD19 C": a word cut after its first letter


S = ScoreSettings()
