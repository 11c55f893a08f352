"""Tender models shared by the SAS procedure and the open house (procure.tenders.open_house).

The SAS dialogue procedure (selection, dialogue, award) is modelled by the tables below the
Tender and Lot: award criteria, lot rules, registrations, decisions (go/no-go, selection,
provisional and definitive award), dialogue sessions, agreements, bids, scores, lot awards,
objections and market-consultation questions. State changes happen only in
procure.tenders.operations; the phase machines are in procure.tenders.policy.

Registrations and bids carry the region (denormalised from the tender) so that scoping is
one column compare; providers see only their own rows (Scope.provider).
"""

from datetime import date, datetime, timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from procure.core.labels import resolved
from procure.core.models import link_table
from procure.core.policy import in_state, states_check
from procure.core.scope import Scope
from procure.core.types import Money, UTCDateTime, utcnow
from procure.core.uploads import StoredFile
from procure.extensions import db
from procure.organisations.models import Provider, Region
from procure.tenders.policy import (
    AWARD_DECIDED,
    LOT_AWARD,
    OBJECTION,
    REGISTRATION,
    TENDER_STATES,
    machine_for,
)

PROCEDURES = ("open_house", "sas_dialogue", "sas_open")
PROCEDURE_LABELS = {
    "open_house": _l("Open house (toelatingsprocedure)"),
    "sas_dialogue": _l("SAS-procedure met dialoog"),
    "sas_open": _l("Openbare SAS-procedure met marktconsultatie"),
}
VARIANT_LABELS = {
    "task": _l("Taakgericht"),
    "effort": _l("Inspanningsgericht"),
    "output": _l("Outputgericht"),
}
REGISTRATION_STATUSES = REGISTRATION.states
REGISTRATION_LABELS = REGISTRATION.labels
DECISION_KINDS = (
    "go",
    "no_go",
    "selection",
    "provisional_award",
    "definitive_award",
    "cancel",
    "revise_award",
    "contracted",
)
DECISION_LABELS = {
    "go": _l("Go"),
    "no_go": _l("No-go"),
    "selection": _l("Definitieve selectie"),
    "provisional_award": _l("Voorlopige gunningsbeslissing"),
    "definitive_award": _l("Definitieve gunning"),
    "cancel": _l("Intrekking"),
    "revise_award": _l("Herziening gunningsbeslissing"),
    "contracted": _l("Gecontracteerd"),
}
OBJECTION_STATUSES = OBJECTION.states
OBJECTION_LABELS = OBJECTION.labels
RULE_KINDS = ("different_parties",)

_ONE_DAY = timedelta(days=1)
PERCENT = Numeric(6, 2)
SCORE = Numeric(6, 2)


