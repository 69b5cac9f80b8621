"""Rows of the one table, their footnotes, and the markdown they print as."""

from __future__ import annotations

from dataclasses import dataclass, field

from ._libs import LIBRARIES


@dataclass
class Row:
    """One figure: each library's cell, oauth2core's target, and whether it is met.

    :param passed: None when oauth2core could not be measured.
    :param notes: footnotes, in the order they are referenced from the cells.
    """

    key: str
    figure: str
    cells: dict[str, str]
    target: str
    passed: bool | None
    notes: list[str] = field(default_factory=list)
    report_only: bool = False

    def result(self) -> str:
        """``pass`` or ``MISS`` (with ``(report)`` for a figure only reported), or ``-``."""
        if self.passed is None:
            return "-"
        verdict = "pass" if self.passed else "**MISS**"
        return f"{verdict} (report)" if self.report_only else verdict


def render(rows: list[Row]) -> str:
    """The markdown table, then its footnotes numbered in order of appearance."""
    header = ["figure", *LIBRARIES, "target for oauth2core", "result"]
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join(["---"] + ["---:"] * len(LIBRARIES) + ["---", "---"]) + "|",
    ]
    notes: list[str] = []
    for row in rows:
        marks = []
        for note in row.notes:
            notes.append(note)
            marks.append(f"[{len(notes)}]")
        figure = row.figure + (" " + " ".join(marks) if marks else "")
        cells = [row.cells.get(library, "") for library in LIBRARIES]
        lines.append("| " + " | ".join([figure, *cells, row.target, row.result()]) + " |")
    if notes:
        lines.append("")
        lines.extend(f"{number}. {note}" for number, note in enumerate(notes, 1))
    return "\n".join(lines)


def ratio(value: float) -> str:
    """``1.23x``."""
    return f"{value:.2f}x"


def milliseconds(seconds: float) -> str:
    """``0.123 ms``: for the figures whose targets are in milliseconds."""
    return f"{seconds * 1e3:.3f} ms"


def duration(seconds: float) -> str:
    """A short duration: µs under a millisecond, else ms."""
    if seconds < 1e-3:
        return f"{seconds * 1e6:.2f} µs"
    if seconds < 10e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e3:.1f} ms"
