"""A doctor's finding: what was checked, how it went, and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass

OK, WARN, PROBLEM = "ok", "warn", "PROBLEM"


@dataclass(frozen=True)
class Finding:
    """One check's result; `fix` says what to do when the level is not OK."""

    check: str
    level: str
    text: str
    fix: str = ""
    brief: str = ""  # for the summary line: a board's identity

    def line(self) -> str:
        fix = f"\n      fix: {self.fix}" if self.fix and self.level != OK else ""
        return f"[{self.level:>7}] {self.check}: {self.text}{fix}"


def summary(findings: list[Finding]) -> str:
    """One line a user can paste into a bug report."""
    problems = sum(f.level == PROBLEM for f in findings)
    warnings = sum(f.level == WARN for f in findings)
    parts = "; ".join(
        f"{f.check}={f.level}" + (f" ({f.brief})" if f.brief else "") for f in findings
    )
    return f"terry doctor: {problems} problem(s), {warnings} warning(s): {parts}"
