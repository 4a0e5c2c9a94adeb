"""The contributor's page (`GET /contribute/{study}#code`) in headless Chromium: the spreadsheet
grid (keys, paste and undo, totals), checks as one types with the wording of
docs/STUDY-DEFINITION.md, CSV and .xlsx uploads and template downloads, warnings, sending with a
receipt and resending, closed studies and bad links, the explanation of what happens to the
numbers, and the page's cell vector against the one docs/STUDY-DEFINITION.md (and Swift) give."""

import csv
import io
import json

import openpyxl
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from conftest import cairn, run_module, screenshot, wait_for
from contributor_helpers import (
    PAY_EQUITY, Study, active_position, cell, column_total, downloaded, fill, open_page, paste, problems,
    quickstart_answers, row_total, state, upload, value, wait_state,
    page, study,  # noqa: F401 (fixtures)
)

FORM = "/assets/js/study-form.js"


def fill_quickstart(driver, sector="Non-profit"):
    for table, rows in quickstart_answers().items():
        fill(driver, table, rows)
    if sector:
        Select(driver.find_element(By.CSS_SELECTOR, 'select[data-cohort="sector"]')).select_by_value(sector)


def send(driver):
    review = driver.find_element(By.ID, "review")
    wait_for(lambda: review.is_enabled(), message="the review button to be enabled")
    review.click()
    dialog = driver.find_element(By.ID, "confirm")
    wait_for(lambda: dialog.get_attribute("open") is not None, message="the confirmation dialog")
    driver.find_element(By.ID, "send").click()
    wait_state(driver, "sent", timeout=60)


# -- the grid ------------------------------------------------------------------------------------

def test_typing_and_navigation_keys(page):
    first = cell(page, "employees", 0, 0)
    first.click()
    first.send_keys("3", Keys.TAB)
    assert active_position(page) == ["employees", 0, 1]
    page.switch_to.active_element.send_keys("4", Keys.ENTER)
    assert value(page, "employees", 0, 0) == "3" and value(page, "employees", 0, 1) == "4"
    # Enter after a run of Tabs goes to the next row where the run began, as in a spreadsheet.
    assert active_position(page) == ["employees", 1, 0]
    active = page.switch_to.active_element
    active.send_keys(Keys.ARROW_RIGHT)
    assert active_position(page) == ["employees", 1, 1]
    page.switch_to.active_element.send_keys(Keys.ARROW_UP, Keys.ENTER)
    assert active_position(page) == ["employees", 1, 1]  # without Tabs before it, Enter goes straight down
    page.switch_to.active_element.send_keys(Keys.ARROW_LEFT)
    assert active_position(page) == ["employees", 1, 0]
    page.switch_to.active_element.send_keys("5", Keys.SHIFT, Keys.ENTER)
    assert active_position(page) == ["employees", 0, 0] and value(page, "employees", 1, 0) == "5"

    # Typing replaces; F2 edits in place; Escape cancels an edit; Delete clears.
    page.switch_to.active_element.send_keys("12")
    assert value(page, "employees", 0, 0) == "12"
    page.switch_to.active_element.send_keys(Keys.ENTER, Keys.ARROW_UP, Keys.F2, "0")
    assert value(page, "employees", 0, 0) == "120"
    page.switch_to.active_element.send_keys(Keys.ESCAPE)
    assert value(page, "employees", 0, 0) == "12"
    page.switch_to.active_element.send_keys(Keys.ARROW_RIGHT, Keys.DELETE)
    assert value(page, "employees", 0, 1) == ""
    page.switch_to.active_element.send_keys(Keys.SHIFT, Keys.TAB)
    assert active_position(page) == ["employees", 0, 0]
    # Tab at the end of a row goes on to the next row.
    cell(page, "salaries", 0, 1).click()
    page.switch_to.active_element.send_keys(Keys.TAB)
    assert active_position(page) == ["salaries", 1, 0]

    grid = page.find_element(By.CSS_SELECTOR, '[data-grid="employees"]')
    assert grid.get_attribute("role") == "grid"
    assert cell(page, "employees", 0, 0).find_element(By.XPATH, "..").get_attribute("role") == "gridcell"
    assert cell(page, "employees", 0, 1).get_attribute("aria-label") == "Number of employees: Engineering, Male"


