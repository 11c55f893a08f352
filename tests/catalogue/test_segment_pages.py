"""Managing segments through the pages (issue 19 item 6): an editor creates a segment and
changes its name, description and account holder; a refused account holder shows the
Dutch message next to the field and changes nothing; the product card form sets a card's
segment and parental contribution; roles that may not manage get 403."""

import re
from datetime import date

import pytest
from sqlalchemy import select

from procure.audit.models import AuditEvent
from procure.catalogue.models import Product, Segment
from procure.extensions import db
from tests import factories as f
from tests.catalogue.helpers import product as make_product
from tests.catalogue.helpers import task_area


def _editor(client, region="e10"):
    user = f.user("procurement", region, email=f"inkoop.{region}@example.org")
    assert f.login(client, user).status_code == 302
    return user


def _segment(region="e10", code="1", name="verblijf"):
    return db.session.execute(
        select(Segment).where(Segment.region_id == f.region(region).id, Segment.code == code)
    ).scalar() or _create(region, code, name)


def _create(region, code, name):
    from procure.catalogue import operations as ops

    segment = ops.create_segment(f.region(region).id, code=code, name=name)
    db.session.commit()
    return segment


def _field_error(html: str, field: str) -> str:
    """The error text shown next to `field` (the field's wrapper with its error)."""
    match = re.search(
        rf'<div class="field has-error">(?:(?!</div>).)*?id="{field}"(?:(?!</div>).)*?'
        r'<small class="error">([^<]+)</small>',
        html,
        re.S,
    )
    assert match, f"no error next to {field}"
    return match.group(1)


def test_an_editor_creates_a_segment_and_sets_its_account_holder(app, client):
    editor = _editor(client)
    assert 'href="/catalogus/segmenten/nieuw"' in client.get("/catalogus/segmenten").get_data(
        as_text=True
    )
    response = f.post(
        client,
        "/catalogus/segmenten/nieuw",
        {"code": "2", "name": "wonen", "description": "Wonen met begeleiding."},
    )
    assert response.status_code == 302
    segment = db.session.execute(select(Segment).where(Segment.code == "2")).scalar_one()
    assert response.location.endswith(f"/catalogus/segmenten/{segment.id}/bewerken")
    assert (segment.region_id, segment.name, segment.description) == (
        editor.region_id,
        "wonen",
        "Wonen met begeleiding.",
    )
    # The same code again: refused with the Dutch message next to the code, input kept.
    response = f.post(client, "/catalogus/segmenten/nieuw", {"code": "2", "name": "anders"})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "al een segment met code 2" in _field_error(html, "code")
    assert 'value="anders"' in html

    holder = f.user("contract_manager", "e10", email="accounthouder.e10@example.org")
    f.user("contract_manager", "wbo", email="elders.wbo@example.org")
    page = client.get(f"/catalogus/segmenten/{segment.id}/bewerken").get_data(as_text=True)
    assert f'<option value="{holder.id}">' in page
    assert "elders.wbo" not in page and "Contract_Manager" in page  # the region's staff only
    response = f.post(
        client,
        f"/catalogus/segmenten/{segment.id}/bewerken",
        {"name": "wonen en verblijf", "description": "", "account_holder_id": str(holder.id)},
    )
    assert response.status_code == 302
    db.session.expire_all()
    segment = db.session.get(Segment, segment.id)
    assert (segment.name, segment.account_holder_id) == ("wonen en verblijf", holder.id)
    actions = set(
        db.session.scalars(
            select(AuditEvent.action).where(
                AuditEvent.object_type == "Segment", AuditEvent.actor_id == editor.id
            )
        )
    )
    assert actions == {"segment.created", "segment.updated", "segment.account_holder"}
    html = client.get("/catalogus/segmenten").get_data(as_text=True)
    assert "wonen en verblijf" in html and holder.name in html


