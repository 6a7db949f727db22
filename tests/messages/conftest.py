from datetime import date

import pytest

from course import clock
from tests.participants.helpers import as_  # noqa: F401  (fixture)

# A Wednesday in the long holiday-free stretch between Whit Monday and Christmas, seven
# weeks clear of the change to winter time (as in the cohort tests): a cohort made today
# starts on Tuesday 28 September; one that started weeks back runs on Mondays and
# Wednesdays, with a session today.
TODAY = date(2027, 9, 8)


@pytest.fixture(autouse=True)
def today():
    with clock.starting(TODAY):  # noon that day, running: rows written in turn keep their order
        yield TODAY
