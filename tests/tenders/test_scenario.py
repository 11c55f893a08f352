"""Seed 003 end to end, through the pages: the SLT tender (3 lots, the Breda lots to
different parties, one partner per lot, 5 years + 2 x 1 year, task-oriented lumpsum); four
providers register, three are selected, dialogue, sealed bids, EMVI scoring, a provider
winning both Breda lots is assigned one, standstill with an objection, award, contracts."""

import html
from datetime import date, datetime, timedelta
from io import BytesIO

import time_machine
from sqlalchemy import select

from procure.audit.models import AuditEvent
from procure.contracts.models import Contract
from procure.core.timeutil import AMSTERDAM, end_of_day
from procure.extensions import db
from procure.tenders.models import (
    Bid,
    Decision,
    LotAward,
    Objection,
    Registration,
    Score,
    Tender,
)
from tests import factories as f
from tests.tenders.builders import (
    BID,
    DIALOGUE_END,
    PDF,
    REGISTRATION,
    SLT_CRITERIA,
    SLT_LOTS,
    T0,
    edit_tender_page,
    officer,
    provider_user,
)


def _client(app, user):
    client = app.test_client()
    f.login(client, user)
    return client


def _login_all(app, inkoper, codes):
    """Log in again after each jump in time (a signed session from the future is refused)."""
    return _client(app, inkoper), {code: _client(app, provider_user(code)) for code in codes}


def _ok(response):
    assert response.status_code in (200, 302), response.status_code
    return response


def _flashes(client, path):
    return client.get(path).get_data(as_text=True)


