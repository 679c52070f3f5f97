"""The Journal's percentile and its SVG charts (well-formed, text escaped)."""

from __future__ import annotations

from xml.etree import ElementTree

import numpy as np
import pytest

from handoff_api.journal.charts import bar_chart, share_bar
from handoff_api.journal.response_times import percentile


def test_percentile_is_linear_between_ranks() -> None:
    assert percentile([], 0.5) is None
    assert percentile([4.0], 0.9) == 4.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5
    assert percentile([0.0, 10.0], 0.9) == pytest.approx(9.0)
    values = [0.3, 7.0, 1.5, 2.0, 12.0, 0.0]
    assert percentile(values, 0.9) == pytest.approx(float(np.percentile(values, 90)))


def test_charts_are_well_formed_svg_and_escape_text() -> None:
    svg = bar_chart(["lun. 2", "<mar>"], [("messages", [3, 0]), ("demandes & co", [1.5, 2])],
                    title='Volumes "par" jour', reference=("objectif 8 h", 8.0))
    root = ElementTree.fromstring(svg)
    assert root.tag.endswith("svg") and root.get("role") == "img" and root.get("aria-label") == 'Volumes "par" jour'
    assert "&lt;mar&gt;" in svg and "demandes &amp; co" in svg
    share = share_bar([("assistant seul", 3), ("avec une personne", 1)], title="Issue")
    ElementTree.fromstring(share)
    assert "75%" in share
    assert "aucune donnée" in share_bar([("a", 0)], title="vide")
