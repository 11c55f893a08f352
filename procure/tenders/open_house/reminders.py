"""Reminder sources of the open house: the deadlines of procure.tenders.open_house.deadlines,
to the responsible officer, and to the provider for the answers it owes. Registered on
import, from procure.tenders.open_house.init_app."""

from procure.auth.models import User
from procure.reminders.rules import Deadline, register
from procure.reminders.sources import Fallback, cached, owner_or, path_for, short_day, users_by
from procure.tenders.open_house.deadlines import deadlines


def _open_house_items(start, end):
    return cached(("open_house", start, end), lambda: deadlines(start, end))


def _entry(item) -> str:
    return short_day(item.entry_date) if item.entry_date else ""


OPEN_HOUSE_TITLES = {
    "application_deadline": "Aanvraagtermijn open house {ref} voor toetreding {entry} sluit",
    "assessment_deadline": "Beoordeling aanvragen open house {ref} voor toetreding {entry} "
    "({open} open)",
    "entry_moment": "Toetredingsmoment open house {ref}: {entry}",
    "continuous_assessment": "Besluit op aanvraag open house {ref} (doorlopende toetreding)",
    "response_deadline": "Aanvulling op uw aanvraag open house {ref} uiterlijk",
    "moment_update": "Update toetredingsmoment {entry} van open house {ref} versturen aan "
    "de toegangsteams en gecertificeerde instellingen",
}


def _open_house_source(kinds: tuple[str, ...]):
    def source(start, end, user=None):
        officers = Fallback("procurement", user)
        providers = None
        result = []
        for item in _open_house_items(start, end):
            if item.kind not in kinds:
                continue
            title = OPEN_HOUSE_TITLES[item.kind].format(
                ref=item.tender_reference, entry=_entry(item), open=item.open_applications
            )
            if item.kind == "response_deadline":
                # the provider must answer: its own users, nobody else's
                if providers is None:
                    providers = users_by(User.provider_id, "provider", user)
                recipients = tuple(providers.get(item.provider_id, ()))
                subject_type, subject_id = "application", item.application_id
                url = path_for("open_house.application", application_id=item.application_id)
            elif item.application_id:
                recipients = owner_or(item.officer_id, officers, item.region_id)
                subject_type, subject_id = "application", item.application_id
                url = path_for("open_house.application", application_id=item.application_id)
            elif item.kind == "moment_update":
                recipients = owner_or(item.officer_id, officers, item.region_id)
                subject_type, subject_id = "moment_update", item.entry_moment_id
                url = path_for("open_house.admissions", tender_id=item.tender_id)
            else:
                recipients = owner_or(item.officer_id, officers, item.region_id)
                subject_type, subject_id = "entry_moment", item.entry_moment_id
                url = path_for("open_house.detail", tender_id=item.tender_id)
            result.append(
                Deadline(
                    subject_type=subject_type,
                    subject_id=subject_id,
                    due_at=item.moment,
                    region_id=item.region_id,
                    recipients=recipients,
                    title=title,
                    url=url,
                    provider_id=item.provider_id if item.kind == "response_deadline" else None,
                    description=item.tender_title,
                )
            )
        return result

    return source


register(
    "open_house_application_deadline",
    "Open house: sluiting aanvraagtermijn",
    "2w,1d",
    "Laatste moment om aan te vragen voor een toetredingsmoment.",
)(_open_house_source(("application_deadline",)))
register(
    "open_house_assessment_deadline",
    "Open house: beoordelingstermijn",
    "1w,1d,0",
    "De werkgroep moet op de aanvragen van een toetredingsmoment hebben besloten.",
)(_open_house_source(("assessment_deadline", "continuous_assessment")))
register(
    "open_house_entry_moment",
    "Open house: toetredingsmoment",
    "1w",
    "Contracten van toegelaten aanbieders gaan in.",
)(_open_house_source(("entry_moment",)))
register(
    "open_house_moment_update",
    "Open house: update na het toetredingsmoment",
    "0",
    "Wie is toegetreden en wie is vertrokken, naar de toegangsteams en de gecertificeerde "
    "instellingen (zolang de update niet is verstuurd).",
)(_open_house_source(("moment_update",)))
register(
    "open_house_response_deadline",
    "Open house: termijn aanvulling (aanbieder)",
    "3d,0",
    "De aanbieder moet ontbrekende informatie aanleveren.",
)(_open_house_source(("response_deadline",)))
