"""The analyst's report.html of a whole demo study (`cairn demo` on the pay-equity example) in
headless Chromium: it leads with the comparisons (pay gaps), whose chart carries text labels and
values, prints in black and white, and loads nothing from outside the file; `cairn results --gaps`
prints the same comparisons as text."""

import json
import shutil

import pytest
from selenium.webdriver.common.by import By

from conftest import cairn, screenshot


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("gaps") / "demo"
    cairn("demo", "--contributors", 40, "--resubmitting", 2, "--folder", folder, timeout=600)
    return folder / "results"


def test_report_leads_with_the_gap_chart_and_loads_nothing(demo, browser):
    browser.get((demo / "report.html").as_uri())
    main = browser.find_element(By.TAG_NAME, "main")
    first = main.find_element(By.XPATH, "./section[1]")
    assert first.get_attribute("id") == "gaps", "the comparisons come before every table"

    results = json.loads((demo / "results.json").read_text())
    comparisons = results["comparisons"]
    assert [c["id"] for c in comparisons] == ["gender", "race"]
    articles = first.find_elements(By.CSS_SELECTOR, "article.comparison")
    assert len(articles) == 2
    gender = articles[0]
    assert gender.find_element(By.TAG_NAME, "h3").text == "Women's pay compared with men's"
    assert gender.find_element(By.CSS_SELECTOR, ".headline").text.startswith("Overall, ")

    # One group of bars per job category and overall, each headed in text; bars carry their
    # label and value in text, or the chart says "not enough data".
    chart = gender.find_element(By.CSS_SELECTOR, "figure.gap-chart svg")
    headings = [t.text for t in chart.find_elements(By.CSS_SELECTOR, "text.group")]
    assert headings[0] == "Overall" and len(headings) == 11
    ratios = [t.text for t in chart.find_elements(By.CSS_SELECTOR, "text.ratio")]
    assert len(ratios) == 11 and all(r == "not enough data" or r.endswith("per $1") for r in ratios)
    gaps = comparisons[0]["gaps"]
    revealed = [g for g in gaps if g.get("ratio") is not None]
    assert len(chart.find_elements(By.CSS_SELECTOR, "rect.bar.cmp")) == len(revealed)
    assert len(chart.find_elements(By.CSS_SELECTOR, "rect.bar.ref")) == len(revealed)
    assert len(chart.find_elements(By.CSS_SELECTOR, "text.value")) == 2 * len(revealed)
    assert ratios.count("not enough data") == len(gaps) - len(revealed)
    for gap in revealed:
        # The demo's employers pay women about 83% of men per employee.
        assert 0.6 < gap["ratio"] < 1.05, gap
    assert chart.get_attribute("role") == "img" and chart.find_element(By.TAG_NAME, "title").get_attribute("textContent")

    legend = first.find_element(By.CSS_SELECTOR, ".legend").text
    assert "other than zero" in legend and "more than 85%" in legend and "give a withheld cell away" in legend

    # Nothing outside the file: no resource fetched, and the page's own policy forbids it.
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0
    policy = browser.find_element(By.CSS_SELECTOR, "meta[http-equiv='Content-Security-Policy']").get_attribute("content")
    assert "default-src 'none'" in policy
    assert not browser.find_elements(By.CSS_SELECTOR, "script, link, img, iframe, object, embed")

    # Black and white when printed: text and solid bars black, outlined bars white with a black edge.
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    fill = browser.execute_script("return getComputedStyle(arguments[0]).fill", chart.find_element(By.CSS_SELECTOR, "text.group"))
    assert fill == "rgb(0, 0, 0)"
    if revealed:
        outlined = chart.find_element(By.CSS_SELECTOR, "rect.bar.ref")
        style = browser.execute_script("const s = getComputedStyle(arguments[0]); return [s.fill, s.stroke]", outlined)
        assert style == ["rgb(255, 255, 255)", "rgb(0, 0, 0)"]
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    screenshot(browser, "report-gaps")


def test_cairn_results_gaps(demo, tmp_path):
    printed = cairn("results", "--dir", demo, "--gaps")
    assert printed.returncode == 0
    text = printed.stdout
    assert "Women's pay compared with men's [gender]" in text
    assert "Pay of each race/ethnicity compared with all others [race]" in text
    header = next(line for line in text.splitlines() if line.startswith("Group of rows"))
    assert "Ratio" in header and "Contributors" in header and "Employees" in header

    gaps_csv = cairn("results", "--dir", demo, "--gaps", "--format", "csv").stdout
    assert gaps_csv.splitlines()[0].startswith("comparison,table,statistic,row,compare,with")
    assert gaps_csv == (demo / "gaps.csv").read_bytes().decode().replace("\r\n", "\n")  # text mode reads CRLF as LF

    assert "cairn results --gaps" in cairn("results", "--dir", demo).stdout
    refused = cairn("results", "--dir", demo, "--gaps", "--cohort", "all", check=False)
    assert refused.returncode != 0 and "leave out --cohort and --table" in refused.stderr

    # Results of a study without comparisons (a file written before them): a plain note, exit 0.
    older = tmp_path / "older"
    older.mkdir()
    results = json.loads((demo / "results.json").read_text())
    del results["comparisons"]
    (older / "results.json").write_text(json.dumps(results))
    printed = cairn("results", "--dir", older, "--gaps")
    assert printed.returncode == 0 and "declares no comparisons" in printed.stdout
