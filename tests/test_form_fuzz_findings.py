"""What the form fuzz (tests/test_form_fuzz.py) found once it reached every form, each
pinned here on its own so that it stays fixed without the whole walk."""

from datetime import date

import pytest
import time_machine
from sqlalchemy import select

from procure.core.errors import ValidationFailed
from procure.extensions import db
from procure.tenders import operations as ops
from procure.tenders.models import Objection
from tests import factories as f
from tests.finance.helpers import nob_user
from tests.finance.test_framework import build_2020
from tests.tenders.builders import officer
from tests.tenders.test_transitions import build


@pytest.mark.parametrize("provider_id", [None, 10**30, "bidder-of-another-tender"])
def test_an_objection_is_made_by_a_bidder_of_the_tender(app, provider_id):
    """A provider id the form does not offer (none, 1e30, a provider that did not bid)
    was stored as given: NOT NULL or a foreign key failed, a 500."""
    tender, moment = build("standstill")
    if provider_id == "bidder-of-another-tender":
        provider_id = f.provider("baken").id
    before = f.row_counts()
    with time_machine.travel(moment, tick=False), pytest.raises(ValidationFailed) as refused:
        ops.record_objection(
            tender, actor=officer(), provider_id=provider_id, description="Bezwaar."
        )
    assert refused.value.field == "provider_id"
    assert f.row_counts() == before


def test_the_objection_form_refuses_a_provider_it_does_not_offer(app, client):
    tender, moment = build("standstill")
    with time_machine.travel(moment, tick=False):
        f.login(client, officer())  # the session starts on the tender's clock
        before = f.row_counts()
        response = f.post(
            client,
            f"/aanbestedingen/{tender.id}/bezwaren",
            {"provider_id": "1e30", "description": "Bezwaar."},
            follow_redirects=True,
        )
    assert response.status_code == 200
    assert "Kies de inschrijver die bezwaar maakt." in response.get_data(as_text=True)
    assert f.row_counts() == before
    assert db.session.execute(select(Objection)).first() is None


def test_a_second_acknowledgement_with_empty_fields_says_why(app, client):
    """Once the municipality acknowledged the framework its form is gone; an empty post
    after that was a 422 page that showed no message at all."""
    framework = build_2020(nob_user("admin"))
    vught = nob_user("municipality")
    f.login(client, vught)
    url = f"/financien/kader/{framework.year}/bevestigen"
    first = {"acknowledged_on": date(2020, 5, 19).isoformat(), "decision_reference": "Z18"}
    assert f.post(client, url, first).status_code == 302
    before = f.row_counts()
    response = f.post(client, url, {})
    assert response.status_code == 422
    assert 'class="flash flash-error"' in response.get_data(as_text=True)
    assert f.row_counts() == before


@pytest.mark.parametrize("weight", ["NaN", "sNaN", "Infinity", "-inf"])
def test_a_criterion_weight_that_is_no_finite_number_is_refused(app, weight):
    """'NaN' parsed as a Decimal and then failed the comparison with 0: a 500."""
    from tests.tenders.builders import T0, slt_tender

    with time_machine.travel(T0, tick=False):
        tender = slt_tender(officer(), reference="WBO-NAN-2027")
    before = f.row_counts()
    with time_machine.travel(T0, tick=False), pytest.raises(ValidationFailed) as refused:
        ops.add_criterion(tender, actor=officer(), name="Prijs", weight=weight)
    assert refused.value.field == "weight"
    assert f.row_counts() == before
