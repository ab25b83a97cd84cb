"""The dashboard in a real browser (issue 16 §2): headless Chromium drives the
page a real `marquee serve` serves. Skips, saying why, only where Chromium or
its driver cannot start. The screenshot goes to MARQUEE_ARTIFACTS (default:
the build's test-artifacts/) as dashboard.png."""
import json
import os
import pathlib
import subprocess
import time
import urllib.request

import pytest

from conftest import CLI, ROOT, start_server

ARTIFACTS = pathlib.Path(os.environ.get("MARQUEE_ARTIFACTS", str(ROOT / "build" / "test-artifacts")))


def _browser():
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError as e:
        pytest.skip(f"selenium is not installed ({e}); scripts/setup.sh installs python3-selenium")
    options = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver_path = "/usr/bin/chromedriver"
    try:
        service = Service(driver_path) if os.path.exists(driver_path) else Service()
        return webdriver.Chrome(service=service, options=options)
    except Exception as e:  # the driver's own errors: no browser, no display, sandbox
        pytest.skip(f"Chromium could not start here: {str(e).splitlines()[0]}")


@pytest.fixture(scope="module")
def server(service, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("dashboard")
    model = tmp / "ials"
    subprocess.run([CLI, "train", "--model", "ials", "--factors", "16", "--data", str(service), "--out", str(model)],
                   check=True, capture_output=True)
    proc, address = start_server(service, model, tmp / "ev.db")
    yield address
    proc.terminate()
    proc.wait(timeout=30)


def _get(url):
    with urllib.request.urlopen(url) as reply:
        return json.load(reply)


def _wait(predicate, seconds=15):
    deadline = time.time() + seconds
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    return predicate()


def test_stats_and_files_are_served(server):
    stats = _get(f"{server}/v1/stats")
    assert stats["model"]["name"] == "ials" and stats["history"][0]["reason"] == "opened"
    # The consent gate's counts: its variants checked grow with artwork decisions.
    assert stats["consent"]["revocations"] == 0
    before = stats["artwork"]["gate_variants"]
    member = "m0000002"
    _get(f"{server}/v1/members/{member}/recommendations?k=5&artwork=true")
    after = _get(f"{server}/v1/stats")["artwork"]
    assert after["gate_variants"] > before and after["gate_ineligible"] <= after["gate_variants"]
    assert len(stats["latency_buckets"]) + 1 == len(stats["routes"][0]["buckets"])
    for name, kind in (("app.js", "javascript"), ("uplot.js", "javascript"), ("app.css", "css")):
        with urllib.request.urlopen(f"{server}/dashboard/{name}") as reply:
            assert kind in reply.headers["Content-Type"] and len(reply.read()) > 1000
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(f"{server}/dashboard/nothing.js")
    assert missing.value.code == 404


def test_the_page_in_chromium(server, dataset):
    from selenium.webdriver.common.by import By
    driver = _browser()
    try:
        driver.get(server + "/")
        version = _get(f"{server}/v1/models")["version"]
        assert _wait(lambda: driver.find_element(By.ID, "model-version").text == version), \
            driver.find_element(By.ID, "model-version").text
        # The request counter grows after requests.
        before = int(driver.find_element(By.ID, "requests-total").text.replace(",", ""))
        member = dataset.member_ids[3]
        for _ in range(20):
            _get(f"{server}/v1/members/{member}/recommendations?k=5&artwork=false")
        assert _wait(lambda: int(driver.find_element(By.ID, "requests-total").text.replace(",", "")) >= before + 20)
        # The member lookup renders titles.
        driver.find_element(By.ID, "member-id").send_keys(member)
        driver.find_element(By.ID, "lookup-button").click()
        rows = _wait(lambda: driver.find_elements(By.CSS_SELECTOR, "#lookup-results tbody tr"))
        assert len(rows) == 10
        expected = _get(f"{server}/v1/members/{member}/recommendations?k=10&preview=true")
        assert rows[0].find_elements(By.TAG_NAME, "td")[1].text == expected["recommendations"][0]["title"]
        # Each title with the artwork the policy would choose (an id, or a title card).
        labels = [row.find_elements(By.TAG_NAME, "td")[4].text for row in rows]
        assert all(labels), labels
        # ... and the member's homepage grid, row by row, as the homepage route answers it.
        page = _get(f"{server}/v1/members/{member}/homepage?rows=6&per_row=8&preview=true")
        grid_rows = _wait(lambda: driver.find_elements(By.CSS_SELECTOR, "#lookup-homepage .row"))
        assert len(grid_rows) == len(page["rows"]) > 0
        assert grid_rows[0].find_element(By.CLASS_NAME, "row-title").text == page["rows"][0]["title"]
        # An A/B experiment's report renders as a table in the admin section.
        import datetime
        today = datetime.datetime.now(datetime.timezone.utc).date()
        spec = {"name": "dash", "layer": "ranking", "start": today.isoformat(),
                "end": (today + datetime.timedelta(days=7)).isoformat(),
                "cells": [{"name": "control", "share": 0.5}, {"name": "same", "share": 0.5}]}
        request = urllib.request.Request(f"{server}/v1/experiments", data=json.dumps(spec).encode(), method="POST",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request) as reply:
            assert reply.status == 201
        for m in range(30):
            _get(f"{server}/v1/members/{dataset.member_ids[m]}/recommendations?k=5&artwork=false")
        driver.find_element(By.ID, "admin-refresh").click()
        headers = _wait(lambda: [th.text for th in driver.find_elements(By.CSS_SELECTOR, "#admin-details table th")])
        assert "Lift" in headers and "95% interval" in headers, headers
        metrics = [r.find_elements(By.TAG_NAME, "td")[1].text
                   for r in driver.find_elements(By.CSS_SELECTOR, "#admin-details table tbody tr")]
        assert "take_rate" in metrics or "plays" in metrics, metrics
        # The consent gate's ineligible share is shown as a percentage.
        assert _wait(lambda: driver.find_element(By.ID, "consent-ineligible").text.endswith("%"))
        # uPlot drew the charts (a canvas each) once two polls gave deltas.
        assert _wait(lambda: len(driver.find_elements(By.CSS_SELECTOR, "#traffic canvas")) >= 2)
        time.sleep(2.5)  # one more poll, so the charts have points in the screenshot
        driver.execute_script("window.scrollTo(0, 0)")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(ARTIFACTS / "dashboard.png"))
        errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        assert errors == [], errors
    finally:
        driver.quit()
