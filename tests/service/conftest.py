import httpx
import pytest


@pytest.fixture
def client(served):
    """An HTTP client of the service the test module serves (its own ``served`` fixture: url, service)."""
    with httpx.Client(base_url=served[0], timeout=60) as client:
        yield client
