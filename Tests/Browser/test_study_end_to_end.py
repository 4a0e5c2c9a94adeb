"""A whole study with browsers on the contributors' side: the analyst creates the quick-start study
and makes participation links in the analyst's pages; six contributors fill the grid in a real
headless Chromium (by typing, by pasting a range, by uploading CSV, by uploading .xlsx), two of them
resubmit and one first types invalid values and sees the messages; the analyst closes the study in
the dashboard; the three compute parties run as `cairn compute` processes, decrypt what the pages
encrypted (so page-made ciphertexts open in Swift) and compute; the analyst's party's results equal
a cleartext computation over the latest submissions. Screenshots of the contributor's grid and of
the analyst's dashboard are saved (.build/browser-tests/screenshots/)."""

import json
import subprocess

import openpyxl
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from conftest import cairn_binary, screenshot, wait_for

TABLES = {"employees": (["Engineering", "Sales"], ["Female", "Male"]),
          "salaries": (["Engineering", "Sales"], ["Female", "Male"])}
SECTORS = ["Company", "Non-profit", "Public sector"]
MINIMUM_CELL_SIZE = 3


def state(driver):
    return driver.execute_script("return document.body.dataset.state")


def wait_state(driver, *states, timeout=30):
    return wait_for(lambda: state(driver) in states and state(driver), timeout=timeout,
                    message=f"page state in {states} (now {state(driver)!r})")


def cell(driver, table, row, column):
    return driver.find_element(By.CSS_SELECTOR, f'[data-table="{table}"][data-row="{row}"][data-column="{column}"]')


def cell_text(driver, table, row, column):
    element = cell(driver, table, row, column)
    return (element.get_attribute("value") if element.tag_name == "input" else element.text).strip()


def open_link(driver, url):
    # Links differ only in their fragment: leave the page first so that the next one loads afresh.
    driver.get("about:blank")
    driver.get(url)
    return wait_state(driver, "ready", "sent", "closed", "error")


def type_tables(driver, answers):
    """Types every cell of `answers` ({table: [[row values]]}), moving with Tab and Enter."""
    for table, rows in answers.items():
        for r, values in enumerate(rows):
            cell(driver, table, r, 0).click()
            keys = ActionChains(driver)
            for value in values:
                keys.send_keys("" if value is None else str(value)).send_keys(Keys.TAB)
            keys.perform()


def paste(driver, table, row, column, text):
    cell(driver, table, row, column).click()
    driver.execute_script("""
        const data = new DataTransfer();
        data.setData("text/plain", arguments[0]);
        document.activeElement.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
    """, text)


def choose_sector(driver, sector):
    select = driver.find_element(By.CSS_SELECTOR, 'select[data-cohort="sector"]')
    select.find_element(By.CSS_SELECTOR, f'option[value="{sector}"]').click()


def send(driver):
    review = driver.find_element(By.ID, "review")
    wait_for(review.is_enabled, message="the review button to be enabled")
    review.click()
    wait_for(lambda: driver.find_element(By.ID, "confirm").is_displayed(), message="the confirmation dialog")
    driver.find_element(By.ID, "send").click()
    wait_state(driver, "sent", timeout=60)
    receipt = driver.find_element(By.ID, "receipt")
    return {field: receipt.find_element(By.CSS_SELECTOR, f'[data-field="{field}"]').text
            for field in ("submission", "received-at", "fingerprint")}


def csv_form(answers, sector):
    lines = [f"cohort,sector,{sector}", ""]
    for table, (rows, columns) in TABLES.items():
        lines.append(",".join([table, *columns]))
        for label, values in zip(rows, answers[table]):
            lines.append(",".join([label, *("" if v is None else str(v) for v in values)]))
        lines.append("")
    return "\r\n".join(lines)


