"""The weekly report as Markdown (to read or paste) and as CSV (one table, filter by ``section``)."""

from __future__ import annotations

import csv
import io

from handoff_api.journal import formatting as fmt
from handoff_api.journal.report import WeeklyReport
from handoff_api.journal.summary import headline, notices
from knowledge_base.inbox_quality import Interval

CSV_FIELDS = ("section", "key", "label", "count", "value", "detail", "suggestion")


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header),
            *("| " + " | ".join(cell(value) for value in row) + " |" for row in rows), ""]


def _section(title: str, intro: str | None, header: list[str], rows: list[list[str]]) -> list[str]:
    return [title, "", *([intro, ""] if intro else []), *_table(header, rows)]


def markdown(report: WeeklyReport) -> str:
    zone, times, grouping = report.week.zone, report.response, report.unanswered
    lines = [f"# Journal des usagers — semaine {report.week.label}",
             f"{report.city} · {fmt.period(report.week.days[0], report.week.days[-1])} · "
             f"généré le {fmt.moment(report.generated_at, zone)} (heure de {zone.key.split('/')[-1]})", ""]
    lines += [f"> {notice}" for notice in notices(report)] + ([""] if notices(report) else [])
    if report.empty:
        return "\n".join(lines)
    lines += ["## En bref", "", *(f"- {item}" for item in headline(report)), ""]
    lines += _section("## Volumes par jour", None, ["jour", "conversations", "messages de citoyens",
                                                    "demandes transmises"],
                      [[fmt.day_name(d.day), str(d.conversations), str(d.messages), str(d.handoffs)]
                       for d in report.days])
    lines += _section("## Par canal", None, ["canal", "conversations", "messages", "demandes transmises"],
                      [[fmt.channel_name(c.channel), str(c.conversations), str(c.messages), str(c.handoffs)]
                       for c in report.channels])
    lines += _section("## Par service", None, ["service", "demandes transmises", "réponses de l'assistant"],
                      [[d.name, str(d.handoffs), str(d.bot_answers)] for d in report.departments])
    lines += _section(
        "## Délais de première réponse",
        f"En heures d'ouverture (objectif : {fmt.decimal(times.target_hours)} h d'ouverture).",
        ["service", "demandes", "répondues", "dépassements", "médiane (h d'ouverture)"],
        [[d.department, str(d.handoffs), str(d.answered), str(d.breaches), fmt.hours(d.median_open_hours)]
         for d in times.departments])
    if times.breaches:
        lines += _section(
            "### Dépassements de l'objectif", None,
            ["référence", "service", "canal", "créée", "échéance", "première réponse", "délai (h d'ouverture)"],
            [[b.reference, b.department, fmt.channel_name(b.channel), fmt.moment(b.created_at, zone),
              fmt.moment(b.due, zone), fmt.moment(b.first_response_at, zone) if b.first_response_at
              else "sans réponse", fmt.hours(b.open_hours)] for b in times.breaches])
    lines += _section("## Questions les plus posées (réponses de la FAQ)", None, ["entrée", "question", "réponses"],
                      [[t.faq_id, t.question, str(t.count)] for t in report.top_answers])
    lines += quality_lines(report)
    lines += _section(
        "## Questions sans réponse",
        f"{grouping.total} question(s), regroupées {grouping.method}. "
        "Chaque groupe est une suggestion de nouvelle entrée pour la FAQ.",
        ["groupe", "nombre", "exemples (anonymisés)", "suggestion", "service"],
        [[str(g.number), str(g.count), " / ".join(g.examples), g.suggestion, g.department] for g in grouping.groups])
    lines += _section(
        "## Sujets en hausse",
        "Cette semaine contre la moyenne des 4 semaines précédentes (signalé à partir de 5 et du double).",
        ["type", "sujet", "cette semaine", "moyenne 4 sem.", "hausse"],
        [[fmt.RISING_KINDS[r.kind], r.label, str(r.count), fmt.decimal(r.baseline), fmt.ratio(r.ratio)]
         for r in report.rising])
    lines += _section("## Signalements", f"{report.problems.total} signalement(s).", ["type", "nombre"],
                      [[kind, str(count)] for kind, count in report.problems.by_type])
    lines += _table(["type", "lieu", "nombre"],
                    [[kind, place, str(count)] for kind, place, count in report.problems.by_place])
    return "\n".join(lines)


def _precision(found: Interval | None) -> str:
    if found is None:
        return fmt.percent(None)
    return f"{fmt.percent(found.value)} ({fmt.percent(found.low)}–{fmt.percent(found.high)})"