def test_totals_update_as_one_types(page):
    assert row_total(page, "salaries", 0) == ""
    target = cell(page, "salaries", 0, 0)
    target.click()
    target.send_keys("300000")
    assert row_total(page, "salaries", 0) == "300,000"
    cell(page, "salaries", 0, 1).click()
    page.switch_to.active_element.send_keys("410000")
    cell(page, "salaries", 1, 0).click()
    page.switch_to.active_element.send_keys("250000")
    assert row_total(page, "salaries", 0) == "710,000"
    assert column_total(page, "salaries", 0) == "550,000"
    assert page.find_element(By.CSS_SELECTOR, '[data-table="salaries"][data-total-all]').text == "960,000"


def test_paste_of_a_range_and_undo(page):
    undo = page.find_element(By.ID, "undo-paste")
    assert not undo.is_enabled()
    fill(page, "salaries", [["1"]])
    # As Excel puts it on the clipboard: tabs between cells, CRLF after every row.
    paste(page, "salaries", 0, 0, "300000\t410000\r\n250000\t0\r\n")
    assert [value(page, "salaries", r, c) for r in (0, 1) for c in (0, 1)] == ["300000", "410000", "250000", "0"]
    assert row_total(page, "salaries", 0) == "710,000"
    assert undo.is_enabled()
    undo.click()
    assert [value(page, "salaries", r, c) for r in (0, 1) for c in (0, 1)] == ["1", "", "", ""]
    assert not undo.is_enabled()

    # Ctrl+Z undoes too; a block too large for the table fills what fits and says so.
    paste(page, "employees", 1, 0, "7\t8\t9\n10\t11\t12")
    assert value(page, "employees", 1, 0) == "7" and value(page, "employees", 1, 1) == "8"
    assert "beyond the edge" in page.find_element(By.ID, "grid-status").text
    page.switch_to.active_element.send_keys(Keys.CONTROL, "z")
    assert value(page, "employees", 1, 0) == "" and value(page, "employees", 1, 1) == ""


def test_a_block_selected_with_shift_is_copied_cleared_and_restored(page):
    fill(page, "salaries", [["300000", "410000"], ["250000", "7"]])
    cell(page, "salaries", 0, 0).click()
    page.switch_to.active_element.send_keys(Keys.SHIFT, Keys.ARROW_RIGHT, Keys.ARROW_DOWN)
    assert len(page.find_elements(By.CSS_SELECTOR, 'td.in-range [data-table="salaries"]')) == 4
    copied = page.execute_script("""
        const data = new DataTransfer();
        document.activeElement.dispatchEvent(new ClipboardEvent("copy", { clipboardData: data, bubbles: true, cancelable: true }));
        return data.getData("text/plain");
    """)
    assert copied == "300000\t410000\n250000\t7"
    # The copy pastes back as a block elsewhere, from the selected cell.
    paste(page, "employees", 0, 0, copied)
    assert [value(page, "employees", r, c) for r in (0, 1) for c in (0, 1)] == ["300000", "410000", "250000", "7"]

    cell(page, "salaries", 1, 1).click()
    page.switch_to.active_element.send_keys(Keys.SHIFT, Keys.ARROW_UP, Keys.ARROW_LEFT)
    page.switch_to.active_element.send_keys(Keys.DELETE)
    assert [value(page, "salaries", r, c) for r in (0, 1) for c in (0, 1)] == ["", "", "", ""]
    assert row_total(page, "salaries", 0) == ""
    assert "Cleared 4 cells" in page.find_element(By.ID, "grid-status").text
    page.find_element(By.ID, "undo-paste").click()
    assert [value(page, "salaries", r, c) for r in (0, 1) for c in (0, 1)] == ["300000", "410000", "250000", "7"]
    # Moving without Shift leaves the block.
    cell(page, "salaries", 0, 0).click()
    page.switch_to.active_element.send_keys(Keys.ARROW_RIGHT)
    assert not page.find_elements(By.CSS_SELECTOR, "td.in-range")


# -- checks ----------------------------------------------------------------------------------------

