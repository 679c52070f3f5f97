"""The report's first lines, shared by every format: the notices and the week in a few sentences."""

from __future__ import annotations

from handoff_api.journal import formatting as fmt
from handoff_api.journal.report import WeeklyReport, resolution_complete_at

NO_ACTIVITY = "Aucune activité cette semaine : aucun message de citoyen, aucune demande transmise."


def notices(report: WeeklyReport) -> list[str]:
    found = []
    if report.in_progress:
        found.append("Semaine en cours : les chiffres sont partiels.")
    elif report.generated_at < resolution_complete_at(report.week):
        found.append("Provisoire : les réponses de dimanche n'ont pas encore eu leurs 24 heures.")
    if report.empty:
        found.append(NO_ACTIVITY)
    return found


def headline(report: WeeklyReport) -> list[str]:
    o, t = report.outcomes, report.response
    messages = sum(day.messages for day in report.days)
    lines = [
        f"{o.active} conversation(s) active(s), {messages} message(s) de citoyens, "
        f"{t.handoffs} demande(s) transmise(s) à une personne.",
        f"{fmt.percent(o.bot_alone_share)} des conversations répondues par l'assistant sans intervention "
        f"humaine ({o.bot_alone} sur {o.active}) ; {o.with_person} avec une personne.",
        f"{fmt.percent(o.resolved_share)} des réponses de la FAQ « résolues » : pas de nouveau message du citoyen "
        f"dans les 24 heures ({o.resolved} sur {o.answers - o.pending})"
        + (f", {o.pending} en attente." if o.pending else "."),
    ]
    if t.handoffs:
        lines.append(
            f"Première réponse humaine : médiane {fmt.hours(t.median_open_hours)} d'ouverture, 90e centile "
            f"{fmt.hours(t.p90_open_hours)} (horloge : {fmt.hours(t.median_wall_hours)} et "
            f"{fmt.hours(t.p90_wall_hours)}) ; objectif {fmt.decimal(t.target_hours)} h d'ouverture ; "
            f"{len(t.breaches)} dépassement(s), {t.unanswered} demande(s) encore sans réponse.")
    if report.unanswered.total:
        lines.append(f"{report.unanswered.total} question(s) sans réponse en {len(report.unanswered.groups)} "
                     "groupe(s), autant de suggestions pour la FAQ.")
    if report.rising:
        lines.append("En hausse : " + ", ".join(f"{r.label} ({r.count}, {fmt.ratio(r.ratio)})"
                                                 for r in report.rising[:3]) + ".")
    return lines
