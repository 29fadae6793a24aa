"""The HTTP API (commonwealth.server): the catalogue, validation with the command line's words, jobs and
their results, the dashboard's interactive reforms, and what keeps the server safe to expose."""

from __future__ import annotations

import io
import time

import pandas as pd
import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient

from commonwealth.errors import UserError
from commonwealth.server import ServerSettings, create_app

SIZE, YEARS = 2_000, 6
SMALL = {"interactive_size": SIZE, "interactive_years": YEARS, "allowed_hosts": ("testserver",)}


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(ServerSettings(**SMALL))) as c:
        yield c


def wait(client: TestClient, job_id: str, timeout: float = 120.0) -> dict:
    end = time.time() + timeout
    while time.time() < end:
        status = client.get(f"/api/jobs/{job_id}").json()
        if status["state"] not in ("queued", "running"):
            return status
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish in {timeout} s")


def refused(response, status: int, kind: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and body["error"]["kind"] == kind
    assert "Traceback" not in response.text
    return body["error"]["message"]


# --- the catalogue ----------------------------------------------------------------------------------------


def test_the_catalogue_lists_every_builtin_scenario_parameter_and_metric(client):
    from commonwealth.metrics import METRICS
    from commonwealth.parameters import ParameterSet
    from commonwealth.scenario import builtin_names

    assert [s["name"] for s in client.get("/api/scenarios").json()] == builtin_names()
    params = client.get("/api/parameters").json()
    assert len(params) == len(ParameterSet())
    uncertain = client.get("/api/parameters", params={"uncertain": True}).json()
    assert uncertain and all(p["uncertainty"]["low"] <= p["uncertainty"]["high"] for p in uncertain)
    assert {m["name"] for m in client.get("/api/metrics").json()} == set(METRICS)
    fund = client.get("/api/scenarios/american-equity-fund").json()
    assert fund["content"]["policies"][0]["type"] == "american_equity_fund" and "extends" not in fund["content"]
    # a scenario's content, sent back, is the same scenario
    by_content = client.post("/api/validate", json={"scenario": fund["content"]}).json()
    assert by_content["digest"] == fund["digest"] == client.post(
        "/api/validate", json={"scenario": "american-equity-fund"}).json()["digest"]


def test_a_scenario_is_validated_with_the_command_lines_message(client):
    from commonwealth.scenario import scenario_from_mapping

    bad = {"name": "typo", "extends": "american-equity-fund", "politics": {"plutocracy": 1.5}}
    with pytest.raises(UserError) as direct:
        scenario_from_mapping(bad, source="request scenario")
    message = refused(client.post("/api/validate", json={"scenario": bad}), 422, "input")
    assert message == str(direct.value)
    ok = client.post("/api/validate", json={"scenario": "wealth-tax"}).json()
    assert ok["valid"] and ok["name"] == "wealth-tax"


# --- what keeps it safe -----------------------------------------------------------------------------------


def test_no_file_is_read_from_a_request(client, tmp_path):
    real = tmp_path / "mine.yaml"
    real.write_text("name: mine\n")  # exists: still refused, by rule, not by accident
    for ref in (str(real), "../../etc/passwd", "/etc/passwd", "status-quo.yaml"):
        message = refused(client.post("/api/validate", json={"scenario": {"name": "x", "extends": ref}}), 422,
                          "input")
        assert "this server reads no files" in message
        message = refused(client.post("/api/validate", json={"scenario": ref}), 422, "input")
        assert "reads no files" in message or "allowed" in message
    assert client.post("/api/jobs", json={"kind": "run", "scenarios": [str(real)]}).status_code == 422
    for path in ("/static/..%2Fapp.py", "/static/../app.py", "/static/%2e%2e%2fsettings.py",
                 "/api/scenarios/..%2F..%2Fetc%2Fpasswd", "/api/jobs/..%2F..%2Fetc/result",
                 "/api/explore/..%2F..%2Fetc%2Fpasswd/metrics.csv"):
        response = client.get(path)
        assert response.status_code in (404, 422), path
        assert "root:" not in response.text and "import" not in response.text


def test_an_oversized_body_is_refused_before_it_is_read(client):
    limit = ServerSettings().max_body_bytes
    big = b'{"scenario": "' + b"x" * (limit + 10) + b'"}'
    message = refused(client.post("/api/validate", content=big, headers={"content-type": "application/json"}), 413,
                      "too_large")
    assert str(limit) in message

    def chunks():  # no Content-Length: counted as it arrives
        yield b'{"scenario": "'
        for _ in range(limit // 1000 + 2):
            yield b"x" * 1000
        yield b'"}'

    refused(client.post("/api/validate", content=chunks(), headers={"content-type": "application/json"}), 413,
            "too_large")


def test_unknown_fields_and_wrong_types_are_refused_with_the_key_named(client):
    message = refused(client.post("/api/explore", json={"reform": "wealth-tax", "colour": "red"}), 422, "input")
    assert "unknown key 'colour'" in message
    message = refused(client.post("/api/jobs", json={"kind": "run", "scenarios": ["status-quo"], "size": "big"}),
                      422, "input")
    assert "'size'" in message and "whole number" in message
    message = refused(client.post("/api/jobs", json={"kind": "launch", "scenarios": ["status-quo"]}), 422, "input")
    assert "'kind'" in message and "'run'" in message
    refused(client.post("/api/validate", content=b"{not json", headers={"content-type": "application/json"}), 422,
            "input")
    message = refused(client.post("/api/explore", json={"reform": "wealth-tax", "policy": {"rate": 0.1}}), 422,
                      "input")
    assert "policy.rate" in message and "avoidance_semi_elasticity" in message


def test_a_job_beyond_the_servers_caps_is_refused_before_it_is_queued(client):
    message = refused(client.post("/api/jobs", json={"kind": "run", "scenarios": ["status-quo"], "size": 300_000}),
                      422, "input")
    assert "at most 200000 records" in message
    message = refused(client.post("/api/jobs", json={"kind": "sweep", "scenarios": ["american-equity-fund"],
                                                     "size": 100_000, "sweep": {"draws": 64}}), 422, "input")
    assert "household-years" in message and "at most 300,000,000" in message
    message = refused(client.post("/api/jobs", json={"kind": "sweep", "scenarios": ["wealth-tax"],
                                                     "sweep": {"draws": 1000}}), 422, "input")
    assert "at most 256" in message
    assert client.get("/api/jobs").json() == []  # nothing was queued


def test_a_flood_of_jobs_is_refused_once_the_queue_is_full_and_a_running_job_can_be_cancelled():
    settings = ServerSettings(**SMALL, queue_limit=1)
    with TestClient(create_app(settings)) as c:
        body = {"kind": "run", "scenarios": ["status-quo"], "size": 20_000, "years": 80}
        first = c.post("/api/jobs", json=body)
        assert first.status_code == 202
        message = refused(c.post("/api/jobs", json=body), 429, "busy")
        assert "(1)" in message
        job = first.json()["id"]
        cancelled = c.delete(f"/api/jobs/{job}").json()
        assert cancelled["id"] == job
        status = wait(c, job)
        assert status["state"] == "cancelled" and status["progress"]["done"] < status["progress"]["total"]
        assert c.post("/api/jobs", json={**body, "years": 2}).status_code == 202  # room again


def test_a_job_past_its_time_limit_stops_and_says_so(client):
    job = client.post("/api/jobs", json={"kind": "run", "scenarios": ["status-quo"], "size": SIZE, "years": 40,
                                         "timeout_s": 0.001}).json()
    status = wait(client, job["id"])
    assert status["state"] == "failed" and status["error"]["kind"] == "timeout"
    assert "time limit" in status["error"]["message"]


def test_a_token_is_asked_for_when_the_server_has_one():
    token = "t" * 24
    with TestClient(create_app(ServerSettings(**SMALL, token=token))) as c:
        refused(c.get("/api/scenarios"), 401, "unauthorized")
        refused(c.get("/api/scenarios", headers={"Authorization": "Bearer wrong"}), 401, "unauthorized")
        assert c.get("/api/scenarios", headers={"Authorization": f"Bearer {token}"}).status_code == 200
        assert c.get("/api/health").status_code == 200  # a liveness probe needs no secret


def test_beyond_loopback_the_command_makes_a_token_and_a_short_one_is_refused():
    with pytest.raises(UserError, match="16 characters"):
        ServerSettings(token="short")
    assert ServerSettings(host="0.0.0.0").hosts() == ["*"] and not ServerSettings(host="0.0.0.0").loopback
    assert ServerSettings().loopback


def test_a_loopback_server_refuses_other_host_names_and_cors_is_closed():
    with TestClient(create_app(ServerSettings(interactive_size=SIZE)), base_url="http://127.0.0.1") as c:
        assert c.get("/api/health").status_code == 200
        assert c.get("/api/health", headers={"Host": "evil.example"}).status_code == 400  # DNS rebinding
        response = c.get("/api/health", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in response.headers
        preflight = c.options("/api/jobs", headers={"Origin": "https://evil.example",
                                                    "Access-Control-Request-Method": "POST"})
        assert "access-control-allow-origin" not in preflight.headers


def test_an_internal_error_is_one_paragraph_of_json_without_a_traceback(monkeypatch):
    from commonwealth.server import app as server_app

    def broken():
        raise RuntimeError("secret detail of the bug")

    monkeypatch.setattr(server_app, "builtin_names", broken)
    with TestClient(create_app(ServerSettings(**SMALL)), raise_server_exceptions=False) as c:
        message = refused(c.get("/api/scenarios"), 500, "internal")
        assert "RuntimeError" in message and "secret detail" not in message


# --- jobs ---------------------------------------------------------------------------------------------------


def test_a_run_job_gives_the_python_apis_numbers_in_json_csv_and_parquet(client):
    from commonwealth import simulate

    job = client.post("/api/jobs", json={"kind": "run", "scenarios": ["american-equity-fund"], "size": SIZE,
                                         "years": YEARS}).json()
    assert job["state"] in ("queued", "running")
    status = wait(client, job["id"])
    assert status["state"] == "done" and status["progress"]["done"] == status["progress"]["total"]
    expected = simulate("american-equity-fund", size=SIZE, years=YEARS).metrics
    url = f"/api/jobs/{job['id']}/result"
    as_json = pd.DataFrame(client.get(url, params={"format": "json"}).json())
    as_csv = pd.read_csv(io.StringIO(client.get(url, params={"format": "csv"}).text))
    as_parquet = pd.read_parquet(io.BytesIO(client.get(url, params={"format": "parquet"}).content))
    for frame in (as_json, as_csv, as_parquet):
        assert list(frame.columns) == list(expected.columns)
        pd.testing.assert_series_equal(frame.value.astype(float), expected.value.astype(float), check_names=False,
                                       rtol=1e-14)
    refused(client.get(url, params={"part": "bands"}), 404, "not_found")


def test_a_compare_job_adds_the_baseline_and_serves_the_comparison_tables(client):
    job = client.post("/api/jobs", json={"kind": "compare", "scenarios": ["wealth-tax"], "size": SIZE,
                                         "years": YEARS, "compare_years": [2028, 2031]}).json()
    status = wait(client, job["id"])
    assert status["scenarios"] == ["status-quo", "wealth-tax"] and status["state"] == "done"
    assert {"metrics", "differences", "deciles", "budget", "ownership"} <= set(status["results"])
    deciles = pd.DataFrame(client.get(status["results"]["deciles"]).json())
    assert set(deciles.year) == {2028, 2031}


def test_progress_is_streamed_as_server_sent_events_until_the_job_ends(client):
    job = client.post("/api/jobs", json={"kind": "run", "scenarios": ["status-quo"], "size": SIZE,
                                         "years": YEARS}).json()
    with client.stream("GET", f"/api/jobs/{job['id']}/events") as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        events = [line for line in stream.iter_lines() if line.startswith("data: ")]
    assert events and '"state":"done"' in events[-1]


def test_a_sweep_job_draws_bands_the_dashboard_then_shows(client):
    explored = client.post("/api/explore", json={"reform": "american-equity-fund"}).json()
    body = {**explored["sweep"], "sweep": {"draws": 3, "parameters": ["government.safe_rate"]}}
    status = wait(client, client.post("/api/jobs", json=body).json()["id"])
    assert status["state"] == "done", status
    banded = client.post("/api/explore", json={"reform": "american-equity-fund", "bands": status["id"]}).json()
    row = next(r for r in banded["summary"] if r["metric"] == "median_disposable_income_real")
    assert row["band"] is not None and row["band"][0] <= row["band"][1]
    assert any("10–90 %" in trace.get("name", "") for trace in banded["figures"]["income"]["data"])
    other = client.post("/api/explore", json={"reform": "wealth-tax", "bands": status["id"]})
    assert "other scenarios" in refused(other, 409, "conflict")


def test_a_report_job_serves_a_self_contained_page(client):
    status = wait(client, client.post("/api/jobs", json={"kind": "report", "scenarios": ["land-value-tax"],
                                                         "size": SIZE, "years": YEARS}).json()["id"])
    page = client.get(status["results"]["report"], params={"download": True})
    assert page.status_code == 200 and page.headers["content-disposition"].startswith("attachment")
    assert "<html" in page.text and "Plotly" in page.text and "default-src 'none'" in page.headers[
        "content-security-policy"]


# --- the dashboard --------------------------------------------------------------------------------------


def test_the_dashboard_offers_each_reform_with_sliders_around_its_shipped_values(client):
    options = client.get("/api/dashboard").json()
    names = {r["name"] for r in options["reforms"]}
    assert {"american-equity-fund", "ubi-income-tax", "wealth-tax", "land-value-tax"} <= names
    for reform in options["reforms"]:
        for knob in reform["knobs"]:
            assert knob["min"] <= knob["value"] <= knob["max"] and knob["step"] > 0, knob
    assert options["size"] == SIZE


def test_an_interactive_reform_equals_the_explorers_comparison(client):
    from commonwealth import Explorer
    from commonwealth.server.dashboard import scenarios_for
    from commonwealth.server.schemas import ExploreRequest

    state = {"reform": "american-equity-fund", "ai_preset": "agi-20", "agi_years": 12.0, "plutocracy": 0.5,
             "politics_mode": "endogenous", "policy": {"company_rate": 0.04}}
    answer = client.post("/api/explore", json=state).json()
    baseline, reform = scenarios_for(ExploreRequest(**state), ServerSettings(**SMALL))
    assert reform.policies[0].company_rate == 0.04 and reform.ai.agi_years == 12.0
    assert reform.politics.plutocracy == 0.5 and baseline.ai.preset == "agi-20" and not baseline.policies
    direct = Explorer(baseline, size=None).compare(reform).differences
    year = answer["year"]
    for row in answer["summary"]:
        hit = direct[(direct.scenario == reform.name) & (direct.metric == row["metric"]) & (direct.year == year)]
        assert row["difference"] == pytest.approx(float(hit.difference.iloc[0]), rel=1e-12, abs=1e-9), row
    assert {"income", "gdp", "debt", "deciles"} <= set(answer["figures"])
    csv = client.get(f"/api/explore/{answer['key']}/metrics.csv")
    assert csv.status_code == 200 and set(pd.read_csv(io.StringIO(csv.text)).scenario) == {"status-quo",
                                                                                          "american-equity-fund"}


def test_the_reproduce_panels_yaml_runs_as_written(client, tmp_path):
    import yaml

    from commonwealth import Explorer
    from commonwealth.scenario import load_scenario

    answer = client.post("/api/explore", json={"reform": "ubi-income-tax", "policy": {"amount": 6000.0}}).json()
    (tmp_path / "baseline.yaml").write_text(answer["reproduce"]["baseline_yaml"])
    (tmp_path / "reform.yaml").write_text(answer["reproduce"]["reform_yaml"])
    assert yaml.safe_load(answer["reproduce"]["reform_yaml"])["policies"][0]["amount"] == 6000.0
    reform = load_scenario(tmp_path / "reform.yaml")
    comparison = Explorer(tmp_path / "baseline.yaml", size=None).compare(reform)
    d = comparison.differences
    hit = d[(d.metric == "gdp") & (d.year == answer["year"]) & (d.scenario == reform.name)]
    row = next(r for r in answer["summary"] if r["metric"] == "gdp")
    assert float(hit.difference.iloc[0]) == pytest.approx(row["difference"], rel=1e-12)
    assert "commonwealth compare baseline.yaml reform.yaml" in answer["reproduce"]["cli"]


def test_the_dashboard_page_and_its_scripts_are_served_from_the_package(client):
    page = client.get("/")
    assert page.status_code == 200 and "script-src 'self'" in page.headers["content-security-policy"]
    assert "https://" not in page.text.split("<footer>")[0]  # no CDN
    for name in ("app.js", "app.css", "plotly.min.js"):
        assert client.get(f"/static/{name}").status_code == 200
    refused(client.get("/static/missing.js"), 404, "not_found")


def test_the_requests_in_docs_api_md_run_as_written(client):
    import json
    import re
    import shlex
    from pathlib import Path

    doc = (Path(__file__).resolve().parent.parent / "docs" / "api.md").read_text()
    lines = [line for block in re.findall(r"```sh\n(.*?)```", doc, re.S) for line in block.splitlines()
             if line.startswith("curl ")]
    assert len(lines) >= 6
    job = None
    for line in lines:
        if job is not None:
            line = line.replace("$JOB", job)
        args = shlex.split(line)[1:]
        method, body, url = "GET", None, None
        while args:
            arg = args.pop(0)
            if arg == "-X":
                method = args.pop(0)
            elif arg == "-d":
                body = json.loads(args.pop(0))
            elif arg == "-H":
                args.pop(0)
            elif arg.startswith("http://127.0.0.1:8000"):
                url = arg.removeprefix("http://127.0.0.1:8000")
        assert url is not None, line
        if body is not None and "size" in body:
            body["size"] = SIZE  # the same request, smaller: the tests' population
        response = client.request(method, url, json=body)
        assert response.status_code < 400, (line, response.text)
        if url == "/api/jobs":
            job = response.json()["id"]
            assert wait(client, job)["state"] == "done"


def test_a_scenario_neither_a_name_nor_content_gets_one_message(client):
    message = refused(client.post("/api/validate", json={"scenario": 5}), 422, "input")
    assert message.count("key 'scenario'") == 1 and "JSON object" in message


def test_years_to_compare_outside_the_horizon_are_refused_as_the_cli_refuses_them(client):
    message = refused(client.post("/api/jobs", json={"kind": "compare", "scenarios": ["wealth-tax"], "size": SIZE,
                                                     "years": YEARS, "compare_years": [2090]}), 422, "input")
    assert message.startswith("key 'compare_years' 2090: 2090 is outside the years simulated")


@pytest.mark.parametrize("args", [["--port", "0"], ["--job-timeout", "-5"], ["--job-timeout", "nan"],
                                  ["--max-population", "0"], ["--interactive-size", "10"], ["--token", "short"],
                                  ["--host", "not-a-host.invalid"]])
def test_serve_refuses_bad_options_with_exit_2_before_listening(args, capsys):
    from commonwealth.cli import main

    assert main(["serve", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "allowed" in err and "Traceback" not in err
