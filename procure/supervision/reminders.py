"""Reminder sources of supervision: the due dates of procure.supervision.deadlines, to the
assigned supervisor (else the region's supervisors). Registered on import, from
procure.supervision.init_app."""

from procure.reminders.rules import Deadline, register
from procure.reminders.sources import (
    Fallback,
    cached,
    day_moment,
    in_window,
    owner_or,
    path_for,
    short_day,
    window_days,
)
from procure.supervision.deadlines import signal_deadlines

SIGNAL_TITLES = {
    "triage": "Triage signaal {ref} ({provider}) uiterlijk {day}",
    "investigation": "Onderzoek signaal {ref} ({provider}) afronden uiterlijk {day}",
    "follow_up": "Vervolgcontrole signaal {ref} ({provider}) op {day}",
    "measure": "Termijn maatregel bij signaal {ref} ({provider}): {day}",
    "measure_check": "Controle maatregel bij signaal {ref} ({provider}) op {day}",
}


def _signal_items(start, end):
    first, last = window_days(start, end)
    return cached(("signals", first, last), lambda: signal_deadlines(first, last))


def _signal_source(kinds: tuple[str, ...]):
    def source(start, end, user=None):
        supervisors = Fallback("supervisor", user)
        result = []
        for item in _signal_items(start, end):
            if item["kind"] not in kinds:
                continue
            due = day_moment(item["due_on"])
            if not in_window(due, start, end):
                continue
            measure = item.get("measure_id")
            result.append(
                Deadline(
                    subject_type="measure" if measure else "signal",
                    subject_id=measure or item["signal_id"],
                    due_at=due,
                    region_id=item["region_id"],
                    recipients=owner_or(item["responsible_id"], supervisors, item["region_id"]),
                    title=SIGNAL_TITLES[item["kind"]].format(
                        ref=item["reference"],
                        provider=item["provider"],
                        day=short_day(item["due_on"]),
                    ),
                    url=path_for("supervision.show", signal_id=item["signal_id"]),
                )
            )
        return result

    return source


register(
    "signal_triage",
    "Signaal: triagetermijn",
    "1d,0",
    "Een ontvangen signaal moet binnen de termijn getrieerd zijn.",
)(_signal_source(("triage",)))
register(
    "signal_investigation",
    "Signaal: onderzoekstermijn",
    "1w,1d,0",
    "Het onderzoek naar een signaal moet op de vervaldatum klaar zijn.",
)(_signal_source(("investigation",)))
register(
    "signal_follow_up",
    "Signaal: vervolgcontrole",
    "1d,0",
    "Controle van een gemonitord of overgedragen signaal.",
)(_signal_source(("follow_up",)))
register(
    "signal_measure",
    "Signaal: termijn maatregel",
    "1w,0",
    "Deadline en controle van een opgelegde maatregel.",
)(_signal_source(("measure", "measure_check")))
