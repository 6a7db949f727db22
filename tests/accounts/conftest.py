from datetime import date

import pytest

from course import clock

# A Wednesday with no public holiday for weeks around it.
TODAY = date(2028, 9, 6)


@pytest.fixture(autouse=True)
def today():
    with clock.starting(TODAY):  # noon that day, running: rows written in turn keep their order
        yield TODAY