def test_validation_as_one_types(page):
    review = page.find_element(By.ID, "review")
    assert not review.is_enabled()
    assert "Number of employees, row 'Engineering', column 'Female': is empty, but this cell must be filled in" in problems(page)
    assert "Which kind of organization are you?: no option was chosen" in problems(page)

    fill_quickstart(page)
    assert problems(page) == []
    wait_for(lambda: review.is_enabled(), message="review enabled")

    target = cell(page, "salaries", 0, 0)
    target.click()
    target.send_keys("1.5")
    wait_for(lambda: problems(page), message="a problem")
    assert problems(page) == ["Total annual salaries, row 'Engineering', column 'Female': 1.5 is not a whole number (amounts are in whole dollars, without cents)"]
    assert target.get_attribute("aria-invalid") == "true"
    assert not review.is_enabled()

    target.send_keys(Keys.ENTER)
    cell(page, "salaries", 1, 1).click()
    page.switch_to.active_element.send_keys("50000", Keys.ENTER)
    wait_for(lambda: len(problems(page)) == 2, message="two problems")
    assert "Number of employees and Total annual salaries, row 'Sales', column 'Male': Number of employees is 0 but Total annual salaries is 50000; these must be zero (or empty) together" in problems(page)

    # Each problem links to its cell.
    page.find_element(By.CSS_SELECTOR, "#problems li a").click()
    assert active_position(page) == ["salaries", 0, 0]
    assert page.current_url.endswith("#" + page.execute_script("return location.hash.slice(1)"))  # the code stays

    page.switch_to.active_element.send_keys("310000", Keys.ENTER)
    cell(page, "salaries", 1, 1).click()
    page.switch_to.active_element.send_keys(Keys.DELETE)
    wait_for(lambda: problems(page) == [], message="no problems")
    assert review.is_enabled()
    assert cell(page, "salaries", 0, 0).get_attribute("aria-invalid") is None


def test_warnings_must_be_acknowledged(page):
    fill_quickstart(page)
    # 3 women in Engineering paid $9,000 a year in all: allowed, but worth a second look.
    cell(page, "salaries", 0, 0).click()
    page.switch_to.active_element.send_keys("9000", Keys.ENTER)
    boxes = wait_for(lambda: page.find_elements(By.CSS_SELECTOR, "#warnings input[type=checkbox][data-acknowledge]"), message="a warning")
    assert len(boxes) == 1
    text = page.find_element(By.CSS_SELECTOR, "#warnings li").text
    assert "Total annual salaries, row 'Engineering', column 'Female'" in text and "per employee" in text
    review = page.find_element(By.ID, "review")
    assert problems(page) == [] and not review.is_enabled()
    boxes[0].click()
    wait_for(lambda: review.is_enabled(), message="review enabled after acknowledging")
    # A different value is a new warning to acknowledge.
    cell(page, "salaries", 0, 0).click()
    page.switch_to.active_element.send_keys("8000", Keys.ENTER)
    wait_for(lambda: not review.is_enabled(), message="review disabled again")


# -- files -----------------------------------------------------------------------------------------

def quickstart_csv(employees_header="employees,Female,Male", sector="Non-profit"):
    return ("# filled in\r\n"
            f"cohort,sector,{sector}\r\n"
            f"{employees_header}\r\nEngineering,3,4\r\nSales,5,0\r\n\r\n"
            "salaries,Female,Male\r\nEngineering,\"300,000\",410000\r\nSales,250000,0\r\n")


def test_csv_upload_good_and_wrong(page, tmp_path):
    fill(page, "employees", [["9"]])
    wrong = tmp_path / "wrong.csv"
    wrong.write_text(quickstart_csv(employees_header="employees,Female,Men"))
    upload(page, wrong)
    message = page.find_element(By.ID, "page-message")
    wait_for(lambda: message.is_displayed(), message="a message")
    assert "nothing in the form changed" in message.text
    assert "line 3, column C: expected the column label 'Male' of table 'employees' but found 'Men'" in message.text
    assert value(page, "employees", 0, 0) == "9" and value(page, "employees", 0, 1) == ""

    bad_value = tmp_path / "bad-value.csv"
    bad_value.write_text(quickstart_csv().replace("Sales,250000,0", "Sales,250000.50,0"))
    upload(page, bad_value)
    wait_for(lambda: "line 9, column B (Total annual salaries, row 'Sales', column 'Female'): 250000.50 is not a whole number" in message.text,
             message="the cell's line and column")

    good = tmp_path / "good.csv"
    good.write_text(quickstart_csv())
    upload(page, good)
    wait_for(lambda: value(page, "salaries", 0, 0) == "300,000", message="the file's numbers in the grid")
    assert [value(page, "employees", r, c) for r in (0, 1) for c in (0, 1)] == ["3", "4", "5", "0"]
    assert Select(page.find_element(By.CSS_SELECTOR, 'select[data-cohort="sector"]')).first_selected_option.text == "Non-profit"
    assert row_total(page, "salaries", 0) == "710,000"
    assert problems(page) == []