class Tender(db.Model):
    __tablename__ = "tenders"
    __table_args__ = (
        Index("ix_tenders_region_created", "region_id", "created_at"),
        # The open-house list: a region's open houses by reference.
        Index("ix_tenders_region_procedure_reference", "region_id", "procedure", "reference"),
        states_check("status", TENDER_STATES),
    )
    # Providers see published tenders through their own portal queries, not this scope.
    __scope__ = Scope(region="region_id", providers_see_all=True)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    procedure: Mapped[str] = mapped_column(String(20), index=True)
    status: Mapped[str] = mapped_column(String(20), default="concept", index=True)
    task_area_id: Mapped[int | None] = mapped_column(ForeignKey("task_areas.id"), index=True)
    variant: Mapped[str] = mapped_column(String(10))
    estimated_value: Mapped[Decimal | None] = mapped_column(Money)
    contract_start: Mapped[date | None] = mapped_column()
    duration_months: Mapped[int] = mapped_column(default=60)
    extension_count: Mapped[int] = mapped_column(default=0)
    extension_months: Mapped[int] = mapped_column(default=12)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    description: Mapped[str] = mapped_column(Text, default="")

    # SAS procedure (this issue)
    max_partners: Mapped[int | None] = mapped_column()
    one_partner_per_lot: Mapped[bool] = mapped_column(default=False)
    # Seed 004 (4.1): heavy care bought "zonder gunningscriteria": no ranking, every party
    # that is selected and submits a valid bid is contracted.
    without_award_criteria: Mapped[bool] = mapped_column(default=False)
    score_scale_max: Mapped[int] = mapped_column(default=10)
    registration_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    dialogue_end: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    bid_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    standstill_days: Mapped[int] = mapped_column(default=20)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    agreements_frozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    provisional_award_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    standstill_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    awarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    status_before_cancel: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    region: Mapped[Region] = relationship()
    task_area = relationship("TaskArea")
    # Every task area the tender covers (task_area_id is the main one and is among them).
    task_areas = relationship("TaskArea", secondary="tender_task_areas", order_by="TaskArea.name")
    officer = relationship("User", foreign_keys=[officer_id])
    lots: Mapped[list["Lot"]] = relationship(back_populates="tender", order_by="Lot.number")
    criteria: Mapped[list["AwardCriterion"]] = relationship(
        back_populates="tender", order_by="AwardCriterion.position", cascade="all, delete-orphan"
    )
    lot_rules: Mapped[list["LotRule"]] = relationship(
        back_populates="tender", cascade="all, delete-orphan", order_by="LotRule.id"
    )
    decisions: Mapped[list["Decision"]] = relationship(
        back_populates="tender", order_by="Decision.id", cascade="all, delete-orphan"
    )
    agreements: Mapped[list["Agreement"]] = relationship(
        back_populates="tender", order_by="Agreement.position", cascade="all, delete-orphan"
    )
    sessions: Mapped[list["DialogueSession"]] = relationship(
        back_populates="tender", order_by="DialogueSession.held_on", cascade="all, delete-orphan"
    )

    @property
    def is_sas(self) -> bool:
        return self.procedure in ("sas_dialogue", "sas_open")

    @property
    def has_dialogue(self) -> bool:
        return self.procedure == "sas_dialogue"

    # The phase the tender is in, for what a page shows (what may be done: tenders.policy).
    is_cancelled = in_state("cancelled")
    in_selection = in_state("selection")
    in_dialogue = in_state("dialogue")
    in_award_phase = in_state(
        "award", doc="Bids are scored and the provisional award decided (before the standstill)."
    )
    award_decided = in_state(
        *AWARD_DECIDED,
        doc="The provisional award is made: standstill and objections are on record.",
    )

    @property
    def procedure_label(self) -> str:
        return resolved(PROCEDURE_LABELS).get(self.procedure, self.procedure)

    @property
    def variant_label(self) -> str:
        return resolved(VARIANT_LABELS).get(self.variant, self.variant)

    @property
    def status_label(self) -> str:
        return machine_for(self).label(self.status)

    @property
    def award_basis_label(self) -> str:
        if self.without_award_criteria:
            return str(_l("Zonder gunningscriteria: iedere partij die aan de eisen voldoet"))
        return str(_l("EMVI: beste prijs-kwaliteitverhouding"))

    @property
    def weights_total(self) -> Decimal:
        return sum((c.weight for c in self.criteria), Decimal("0"))

    @property
    def has_price(self) -> bool:
        return any(c.is_price for c in self.criteria)

    @property
    def contract_end(self) -> date | None:
        """Last day of the initial term (without extensions)."""
        if self.contract_start is None:
            return None
        from procure.tenders.sas import add_months

        return add_months(self.contract_start, self.duration_months) - _ONE_DAY

    @property
    def extension_terms(self) -> tuple[int, ...]:
        """The lengths in months of the extension options its contracts get, e.g. (12, 12)."""
        return (self.extension_months,) * self.extension_count if self.extension_months else ()

    def lot(self, number: int) -> "Lot | None":
        return next((lot for lot in self.lots if lot.number == number), None)

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class Lot(db.Model):
    __tablename__ = "lots"
    __table_args__ = (UniqueConstraint("tender_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"), index=True)
    number: Mapped[int] = mapped_column()
    name: Mapped[str] = mapped_column(String(200))
    max_partners: Mapped[int | None] = mapped_column()
    # Municipalities / SLT areas covered, as shown in the tender documents.
    areas: Mapped[str] = mapped_column(Text, default="")

    tender: Mapped[Tender] = relationship(back_populates="lots")

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


tender_task_areas = link_table(
    "tender_task_areas",
    tender_id="tenders.id",
    task_area_id="task_areas.id",
    member_cascade=True,
)
lot_rule_lots = link_table(
    "tender_lot_rule_lots",
    rule_id="tender_lot_rules.id",
    lot_id="lots.id",
    member_cascade=True,
)
registration_lots = link_table(
    "tender_registration_lots",
    registration_id="tender_registrations.id",
    lot_id="lots.id",
    member_cascade=True,
)
session_lots = link_table(
    "tender_session_lots",
    session_id="tender_dialogue_sessions.id",
    lot_id="lots.id",
    member_cascade=True,
)


class AwardCriterion(db.Model):
    """An EMVI criterion: a named quality criterion or the price, with a weight in percent."""

    __tablename__ = "tender_award_criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"), index=True)
    position: Mapped[int] = mapped_column(default=1)
    name: Mapped[str] = mapped_column(String(200))
    weight: Mapped[Decimal] = mapped_column(PERCENT)
    is_price: Mapped[bool] = mapped_column(default=False)

    tender: Mapped[Tender] = relationship(back_populates="criteria")