def fill_xlsx_template(template_path, answers, sector, output_path):
    """Fills the page's own .xlsx template as a spreadsheet user would: finds each table's header
    row (the table id, then its column labels) and the cohort line, and types the numbers."""
    workbook = openpyxl.load_workbook(template_path)
    filled = set()
    for sheet in workbook.worksheets:
        current = None
        for row in sheet.iter_rows():
            first = row[0].value
            first = first.strip() if isinstance(first, str) else first
            if first == "cohort" and len(row) > 1 and row[1].value == "sector":
                sheet.cell(row=row[0].row, column=3, value=sector)
                filled.add("cohort")
            elif first in TABLES:
                current = first
            elif current and first in TABLES[current][0]:
                values = answers[current][TABLES[current][0].index(first)]
                for offset, value in enumerate(values):
                    if value is not None:
                        sheet.cell(row=row[0].row, column=2 + offset, value=value)
                filled.add((current, first))
            elif sheet.title in TABLES and first in TABLES[sheet.title][0]:
                # One sheet per table: the sheet's name is the table id.
                values = answers[sheet.title][TABLES[sheet.title][0].index(first)]
                for offset, value in enumerate(values):
                    if value is not None:
                        sheet.cell(row=row[0].row, column=2 + offset, value=value)
                filled.add((sheet.title, first))
    assert len(filled) >= 4, f"the template's layout was not recognised: filled only {filled}"
    workbook.save(output_path)


def reference(latest):
    """The cleartext computation over the latest submissions: per cell and group, the number of
    contributors who filled it, the sum, the mean and the mean per employee, with cells of fewer
    than the minimum contributors (non-zero ones for money), or a headcount below it, withheld."""
    groups = [("All contributors", None)] + [(f"sector: {s}", s) for s in SECTORS]
    expected = {}
    for label, sector in groups:
        members = [a for a in latest if sector is None or a["sector"] == sector]
        for table, (rows, columns) in TABLES.items():
            for r, row in enumerate(rows):
                for c, column in enumerate(columns):
                    values = [m[table][r][c] for m in members if m[table][r][c] is not None]
                    heads = sum(m["employees"][r][c] or 0 for m in members)
                    count, total = len(values), sum(values)
                    # Money counts only its non-zero contributors towards the minimum.
                    support = len([v for v in values if v != 0]) if table == "salaries" else count
                    if support < MINIMUM_CELL_SIZE or heads < MINIMUM_CELL_SIZE:
                        expected[(table, label, row, column)] = None
                    else:
                        expected[(table, label, row, column)] = {
                            "contributors": count, "sum": total, "mean": total / count,
                            "meanPerEmployee": total / heads if table == "salaries" else None}
    return expected


