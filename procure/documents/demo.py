"""Demo data for documents: a region-specific clause version and the document choices of the
demo contracts, so generated contracts show optional articles in use. Idempotent. Documents
themselves are generated on demand (WeasyPrint is too slow to run at every demo load)."""

from sqlalchemy import select

from procure.contracts.models import Contract
from procure.documents import operations as ops
from procure.documents.models import ClauseVersion, DocumentChoices
from procure.extensions import db
from procure.organisations.models import Region

E10_SOCIAL_RETURN = (
    "Opdrachtnemer besteedt ten minste 2 procent van de jaarlijkse contractwaarde aan social "
    "return: werk, stages of leerwerkplekken voor inwoners van de gemeenten van {{ regio }} "
    "met een afstand tot de arbeidsmarkt, bij voorkeur jongeren die jeugdhulp hebben "
    "ontvangen.\n\n"
    "Opdrachtnemer legt jaarlijks voor 1 april verantwoording af over de invulling in het "
    "voorgaande jaar in de verantwoordingsdialoog met het contractmanagement."
)

CHOICES = {
    "wbo": ["optional.revision", "optional.spending_room", "optional.bibob"],
    "e10": ["optional.revision", "optional.age_18", "optional.social_return"],
    "svj": ["optional.insufficient_effort", "optional.bibob"],
}


def load() -> None:
    regions = {r.short_code: r for r in db.session.execute(select(Region)).scalars()}
    e10 = regions.get("e10")
    if (
        e10 is not None
        and db.session.execute(
            select(ClauseVersion).filter_by(region_id=e10.id, key="optional.social_return")
        ).first()
        is None
    ):
        ops.save_clause(
            e10,
            "optional.social_return",
            title="Social return",
            body=E10_SOCIAL_RETURN,
            note="Regionale afspraak social return (demo)",
        )
    by_id = {r.id: code for code, r in regions.items()}
    done = {
        rid
        for (rid,) in db.session.execute(
            select(DocumentChoices.record_id).where(DocumentChoices.record_type == "contract")
        )
    }
    contracts = (
        db.session.execute(select(Contract).where(Contract.origin != "custom")).scalars().all()
    )
    for contract in contracts:
        if contract.id in done:
            continue
        articles = CHOICES.get(by_id.get(contract.region_id), [])
        ops.set_choices(
            "contract", contract.id, region_id=contract.region_id, optional_articles=articles
        )