class LotRule(db.Model):
    """ "These lots must be awarded to different parties" (seed 003: the two Breda lots)."""

    __tablename__ = "tender_lot_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30), default="different_parties")

    tender: Mapped[Tender] = relationship(back_populates="lot_rules")
    lots: Mapped[list[Lot]] = relationship(secondary=lot_rule_lots, order_by="Lot.number")

    @property
    def lot_numbers(self) -> list[int]:
        return [lot.number for lot in self.lots]


class Registration(db.Model):
    """An aanmelding: a provider's request to take part, for one or more lots."""

    __tablename__ = "tender_registrations"
    __table_args__ = (UniqueConstraint("tender_id", "provider_id"), REGISTRATION.constraint())
    __scope__ = Scope(region="region_id", provider="provider_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"), index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="submitted", index=True)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    # Exclusion grounds (uitsluitingsgronden): the provider declares none apply.
    no_exclusion_grounds: Mapped[bool] = mapped_column(default=False)
    suitability_answer: Mapped[str] = mapped_column(Text, default="")
    assessment_reason: Mapped[str | None] = mapped_column(Text)
    assessed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assessed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    tender: Mapped[Tender] = relationship()
    provider: Mapped[Provider] = relationship()
    document: Mapped[StoredFile | None] = relationship()
    lots: Mapped[list[Lot]] = relationship(secondary=registration_lots, order_by="Lot.number")

    @property
    def status_label(self) -> str:
        return resolved(REGISTRATION_LABELS).get(self.status, self.status)

    is_rejected = in_state("rejected")
    is_selected = in_state("selected")

    @property
    def lot_numbers(self) -> list[int]:
        return [lot.number for lot in self.lots]


class Decision(db.Model):
    """A documented decision: who decided what, when and why."""

    __tablename__ = "tender_decisions"
    __scope__ = Scope(region="region_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"), index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    phase: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(30))
    motivation: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    tender: Mapped[Tender] = relationship(back_populates="decisions")
    decided_by = relationship("User")

    @property
    def kind_label(self) -> str:
        return resolved(DECISION_LABELS).get(self.kind, self.kind)


class DialogueSession(db.Model):
    __tablename__ = "tender_dialogue_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"), index=True)
    held_on: Mapped[date] = mapped_column()
    topic: Mapped[str] = mapped_column(String(300), default="")
    participants: Mapped[str] = mapped_column(Text, default="")
    minutes_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    tender: Mapped[Tender] = relationship(back_populates="sessions")
    lots: Mapped[list[Lot]] = relationship(secondary=session_lots, order_by="Lot.number")
    minutes: Mapped[StoredFile | None] = relationship()


class Agreement(db.Model):
    """An afspraak from the dialogue; the set is frozen when the dialogue phase closes."""

    __tablename__ = "tender_agreements"

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"), index=True)
    position: Mapped[int] = mapped_column()
    text: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    tender: Mapped[Tender] = relationship(back_populates="agreements")


class Bid(db.Model):
    """An inschrijving on one lot. Its content (plan, price) is sealed until the bid deadline:
    read it only through procure.tenders.operations.open_bid()."""

    __tablename__ = "tender_bids"
    __table_args__ = (UniqueConstraint("lot_id", "provider_id"),)
    __scope__ = Scope(region="region_id", provider="provider_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"), index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"))
    price: Mapped[Decimal | None] = mapped_column(Money)
    accepts_agreements: Mapped[bool] = mapped_column(default=False)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The bid deadline published when the bid was (last) submitted: no later edit of the
    # tender can make the bid readable before it.
    sealed_until: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)

    tender: Mapped[Tender] = relationship()
    lot: Mapped[Lot] = relationship()
    provider: Mapped[Provider] = relationship()
    plan: Mapped[StoredFile] = relationship()
    scores: Mapped[list["Score"]] = relationship(back_populates="bid", cascade="all, delete-orphan")


