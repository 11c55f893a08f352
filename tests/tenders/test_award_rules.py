"""Seed 004 (4.1): heavy care bought through an EU tender without award criteria, awarded to
every qualifying party; seed 003 (5.3.3): the two Breda SLT lots to different parties, where
a consortium and its members are one party and the refusal says why."""

from datetime import date, datetime, time

import time_machine
from sqlalchemy import select

from procure.contracts.models import Contract
from procure.core.timeutil import AMSTERDAM, local_deadline
from procure.extensions import db
from procure.organisations.models import ConsortiumMember
from procure.tenders import operations as ops
from procure.tenders import sas
from procure.tenders.models import LotAward, Tender
from tests import factories as f
from tests.tenders.builders import (
    BID,
    bid,
    lot_ids,
    officer,
    pdf,
    provider_user,
    score_all,
    slt_tender,
    to_award,
    to_dialogue,
)

T0 = datetime(2026, 2, 2, 9, 0, tzinfo=AMSTERDAM)
REGISTRATION = local_deadline(date(2026, 3, 2), time(12, 0))
BIDS = local_deadline(date(2026, 4, 1), time(12, 0))
AFTER_STANDSTILL = datetime(2026, 5, 1, 9, 0, tzinfo=AMSTERDAM)


def _heavy_care_through_pages(client) -> Tender:
    response = f.post(
        client,
        "/aanbestedingen/nieuw",
        {
            "title": "Zware jeugdhulp Noordoost-Brabant",
            "procedure": "sas_open",
            "variant": "effort",
            "contract_start": "2027-01-01",
            "duration_months": "36",
            "extension_count": "1",
            "extension_months": "12",
            "score_scale_max": "10",
            "standstill_days": "20",
            "without_award_criteria": "y",
            "registration_deadline": "2026-03-02T12:00",
            "bid_deadline": "2026-04-01T12:00",
            "task_area_id": "0",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert "/aanbestedingen/" in response.location, response.location
    tender = db.session.execute(select(Tender)).scalar_one()
    assert tender.without_award_criteria
    for number, name in ((1, "Verblijf met behandeling"), (2, "Specialistische behandeling")):
        f.post(client, f"/aanbestedingen/{tender.id}/percelen", {"number": number, "name": name})
    refused = f.post(
        client,
        f"/aanbestedingen/{tender.id}/criteria",
        {"name": "Kwaliteit", "weight": "100"},
        follow_redirects=True,
    )
    assert "zonder gunningscriteria" in refused.get_data(as_text=True)
    assert tender.criteria == []
    detail = client.get(f"/aanbestedingen/{tender.id}").get_data(as_text=True)
    assert "Gunning zonder gunningscriteria" in detail
    assert f.post(client, f"/aanbestedingen/{tender.id}/publiceren").status_code == 302
    assert db.session.get(Tender, tender.id).status == "published"
    return tender


def test_tender_without_award_criteria_is_published_and_awarded_to_every_qualifying_party(
    app,
):
    actor = officer()
    staff = app.test_client()
    with time_machine.travel(T0, tick=False):
        f.login(staff, actor)
        tender = _heavy_care_through_pages(staff)
        wanted = {"kompas": [1, 2], "linde": [1], "horizon": [2], "baken": [2]}
        for code, numbers in wanted.items():
            ops.register(
                tender,
                actor=provider_user(code),
                lot_ids=lot_ids(tender, *numbers),
                document=pdf(),
                no_exclusion_grounds=True,
                suitability_answer="Referenties zware jeugdhulp.",
            )
    with time_machine.travel(REGISTRATION, tick=False):
        ops.start_selection(tender, actor=actor)
        for reg in ops.registrations(tender):
            unfit = reg.provider.short_code == "baken"
            ops.assess_registration(
                reg,
                actor=actor,
                status="rejected" if unfit else "selected",
                reason="Geen SKJ-geregistreerde behandelaars." if unfit else "",
            )
        ops.decide_selection(tender, actor=actor, motivation="Getoetst aan de eisen.")
        ops.record_go(tender, actor=actor, go=True, motivation="Geschikte partijen.")
        ops.start_award(tender, actor=actor)
        for code, numbers in wanted.items():
            if code == "baken":
                continue
            for n in numbers:
                ops.submit_bid(
                    tender, actor=provider_user(code), lot_id=tender.lot(n).id, plan=pdf()
                )
    with time_machine.travel(BIDS, tick=False):
        f.login(staff, actor)  # the session times out between the phases
        page = staff.get(f"/aanbestedingen/{tender.id}/gunning").get_data(as_text=True)
        assert "geen rangorde" in page and "Scores opslaan" not in page
        (option,) = ops.award_options(tender)
        response = f.post(
            staff,
            f"/aanbestedingen/{tender.id}/gunning/voorlopig",
            {"option": option.key(), "motivation": "Iedere geschikte partij wordt gegund."},
        )
        assert response.status_code == 302
    with time_machine.travel(AFTER_STANDSTILL, tick=False):
        f.login(staff, actor)
        assert f.post(staff, f"/aanbestedingen/{tender.id}/gunning/definitief").status_code == 302
    awards = db.session.execute(select(LotAward).where(LotAward.tender_id == tender.id)).scalars()
    won = sorted((a.lot.number, a.provider.short_code) for a in awards)
    assert won == [(1, "kompas"), (1, "linde"), (2, "horizon"), (2, "kompas")]
    contracts = db.session.execute(select(Contract).where(Contract.tender_id == tender.id))
    assert len(contracts.scalars().all()) == 4  # the next domain gets one per winner


def test_criteria_less_tender_refuses_rules_that_limit_winners(app):
    actor = officer()
    with time_machine.travel(T0, tick=False):
        tender = ops.create_tender(
            region=f.region("wbo"),
            actor=actor,
            title="Zware jeugdhulp",
            procedure="sas_open",
            without_award_criteria=True,
            one_partner_per_lot=True,
            contract_start=date(2027, 1, 1),
            registration_deadline=REGISTRATION,
            bid_deadline=BIDS,
        )
        ops.add_lot(tender, actor=actor, number=1, name="Verblijf")
        try:
            ops.publish(tender, actor=actor)
        except ops.ValidationFailed as exc:
            assert "maximum aantal partners" in str(exc.message)
        else:
            raise AssertionError("published a criteria-less tender with one partner per lot")
        assert tender.status == "concept"


def _consortium(code="samenwest", members=("kompas", "linde")):
    consortium = f.provider(code, "Samenwerkingsverband Jeugd West-Brabant")
    consortium.is_consortium = True
    for i, member in enumerate(members):
        db.session.add(
            ConsortiumMember(
                consortium_id=consortium.id, member_id=f.provider(member).id, is_lead=i == 0
            )
        )
    db.session.commit()
    return consortium


def test_party_map_joins_consortia_and_members(app):
    consortium = _consortium()
    other = f.provider("horizon")
    ids = [consortium.id, f.provider("kompas").id, f.provider("linde").id, other.id]
    party = ops.party_map(ids)
    assert len({party[i] for i in ids[:3]}) == 1 and party[other.id] == other.id


def test_pure_rule_treats_a_consortium_and_its_member_as_one_party():
    # lot 20 and 30 in one group; 1 = consortium, 2 = its member, 3 = independent.
    rankings = {
        20: sas.rank([sas.Ranked(11, 1, 90), sas.Ranked(12, 3, 70)]),
        30: sas.rank([sas.Ranked(21, 2, 95), sas.Ranked(22, 4, 60), sas.Ranked(23, 3, 50)]),
    }
    party = {1: 1, 2: 1, 3: 3, 4: 4}
    options = {o.key() for o in sas.legal_options(rankings, [{20, 30}], party=party)}
    assert "20:1,30:2" not in options
    assert options == {"20:1,30:4", "20:3,30:2"}
    conflicts = sas.group_conflicts({20: (1,), 30: (2,)}, [{20, 30}], party)
    assert conflicts == [sas.GroupConflict(20, 1, 30, 2)]


def test_breda_slt_lots_refused_for_consortium_and_member_with_reason(app, client):
    """The demo's old case: lot 2 to the consortium, lot 3 to its member De Linde."""
    _consortium()
    actor = officer()
    tender = slt_tender(actor)
    regs = {
        "kompas": ([1], True),
        "samenwest": ([2], True),
        "linde": ([3], True),
        "gezinsplein": ([2, 3], True),
    }
    to_award(to_dialogue(tender, actor, regs), actor)
    for code, lot in (("kompas", 1), ("samenwest", 2), ("linde", 3), ("gezinsplein", 2)):
        bid(tender, code, lot)
    bid(tender, "gezinsplein", 3)
    score_all(
        tender,
        actor,
        {
            ("kompas", 1): (8, 8, 8),
            ("samenwest", 2): (9, 9, 9),
            ("gezinsplein", 2): (6, 6, 6),
            ("linde", 3): (9, 8, 8),
            ("gezinsplein", 3): (7, 7, 7),
        },
    )
    ids = {code: f.provider(code).id for code in regs}
    lot = {n: tender.lot(n).id for n in (1, 2, 3)}
    with time_machine.travel(BID, tick=False):
        keys = {o.key() for o in ops.award_options(tender)}
        forbidden = sas.AwardOption(
            {lot[1]: (ids["kompas"],), lot[2]: (ids["samenwest"],), lot[3]: (ids["linde"],)}
        )
        assert forbidden.key() not in keys
        f.login(client, actor)
        response = f.post(
            client,
            f"/aanbestedingen/{tender.id}/gunning/voorlopig",
            {"option": forbidden.key(), "motivation": "Hoogste score per perceel."},
            follow_redirects=True,
        )
        html = response.get_data(as_text=True)
        assert "Perceel 2 en 3 moeten aan verschillende partijen worden gegund" in html
        assert "is lid van de combinatie Samenwerkingsverband Jeugd West-Brabant" in html
        assert db.session.get(Tender, tender.id).status == "award"
        allowed = sas.AwardOption(
            {lot[1]: (ids["kompas"],), lot[2]: (ids["samenwest"],), lot[3]: (ids["gezinsplein"],)}
        )
        assert allowed.key() in keys
        ops.record_provisional_award(
            tender, actor=actor, winners=allowed.winners, motivation="Breda-regel toegepast."
        )
    assert db.session.get(Tender, tender.id).status == "standstill"
