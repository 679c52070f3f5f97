"""The weekly report as HTML: a self-contained page (CLI file, console page) with inline SVG charts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from handoff_api.journal import formatting as fmt
from handoff_api.journal.charts import bar_chart, share_bar
from handoff_api.journal.report import WeeklyReport
from handoff_api.journal.summary import headline, notices

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

_environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                           trim_blocks=True, lstrip_blocks=True)


def charts(report: WeeklyReport) -> dict[str, Markup]:
    o, t = report.outcomes, report.response
    days = [fmt.short_day(day.day) for day in report.days]
    found = {
        "volumes": bar_chart(days, [("messages de citoyens", [d.messages for d in report.days]),
                                    ("conversations", [d.conversations for d in report.days]),
                                    ("demandes transmises", [d.handoffs for d in report.days])],
                             title="Volumes par jour"),
        "outcomes": share_bar([("assistant seul", o.bot_alone), ("avec une personne", o.with_person),
                               ("autres", o.other)], title="Issue des conversations actives"),
        "resolved": share_bar([("résolues", o.resolved), ("relancées dans les 24 h",
                                                           o.answers - o.resolved - o.pending),
                               ("en attente", o.pending)], title="Réponses de la FAQ résolues"),
    }
    if t.answered:
        found["delays"] = bar_chart([label for label, _ in t.histogram], [("demandes", [n for _, n in t.histogram])],
                                    title="Délais de première réponse (heures d'ouverture)")
        medians = [d for d in t.departments if d.median_open_hours is not None]
        found["departments"] = bar_chart(
            [d.department for d in medians], [("médiane", [d.median_open_hours or 0.0 for d in medians])],
            title="Délai médian par service (heures d'ouverture)", unit=" h",
            reference=(f"objectif {fmt.decimal(t.target_hours)} h", t.target_hours))
    return {name: Markup(svg) for name, svg in found.items()}  # charts.py escapes every text


def render(template: str, **context: Any) -> str:
    return _environment.get_template(template).render(fmt=fmt, **context)


def html(report: WeeklyReport | None, *, console: bool = False, can_suggest: bool = False,
         error: str | None = None, created: str | None = None, week_label: str = "", csrf_token: str = "") -> str:
    """The report page; ``console`` adds the week picker and the editors' "create a draft" buttons."""
    return render("journal/standalone.html", report=report, console=console, can_suggest=can_suggest,
                  error=error, created=created, week_label=week_label or (report.week.label if report else ""),
                  csrf_token=csrf_token,
                  notices=notices(report) if report else [], headline=headline(report) if report else [],
                  charts=charts(report) if report and not report.empty else {})
