"""Supervision (toezicht): signals about providers, their life cycle, notes, measures, and
heightened supervision of a provider within a region.

Who sees what:
- the declarative Scope below: only admin, supervisors, contract managers and municipality
  users of the signal's region see any signal row at all (providers and procurement
  officers see nothing, another region sees nothing);
- the finer rules (a municipality user sees only the signals its municipality logged and
  not the investigation; a confidential reporter is shown to supervisors only) live in
  procure/supervision/policy.py, the one place for them.
"""

from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from procure.auth.roles import ADMIN, CONTRACT_MANAGER, MUNICIPALITY, SUPERVISOR
from procure.core.labels import resolved
from procure.core.policy import StateMachine
from procure.core.scope import Scope
from procure.core.types import Money, UTCDateTime, utcnow
from procure.extensions import db
from procure.organisations.models import Municipality, Provider, Region

# SPEC section 2: signals are for the region's supervisors and contract managers (and a
# municipality sees the signals it logged); administrators get counts, not content.
SIGNAL_ROLES = (SUPERVISOR, CONTRACT_MANAGER, MUNICIPALITY)
CONTENT_ROLES = (SUPERVISOR, CONTRACT_MANAGER)
STAFF_ROLES = (ADMIN, SUPERVISOR, CONTRACT_MANAGER)

# -- vocabularies -------------------------------------------------------------------------

SOURCES = {
    "municipality": _l("Gemeente / toegangsteam"),
    "citizen": _l("Burger"),
    "provider": _l("Aanbieder"),
    "inspectorate": _l("Inspectie"),
    "ggd": _l("GGD"),
    "internal": _l("Intern (contractmanagement)"),
    "anonymous": _l("Anoniem"),
}
CATEGORIES = {
    "quality": _l("Kwaliteit"),
    "legitimacy": _l("Rechtmatigheid / fraude"),
    "safety": _l("Veiligheid"),
    "calamity": _l("Calamiteit"),
    "financial": _l("Financiële continuïteit"),
    "compliance": _l("Contractnaleving"),
}
URGENCIES = {"normal": _l("Normaal"), "high": _l("Hoog"), "urgent": _l("Spoed")}
URGENCY_ORDER = {"urgent": 0, "high": 1, "normal": 2}

DECISIONS = {
    "no_action": _l("Geen actie"),
    "monitor": _l("Monitoren"),
    "investigate": _l("Zelf onderzoeken"),
    "hand_over": _l("Overdragen aan een andere partij"),
}
MEASURE_KINDS = {
    "improvement_plan": _l("Verbeterplan met termijn"),
    "client_stop": _l("Cliëntenstop"),
    "financial_correction": _l("Financiële correctie"),
    "termination_advice": _l("Advies tot beëindiging"),
}
MEASURE_STATUSES = {"open": _l("Open"), "completed": _l("Afgerond"), "dropped": _l("Vervallen")}
MEASURE_OPEN = "open"  # neither completed nor dropped
NOTE_KINDS = {"note": _l("Aantekening"), "finding": _l("Bevinding")}

# -- the life cycle -----------------------------------------------------------------------

RECEIVED = "received"
TRIAGED = "triaged"
INVESTIGATING = "investigating"
OTHER_PARTY = "other_party"
MEASURES = "measures"
CLOSED = "closed"
MERGED = "merged"

# How a signal reached the system: typed in on the site or sent by another system.
CHANNEL_LABELS = {"ui": _l("via de website"), "api": _l("via de API")}

STATE_LABELS = {
    RECEIVED: _l("Ontvangen (werkvoorraad)"),
    TRIAGED: _l("Getrieerd"),
    INVESTIGATING: _l("In onderzoek"),
    OTHER_PARTY: _l("In onderzoek bij andere partij"),
    MEASURES: _l("Maatregelen"),
    CLOSED: _l("Afgehandeld"),
    MERGED: _l("Samengevoegd"),
}
SIGNAL_MACHINE = StateMachine(
    _l("signaal"),
    {
        RECEIVED: {TRIAGED, MERGED},
        # triaged: decided "monitor" (or "no action", which closes at once)
        TRIAGED: {INVESTIGATING, OTHER_PARTY, CLOSED, MERGED},
        INVESTIGATING: {OTHER_PARTY, MEASURES, CLOSED, MERGED},
        OTHER_PARTY: {INVESTIGATING, MEASURES, CLOSED, MERGED},
        MEASURES: {CLOSED},
        CLOSED: {RECEIVED},  # reopen: back on the work queue, with a reason
        MERGED: set(),
    },
    STATE_LABELS,
    audit_action="signal.state",
    column="state",
)
# A measure is open until the follow-up check finds it carried out, or it is dropped.
MEASURE_MACHINE = StateMachine(
    _l("maatregel"),
    {"open": {"completed", "dropped"}},
    {"open": _l("open"), "completed": _l("uitgevoerd"), "dropped": _l("vervallen")},
)
OPEN_STATES = (RECEIVED, TRIAGED, INVESTIGATING, OTHER_PARTY, MEASURES)
# Monitored by the region or handed to another party: the signal waits for its follow-up date.
FOLLOW_UP_STATES = (TRIAGED, OTHER_PARTY)
FINAL_STATES = (CLOSED, MERGED)