def test_study_in_the_browser(service, deployment, browser, tmp_path):
    parties, definition = deployment
    driver = browser

    # The analyst creates the study and makes six links in the analyst's pages.
    driver.get(service.url + "/analyst")
    wait_state(driver, "create")
    driver.find_element(By.ID, "operator-token").send_keys(service.operator_token)
    driver.find_element(By.ID, "definition-file").send_keys(str(definition))
    driver.find_element(By.ID, "create-study").click()
    credential = wait_for(lambda: driver.find_element(By.ID, "analyst-credential").text.strip(), message="the analyst credential")
    assert credential.startswith("cairn-analyst-")
    driver.find_element(By.ID, "open-dashboard").click()
    if wait_state(driver, "signin", "dashboard") == "signin":
        driver.find_element(By.ID, "credential").send_keys(credential)
        driver.find_element(By.ID, "sign-in").click()
        wait_state(driver, "dashboard")
    dashboard = driver.current_url
    count = driver.find_element(By.ID, "link-count")
    count.clear()
    count.send_keys("6")
    driver.find_element(By.ID, "make-links").click()
    links = wait_for(lambda: [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "table#links a.participation-link")]
                     if len(driver.find_elements(By.CSS_SELECTOR, "table#links a.participation-link")) == 6 else None,
                     message="six participation links")
    assert all("/contribute/quickstart#" in link for link in links)
    driver.find_element(By.ID, "download-issued").click()
    issued = wait_for(lambda: next(iter(driver.downloads.glob("*.issued-participants")), None), message="the issued list")
    wait_for(lambda: len(issued.read_text().split()) == 6, message="six issued tags")

    answers = [
        {"employees": [[12, 15], [3, 4]], "salaries": [[1140000, 1395000], [201000, 262000]], "sector": "Company"},
        {"employees": [[5, 6], [2, 0]], "salaries": [[480000, 610000], [150000, 0]], "sector": "Company"},
        {"employees": [[20, 25], [7, 9]], "salaries": [[2000000, 2600000], [560000, 700000]], "sector": "Company"},
        {"employees": [[4, 3], [1, 1]], "salaries": [[300000, 240000], [55000, 60000]], "sector": "Non-profit"},
        {"employees": [[9, 8], [0, 2]], "salaries": [[850000, 790000], [0, 130000]], "sector": "Public sector"},
        {"employees": [[6, 7], [3, 3]], "salaries": [[590000, 720000], [210000, 215000]], "sector": "Company"},
    ]
    receipts = {}

    # 1: types every cell.
    open_link(driver, links[0])
    type_tables(driver, {t: answers[0][t] for t in TABLES})
    choose_sector(driver, answers[0]["sector"])
    assert cell_text(driver, "salaries", 1, 1) == "262000"
    screenshot(driver, "study-contributor-grid")
    receipts[0] = send(driver)
    assert receipts[0]["submission"].strip().endswith("1")
    # ... then corrects two salaries from the receipt: the grid keeps the numbers it sent, and the
    # latest submission replaces the first.
    driver.find_element(By.ID, "resubmit").click()
    wait_state(driver, "ready")
    assert cell_text(driver, "employees", 0, 1) == "15"
    answers[0]["salaries"] = [[1150000, 1400000], [201000, 262000]]
    type_tables(driver, {"salaries": [answers[0]["salaries"][0]]})
    second = send(driver)
    assert second["submission"].strip().endswith("2")
    assert second["fingerprint"] != receipts[0]["fingerprint"]
    screenshot(driver, "study-contributor-receipt")

    # 2: pastes each table as a tab-separated range copied from a spreadsheet.
    open_link(driver, links[1])
    for table in TABLES:
        paste(driver, table, 0, 0, "\r\n".join("\t".join(map(str, row)) for row in answers[1][table]) + "\r\n")
    assert cell_text(driver, "salaries", 0, 1) == "610000"
    choose_sector(driver, answers[1]["sector"])
    receipts[1] = send(driver)

    # 3: uploads a CSV form.
    open_link(driver, links[2])
    form = tmp_path / "contributor3.csv"
    form.write_text(csv_form(answers[2], answers[2]["sector"]))
    driver.find_element(By.ID, "upload").send_keys(str(form))
    wait_for(lambda: cell_text(driver, "employees", 1, 1) == "9", message="the CSV's numbers in the grid")
    receipts[2] = send(driver)

    # 4: downloads the .xlsx template, fills it with a spreadsheet library, uploads it.
    open_link(driver, links[3])
    driver.find_element(By.ID, "download-xlsx").click()
    template = wait_for(lambda: next((p for p in driver.downloads.glob("*.xlsx")), None), message="the .xlsx template download")
    filled = tmp_path / "contributor4.xlsx"
    fill_xlsx_template(template, answers[3], answers[3]["sector"], filled)
    driver.find_element(By.ID, "upload").send_keys(str(filled))
    wait_for(lambda: cell_text(driver, "salaries", 1, 1) == "60000", message="the .xlsx numbers in the grid")
    if driver.find_elements(By.CSS_SELECTOR, 'select[data-cohort="sector"]'):
        choose_sector(driver, answers[3]["sector"])
    receipts[3] = send(driver)

    # 5: first types invalid values and sees the messages, then corrects them.
    open_link(driver, links[4])
    type_tables(driver, {"employees": [[1.5, 8], [0, 2]], "salaries": [[850000, 790000], [40000, 130000]]})
    choose_sector(driver, answers[4]["sector"])
    problems = wait_for(lambda: driver.find_element(By.ID, "problems").text, message="the problems list")
    assert "1.5 is not a whole number" in problems
    assert "must be zero (or empty) together" in problems
    assert not driver.find_element(By.ID, "review").is_enabled()
    screenshot(driver, "study-contributor-problems")
    type_tables(driver, {"employees": [[9]], "salaries": [[850000, 790000], [0]]})
    wait_for(lambda: not driver.find_element(By.ID, "problems").text.strip(), message="the problems to clear")
    receipts[4] = send(driver)

    # 6: types, and chooses with the keyboard only.
    open_link(driver, links[5])
    type_tables(driver, {t: answers[5][t] for t in TABLES})
    choose_sector(driver, answers[5]["sector"])
    receipts[5] = send(driver)

    # Contributor 3 comes back later with a corrected file: the page says the new submission
    # replaces the earlier one.
    answers[2]["employees"] = [[21, 25], [7, 9]]
    answers[2]["sector"] = "Non-profit"
    open_link(driver, links[2])
    assert "replace" in driver.find_element(By.TAG_NAME, "body").text.lower()
    form.write_text(csv_form(answers[2], answers[2]["sector"]))
    driver.find_element(By.ID, "upload").send_keys(str(form))
    wait_for(lambda: cell_text(driver, "employees", 0, 0) == "21", message="the corrected CSV in the grid")
    assert send(driver)["submission"].strip().endswith("2")

    # The analyst sees six submissions and closes the study.
    driver.get(dashboard)
    wait_state(driver, "dashboard")
    wait_for(lambda: driver.find_element(By.ID, "submitted-count").text.strip() == "6", message="six submissions on the dashboard")
    driver.find_element(By.ID, "close-study").click()
    wait_for(lambda: driver.find_element(By.ID, "confirm-close").is_displayed(), message="the close confirmation")
    driver.find_element(By.ID, "confirm-close-button").click()
    wait_for(lambda: driver.find_element(By.ID, "study-status").text.strip() == "closed", message="the study to close")

    # The compute parties, each its own process, while the dashboard shows their progress.
    computing = []
    for party in (1, 2, 3):
        folder = tmp_path / f"party{party}"
        folder.mkdir()
        log = open(folder / "compute.log", "w")
        computing.append((subprocess.Popen(
            [str(cairn_binary()), "compute", "--service", service.url, "--config", str(parties / f"party{party}.json"),
             "--study", "quickstart", "--definition", str(definition), "--issued-participants", str(issued)], cwd=folder, stdout=log, stderr=subprocess.STDOUT), folder))
    try:
        wait_for(lambda: all(p.poll() is not None for p, _ in computing), timeout=240, interval=0.5, message="the compute parties")
    finally:
        for process, _ in computing:
            if process.poll() is None:
                process.kill()
    for process, folder in computing:
        assert process.returncode == 0, (folder / "compute.log").read_text()
    wait_for(lambda: [e.text.strip() for e in driver.find_elements(By.CSS_SELECTOR, "#progress [data-party] .stage")] == ["finished"] * 3,
             message="every party's progress to say finished")
    screenshot(driver, "study-analyst-dashboard")

    # Only the analyst's party (party 2) has results; they equal the cleartext computation.
    assert not (tmp_path / "party1" / "results").exists() and not (tmp_path / "party3" / "results").exists()
    results = json.loads((tmp_path / "party2" / "results" / "results.json").read_text())
    assert results["contributors"] == 6
    expected = reference(answers)
    checked = 0
    for table in results["tables"]:
        for group in table["groups"]:
            for result in group["cells"]:
                want = expected[(table["id"], group["label"], result["row"], result["column"])]
                if want is None:
                    assert result["suppressed"], (table["id"], group["label"], result)
                    assert "sum" not in result or result["sum"] is None
                    continue
                assert not result["suppressed"], (table["id"], group["label"], result)
                assert result["contributors"] == want["contributors"]
                assert result["sum"] == want["sum"]
                assert abs(result["mean"] - want["mean"]) <= 1e-6 * max(1, abs(want["mean"]))
                if want["meanPerEmployee"] is not None:
                    assert abs(result["meanPerEmployee"] - want["meanPerEmployee"]) <= 1e-6 * want["meanPerEmployee"]
                checked += 1
    # Every cell of the "All contributors" group and of the Company group but one: Company's Sales /
    # Male salary, filled in by three companies of which only two paid anything, is withheld (the
    # non-zero rule for money), though its headcount and filled count reach the minimum.
    assert checked >= 15
    company = next(g for t in results["tables"] if t["id"] == "salaries" for g in t["groups"] if g["label"] == "sector: Company")
    assert next(c for c in company["cells"] if (c["row"], c["column"]) == ("Sales", "Male"))["suppressed"]
