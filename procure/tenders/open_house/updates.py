"""The update after an entry moment (seed 001): which providers joined, which added products
and which left, for the access teams and the certified institutions of the region, as a PDF
and an Excel workbook attached to one e-mail per recipient.

`moment_changes` is the one definition of "joined" and "left" (the admissions page shows
the same); sending and recording are in operations/updates.py."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from procure.contracts.models import Contract, ContractedProduct
from procure.core.formatting import day
from procure.core.spreadsheets import Sheet, xlsx_bytes
from procure.extensions import db
from procure.tenders.open_house.models import (
    Admission,
    Application,
    EntryMoment,
    MomentUpdate,
    UpdateRecipient,
)
from procure.tenders.open_house.policy import OPEN_APPLICATION_STATUSES


@dataclass
class MomentChanges:
    moment: EntryMoment
    joined: list[Admission] = field(default_factory=list)
    extended: list[ContractedProduct] = field(default_factory=list)
    left: list[Admission] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.joined or self.extended or self.left)


def previous_entry_date(moment: EntryMoment) -> date | None:
    return db.session.execute(
        select(func.max(EntryMoment.entry_date)).where(
            EntryMoment.tender_id == moment.tender_id,
            EntryMoment.entry_date < moment.entry_date,
        )
    ).scalar()


def moment_changes(moment: EntryMoment) -> MomentChanges:
    """Joined: admissions starting on the moment. Extended: products added on the moment
    to an admission that started earlier. Left: admissions that ended since the previous
    moment, up to the day before this one."""
    previous = previous_entry_date(moment)
    admissions = (
        db.session.execute(
            select(Admission)
            .where(Admission.tender_id == moment.tender_id)
            .options(joinedload(Admission.provider), joinedload(Admission.category))
            .order_by(Admission.id)
        )
        .scalars()
        .all()
    )
    joined = [a for a in admissions if a.start_date == moment.entry_date]
    left = [
        a
        for a in admissions
        if a.end_date is not None
        and a.end_date < moment.entry_date
        and (previous is None or a.end_date >= previous)
    ]
    started_before = {
        (a.contract_id, a.category_id) for a in admissions if a.start_date < moment.entry_date
    }
    extended = [
        row
        for row in db.session.execute(
            select(ContractedProduct)
            .join(Contract, Contract.id == ContractedProduct.contract_id)
            .where(
                Contract.region_id == moment.region_id,
                ContractedProduct.effective_from == moment.entry_date,
                ContractedProduct.category_id.is_not(None),
            )
            .options(joinedload(ContractedProduct.product), joinedload(ContractedProduct.category))
            .order_by(ContractedProduct.id)
        ).scalars()
        if (row.contract_id, row.category_id) in started_before
        and row.category.tender_id == moment.tender_id
    ]
    return MomentChanges(moment=moment, joined=joined, extended=extended, left=left)


def open_applications(moment: EntryMoment) -> int:
    return db.session.execute(
        select(func.count(Application.id)).where(
            Application.entry_moment_id == moment.id,
            Application.status.in_(OPEN_APPLICATION_STATUSES),
        )
    ).scalar_one()


def sent_update(moment: EntryMoment) -> MomentUpdate | None:
    return db.session.execute(
        select(MomentUpdate).where(MomentUpdate.entry_moment_id == moment.id)
    ).scalar()


def active_recipients(region_id: int) -> list[UpdateRecipient]:
    return list(
        db.session.execute(
            select(UpdateRecipient)
            .where(UpdateRecipient.region_id == region_id, UpdateRecipient.active.is_(True))
            .order_by(UpdateRecipient.kind, UpdateRecipient.name)
        ).scalars()
    )


def _provider_name(contract_id: int) -> str:
    from procure.contracts.models import Contract

    contract = db.session.get(Contract, contract_id)
    return contract.provider.name if contract is not None else ""


def rows(changes: MomentChanges) -> dict[str, list[list]]:
    """The lines of both attachments, in Dutch, per section."""
    return {
        "joined": [
            [a.provider.name, a.category.code, a.category.name, a.start_date]
            for a in changes.joined
        ],
        "extended": [
            [
                _provider_name(r.contract_id),
                r.category.code,
                f"{r.product.code} {r.product.name}",
                r.effective_from,
            ]
            for r in changes.extended
        ],
        "left": [
            [a.provider.name, a.category.code, a.category.name, a.end_date] for a in changes.left
        ],
    }


def workbook(changes: MomentChanges) -> bytes:
    lines = rows(changes)
    return xlsx_bytes(
        Sheet("Toegetreden", ["Aanbieder", "Code", "Categorie", "Met ingang van"], lines["joined"]),
        Sheet(
            "Producten toegevoegd",
            ["Aanbieder", "Code", "Product", "Met ingang van"],
            lines["extended"],
        ),
        Sheet("Vertrokken", ["Aanbieder", "Code", "Categorie", "Einddatum"], lines["left"]),
    )


def document(changes: MomentChanges) -> bytes:
    from procure.documents.engine import DocumentMeta, render_pdf

    moment = changes.moment
    tender = moment.tender
    title = f"Update toetredingsmoment {day(moment.entry_date)}"
    meta = DocumentMeta(
        title=title,
        author=tender.region.name,
        subject=tender.title,
        reference=tender.reference,
        region_name=tender.region.name,
        created=moment.entry_date,
    )
    rendered = render_pdf(
        "documents/moment_update.html",
        {"tender": tender, "moment": moment, "lines": rows(changes), "title": title},
        meta,
    )
    return rendered.pdf


def file_stem(moment: EntryMoment) -> str:
    return f"update-toetreding-{moment.tender.reference}-{moment.entry_date.isoformat()}"
