from tests.participants.conftest import today  # noqa: F401  (fixture: a fixed day)
from tests.participants.helpers import as_  # noqa: F401  (fixture)
