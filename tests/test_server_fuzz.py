"""schemathesis fuzzes the whole API from its OpenAPI schema: every operation, valid and invalid inputs;
no answer may be a server error (5xx), and every answer must match the schema (status codes, content types,
bodies, headers)."""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402

from commonwealth.server import ServerSettings, create_app  # noqa: E402

#: Small and strict so that whatever the fuzzer makes valid runs in a moment: a few thousand records, a few
#: years, little work per job, a short queue.
APP = create_app(ServerSettings(interactive_size=2_000, interactive_years=4, max_population=3_000, max_years=6,
                                max_work=200_000, queue_limit=2, allowed_hosts=("testserver",)))
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


#: schemathesis's "positive data acceptance" expects every schema-valid request to succeed. Here the schema
#: checks form (types, bounds, known keys) and the model checks meaning (a scenario's content, a known
#: built-in, a policy's bounds): a schema-valid request can still be a mistake, refused with 422 and the
#: documented error body — which the other checks (documented status, content type, body schema) still pin.
EXCLUDED = [schemathesis.checks.positive_data_acceptance]


@schema.parametrize()
@settings(max_examples=60, suppress_health_check=list(HealthCheck), deadline=None, derandomize=True)
def test_no_input_makes_the_api_fail_or_break_its_schema(case):
    case.call_and_validate(excluded_checks=EXCLUDED)
