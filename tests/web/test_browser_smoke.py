"""The browser harness itself works: Chromium loads a page the app serves."""

from __future__ import annotations


def test_chromium_reads_the_api_docs(page, live_app) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_app.url}/api/health")
    assert '"database":"ok"' in page.content().replace(" ", "")