def quality_lines(report: WeeklyReport) -> list[str]:
    q, b = report.quality, report.quality_before
    lines = _section(
        "## Qualité en production", "Ce que les citoyens ont vécu cette semaine (docs/feedback.md).",
        ["mesure", "valeur", "sur", "semaine précédente"],
        [["réponses automatiques (part des questions)", fmt.percent(q.automatic_share), f"{q.questions} question(s)",
          fmt.percent(b.automatic_share)],
         ["avis négatifs (« ne m'aide pas »)", fmt.percent(q.negative_rate), f"{q.answers} réponse(s) de la FAQ",
          fmt.percent(b.negative_rate)],
         ["avis négatifs parmi les avis donnés", fmt.percent(q.negative_share_of_rated), f"{q.rated} avis",
          fmt.percent(b.negative_share_of_rated)],
         ["précision des réponses relues (IC 95 %)", _precision(report.precision),
          f"{report.precision.total if report.precision else 0} réponse(s) relue(s)", ""]])
    return lines + _section(
        "## Satisfaction après l'aide d'une personne",
        "Avis donnés par les citoyens (👍 / 👎) après la clôture de leur demande.",
        ["service", "👍", "👎", "satisfaits"],
        [[d.name, str(d.positive), str(d.negative), fmt.percent(d.positive_share)] for d in report.satisfaction])


# a spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection")
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A text cell that a spreadsheet would read as a formula gets a leading ``'``; numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def csv_text(report: WeeklyReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for row in csv_rows(report):
        writer.writerow([csv_cell(value) for value in row])
    return out.getvalue()


def csv_rows(report: WeeklyReport) -> list[tuple[object, ...]]:
    o, t = report.outcomes, report.response
    rows: list[tuple[object, ...]] = [("semaine", report.week.label, report.city, None, None,
                                       "; ".join(notices(report)), None)]
    rows += [("resume", key, label, count, value, None, None) for key, label, count, value in (
        ("conversations_actives", "conversations actives", o.active, None),
        ("assistant_seul", "répondues par l'assistant sans personne", o.bot_alone, o.bot_alone_share),
        ("avec_une_personne", "transmises à une personne", o.with_person, None),
        ("reponses_faq", "réponses de la FAQ", o.answers, None),
        ("reponses_resolues", "réponses sans nouveau message dans les 24 h", o.resolved, o.resolved_share),
        ("reponses_en_attente", "réponses dont les 24 h ne sont pas écoulées", o.pending, None),
        ("demandes", "demandes transmises", t.handoffs, None),
        ("delai_mediane_h_ouverture", "délai médian (heures d'ouverture)", t.answered, t.median_open_hours),
        ("delai_p90_h_ouverture", "90e centile (heures d'ouverture)", t.answered, t.p90_open_hours),
        ("delai_mediane_h_horloge", "délai médian (heures d'horloge)", t.answered, t.median_wall_hours),
        ("objectif_h_ouverture", "objectif de première réponse", None, t.target_hours),
        ("depassements", "dépassements de l'objectif", len(t.breaches), None))]
    rows += [("jour", d.day.isoformat(), fmt.day_name(d.day), d.messages, d.conversations,
              f"demandes transmises={d.handoffs}", None) for d in report.days]
    rows += [("canal", c.channel, fmt.channel_name(c.channel), c.messages, c.conversations,
              f"demandes transmises={c.handoffs}", None) for c in report.channels]
    rows += [("service", d.department, d.name, d.handoffs, d.bot_answers, "count=demandes, value=réponses", None)
             for d in report.departments]
    rows += [("depassement", b.reference, b.department, None, b.open_hours,
              f"créée {b.created_at.isoformat()}; échéance {b.due.isoformat()}; première réponse "
              f"{b.first_response_at.isoformat() if b.first_response_at else 'aucune'}", None) for b in t.breaches]
    rows += [("faq", a.faq_id, a.question, a.count, None, None, None) for a in report.top_answers]
    q = report.quality
    rows += [("qualite", key, label, count, value, detail, None) for key, label, count, value, detail in (
        ("part_automatique", "réponses automatiques (part des questions)", q.questions, q.automatic_share,
         f"répondues={q.answered}"),
        ("avis_negatifs", "avis négatifs par réponse de la FAQ", q.answers, q.negative_rate, f"négatifs={q.negative}"),
        ("avis_negatifs_donnes", "avis négatifs parmi les avis donnés", q.rated, q.negative_share_of_rated, None),
        ("part_automatique_semaine_precedente", "réponses automatiques, semaine précédente",
         report.quality_before.questions, report.quality_before.automatic_share, None))]
    rows += [("satisfaction", d.department, d.name, d.rated, d.positive_share,
              f"pouce levé={d.positive}; pouce baissé={d.negative}", None) for d in report.satisfaction]
    rows += [("sans_reponse", g.number, g.suggestion, g.count, g.handoffs, " | ".join(g.examples),
              f"{g.suggestion} [service: {g.department}]") for g in report.unanswered.groups]
    rows += [("hausse", f"{r.kind}:{r.key}", r.label, r.count, r.baseline,
              "nouveau" if r.ratio is None else f"ratio={r.ratio:.2f}", None) for r in report.rising]
    rows += [("signalement_type", kind, kind, count, None, None, None) for kind, count in report.problems.by_type]
    rows += [("signalement_lieu", kind, place, count, None, None, None)
             for kind, place, count in report.problems.by_place]
    return rows
