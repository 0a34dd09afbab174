"""Plain-text tables for the terminal: columns padded to their widest cell, two spaces apart."""
from __future__ import annotations

from typing import Sequence


def format_table(rows: Sequence[Sequence[object]], *, indent: str = "") -> str:
    """``rows`` (the first may be a header) as aligned columns; the last column is not padded."""
    cells = [[str(cell) for cell in row] for row in rows]
    if not cells:
        return ""
    widths = [max(len(row[i]) for row in cells if i < len(row)) for i in range(max(map(len, cells)))]
    return "\n".join(indent + "  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip()
                     for row in cells)
