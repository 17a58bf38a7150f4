"""Hostile and unlucky inputs, made on demand (issue "Hostile and unlucky inputs"): each function writes
one into a folder and returns its path. Shared by tests/test_hostile.py and anyone who wants to try them."""

from __future__ import annotations

import os
import zlib
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[1] / "raw" / "huang2023_carnk_ash2022.txt"

ALIGNED_TABLE = """Table {n} Outcomes of cohort {n}

Outcome            Arm A     Arm B
Patients, n        1{n}        2{n}
ORR, %             6{n}        5{n}
CR, %              4{n}        3{n}
"""


def long_stem(folder: Path) -> Path:
    path = folder / ("a" * 230 + ".txt")
    path.write_text("CD19 CAR-T cells (NCT01234567) treated 10 patients with large B-cell lymphoma.\n")
    return path


def cjk_stem(folder: Path) -> Path:
    path = folder / ("試" * 78 + ".txt")
    path.write_text("BCMA CAR-T cells (NCT07654321) treated 12 patients with multiple myeloma.\n")
    return path


def same_bytes_txt_and_pdf(folder: Path) -> tuple[Path, Path]:
    text = "GPRC5D CAR-T cells (NCT02222222) treated 12 patients with multiple myeloma.\n"
    (folder / "seed.txt").write_text(text)
    (folder / "seed_copy.pdf").write_text(text)
    return folder / "seed.txt", folder / "seed_copy.pdf"


def same_stem(folder: Path) -> tuple[Path, Path]:
    (folder / "x").mkdir(exist_ok=True)
    (folder / "y").mkdir(exist_ok=True)
    (folder / "x" / "a.txt").write_text("BCMA CAR-T (NCT07654321) treated 20 patients.\n")
    (folder / "y" / "a.txt").write_text("CD7 CAR-T (NCT01111111) treated 5 patients.\n")
    return folder / "x" / "a.txt", folder / "y" / "a.txt"


def spaced_aligned_tables(folder: Path) -> Path:
    """Three small aligned tables of one template, more than a page of prose apart."""
    prose = ("CAR-T cells were given after lymphodepletion and responses were assessed by the investigators. " * 12
             + "\n\n")
    body = "".join(prose + ALIGNED_TABLE.format(n=n) + "\n" for n in (1, 2, 3))
    path = folder / "aligned_tables.txt"
    path.write_text(body)
    return path


def repeated_block(folder: Path) -> Path:
    block = EXAMPLE.read_text(encoding="utf-8").split("\n\n")[2] + "\n\n"
    path = folder / "repeated.txt"
    path.write_text(block * 5)
    return path


def stray_byte(folder: Path) -> Path:
    path = folder / "stray.txt"
    path.write_bytes("Patients received 6 × 10^8 CAR-NK cells (NCT03333333) with an ORR of 50%.\n".encode()
                     + b"A stray byte \xff here.\n")
    return path


def formula_cells(folder: Path) -> Path:
    path = folder / "formula.txt"
    path.write_text("Table 1 Trials\n\n| Trial | Product | Patients |\n|---|---|---|\n"
                    "| NCT04444444 | =HYPERLINK(\"x\") | 12 |\n| NCT04555555 | @SUM(A1) | 8 |\n")
    return path


def fullwidth(folder: Path) -> Path:
    path = folder / "fullwidth.txt"
    path.write_text("CD19 CAR-T cells (NCT04666666) were given to １０ patients; the ORR was ６０％ and the dose "
                    "was 2 × 10^6 cells/kg.\n")
    return path


def utf16(folder: Path) -> Path:
    path = folder / "utf16.txt"
    path.write_bytes("CD19 CAR-T cells (NCT04777777) treated 9 patients with an ORR of 70%.\n".encode("utf-16"))
    return path


def utf32(folder: Path) -> Path:
    path = folder / "utf32.txt"
    path.write_bytes("BCMA CAR-T cells (NCT04888888) treated 7 patients with an ORR of 80%.\n".encode("utf-32"))
    return path


def rtl_mark(folder: Path) -> Path:
    path = folder / "rtl.txt"
    path.write_text("CD33 CAR-T cells (NCT04999999) treated 6 patients with AML\u200f in a phase I study.\n")
    return path


def fifo(folder: Path) -> Path:
    path = folder / "pipe.txt"
    os.mkfifo(path)
    return path


def device_link(folder: Path) -> Path:
    path = folder / "zero.txt"
    path.symlink_to("/dev/zero")
    return path


def sparse(folder: Path, size: int = 20 * 1024**3) -> Path:
    path = folder / "sparse.txt"
    with path.open("wb") as handle:
        handle.truncate(size)
    return path


def digits(folder: Path) -> Path:
    path = folder / "digits.txt"
    path.write_text("Results: " + "1" * 40_000 + "\n")
    return path


def brackets(folder: Path) -> Path:
    path = folder / "brackets.txt"
    path.write_text("CD19 CAR-T " + "(" * 20_000 + "\n")
    return path


def blank_lines(folder: Path) -> Path:
    path = folder / "blank_lines.txt"
    path.write_text("CD19 CAR-T cells.\n" + "   \n" * 50_000 + "End.\n")
    return path


def over_a_million(folder: Path) -> Path:
    path = folder / "long.txt"
    sentences = [f"CD19 CAR-T cells (NCT{10_000_000 + i:08d}) gave an ORR of {i % 90}% in {i % 50 + 5} patients. "
                 for i in range(15_500)]  # 1.02 million characters: past spaCy's max_length
    path.write_text("".join(sentences) + "\n")
    return path


def inflating_pdf(folder: Path, megabytes: int = 100) -> Path:
    """A small PDF whose one page's content stream inflates to ``megabytes`` of text operators."""
    ops = b"BT /F1 12 Tf 72 720 Td (CD19 CAR-T) Tj ET\n" * (megabytes * 1024 * 1024 // 40)
    stream = zlib.compress(ops, 9)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path = folder / "inflating.pdf"
    path.write_bytes(bytes(out))
    return path


def pages_pdf(folder: Path, pages: int = 2000) -> Path:
    """A PDF naming one trial per page."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    path = folder / "pages.pdf"
    drawing = canvas.Canvas(str(path), pagesize=letter)
    for i in range(pages):
        drawing.drawString(72, 720, f"Trial NCT{10_000_000 + i:08d} enrolled {10 + i % 50} patients with CD19 "
                                    f"CAR-T cells; ORR was {40 + i % 50}%.")
        drawing.showPage()
    drawing.save()
    return path
