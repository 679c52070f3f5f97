"""The generalization report: a protocol measured again replaces its own section and leaves the others as measured."""

from __future__ import annotations

from pathlib import Path

from benchmarks.kb_generalization import SECTION_MARK, read_sections, write


def section(name: str, figure: str) -> list[str]:
    return [SECTION_MARK.format(name=name), f"### {name}", "", f"Date: {figure}.", "", "| a | b |", "|---|---|",
            f"| top-1 | {figure} |"]


def test_a_protocol_run_again_replaces_its_section_only(tmp_path: Path) -> None:
    report = tmp_path / "report.md"
    assert read_sections(report) == {}  # nothing measured yet
    write(report, {"foreign": section("foreign", "old"), "shipped": section("shipped", "kept")},
          order=["shipped", "lodo", "foreign"])
    sections = read_sections(report)
    assert list(sections) == ["shipped", "foreign"] and sections["shipped"][-1] == "| top-1 | kept |"
    sections["foreign"] = section("foreign", "new")
    sections["lodo"] = section("lodo", "first")
    write(report, sections, order=["shipped", "lodo", "foreign"])
    text = report.read_text(encoding="utf-8")
    assert text.index("### shipped") < text.index("### lodo") < text.index("### foreign")
    assert "| top-1 | kept |" in text and "| top-1 | new |" in text and "| top-1 | old |" not in text
    assert "\n\n\n" not in text and read_sections(report) == {name: lines for name, lines in sections.items()}
