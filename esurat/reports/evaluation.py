"""The evaluation as the dashboard, its XLSX and its PDF show it: the period's figures, a second
period side by side, the agencies ranked, trial agencies against the others, and the charts."""

from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from esurat.reports import charts, rollout
from esurat.reports.figures import Period, compute, default_period, ranking

# (label, Figures attribute, format) in the order of the summary table.
METRICS = [
    (_("Letters sent"), "letters_sent", "int"),
    (_("Copies delivered electronically"), "electronic", "int"),
    (_("Copies sent on paper"), "paper", "int"),
    (_("Share electronic (%)"), "electronic_share", "pct"),
    (_("Letters delivered to inboxes"), "delivered", "int"),
    (_("Of which read"), "read", "int"),
    (_("Delivery to first read, median (hours)"), "read_p50", "h"),
    (_("Delivery to first read, p90 (hours)"), "read_p90", "h"),
    (_("First dispositions"), "disposed", "int"),
    (_("Delivery to disposition, median (hours)"), "dispose_p50", "h"),
    (_("Delivery to disposition, p90 (hours)"), "dispose_p90", "h"),
    (_("Dispositions due"), "due", "int"),
    (_("Done on time"), "on_time", "int"),
    (_("Done late"), "late", "int"),
    (_("Done on time (%)"), "on_time_share", "pct"),
    (_("Drafts signed"), "signed", "int"),
    (_("Time in review, median (hours)"), "review_p50", "h"),
    (_("Time in review, p90 (hours)"), "review_p90", "h"),
    (_("Time to signature, median (hours)"), "signature_p50", "h"),
    (_("Time to signature, p90 (hours)"), "signature_p90", "h"),
    (_("Working days"), "working_days", "int"),
    (_("Active officials per working day"), "active_per_day", "h"),
    (_("Opened e-Surat before 09:00 (%)"), "early_share", "pct"),
]


def periods_from(form, government) -> tuple[Period, Period]:
    """The period asked for (default: the last 30 days) and the one to compare it with (default:
    the same length just before)."""
    data = form.cleaned_data if form.is_valid() else {}
    zone = government.zone
    main = (Period(data["start"], data["end"], zone) if data.get("start")
            else default_period(government))  # fmt: skip
    other = (Period(data["compare_start"], data["compare_end"], zone)
             if data.get("compare_start") else main.before())  # fmt: skip
    return main, other


def evaluation(scope, agency, main: Period, other: Period) -> dict:
    government = scope.government
    ids = [agency.pk] if agency else (None if scope.city else sorted(scope.agency_ids))
    figures = compute(government, main, ids)
    before = compute(government, other, ids, series=False)
    ev = {
        "scope_name": agency.name if agency else government.name,
        "main": figures, "other": before, "periods": [figures, before], "metrics": METRICS,
        "ranking": ranking(government, main, ids),
    }  # fmt: skip
    if agency is None:
        stages = rollout.stages(government)
        groups = {}
        for pk, stage in stages.items():
            if ids is None or pk in ids:
                groups.setdefault(stage, []).append(pk)
        every = sum(len(ids_) for ids_ in groups.values())

        def of(stage):  # a group of every agency has the whole scope's figures: not summed twice
            ids_ = groups[stage]
            return figures if len(ids_) == every else compute(government, main, ids_, series=False)

        ev["groups"] = [
            (label, len(groups[stage]), of(stage))
            for stage, label in ((rollout.TRIAL, _("Trial agencies")),
                                 (rollout.LIVE, _("Live agencies")))
            if groups.get(stage)
        ]  # fmt: skip
    ev["charts"] = _charts(figures, ev["ranking"])
    ev["table"] = table(ev["periods"])
    ev["group_table"] = table([f for _l, _n, f in ev.get("groups", [])])
    return ev


def show(value, fmt: str) -> str:
    """A figure as the tables print it (Indonesian grouping and decimals); "–" for none."""
    if value is None:
        return "–"
    if fmt == "int":
        return number_format(value, 0, use_l10n=True, force_grouping=True)
    # number_format cuts a float's digits; the figure is rounded first (66.67 → 66,7, not 66,6).
    return number_format(round(value, 1), 1, use_l10n=True, force_grouping=True)


def table(figures: list) -> list:
    return [(label, [show(getattr(f, key), fmt) for f in figures]) for label, key, fmt in METRICS]


def _charts(f, ranked) -> dict:
    labels = [d.strftime("%d/%m") for d, *_rest in f.daily]
    return {
        "copies": charts.stacked_bars(
            "chart-copies", str(_("Copies sent per day")),
            str(_("Copies delivered electronically and sent on paper, per day of the period.")),
            labels,
            [(str(_("Electronic")), [e for _d, e, *_r in f.daily], "s-electronic"),
             (str(_("Paper")), [p for _d, _e, p, *_r in f.daily], "s-paper")],
        ),
        "activity": charts.lines(
            "chart-activity", str(_("Active officials per working day")),
            str(_("Officials who used e-Surat each working day, and how many before 09:00.")),
            labels,
            [(str(_("Active")), [a for *_r, a, _x in f.daily], "s-electronic"),
             (str(_("Before 09:00")), [x for *_r, x in f.daily], "s-early")],
        ),
        "ranking": charts.hbars(
            "chart-ranking", str(_("Share of copies sent electronically, by agency")),
            str(_("Each agency's share of its copies delivered electronically, in percent.")),
            [(r["agency"].short_name, r["electronic_share"]) for r in ranked[:15]],
        ),
    }  # fmt: skip
