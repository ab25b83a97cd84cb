#!/usr/bin/env python3
"""How fast the dashboard paints: loads GET / in headless Chromium N times
against a real `marquee serve` and prints a table of first contentful paint
(the browser's Paint Timing entry), DOMContentLoaded, and the time until the
model card shows the served version (the first /v1/stats answer drawn).

    bench/dashboard_paint.py [--loads 10] [--cli build/marquee]

Generates a small synthetic service and an iALS model in a temporary folder.
The issue's target: first paint under 1 s on loopback.
"""
import argparse
import statistics
import subprocess
import tempfile
import time
import pathlib

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

ROOT = pathlib.Path(__file__).resolve().parents[1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--loads", type=int, default=10)
    parser.add_argument("--cli", default=str(ROOT / "build" / "marquee"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data, model = f"{tmp}/s.mqd", f"{tmp}/ials"
        subprocess.run([args.cli, "generate", "--members", "20000", "--titles", "2000", "--plays", "500000",
                        "--out", data], check=True, capture_output=True)
        subprocess.run([args.cli, "train", "--model", "ials", "--data", data, "--out", model], check=True,
                       capture_output=True)
        server = subprocess.Popen([args.cli, "serve", "--data", data, "--model", model, "--events", f"{tmp}/ev.db",
                                   "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        address = None
        while address is None:
            line = server.stdout.readline()
            if not line:
                raise SystemExit("marquee serve did not start")
            if "listening on " in line:
                address = line.split("listening on ")[1].split()[0]
        options = webdriver.ChromeOptions()
        for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000"):
            options.add_argument(flag)
        driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        rows = []
        try:
            for _ in range(args.loads):
                driver.get("about:blank")
                start = time.perf_counter()
                driver.get(address + "/")
                while driver.find_element(By.ID, "model-version").text in ("", "–"):
                    time.sleep(0.005)
                card_ms = (time.perf_counter() - start) * 1000
                fcp = driver.execute_script(
                    "const e = performance.getEntriesByName('first-contentful-paint'); return e.length ? e[0].startTime : null;")
                dcl = driver.execute_script(
                    "const n = performance.getEntriesByType('navigation')[0]; return n.domContentLoadedEventEnd;")
                rows.append((fcp, dcl, card_ms))
        finally:
            driver.quit()
            server.terminate()
            server.wait()
    print(f"dashboard at {address}, {args.loads} loads, headless Chromium, loopback")
    print(f"{'':28s} {'median':>8s} {'max':>8s}")
    for i, name in enumerate(("first contentful paint, ms", "DOMContentLoaded, ms", "model card filled, ms")):
        values = [r[i] for r in rows if r[i] is not None]
        print(f"{name:28s} {statistics.median(values):8.1f} {max(values):8.1f}")


if __name__ == "__main__":
    main()
