from datetime import date

import pytest

from course import clock
from tests.participants.helpers import as_  # noqa: F401  (fixture)

# A Wednesday with ten holiday-free weeks before it: a cohort that started a week or
# two back on Mondays and Wednesdays meets today.
TODAY = date(2027, 9, 15)


@pytest.fixture(autouse=True)
def today():
    with clock.starting(TODAY):  # noon that day, running
        yield TODAY
