"""How long the contributor's page takes to encode a submission, in headless Chromium:

- *seal*: split a vector into shares and encrypt each share to its compute party
  (assets/js/submission.js), for a study of `--cells` cells (2 × cells words: values and presence
  bits), with three parties and with two;
- *pay-equity page path*: what pressing "Send" costs for the pay-equity study (960 cells, all
  filled): check every cell as typed, build the cell vector (assets/js/study-form.js) and seal it.

    python3 Tests/Browser/bench_page_encoding.py [--cells 1000] [--runs 20]

Prints the median and the slowest run in milliseconds. Needs what the browser tests need (see
conftest.py) and a built `cairn` (for the page's server)."""

import argparse
import json
import os
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
                report[f"seal, {parties} parties"] = {"median ms": round(statistics.median(times), 1), "max ms": round(max(times), 1)}
            definition = json.loads((conftest.EXAMPLES / "pay-equity.json").read_text())
            times = conftest.run_module(driver, "/assets/js/study-form.js", """
                const [definition, runs] = args;
                const sealing = await import("/assets/js/submission.js");
                const answers = m.emptyAnswers(definition);
                definition.tables.forEach((table, t) => {
                  // Every cell filled, as typed; performance pay below compensation.
                  const base = [12, 1200000, 60000, 480][t];
                  answers.tables[table.id] = answers.tables[table.id].map((row, r) => row.map((_, c) => String(base + 7 * r + c)));
                });
                answers.cohorts = { industry: definition.cohorts[0].options[3] };
                const keys = definition.computeParties.map((p) => p.submissionKey);
                const encode = async (run) => sealing.sealSubmission(m.cellVector(definition, answers), definition.id, "code", run, keys);
                await encode(1);
                const times = [];
                for (let run = 0; run < runs; run++) {
                  const start = performance.now();
                  await encode(run + 2);
                  times.push(performance.now() - start);
                }
                return times;
            """, definition, options.runs)
            report["pay-equity page path (960 cells, 1,934 words, 3 parties)"] = {
                "median ms": round(statistics.median(times), 1), "max ms": round(max(times), 1)}
            print(json.dumps(report, indent=2))
        finally:
            driver.quit()
            service.stop()


if __name__ == "__main__":
    main()
