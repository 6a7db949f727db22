from datetime import date

import pytest

from course import clock
from tests.participants.helpers import as_  # noqa: F401  (fixture)

# A Wednesday with ten holiday-free weeks before it and twelve after (no clock change
# either): cohorts that started a week or two back are running, and those that
# started six weeks back are over.
TODAY = date(2027, 9, 15)


@pytest.fixture(autouse=True)
def today():
    with clock.starting(TODAY):  # noon that day, running: rows written in turn keep their order
        yield TODAY
