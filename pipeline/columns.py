"""Column order of every output CSV, exactly as SCHEMA.md fixes it (more columns may follow)."""

DOCUMENTS = ["doc_id", "source_path", "sha256", "kind", "pages", "chars", "status", "error", "encoding"]
ABBREVIATIONS = ["doc_id", "short_form", "long_form", "source", "start", "end"]
ENTITIES = ["doc_id", "label", "text", "normalized", "value", "unit", "start", "end", "page", "sentence"]
TABLES = ["doc_id", "table", "caption", "n_rows", "n_cols", "orientation", "footnotes", "page"]
TRIALS = [
    "doc_id", "trial_id", "arm", "abstract_number", "reference", "phase", "disease", "cell_source",
    "product", "target_symbols", "n_patients", "preconditioning", "doses_cells", "dose_unit",
    "combination", "orr_pct", "cr_pct", "gvhd", "crs", "crs_max_grade", "crs_n", "icans", "icans_n",
    "evidence", "study", "doses_drug", "drug_dose_unit", "conflicts",
]
PRECLINICAL = [
    "doc_id", "abstract_number", "reference", "cell_source", "disease", "target_symbols", "method",
    "combination", "purpose", "evidence", "conflicts",
]
ERRORS = ["doc_id", "source_path", "stage", "error_type", "message"]
