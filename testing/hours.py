"""Opening hours for tests and benchmarks: always open, so no conversation waits for a person to arrive."""

from __future__ import annotations

ALWAYS_OPEN = {day: ["00:00-23:59"] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