def test_xlsx_upload_from_openpyxl_and_a_mismatching_one(page, tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Answers"
    for row in [["cohort", "sector", "Company"], [], ["employees", "Female", "Male"], ["Engineering", 3, 4], ["Sales", 5, 0], [],
                ["salaries", "Female", "Male"], ["Engineering", 300000, 410000], ["Sales", 250000.0, 0]]:
        sheet.append(row)
    good = tmp_path / "good.xlsx"
    workbook.save(good)
    upload(page, good)
    wait_for(lambda: value(page, "salaries", 1, 0) == "250000", message="the workbook's numbers in the grid")
    assert [value(page, "employees", r, c) for r in (0, 1) for c in (0, 1)] == ["3", "4", "5", "0"]
    assert Select(page.find_element(By.CSS_SELECTOR, 'select[data-cohort="sector"]')).first_selected_option.text == "Company"

    sheet["A5"] = "Marketing"
    wrong = tmp_path / "wrong.xlsx"
    workbook.save(wrong)
    upload(page, wrong)
    message = page.find_element(By.ID, "page-message")
    wait_for(lambda: "was not loaded" in message.text, message="the refusal")
    assert "sheet 'Answers', row 5, column A: 'Marketing' is not a row of table 'employees' (Number of employees); its rows are: Engineering; Sales" in message.text
    assert value(page, "employees", 1, 0) == "5"


def test_template_downloads_round_trip(page, study, tmp_path):
    page.find_element(By.ID, "download-csv").click()
    template = downloaded(page, "quickstart.csv").read_bytes()
    swift = cairn("submit", "--link", study.links[0]["url"], "--template").stdout
    assert template.decode() == swift.replace("\r\n", "\n").replace("\n", "\r\n")

    page.find_element(By.ID, "download-xlsx").click()
    path = downloaded(page, "quickstart.xlsx")
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert ["employees", "Female", "Male"] in rows
    # Fill it in as a spreadsheet program would and upload it.
    for r, row in enumerate(sheet.iter_rows(), start=1):
        label = row[0].value
        if label == "cohort":
            sheet.cell(r, 3, "Public sector")
    table = None
    answers = quickstart_answers()
    for r, row in enumerate(sheet.iter_rows(), start=1):
        label = row[0].value
        if label in answers:
            table = label
        elif table and label in ("Engineering", "Sales"):
            line = answers[table][0 if label == "Engineering" else 1]
            for c, text in enumerate(line):
                sheet.cell(r, c + 2, int(text))
    filled = tmp_path / "filled.xlsx"
    workbook.save(filled)
    upload(page, filled)
    wait_for(lambda: value(page, "salaries", 0, 1) == "410000", message="the filled template in the grid")
    assert problems(page) == []

    # The page's own workbook, filled by the page, reads back the same.
    page.find_element(By.ID, "download-xlsx").click()
    again = downloaded(page, "quickstart (1).xlsx")
    cell(page, "employees", 0, 0).click()
    page.switch_to.active_element.send_keys("99")
    upload(page, again)
    wait_for(lambda: value(page, "employees", 0, 0) == "3", message="the page's workbook read back")
    written = list(csv.reader(io.StringIO(downloaded(page, "quickstart.csv").read_text())))
    assert ["employees", "Female", "Male"] in written


# -- sending ---------------------------------------------------------------------------------------

def test_submit_receipt_and_resubmit(page, study):
    code = study.links[0]["code"]
    assert study.contribution(code)["latestSubmission"] is None
    fill_quickstart(page)
    review = page.find_element(By.ID, "review")
    wait_for(lambda: review.is_enabled(), message="review enabled")
    review.click()
    dialog = page.find_element(By.ID, "confirm")
    summary = dialog.text
    for party in study.definition["computeParties"]:
        assert party["name"] in summary
    assert "encrypted in this browser" in summary and "Non-profit" in summary and "960,000" in summary
    page.find_element(By.ID, "cancel-send").click()
    assert dialog.get_attribute("open") is None and state(page) == "ready"

    send(page)
    receipt = page.find_element(By.ID, "receipt")
    assert receipt.is_displayed()
    assert receipt.find_element(By.CSS_SELECTOR, '[data-field="submission"]').text == "1"
    assert receipt.find_element(By.CSS_SELECTOR, '[data-field="received-at"]').text
    assert len(receipt.find_element(By.CSS_SELECTOR, '[data-field="fingerprint"]').text.replace(" ", "")) == 16
    assert "replaces" in receipt.text
    assert study.contribution(code)["latestSubmission"] == 1
    screenshot(page, "contributor-page-receipt")

    page.find_element(By.ID, "resubmit").click()
    wait_state(page, "ready")
    assert value(page, "salaries", 0, 1) == "410000"
    cell(page, "salaries", 0, 1).click()
    page.switch_to.active_element.send_keys("420000", Keys.ENTER)
    send(page)
    assert page.find_element(By.CSS_SELECTOR, '#receipt [data-field="submission"]').text == "2"
    assert study.contribution(code)["latestSubmission"] == 2

    # A later visit says that numbers were already sent.
    open_page(page, study.links[0]["url"])
    assert "already sent" in page.find_element(By.ID, "prior-submission").text


def test_network_failure_is_retried_with_the_same_bytes(page, study):
    fill_quickstart(page)
    # The first attempt to send fails as a dropped connection would; the page tries again by itself.
    page.execute_script("""
        window.sentBodies = [];
        const realFetch = window.fetch;
        let failed = false;
        window.fetch = async (url, init = {}) => {
          if (init.method === "PUT") {
            window.sentBodies.push(init.body);
            if (!failed) { failed = true; throw new TypeError("Failed to fetch"); }
          }
          return realFetch(url, init);
        };
    """)
    send(page)
    bodies = page.execute_script("return window.sentBodies")
    assert len(bodies) == 2 and bodies[0] == bodies[1]
    assert json.loads(bodies[0])["submission"] == 1
    assert study.contribution(study.links[0]["code"])["latestSubmission"] == 1


def test_link_assigned_cohort_is_a_fixed_fact(service, deployment, browser, tmp_path):
    definition = json.loads(deployment[1].read_text())
    definition["id"] = "linked"
    definition["cohorts"][0]["assignedBy"] = "link"
    path = tmp_path / "linked.json"
    path.write_text(json.dumps(definition))
    study = Study.__new__(Study)
    study.service, study.definition, study.id = service, definition, "linked"
    study.credential = service.create_study(path)
    study.links = service.make_links("linked", study.credential, 1, cohorts={"sector": "Public sector"})
    open_page(browser, study.links[0]["url"])
    assert not browser.find_elements(By.CSS_SELECTOR, "select[data-cohort]")
    assert browser.find_element(By.CSS_SELECTOR, '[data-link-cohort="sector"]').text == "Public sector"
    fill_quickstart(browser, sector=None)
    assert problems(browser) == []
    vector = run_module(browser, FORM, "return m.cellVector(args[0], args[1]).map(String);",
                        definition, {"tables": quickstart_answers(), "cohorts": {"sector": "Public sector"}})
    assert vector[-3:] == ["0", "0", "1"]
    send(browser)
    assert study.contribution(study.links[0]["code"])["latestSubmission"] == 1


def test_closed_study(page, study, browser):
    study.close()
    open_page(browser, study.links[1]["url"], "closed")
    message = browser.find_element(By.ID, "page-message")
    assert message.get_attribute("role") == "alert" and "closed" in message.text
    assert not browser.find_elements(By.CSS_SELECTOR, "[data-table][data-row]") or not cell(browser, "employees", 0, 0).is_displayed()


def test_wrong_and_missing_code(study, browser):
    url = study.links[0]["url"]
    digest = url.split(".")[-1]
    open_page(browser, url.split("#")[0] + "#AAAAAAAAAAAAAAAAAAAAAAAA." + digest, "error")
    assert "not valid" in browser.find_element(By.ID, "page-message").text
    open_page(browser, url.split("#")[0], "error")
    assert "participation link" in browser.find_element(By.ID, "page-message").text


def test_what_happens_names_the_parties(page, study):
    section = page.find_element(By.ID, "what-happens")
    assert section.is_displayed()
    text = section.text
    for party in study.definition["computeParties"]:
        assert party["name"] in text
    assert "3 shares" in text and "encrypted shares" in text and "fewer than 3 contributors" in text
    # The page says in plain words what stops a cheating contributor and a dishonest service.
    assert "What stops cheating" in text
    assert "fingerprint" in text and "Only links the analyst issued count" in text
    assert "check every submission against the study's rules" in text and "left out" in text


# -- the cell vector -------------------------------------------------------------------------------

def test_cell_vector_equals_the_documented_one(page, study):
    answers = {"tables": quickstart_answers(), "cohorts": {"sector": "Non-profit"}}
    vector = run_module(page, FORM, "return m.cellVector(args[0], args[1]).map(String);", study.definition, answers)
    assert [int(x) for x in vector] == [3, 4, 5, 0, 300000, 410000, 250000, 0] + [1] * 8 + [0, 1, 0]

    number_study = {"id": "n", "title": "n", "tables": [{"id": "t", "title": "T", "kind": "number", "rows": ["a"], "columns": ["b", "c"],
                    "validation": {"decimalPlaces": 1}}], "statistics": {"compute": ["sum"]}, "computeParties": [], "recipients": []}
    vector = run_module(page, FORM, "return m.cellVector(args[0], args[1]).map((x) => x.toString(16));",
                        number_study, {"tables": {"t": [["-2.5", None]]}, "cohorts": {}})
    assert vector == ["ffffffffffffffe7", "0", "1", "0"]
    # A link-assigned cohort still has its indicators; the trillion limit applies after scaling.
    linked = dict(number_study, cohorts=[{"id": "region", "question": "Region?", "options": ["North", "South"], "assignedBy": "link"}])
    vector = run_module(page, FORM, "return m.cellVector(args[0], args[1]).map(String);",
                        linked, {"tables": {"t": [["1", "2"]]}, "cohorts": {"region": "South"}})
    assert vector == ["10", "20", "1", "1", "0", "1"]
    problems = run_module(page, FORM, "return m.checkAnswers(args[0], args[1]).problems.map((p) => p.text);",
                          number_study, {"tables": {"t": [["100000000000.1", "-100,000,000,000.0"]]}, "cohorts": {}})
    assert problems == ["T, row 'a', column 'b': 100000000000.1 is too large: the largest allowed is 100000000000 in magnitude"]


# -- the pay-equity study ---------------------------------------------------------------------------

def test_pay_equity_grid(service, browser):
    study = Study(service, PAY_EQUITY, links=1)
    open_page(browser, study.links[0]["url"])
    assert len(browser.find_elements(By.CSS_SELECTOR, "[data-table][data-row][data-column]")) == 960
    assert browser.execute_script("return getComputedStyle(document.querySelector('[data-grid=employees] thead')).position") == "sticky"
    assert browser.execute_script("return getComputedStyle(document.querySelector('[data-grid=employees] th.row-label')).position") == "sticky"
    paste(browser, "employees", 0, 0, "\t".join(str(n) for n in range(1, 25)) + "\n" + "\t".join("2" for _ in range(24)))
    paste(browser, "compensation", 0, 0, "\t".join(str(n * 150000) for n in range(1, 25)))
    # The page recomputes totals and problems after the paste, on its own time: wait for them.
    wait_for(lambda: row_total(browser, "employees", 0) == "300",
             message="the first row's total to read 300")
    wait_for(lambda: column_total(browser, "employees", 23) == "26",
             message="the last column's total to read 26")
    cell(browser, "employees", 0, 0).click()
    assert browser.find_element(By.CSS_SELECTOR, '[data-grid="employees"] thead').is_displayed()
    expected = ("Number of employees and Total annual compensation, row 'First/Mid-Level Officials and Managers', "
                "column 'Hispanic or Latino / Female': Total annual compensation is empty "
                "but Number of employees is 2; these must be zero (or empty) together")
    wait_for(lambda: expected in "\n".join(problems(browser)), message=f"the problem {expected!r} listed")
    screenshot(browser, "contributor-grid-pay-equity")