@pytest.mark.parametrize("who", ["other-region", "provider", "inactive", "no-id", "huge"])
def test_a_refused_account_holder_changes_nothing(app, client, who):
    _editor(client)
    segment = _segment()
    if who == "other-region":
        value = str(f.user("contract_manager", "wbo", email="cm.wbo@example.org").id)
    elif who == "provider":
        value = str(f.user("provider", email="aanbieder@example.org").id)
    elif who == "inactive":
        from procure.auth.models import User

        user = f.user("supervisor", "e10", email="weg.e10@example.org")
        db.session.get(User, user.id).active = False
        db.session.commit()
        value = str(user.id)
    else:
        value = "abc" if who == "no-id" else str(10**30)
    before = f.row_counts()
    response = f.post(
        client,
        f"/catalogus/segmenten/{segment.id}/bewerken",
        {"name": "nieuwe naam", "description": "", "account_holder_id": value},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "actieve medewerker van de regio" in _field_error(html, "account_holder_id")
    assert 'value="nieuwe naam"' in html  # the input is kept
    assert f.row_counts() == before
    db.session.expire_all()
    assert db.session.get(Segment, segment.id).name == "verblijf"


def test_a_product_card_with_a_segment_and_parental_contribution(app, client):
    _editor(client)
    area = task_area("e10")
    segment = _segment()
    other = _segment("wbo", "1", "elders")
    page = client.get("/catalogus/nieuw").get_data(as_text=True)
    assert f'<option value="{segment.id}">' in page and f'value="{other.id}"' not in page
    form = {
        "code": "45A01",
        "name": "Ambulante begeleiding",
        "task_area_id": str(area.id),
        "variant": "effort",
        "unit": "uur",
        "price": "60,00",
        "valid_from": "2026-01-01",
        "segment_id": str(segment.id),
        "parental_contribution": "y",
    }
    # A segment of another region is refused next to the field.
    response = f.post(client, "/catalogus/nieuw", {**form, "segment_id": str(other.id)})
    assert response.status_code == 422
    assert "Onbekend segment" in _field_error(response.get_data(as_text=True), "segment_id")
    response = f.post(client, "/catalogus/nieuw", form)
    assert response.status_code == 302
    card = db.session.execute(select(Product).where(Product.code == "45A01")).scalar_one()
    assert (card.segment_id, card.parental_contribution) == (segment.id, True)
    html = client.get("/catalogus/segmenten").get_data(as_text=True)
    row = re.search(r'<tr data-segment="1">(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r'<td class="num">([^<]*)</td>', row)[0] == "1"


def test_editing_a_fixed_card_segment_makes_a_new_version(app, client):
    editor = _editor(client)
    segment = _segment()
    card = make_product("45A02", region_code="e10")
    assert card.segment_id is None and not card.parental_contribution
    page = client.get(f"/catalogus/{card.id}/bewerken").get_data(as_text=True)
    assert 'name="parental_contribution"' in page
    response = f.post(
        client,
        f"/catalogus/{card.id}/bewerken",
        {
            "name": card.name,
            "task_area_id": str(card.task_area_id),
            "variant": card.variant,
            "unit": card.unit,
            "valid_from": "2026-04-01",
            "description": card.description,
            "segment_id": str(segment.id),
            "parental_contribution": "y",
        },
    )
    assert response.status_code == 302
    versions = db.session.scalars(
        select(Product).where(Product.code == "45A02").order_by(Product.version)
    ).all()
    assert [(v.version, v.segment_id, v.parental_contribution) for v in versions] == [
        (1, None, False),
        (2, segment.id, True),
    ]
    assert versions[1].valid_from == date(2026, 4, 1) and editor.region_id == card.region_id


@pytest.mark.parametrize("role", ["contract_manager", "supervisor", "municipality", "provider"])
def test_roles_that_may_not_manage_segments_get_403(app, client, role):
    segment = _segment()
    kwargs = {"email": f"{role}.x@example.org"}
    region = {"provider": None, "municipality": "wbo"}.get(role, "e10")  # Breda is in wbo
    user = f.user(role, **kwargs) if region is None else f.user(role, region, **kwargs)
    assert f.login(client, user).status_code == 302
    if role in ("contract_manager", "supervisor"):  # they read the overview, without links
        html = client.get("/catalogus/segmenten").get_data(as_text=True)
        assert "/catalogus/segmenten/nieuw" not in html and "/bewerken" not in html
    before = f.row_counts()
    for path, data in (
        ("/catalogus/segmenten/nieuw", {"code": "9", "name": "x"}),
        (f"/catalogus/segmenten/{segment.id}/bewerken", {"name": "x"}),
    ):
        assert client.get(path).status_code == 403
        assert f.post(client, path, data).status_code == 403
    assert f.row_counts() == before


def test_an_editor_of_another_region_may_not_edit_the_segment(app, client):
    segment = _segment()
    _editor(client, "wbo")
    path = f"/catalogus/segmenten/{segment.id}/bewerken"
    assert client.get(path).status_code in (403, 404)
    assert f.post(client, path, {"name": "x"}).status_code in (403, 404)