class SignalFacts:
    """What the pages say about a signal, worked out from its columns: shared by the model
    and the signal page's light row (procure.supervision.views.SignalPage), so both say the
    same. `due_on` reads `self.measures` (objects or rows with `status` and `due_on`)."""

    @property
    def state_label(self) -> str:
        return SIGNAL_MACHINE.label(self.state)

    @property
    def category_label(self) -> str:
        return resolved(CATEGORIES).get(self.category, self.category)

    @property
    def urgency_label(self) -> str:
        return resolved(URGENCIES).get(self.urgency, self.urgency)

    @property
    def source_label(self) -> str:
        return resolved(SOURCES).get(self.source, self.source)

    @property
    def channel_label(self) -> str:
        return str(CHANNEL_LABELS.get(self.channel, self.channel))

    @property
    def decision_label(self) -> str:
        return resolved(DECISIONS).get(self.triage_decision, self.triage_decision or "")

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def awaits_follow_up(self) -> bool:
        return self.state in FOLLOW_UP_STATES

    def due_on(self) -> date | None:
        """The date the current step is due: triage, investigation or follow-up."""
        if self.state == RECEIVED:
            return self.triage_due_on
        if self.state == INVESTIGATING:
            return self.investigation_due_on
        if self.state in (TRIAGED, OTHER_PARTY):
            return self.follow_up_on
        if self.state == MEASURES:
            dues = [m.due_on for m in self.measures if m.status == "open"]
            return min(dues) if dues else None
        return None

    def is_overdue(self, today: date) -> bool:
        due = self.due_on()
        return due is not None and due < today


class Signal(SignalFacts, db.Model):
    """A signal (signaal) about a provider."""

    __tablename__ = "signals"
    __scope__ = Scope(region="region_id", roles=SIGNAL_ROLES)
    __table_args__ = (
        UniqueConstraint("logged_by_id", "idempotency_key"),
        Index("ix_signals_region_state_received", "region_id", "state", "received_on"),
        # The work queue (all open states, oldest first): walked in order, no sort.
        Index("ix_signals_region_received", "region_id", "received_on", "id"),
        SIGNAL_MACHINE.constraint(),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(30), unique=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"), index=True)
    # The municipality the signal concerns (optional).
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"), index=True)
    source: Mapped[str] = mapped_column(String(20))
    received_on: Mapped[date] = mapped_column(index=True)
    category: Mapped[str] = mapped_column(String(20), index=True)
    urgency: Mapped[str] = mapped_column(String(10), default="normal", index=True)
    description: Mapped[str] = mapped_column(Text)
    reporter_name: Mapped[str | None] = mapped_column(String(200))
    reporter_contact: Mapped[str | None] = mapped_column(String(200))
    reporter_confidential: Mapped[bool] = mapped_column(default=False)

    state: Mapped[str] = mapped_column(String(20), default=RECEIVED, index=True)
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    triage_due_on: Mapped[date | None] = mapped_column(index=True)
    triage_decision: Mapped[str | None] = mapped_column(String(20))
    triage_motivation: Mapped[str | None] = mapped_column(Text)
    triaged_on: Mapped[date | None] = mapped_column()
    investigation_due_on: Mapped[date | None] = mapped_column(index=True)
    other_party: Mapped[str | None] = mapped_column(String(200))
    # Next check: for "monitor" and for a hand-over to another party.
    follow_up_on: Mapped[date | None] = mapped_column(index=True)
    outcome: Mapped[str | None] = mapped_column(Text)
    closed_on: Mapped[date | None] = mapped_column()
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("signals.id"), index=True)
    reopen_count: Mapped[int] = mapped_column(default=0)

    logged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # The municipality whose user logged the signal (a municipality sees only these).
    logged_by_municipality_id: Mapped[int | None] = mapped_column(
        ForeignKey("municipalities.id"), index=True
    )
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    channel: Mapped[str] = mapped_column(String(10), default="ui")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    region: Mapped[Region] = relationship()
    provider: Mapped[Provider] = relationship()
    contract = relationship("Contract")
    municipality: Mapped[Municipality | None] = relationship(foreign_keys=[municipality_id])
    assigned_to = relationship("User", foreign_keys=[assigned_to_id])
    logged_by = relationship("User", foreign_keys=[logged_by_id])
    merged_into: Mapped["Signal | None"] = relationship(remote_side=[id])
    notes: Mapped[list["SignalNote"]] = relationship(
        back_populates="signal", order_by="SignalNote.id", cascade="all, delete-orphan"
    )
    measures: Mapped[list["Measure"]] = relationship(
        back_populates="signal", order_by="Measure.id", cascade="all, delete-orphan"
    )
    transitions: Mapped[list["SignalTransition"]] = relationship(
        back_populates="signal", order_by="SignalTransition.id", cascade="all, delete-orphan"
    )
    attachments: Mapped[list["SignalAttachment"]] = relationship(
        back_populates="signal", order_by="SignalAttachment.id", cascade="all, delete-orphan"
    )

    def __str__(self) -> str:
        return self.reference


