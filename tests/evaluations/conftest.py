from datetime import date

import pytest

from course import clock
from tests.participants.helpers import as_  # noqa: F401  (fixture)

# A Wednesday with four holiday-free weeks before it and two after: cohorts that
# started a week or two back are running, and close a week after their last session.
TODAY = date(2027, 3, 3)


@pytest.fixture(autouse=True)
def today():
    with clock.frozen(TODAY):
        yield TODAY
