"""POST /score with any Unicode text: 200 or a 4xx, and every offset slices the text it was sent."""

import json
import os

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.analysis.normalize import SURROGATE
from tests.analysis.test_properties import texts
from tests.factories import as_documented

EXAMPLES = int(os.environ.get("CROSSCHECK_FUZZ_EXAMPLES", "20"))


@given(text=texts, language=st.sampled_from(["de", "en", None]))
@settings(
    max_examples=EXAMPLES * 2,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_score_offsets_slice_the_submitted_text(
    client: TestClient, text: str, language: str | None
) -> None:
    # Sent with JSON escapes, as a client's encoder would: lone surrogates arrive as \\udXXX.
    body = json.dumps({"text": text, "source": "fuzz.example", "language": language})
    response = client.post("/score", content=body, headers={"content-type": "application/json"})

    assert response.status_code == 200 or 400 <= response.status_code < 500, response.text
    if response.status_code != 200:
        assert response.json()["error"]["code"]
        return
    assert as_documented(response.content) == response.content  # control characters and all
    received = SURROGATE.sub("\ufffd", json.loads(body)["text"])
    report = response.json()
    for claim in report["claims"]:
        assert 0 <= claim["start"] <= claim["end"] <= len(received)
        assert received[claim["start"] : claim["end"]] == claim["text"]
    for flag in report["flags"]:
        assert received[flag["start"] : flag["end"]] == flag["found"]