class SignalTransition(db.Model):
    """Every state change of a signal with its moment: the history the year overview, the
    throughput figures and the open-signals chart are computed from."""

    __tablename__ = "signal_transitions"
    __scope__ = Scope(region="region_id", roles=CONTENT_ROLES)

    id: Mapped[int] = mapped_column(primary_key=True)
    signal_id: Mapped[int] = mapped_column(ForeignKey("signals.id"), index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(Text)

    signal: Mapped[Signal] = relationship(back_populates="transitions")
    actor = relationship("User")


class SignalNote(db.Model):
    """Investigation log: notes and findings, append-only (never edited or removed)."""

    __tablename__ = "signal_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    signal_id: Mapped[int] = mapped_column(ForeignKey("signals.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10), default="note")
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    signal: Mapped[Signal] = relationship(back_populates="notes")
    author = relationship("User")

    @property
    def kind_label(self) -> str:
        return resolved(NOTE_KINDS).get(self.kind, self.kind)


class SignalAttachment(db.Model):
    __tablename__ = "signal_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    signal_id: Mapped[int] = mapped_column(ForeignKey("signals.id"), index=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"))

    signal: Mapped[Signal] = relationship(back_populates="attachments")
    file = relationship("StoredFile")


class MeasureFacts:
    """What the pages say about a measure, from its columns: shared by the model and the
    signal page's light rows (procure.supervision.views.MeasureRow)."""

    @property
    def kind_label(self) -> str:
        return resolved(MEASURE_KINDS).get(self.kind, self.kind)

    @property
    def status_label(self) -> str:
        return resolved(MEASURE_STATUSES).get(self.status, self.status)

    @property
    def is_open(self) -> bool:
        return self.status == MEASURE_OPEN

    def is_overdue(self, today: date) -> bool:
        return self.is_open and self.due_on < today


class Measure(MeasureFacts, db.Model):
    """A measure imposed on the provider because of a signal."""

    __tablename__ = "signal_measures"
    __table_args__ = (MEASURE_MACHINE.constraint(),)
    # Measures are part of the investigation: region staff only, never a municipality.
    __scope__ = Scope(region="region_id", roles=CONTENT_ROLES)

    id: Mapped[int] = mapped_column(primary_key=True)
    signal_id: Mapped[int] = mapped_column(ForeignKey("signals.id"), index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(Text)
    amount: Mapped[Decimal | None] = mapped_column(Money)  # financial correction only
    imposed_on: Mapped[date] = mapped_column()
    due_on: Mapped[date] = mapped_column(index=True)
    follow_up_on: Mapped[date | None] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(12), default="open", index=True)
    completed_on: Mapped[date | None] = mapped_column()
    result: Mapped[str | None] = mapped_column(Text)
    drop_reason: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    signal: Mapped[Signal] = relationship(back_populates="measures")
    provider: Mapped[Provider] = relationship()


class HeightenedSupervision(db.Model):
    """A period of heightened supervision (verhoogd toezicht) of a provider in a region.
    Active on day d when start_on <= d and (ended_on is None or d < ended_on)."""

    __tablename__ = "heightened_supervisions"
    __scope__ = Scope(region="region_id", roles=STAFF_ROLES)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    start_on: Mapped[date] = mapped_column()
    review_on: Mapped[date] = mapped_column(index=True)
    ended_on: Mapped[date | None] = mapped_column()
    end_reason: Mapped[str | None] = mapped_column(Text)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    provider: Mapped[Provider] = relationship()

    def active_on(self, day: date) -> bool:
        return self.start_on <= day and (self.ended_on is None or day < self.ended_on)


@event.listens_for(Session, "before_flush")
def _notes_are_append_only(session, flush_context, instances):
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, SignalNote | SignalTransition) and (
            obj in session.deleted or session.is_modified(obj)
        ):
            # Deleting the whole signal is not offered anywhere; the log is never rewritten.
            raise RuntimeError(
                "Onderzoeksaantekeningen en statushistorie zijn alleen "
                "aan te vullen, niet te wijzigen."
            )
