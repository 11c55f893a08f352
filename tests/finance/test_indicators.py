"""Indicators and waiting times: the seeds' figures, values by form, CSV (all or nothing,
every error listed) and API, shown against the target with a trend."""

import io
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from procure.extensions import db
from procure.finance import operations as ops
from procure.finance import queries as q
from procure.finance.models import Indicator, IndicatorValue, WaitingTime
from tests import factories as f


def _indicator(admin, region, **kwargs):
    values = {
        "code": "wachttijd-gemiddeld",
        "name": "Gemiddelde wachttijd in dagen",
        "unit": "days",
        "direction": "down",
        "target_value": "60",
        "target_period": "2029",
    } | kwargs
    return ops.create_indicator(region=region, actor=admin, **values)


def test_demo_carries_seed_001_monitor_and_seed_000_waiting_times(demo):
    from procure.organisations.models import Region

    e10 = db.session.execute(select(Region).filter_by(short_code="e10")).scalar_one()
    in_care = db.session.execute(
        select(Indicator).filter_by(region_id=e10.id, code="jeugdigen-in-zorg")
    ).scalar_one()
    regional, per = q.indicator_series(in_care, None)
    assert [(v.period, v.value) for v in regional] == [
        ("2022", Decimal("9018.00")),
        ("2023", Decimal("9211.00")),
        ("2024", Decimal("9549.00")),
    ]
    assert per["Helmond"] == {"2022": 2605, "2023": 2642, "2024": 2680}
    assert per["Gemert-Bakel"]["2024"] == 706
    assert q.trend(regional) == "up"
    svj = db.session.execute(select(Region).filter_by(short_code="svj")).scalar_one()
    wait = db.session.execute(
        select(Indicator).filter_by(region_id=svj.id, code="wachttijd-gemiddeld")
    ).scalar_one()
    series = [(v.period, str(v.value)) for v in q.indicator_series(wait, None)[0]]
    assert series[0] == ("2023-Q2", "54.62") and series[-1] == ("2024-Q3", "98.73")
    assert len(series) == 6
    waiting = db.session.execute(
        select(IndicatorValue)
        .join(Indicator)
        .where(Indicator.region_id == svj.id, Indicator.code == "wachtenden")
    ).scalar_one()
    assert (waiting.period, waiting.value) == ("2024-01-30", Decimal("714.00"))
    started = {
        i.code: q.indicator_series(i, None)[0][-1].value
        for i in q.indicators(svj.id)
        if i.code in ("nieuwe-trajecten", "wachttijd-nieuwe-trajecten")
    }
    assert started == {"nieuwe-trajecten": 964, "wachttijd-nieuwe-trajecten": 75}


