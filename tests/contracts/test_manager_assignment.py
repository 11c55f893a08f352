"""Assigning a contract manager from the contract page: only a manager of the contract's
region; anything else is refused with a Dutch message and nothing changes. Found by the
form fuzz (tests/test_form_fuzz.py): a value that was no number silently cleared the
manager, a number of no manager was a bare 400."""

from procure.extensions import db
from tests import factories as f
from tests.contracts.helpers import lumpsum_contract


def test_only_a_manager_of_the_region_is_assigned(client, app):
    with app.test_request_context():
        contract = lumpsum_contract()
        manager = f.user("contract_manager")
        outsider = f.user("contract_manager", "e10", email="cm.e10@example.org")
        db.session.commit()
        contract_id, manager_id, outsider_id = contract.id, manager.id, outsider.id
    f.login(client, manager)
    url = f"/contracten/{contract_id}/manager"
    assert f.post(client, url, {"manager_id": str(manager_id)}).status_code == 302
    for wrong in ("bestaat-niet", "-1", "9" * 400, str(outsider_id)):
        before = f.row_counts()
        response = f.post(client, url, {"manager_id": wrong})
        assert response.status_code == 422, wrong
        assert "contractmanager" in response.get_data(as_text=True).lower()
        assert f.row_counts() == before
        db.session.expire_all()
        assert db.session.get(type(contract), contract_id).manager_id == manager_id
    assert f.post(client, url, {"manager_id": ""}).status_code == 302  # no manager
    db.session.expire_all()
    assert db.session.get(type(contract), contract_id).manager_id is None


def test_a_refused_token_name_answers_422(client):
    f.login(client, f.user("admin"))
    response = f.post(client, "/profiel", {"name": ""})
    assert response.status_code == 422
    assert "Geef het token een naam." in response.get_data(as_text=True)
