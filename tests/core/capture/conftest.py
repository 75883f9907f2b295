"""The people the capture fixtures write to and from (tests/fixtures/capture), on a fresh database."""

from __future__ import annotations

import pytest

from core.contacts import add_alternate
from core.people import add_person
from core.settings import save_profile
from tests.core.capture.support import ME


@pytest.fixture
def people(db) -> dict[str, int]:
    """Ana (two addresses: the merge kept her work one), Bob, Chloé and Dan; the profile says who 'me' is."""
    save_profile(db, email=ME)
    ids = {
        "ana": add_person(db, name="Ana Lopez", email="ana@lopez.example"),
        "bob": add_person(db, name="Bob Smith", email="bob@smith.example"),
        "chloe": add_person(db, name="Chloé Dupont", email="chloe@dupont.example"),
        "dan": add_person(db, name="Dan Okafor", email="dan@okafor.example"),
    }
    add_alternate(db, ids["ana"], "email", "ana.lopez@work.example")
    return ids