def test_indicator_csv_import_is_all_or_nothing_and_lists_every_error(client):
    admin = f.user("admin", "svj")
    region = f.region("svj")
    _indicator(admin, region)
    f.login(client, admin)
    bad = (
        "indicator;period;value;municipality\n"
        "wachttijd-gemiddeld;2023-Q2;54,62;\n"
        "wachttijd-gemiddeld;2023-Q5;62,35;\n"
        "onbekend;2023-Q4;81,05;\n"
        "wachttijd-gemiddeld;2024-Q1;81,89;Breda\n"
    )
    response = f.post(
        client,
        "/financien/indicatoren/import",
        {"file": (io.BytesIO(bad.encode()), "waarden.csv")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Niets geïmporteerd: 3 fout(en) in het bestand." in page
    assert "Regel 3:" in page and "Regel 4:" in page and "Regel 5:" in page
    assert "Regel 2:" not in page
    assert db.session.execute(select(func.count(IndicatorValue.id))).scalar_one() == 0
    good = (
        "indicator;period;value;municipality\n"
        "wachttijd-gemiddeld;2023-Q2;54,62;\n"
        "wachttijd-gemiddeld;2023-Q3;62,35;\n"
        "wachttijd-gemiddeld;2024-Q3;98,73;Eindhoven\n"
    )
    f.post(
        client,
        "/financien/indicatoren/import",
        {"file": (io.BytesIO(good.encode()), "waarden.csv")},
        content_type="multipart/form-data",
    )
    assert db.session.execute(select(func.count(IndicatorValue.id))).scalar_one() == 3
    page = client.get("/financien/indicatoren/wachttijd-gemiddeld").get_data(as_text=True)
    assert "62,35" in page and "stijgend" in page and "niet op koers" in page
    assert "<desc>" in page  # the chart's text alternative


def test_indicator_value_by_form_and_api(client):
    admin = f.user("admin", "svj")
    region = f.region("svj")
    _indicator(admin, region)
    f.login(client, admin)
    response = f.post(
        client,
        "/financien/indicatoren/wachttijd-gemiddeld",
        {"period": "2024-13", "value": "81,05", "municipality": ""},
    )
    assert response.status_code == 422 and "JJJJ-Qn" in response.get_data(as_text=True)
    assert "81,05" in response.get_data(as_text=True)  # input kept
    response = f.post(
        client,
        "/financien/indicatoren/wachttijd-gemiddeld",
        {"period": "2023-Q4", "value": "81,05", "municipality": ""},
    )
    assert response.status_code == 302
    token = f.bearer(f.api_token(admin))
    created = client.post(
        "/api/v1/finance/indicators/wachttijd-gemiddeld/values",
        json={"period": "2024-Q1", "value": "81.89"},
        headers=token,
    )
    assert created.status_code == 201
    refused = client.post(
        "/api/v1/finance/indicators/wachttijd-gemiddeld/values",
        json={"period": "2024-Q2", "value": 87.03},
        headers=token,
    )
    assert refused.status_code == 422
    items = client.get("/api/v1/finance/indicators", headers=token).get_json()["items"]
    assert [v["value"] for v in items[0]["values"]] == ["81.05", "81.89"]
    municipality = f.user("municipality", "svj", municipality_name="Eindhoven")
    forbidden = client.post(
        "/api/v1/finance/indicators/wachttijd-gemiddeld/values",
        json={"period": "2024-Q2", "value": "87.03"},
        headers=f.bearer(f.api_token(municipality)),
    )
    assert forbidden.status_code == 403


def test_waiting_times_import_and_share_of_providers_in_time(client):
    admin = f.user("admin", "svj")
    f.provider("kompas")
    f.provider("brug")
    f.provider("linde")
    f.login(client, admin)
    bad = (
        "provider;category;period;average_days;waiting;updated_on\n"
        "kompas;Ambulante hulp;2024-09;75;120;2024-09-20\n"
        "niemand;Verblijf;2024-09;99;10;2024-09-01\n"
        "brug;Behandeling;2024-9-1;;5;2024-09-01\n"
    )
    response = f.post(
        client,
        "/financien/wachttijden/import",
        {"file": (io.BytesIO(bad.encode()), "w.csv")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Niets geïmporteerd: 2 fout(en) in het bestand." in page
    assert "Regel 3:" in page and "Regel 4:" in page and "Regel 2:" not in page
    assert db.session.execute(select(func.count(WaitingTime.id))).scalar_one() == 0
    good = (
        "provider;category;period;average_days;waiting;updated_on\n"
        "kompas;Ambulante hulp;2024-09;75;120;2024-09-20\n"
        "brug;Behandeling;2024-09;99;40;2024-09-25\n"
        "linde;Verblijf;2024-09;140;10;2024-07-01\n"
    )
    f.post(
        client,
        "/financien/wachttijden/import",
        {"file": (io.BytesIO(good.encode()), "w.csv")},
        content_type="multipart/form-data",
    )
    summary = q.waiting_summary(f.region("svj"), date(2024, 9, 1), None)
    assert (summary.providers_in_time, summary.providers_expected) == (2, 3)
    assert summary.in_time_pct == Decimal("66.7")
    assert summary.average_days == Decimal("84.47")  # weighted by the number waiting
    page = client.get("/financien/wachttijden?maand=2024-09").get_data(as_text=True)
    assert "2 van 3 aanbieders" in page
    api = client.get(
        "/api/v1/finance/waiting-times?month=2024-09", headers=f.bearer(f.api_token(admin))
    ).get_json()
    assert api["in_time_pct"] == "66.7" and api["waiting"] == 170


def test_imports_refuse_a_binary_file_and_read_excels_windows_1252(client):
    """Found by the form fuzz (tests/test_form_fuzz.py): a file that is no UTF-8 was a 500."""
    admin = f.user("admin", "svj")
    region = f.region("svj")
    _indicator(admin, region)
    f.provider("kompas")
    f.login(client, admin)
    for url in ("/financien/indicatoren/import", "/financien/wachttijden/import"):
        response = f.post(
            client,
            url,
            {"file": (io.BytesIO(b"MZ\x90\x00\x03\x00 geen CSV"), "waarden.csv")},
            content_type="multipart/form-data",
            follow_redirects=True,
        )
        assert response.status_code == 200
        assert "binaire gegevens" in response.get_data(as_text=True)
    excel = (
        "provider;category;period;average_days;waiting;updated_on\n"
        "kompas;Begeleiding één;2024-09;75;120;2024-09-20\n"
    ).encode("cp1252")
    f.post(
        client,
        "/financien/wachttijden/import",
        {"file": (io.BytesIO(excel), "w.csv")},
        content_type="multipart/form-data",
    )
    stored = db.session.execute(select(WaitingTime)).scalar_one()
    assert stored.category == "Begeleiding één"
    assert db.session.execute(select(func.count(IndicatorValue.id))).scalar_one() == 0
