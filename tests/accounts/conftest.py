from datetime import date

import pytest

from course import clock

# A Wednesday with no public holiday for weeks around it.
TODAY = date(2028, 9, 6)


@pytest.fixture(autouse=True)
def today(request):
    if request.module.__name__.endswith(".test_login"):
        # test_login.py ages sessions and login failures from the real clock
        # (datetime.now); it runs unfrozen until it reads course.clock too.
        yield None
        return
    with clock.starting(TODAY):  # noon that day, running: rows written in turn keep their order
        yield TODAY
