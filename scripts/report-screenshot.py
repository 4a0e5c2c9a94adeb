#!/usr/bin/env python3
"""Makes docs/report-first-screen.png: the first screen (1400 × 1000) of the report.html of a
demo study (`cairn demo` on examples/pay-equity.json), in headless Chromium.

    swift build && python3 scripts/report-screenshot.py [--contributors 300] [--output PATH]

Uses .build/debug/cairn (or CAIRN_BIN), Debian's chromium and chromium-driver, and selenium, as the
browser tests do. The demo runs in a temporary folder that is removed afterwards.
"""

import argparse
import os
import pathlib
import shutil
import subprocess
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

REPOSITORY = pathlib.Path(__file__).resolve().parents[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contributors", type=int, default=300)
    parser.add_argument("--output", default=str(REPOSITORY / "docs" / "report-first-screen.png"))
    arguments = parser.parse_args()
    cairn = os.environ.get("CAIRN_BIN", str(REPOSITORY / ".build" / "debug" / "cairn"))
    with tempfile.TemporaryDirectory() as folder:
        demo = pathlib.Path(folder) / "demo"
        subprocess.run(
            [cairn, "demo", "--contributors", str(arguments.contributors), "--resubmitting", "0", "--folder", str(demo)],
            cwd=REPOSITORY, check=True, stdout=subprocess.DEVNULL)
        options = webdriver.ChromeOptions()
        options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
        for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                         "--window-size=1400,1000", "--lang=en-US", "--hide-scrollbars"):
            options.add_argument(argument)
        driver = webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"))
        try:
            driver.get((demo / "results" / "report.html").as_uri())
            driver.save_screenshot(arguments.output)
        finally:
            driver.quit()
    print(arguments.output)


if __name__ == "__main__":
    main()
