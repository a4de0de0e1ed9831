import pytest
from pydantic import ValidationError

from service.settings import Settings


@pytest.mark.parametrize("seconds", [0, 60, 600])
def test_the_index_is_scanned_at_most_once_a_minute_or_never(seconds: float) -> None:
    assert Settings(index_scan_interval_seconds=seconds).index_scan_interval_seconds == seconds


@pytest.mark.parametrize("seconds", [-1, 0.5, 59])
def test_a_scan_interval_under_a_minute_is_refused(seconds: float) -> None:
    with pytest.raises(ValidationError, match="index_scan_interval_seconds"):
        Settings(index_scan_interval_seconds=seconds)
