from tests.access.cheap_hashing import cheap_hashing  # noqa: F401
from tests.api.conftest import api  # noqa: F401
