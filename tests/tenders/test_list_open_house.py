"""The tender list shows every procedure: an open house links to the open-house page, and the
API lists it with its procedure type."""

from procure.extensions import db
from procure.tenders.models import Tender
from tests import factories as f
from tests.tenders.builders import officer


def test_open_house_is_listed_and_linked(app, client):
    region = f.region("wbo")
    house = Tender(
        reference="WBO-OH-2027",
        title="Open house jeugdhulp",
        region_id=region.id,
        procedure="open_house",
        status="published",
        variant="effort",
    )
    sas = Tender(
        reference="WBO-SLT-2027",
        title="SLT",
        region_id=region.id,
        procedure="sas_dialogue",
        status="concept",
        variant="task",
    )
    db.session.add_all([house, sas])
    db.session.commit()
    actor = officer()
    f.login(client, actor)
    html = client.get("/aanbestedingen/").get_data(as_text=True)
    if "open_house.detail" in app.view_functions:
        assert f'href="/open-house/{house.id}"' in html
    else:  # the open-house package is optional: then the row is listed without a link
        assert 'href="#">WBO-OH-2027' in html
    assert f'href="/aanbestedingen/{sas.id}"' in html
    assert "open voor aanvragen" in html  # the open house's own status label
    assert client.get(f"/aanbestedingen/{house.id}").status_code == 404  # not an SAS page
    data = client.get(
        "/api/v1/tenders?per_page=10", headers=f.bearer(f.api_token(actor))
    ).get_json()
    assert sorted((t["reference"], t["procedure"]) for t in data["items"]) == [
        ("WBO-OH-2027", "open_house"),
        ("WBO-SLT-2027", "sas_dialogue"),
    ]
    data = client.get(
        "/api/v1/tenders?procedure=open_house", headers=f.bearer(f.api_token(actor))
    ).get_json()
    assert [t["reference"] for t in data["items"]] == ["WBO-OH-2027"]