class Score(db.Model):
    __tablename__ = "tender_scores"
    __table_args__ = (UniqueConstraint("bid_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bid_id: Mapped[int] = mapped_column(ForeignKey("tender_bids.id"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("tender_award_criteria.id"), index=True)
    score: Mapped[Decimal] = mapped_column(SCORE)
    note: Mapped[str] = mapped_column(Text, default="")
    assessor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    scored_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    bid: Mapped[Bid] = relationship(back_populates="scores")
    criterion: Mapped[AwardCriterion] = relationship()


class LotAward(db.Model):
    """The (provisional, then definitive) award of one lot to one provider."""

    __tablename__ = "tender_lot_awards"
    __table_args__ = (UniqueConstraint("lot_id", "provider_id"), LOT_AWARD.constraint())
    __scope__ = Scope(region="region_id", provider="provider_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"), index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    bid_id: Mapped[int] = mapped_column(ForeignKey("tender_bids.id"))
    total: Mapped[Decimal] = mapped_column(SCORE)
    rank: Mapped[int] = mapped_column()
    status: Mapped[str] = mapped_column(String(20), default="provisional")
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    tender: Mapped[Tender] = relationship()
    lot: Mapped[Lot] = relationship()
    provider: Mapped[Provider] = relationship()
    contract = relationship("Contract")

    is_definitive = in_state("definitive")


class Objection(db.Model):
    """A bezwaar against the provisional award; an open objection pauses the award."""

    __tablename__ = "tender_objections"
    __table_args__ = (OBJECTION.constraint(),)
    __scope__ = Scope(region="region_id", provider="provider_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"), index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lots.id"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    resolution: Mapped[str | None] = mapped_column(Text)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    tender: Mapped[Tender] = relationship()
    provider: Mapped[Provider] = relationship()
    lot: Mapped[Lot | None] = relationship()

    @property
    def status_label(self) -> str:
        return resolved(OBJECTION_LABELS).get(self.status, self.status)

    is_open = in_state("open", doc="Not yet withdrawn, rejected or upheld: the award waits for it.")


class ConsultationQuestion(db.Model):
    """Market consultation / nota van inlichtingen: a question and its answer to everyone.
    The asking provider is stored but never shown to other providers."""

    __tablename__ = "tender_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"), index=True)
    number: Mapped[int] = mapped_column()
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id"), index=True)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str | None] = mapped_column(Text)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


# What a rectificatie may correct, with how its values read on the page (the kind).
RECTIFIABLE_FIELDS = {
    "title": ("text", _l("Titel")),
    "estimated_value": ("money", _l("Geraamde opdrachtwaarde")),
    "contract_start": ("date", _l("Ingangsdatum overeenkomst")),
    "duration_months": ("months", _l("Looptijd")),
    "extension_count": ("count", _l("Aantal verlengingsopties")),
    "extension_months": ("months", _l("Maanden per verlenging")),
    "bid_deadline": ("moment", _l("Deadline inschrijving")),
}
RECTIFIABLE_LOT_FIELDS = {
    "name": ("text", _l("naam")),
    "areas": ("text", _l("gemeenten / gebieden")),
    "max_partners": ("count", _l("max. partners")),
}
RECTIFIABLE_CRITERION_FIELDS = {
    "name": ("text", _l("naam")),
    "weight": ("percent", _l("gewicht")),
}


def _shown(kind: str, value) -> str:
    """A stored old or new value (JSON text) as the page shows it, through Babel."""
    from procure.core import formatting

    if value in (None, ""):
        return "—"
    if kind == "money":
        return formatting.money(Decimal(value))
    if kind == "percent":
        return formatting.percent(Decimal(value))
    if kind == "date":
        return formatting.day(date.fromisoformat(value))
    if kind == "moment":
        return formatting.moment(datetime.fromisoformat(value))
    if kind == "months":
        return str(_l("%(m)s maanden", m=value))
    return str(value)


class TenderRectification(db.Model):
    """A rectificatie: a recorded correction of a published tender's core terms (title,
    value, term, extension options, contract start, lots, award criteria), numbered per
    tender, with its reason; every registered party is notified. `changes` is a list of
    {"field", "old", "new"} (plus "lot" or "criterion" for those), values as JSON text."""

    __tablename__ = "tender_rectifications"
    __table_args__ = (UniqueConstraint("tender_id", "number"),)
    __scope__ = Scope(region="region_id", providers_see_all=True)

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"), index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    number: Mapped[int] = mapped_column()
    reason: Mapped[str] = mapped_column(Text)
    changes: Mapped[list] = mapped_column(JSON)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    tender: Mapped[Tender] = relationship()
    published_by = relationship("User")

    def lines(self) -> list[tuple[str, str, str]]:
        """(what, old, new) per change, in Dutch, values formatted for the reader."""
        out = []
        for change in self.changes:
            name = change["field"]
            if "lot" in change:
                kind, label = RECTIFIABLE_LOT_FIELDS[name]
                what = _l("Perceel %(n)s: %(what)s", n=change["lot"], what=label)
            elif "criterion" in change:
                kind, label = RECTIFIABLE_CRITERION_FIELDS[name]
                what = _l("Criterium “%(c)s”: %(what)s", c=change["criterion"], what=label)
            else:
                kind, what = RECTIFIABLE_FIELDS[name]
            out.append((str(what), _shown(kind, change["old"]), _shown(kind, change["new"])))
        return out

    @property
    def summary(self) -> str:
        """One line per change: "Geraamde opdrachtwaarde: € 1,00 → € 2,00"."""
        return "\n".join(f"{what}: {old} → {new}" for what, old, new in self.lines())
