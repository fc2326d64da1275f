"""Run axe-core in the page and fail with a readable list of violations.

axe-core comes from frontend/node_modules (installed by `make setup`), so the rules
are the same version the front-end build pins. The rule set is WCAG 2.2 AA:
nothing is switched off, and no violation is ever ignored.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
AXE_JS = REPO_ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@cache
def _axe_source() -> str:
    if not AXE_JS.exists():
        pytest.fail(
            f"axe-core is missing ({AXE_JS.relative_to(REPO_ROOT)}): run `make setup` "
            "to install the front-end packages, then run the browser journeys again."
        )
    return AXE_JS.read_text(encoding="utf-8")


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations for the page as it is now (WCAG 2.2 A and AA rules)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated through the DevTools protocol, which the page's Content Security
        # Policy does not apply to: the CSP under test stays exactly as served.
        page.evaluate(_axe_source())
    result = page.evaluate(
        """async (tags) => {
            const results = await window.axe.run(document, {
                runOnly: {type: "tag", values: tags},
                resultTypes: ["violations"],
            });
            return results.violations.map((v) => ({
                id: v.id,
                impact: v.impact,
                help: v.help,
                helpUrl: v.helpUrl,
                nodes: v.nodes.map((n) => ({
                    target: n.target,
                    summary: n.failureSummary,
                    html: n.html,
                })),
            }));
        }""",
        WCAG_TAGS,
    )
    return list(result)


def format_violations(url: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"axe found {len(violations)} WCAG violation(s) on {url}:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    at {target}")
            lines.append(f"       {node['html'][:200]}")
            for summary_line in (node["summary"] or "").splitlines():
                lines.append(f"       {summary_line}")
    return "\n".join(lines)


def assert_no_axe_violations(page: Any) -> None:
    """Fail if axe-core finds any WCAG 2.2 A/AA violation on the current page."""
    violations = axe_violations(page)
    assert not violations, format_violations(page.url, violations)


class AxeAudit:
    """Checks every page a journey visits and reports all violations at the end.

    A journey keeps going after a page fails, so one run lists every page that needs
    fixing; `assert_clean()` at the end of the journey fails if any page had any.
    """

    def __init__(self) -> None:
        self.pages_checked: list[str] = []
        self.failures: list[str] = []

    def check(self, page: Any, label: str | None = None) -> None:
        violations = axe_violations(page)
        where = f"{label} ({page.url})" if label else page.url
        self.pages_checked.append(where)
        if violations:
            self.failures.append(format_violations(where, violations))

    def assert_clean(self) -> None:
        assert self.pages_checked, "The journey ran axe on no page at all."
        heading = (
            f"axe failed on {len(self.failures)} of {len(self.pages_checked)} pages:"
        )
        assert not self.failures, "\n\n".join([heading, *self.failures])
