from datetime import date

import pytest

from course import clock
from tests.participants.helpers import as_  # noqa: F401  (fixture)

# A Wednesday in a leap year, ten holiday-free weeks before it and twelve after and
# eight weeks clear of the clock change: the four course weeks of a running cohort,
# and days ten days ahead, are plain working days.
TODAY = date(2028, 8, 30)


@pytest.fixture(autouse=True)
def today():
    with clock.starting(TODAY):  # noon that day, running: rows written in turn keep their order
        yield TODAY
