from tests.participants.helpers import as_  # noqa: F401  (fixture)