def test_slt_tender_end_to_end(app):
    inkoper = officer()
    codes = ["kompas", "linde", "baken", "gezinsplein"]

    with time_machine.travel(T0, tick=False):
        staff, providers = _login_all(app, inkoper, codes)
        # 1. set-up
        response = f.post(
            staff,
            "/aanbestedingen/nieuw",
            {
                "reference": "WBO-SLT-2027",
                "title": "Stevig Lokaal Team (SLT)",
                "procedure": "sas_dialogue",
                "task_area_id": "0",
                "variant": "task",
                "estimated_value": "42000000.00",
                "contract_start": "2027-01-01",
                "duration_months": "60",
                "extension_count": "2",
                "extension_months": "12",
                "max_partners": "3",
                "one_partner_per_lot": "y",
                "score_scale_max": "10",
                "registration_deadline": "2026-03-02T12:00",
                "dialogue_end": "2026-06-01T17:00",
                "bid_deadline": "2026-07-01T12:00",
                "standstill_days": "20",
                "description": "",
            },
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        tender = db.session.execute(select(Tender)).scalar_one()
        assert tender.registration_deadline == REGISTRATION
        base = f"/aanbestedingen/{tender.id}"
        for number, name, areas in SLT_LOTS:
            _ok(
                f.post(
                    staff,
                    f"{base}/percelen",
                    {"number": number, "name": name, "areas": areas, "max_partners": 1},
                )
            )
        lots = {lot.number: lot.id for lot in db.session.get(Tender, tender.id).lots}
        _ok(f.post(staff, f"{base}/perceelregels", {"lots": [lots[2], lots[3]]}))
        for name, weight in SLT_CRITERIA:
            _ok(f.post(staff, f"{base}/criteria", {"name": name, "weight": weight}))
        _ok(f.post(staff, f"{base}/publiceren"))
        assert db.session.get(Tender, tender.id).status == "published"

        # 2. four providers register
        wanted = {"kompas": [1, 2, 3], "linde": [2, 3], "baken": [1], "gezinsplein": [1]}
        for code, numbers in wanted.items():
            response = f.post(
                providers[code],
                f"{base}/portaal/aanmelden",
                {
                    "lots": [lots[n] for n in numbers],
                    "no_exclusion_grounds": "y",
                    "suitability_answer": "Referenties lokale teams.",
                    "document": (BytesIO(PDF), f"aanmelding-{code}.pdf"),
                },
            )
            assert response.status_code == 302, response.get_data(as_text=True)
        assert "Uw aanmelding" in providers["linde"].get(f"{base}/portaal").get_data(as_text=True)

    # 3. selection: three of four selected
    with time_machine.travel(REGISTRATION, tick=False):
        staff, providers = _login_all(app, inkoper, codes)
        _ok(f.post(staff, f"{base}/selectie/starten"))
        regs = {
            r.provider.short_code: r.id for r in db.session.execute(select(Registration)).scalars()
        }
        for code, reg_id in regs.items():
            data = (
                {"status": "rejected", "reason": "Onvoldoende ervaring met SLT-taken."}
                if code == "baken"
                else {"status": "selected", "reason": ""}
            )
            _ok(f.post(staff, f"{base}/aanmeldingen/{reg_id}/beoordelen", data))
        _ok(
            f.post(
                staff,
                f"{base}/selectie/besluit",
                {"motivation": "Drie partijen voldoen aan alle eisen."},
            )
        )
        _ok(f.post(staff, f"{base}/go", {"go": "go", "motivation": "Voldoende markt."}))
        _ok(f.post(staff, f"{base}/dialoog/starten"))
        assert db.session.get(Tender, tender.id).status == "dialogue"

    # 4. dialogue
    with time_machine.travel(datetime(2026, 4, 15, 10, 0, tzinfo=AMSTERDAM), tick=False):
        staff, providers = _login_all(app, inkoper, codes)
        _ok(
            f.post(
                staff,
                f"{base}/dialoog/sessies",
                {
                    "held_on": "2026-04-15",
                    "topic": "Inzet SGGZ",
                    "participants": "Kompas, Linde",
                    "lots": [lots[2], lots[3]],
                    "minutes": (BytesIO(PDF), "verslag.pdf"),
                },
            )
        )
        _ok(
            f.post(
                staff,
                f"{base}/dialoog/afspraken",
                {"text": "Het SLT levert SGGZ binnen de lumpsum."},
            )
        )
        _ok(f.post(staff, f"{base}/go", {"go": "go", "motivation": "Afspraken compleet."}))
        _ok(f.post(staff, f"{base}/gunning/starten"))
        tender = db.session.get(Tender, tender.id)
        assert tender.status == "award" and tender.agreements_frozen_at is not None
        # the agreement set is frozen
        _ok(f.post(staff, f"{base}/dialoog/afspraken", {"text": "Nog een afspraak"}))
        assert len(db.session.get(Tender, tender.id).agreements) == 1

    # 5. sealed bids
    with time_machine.travel(DIALOGUE_END, tick=False):
        staff, providers = _login_all(app, inkoper, codes)
        bids = {"kompas": [1, 2, 3], "linde": [2, 3], "gezinsplein": [1]}
        for code, numbers in bids.items():
            for n in numbers:
                response = f.post(
                    providers[code],
                    f"{base}/portaal/inschrijven",
                    {
                        "lot_id": lots[n],
                        "accepts_agreements": "y",
                        "plan": (BytesIO(PDF), f"plan-{code}-{n}.pdf"),
                    },
                )
                assert response.status_code == 302, response.get_data(as_text=True)
        # the rejected party cannot bid
        response = f.post(
            providers["baken"],
            f"{base}/portaal/inschrijven",
            {"lot_id": lots[1], "accepts_agreements": "y", "plan": (BytesIO(PDF), "p.pdf")},
        )
        assert response.status_code == 403  # not selected: the refusal's own status
        assert "geselecteerd" in response.get_data(as_text=True)
        assert "verzegeld" in staff.get(f"{base}/gunning").get_data(as_text=True)
        # moving the bid deadline to the past does not open the bids before the deadline
        tender = db.session.get(Tender, tender.id)
        past = (DIALOGUE_END - timedelta(hours=1)).astimezone(AMSTERDAM)
        page = edit_tender_page(
            staff, tender, bid_deadline=past.strftime("%Y-%m-%dT%H:%M"), change_reason="x"
        )
        assert "alleen naar later" in page.get_data(as_text=True)
        sealed = db.session.execute(select(Bid)).scalars().first()
        assert staff.get(f"{base}/inschrijvingen/{sealed.id}/plan").status_code == 403

    # 6. scoring after the deadline
    scores = {
        ("kompas", 1): [7, 7, 7],
        ("gezinsplein", 1): [8, 8, 7],
        ("kompas", 2): [9, 8, 8],
        ("linde", 2): [8, 7, 7],
        ("kompas", 3): [8, 8, 8],
        ("linde", 3): [8, 7, 8],
    }
    criteria = [c.id for c in db.session.get(Tender, tender.id).criteria]
    with time_machine.travel(BID, tick=False):
        staff, providers = _login_all(app, inkoper, codes)
        # a refused third score saves none of the bid's scores (one operation)
        first = db.session.execute(select(Bid).order_by(Bid.id)).scalars().first()
        bad = {f"score-{criteria[0]}": 7, f"score-{criteria[1]}": 7, f"score-{criteria[2]}": 11}
        f.post(staff, f"{base}/inschrijvingen/{first.id}/scores", bad)
        assert db.session.execute(select(Score)).first() is None
        for bid_row in db.session.execute(select(Bid)).scalars().all():
            key = (
                bid_row.provider.short_code,
                next(n for n, i in lots.items() if i == bid_row.lot_id),
            )
            data = {f"score-{c}": s for c, s in zip(criteria, scores[key], strict=True)}
            _ok(f.post(staff, f"{base}/inschrijvingen/{bid_row.id}/scores", data))
        page = staff.get(f"{base}/gunning").get_data(as_text=True)
        assert "· 84" in page and "· 77" in page  # kompas lot 2, gezinsplein lot 1 (Dutch notation)
        pid = {p: provider_user(p).provider_id for p in bids}

        # Kompas wins both Breda lots on points: Kompas on both is not a legal option
        def option(one, two, three):
            return f"{lots[1]}:{pid[one]},{lots[2]}:{pid[two]},{lots[3]}:{pid[three]}"

        illegal = option("gezinsplein", "kompas", "kompas")
        assert f'value="{illegal}"' not in page
        _ok(f.post(staff, f"{base}/gunning/voorlopig", {"option": illegal, "motivation": "x"}))
        assert db.session.get(Tender, tender.id).status == "award"
        chosen = option("gezinsplein", "linde", "kompas")
        other = option("gezinsplein", "kompas", "linde")
        assert f'value="{chosen}"' in page and f'value="{other}"' in page
        _ok(
            f.post(
                staff,
                f"{base}/gunning/voorlopig",
                {
                    "option": chosen,
                    "motivation": "Kompas krijgt Breda Zuid (perceel 3); "
                    "Linde Breda Noord (perceel 2).",
                },
            )
        )
        tender = db.session.get(Tender, tender.id)
        assert tender.status == "standstill"
        # 20 calendar days after 1 July 2026, ending at 24:00 (Amsterdam)
        assert tender.standstill_ends_at == end_of_day(date(2026, 7, 21))
        # the rejection letter carries the award page's totals (84.00 -> 84) and its
        # standstill end as the pages write it
        letter = staff.get(
            f"/documenten/tender/{tender.id}/voorbeeld",
            query_string={"kind": "rejection_letter", "param": pid["kompas"]},
        ).get_data(as_text=True)
        assert "Uw totaalscore: 70" in letter and "Uw totaalscore: 84" in letter
        assert "21 juli 2026 om 24:00 uur" in letter

    # 7. standstill: an objection pauses the award
    with time_machine.travel(datetime(2026, 7, 10, 9, 0, tzinfo=AMSTERDAM), tick=False):
        staff, providers = _login_all(app, inkoper, codes)
        _ok(
            f.post(
                staff,
                f"{base}/bezwaren",
                {"provider_id": pid["linde"], "description": "Wij betwisten de score."},
            )
        )
    last_second = datetime(2026, 7, 21, 23, 59, 59, tzinfo=AMSTERDAM)
    with time_machine.travel(last_second, tick=False):
        staff, providers = _login_all(app, inkoper, codes)
        _ok(f.post(staff, f"{base}/gunning/definitief"))
        assert db.session.get(Tender, tender.id).status == "standstill"
    with time_machine.travel(datetime(2026, 7, 22, 0, 0, tzinfo=AMSTERDAM), tick=False):
        staff, providers = _login_all(app, inkoper, codes)
        _ok(f.post(staff, f"{base}/gunning/definitief"))
        assert db.session.get(Tender, tender.id).status == "standstill"  # objection open
        obj = db.session.execute(select(Objection)).scalar_one()
        _ok(
            f.post(
                staff,
                f"{base}/bezwaren/{obj.id}",
                {"status": "rejected", "resolution": "Score is conform het beoordelingskader."},
            )
        )
        _ok(f.post(staff, f"{base}/gunning/definitief"))
        assert db.session.get(Tender, tender.id).status == "awarded"

    # 8. definitive awards and contracts in concept
    awards = {a.lot_id: a for a in db.session.execute(select(LotAward)).scalars()}
    assert {lot: a.provider_id for lot, a in awards.items()} == {
        lots[1]: pid["gezinsplein"],
        lots[2]: pid["linde"],
        lots[3]: pid["kompas"],
    }
    assert all(a.status == "definitive" for a in awards.values())
    contracts = db.session.execute(select(Contract).order_by(Contract.lot_id)).scalars().all()
    assert [(c.lot_id, c.provider_id, c.status, c.variant, c.origin) for c in contracts] == [
        (lots[1], pid["gezinsplein"], "concept", "task", "lot_award"),
        (lots[2], pid["linde"], "concept", "task", "lot_award"),
        (lots[3], pid["kompas"], "concept", "task", "lot_award"),
    ]
    assert all(
        c.start_date == date(2027, 1, 1) and c.end_date == date(2031, 12, 31) for c in contracts
    )
    assert all(a.contract_id for a in awards.values())
    # the tender's 2 x 1 year of extension options are carried into every contract
    assert all([(o.months, o.status) for o in c.options] == [(12, "open")] * 2 for c in contracts)
    # each contract's page names what it came from: the tender, its lot and the provider
    staff = _client(app, inkoper)
    for contract, (number, lot_name, _areas) in zip(contracts, SLT_LOTS, strict=True):
        page = html.unescape(staff.get(f"/contracten/{contract.id}").get_data(as_text=True))
        assert f"WBO-SLT-2027 Stevig Lokaal Team (SLT) · perceel {number} {lot_name}" in page
        assert f"<dd>{contract.provider.name}</dd>" in page

    # 9. who decided what, when and why
    kinds = [d.kind for d in db.session.execute(select(Decision).order_by(Decision.id)).scalars()]
    assert kinds == ["selection", "go", "go", "provisional_award", "definitive_award"]
    assert all(
        d.decided_by_id == inkoper.id for d in db.session.execute(select(Decision)).scalars()
    )
    statuses = [
        e.new_values["status"]
        for e in db.session.execute(
            select(AuditEvent).where(AuditEvent.action == "tender.status").order_by(AuditEvent.id)
        ).scalars()
    ]
    assert statuses == ["published", "selection", "dialogue", "award", "standstill", "awarded"]
