from tests.access.cheap_hashing import cheap_hashing  # noqa: F401
