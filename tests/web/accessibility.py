"""axe-core in the browser tests: every console page must have no serious or critical violation.

``axe.min.js`` is vendored under ``tests/web/vendor/axe-core`` (see its README); it is evaluated in the page
through the DevTools protocol, so the console's Content-Security-Policy does not need to allow it.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")


@lru_cache(maxsize=1)
def axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def violations(page: Any) -> list[dict[str, Any]]:  # a Playwright page
    """axe's serious and critical violations on the page as it is now (WCAG 2.x A and AA rules and best practices)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    found: list[dict[str, Any]] = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
             .map(v => ({id: v.id, impact: v.impact, help: v.help,
                         nodes: v.nodes.slice(0, 5).map(n => n.target.join(" "))}))""")
    return [v for v in found if v["impact"] in BLOCKING]


def assert_accessible(page: Any, label: str) -> None:
    problems = violations(page)
    assert problems == [], f"{label} ({page.url}): " + "; ".join(
        f"{v['impact']} {v['id']} ({v['help']}) at {', '.join(v['nodes'])}" for v in problems)
