"""How long the contributor's page takes to encode a submission: split the cell vector into shares
and encrypt each share to its compute party (assets/js/submission.js) in headless Chromium.

    python3 Tests/Browser/bench_page_encoding.py [--cells 1000] [--runs 20]

A study of `--cells` cells has a vector of 2 × cells words (values and presence bits). Prints the
median and the slowest run in milliseconds, for three parties and for two. Needs what the browser
tests need (see conftest.py) and a built `cairn` (for the page's server)."""

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import pathlib

sys.path.insert(0, os.path.dirname(__file__))
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service as ChromeService  # noqa: E402

import conftest  # noqa: E402

KEYS = [
    "BGgk6MZ6GLUZ77L2R6v07Gb0EJNWTsbU0sBXXDKaQmn93a47JgjRVlYesk45O6otGJA5Wmwgig8SFwZh+EwA/IA=",
    "BFAhQ2lMS9z8t4J1lDcAZeYPRdHHd1/7ha4KXaJPMC5C6uQJsPMddHI7MYfMDtaAHAbk+PPdzcteJEWRvE0vHIg=",
    "BGGyOUY45BHW9NK6ZPdQx5EzhP+VKpAd8Bywt2Qec5v00mYYT4C69duK7mHENcCwObWY1aCjhKGaMEmliKvktnc=",
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=20)
    options = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        service = conftest.StudyService(pathlib.Path(folder) / "data")
        driver = webdriver.Chrome(options=conftest.chromium_options(pathlib.Path(folder)),
                                  service=ChromeService(executable_path="/usr/bin/chromedriver"))
        try:
            driver.set_script_timeout(300)
            driver.get(service.url + "/")
            version = driver.capabilities.get("browserVersion", "?")
            report = {"cells": options.cells, "words": 2 * options.cells, "runs": options.runs, "chromium": version}
            for parties in (3, 2):
                times = conftest.run_module(driver, "/assets/js/submission.js", """
                    const [words, runs, keys] = args;
                    const values = Array.from({ length: words }, (_, k) => BigInt(k * 7919 % 100000));
                    await m.sealSubmission(values, "bench", "code", 1, keys);   // warm-up
                    const times = [];
                    for (let run = 0; run < runs; run++) {
                      const start = performance.now();
                      await m.sealSubmission(values, "bench", "code", run + 1, keys);
                      times.push(performance.now() - start);
                    }
                    return times;
                """, 2 * options.cells, options.runs, KEYS[:parties])
                report[f"{parties} parties"] = {"median ms": round(statistics.median(times), 1), "max ms": round(max(times), 1)}
            print(json.dumps(report, indent=2))
        finally:
            driver.quit()
            service.stop()


if __name__ == "__main__":
    main()
