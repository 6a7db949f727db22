from datetime import date

import pytest

from course import clock

# A Wednesday in the long holiday-free stretch between Whit Monday and Christmas,
# seven weeks clear of the change to winter time: a cohort two to six weeks ahead
# (``next_weekday``) and one that started weeks back both miss every public holiday.
TODAY = date(2027, 9, 8)


@pytest.fixture(autouse=True)
def today():
    with clock.starting(TODAY):  # noon that day, running: rows written in turn keep their order
        yield TODAY
