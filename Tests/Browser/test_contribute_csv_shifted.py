"""The contributor's page and a CSV whose row has more values than its table has columns: a number
typed with a thousands separator and no quotes (`74,607`) splits into two values, and every value
after it lands one column to the right. The page must refuse the file, naming the line and the
likely cause, and change nothing in the form (the same words as `cairn submit`: see
test_form_parity.py). Also: the page explains 0 and empty, and what is withheld, with the study's
own numbers."""

import json

from selenium.webdriver.common.by import By

from conftest import run_module, screenshot, wait_for
from contributor_helpers import fill, page, state, study, upload, value  # noqa: F401 (fixtures)


def shifted_csv():
    # Total annual salaries, Engineering: 300,000 for Female and nothing for Male; without quotes
    # the row reads Female 300, Male 000 (0), which before was accepted.
    return ("# filled in\r\ncohort,sector,Company\r\n"
            "employees,Female,Male\r\nEngineering,3,0\r\nSales,5,4\r\n\r\n"
            "salaries,Female,Male\r\nEngineering,300,000,\r\nSales,250000,200000\r\n")


def test_a_split_number_is_refused_with_its_line_and_nothing_changes(page, tmp_path):
    fill(page, "employees", [["9"]])
    path = tmp_path / "shifted.csv"
    path.write_text(shifted_csv(), newline="")
    upload(page, path)
    message = page.find_element(By.ID, "page-message")
    wait_for(lambda: message.is_displayed() and "line 8" in message.text, message="the refusal naming line 8")
    assert ("line 8: row 'Engineering' of table 'salaries' has 3 values where the table has 2 columns; a number written "
            "with a thousands separator, perhaps 300,000 (columns B and C here), splits into two values — write 300000 "
            "or put it in quotes") in message.text
    assert "nothing in the form changed" in message.text
    # Nothing from the file reached the grid, and nothing was sent.
    assert value(page, "employees", 0, 0) == "9"
    assert value(page, "salaries", 0, 0) == "" and value(page, "salaries", 0, 1) == ""
    assert state(page) == "ready"
    screenshot(page, "contributor-csv-split-number-refused")

    # Quoted, the same number is one value and the file is read.
    path.write_text(shifted_csv().replace("Engineering,300,000,", "Engineering,\"300,000\",0"), newline="")
    upload(page, path)
    wait_for(lambda: value(page, "salaries", 0, 0) == "300,000", message="the quoted number in the grid")
    assert value(page, "salaries", 0, 1) == "0"


def test_the_page_explains_zero_empty_and_what_is_withheld(page):
    notes = [item.text for item in page.find_elements(By.CSS_SELECTOR, "#zero-and-empty-notes li")]
    assert notes[0].startswith("0 and empty differ: write 0 where the answer is zero")
    assert "An empty cell is not counted at all." in notes[0]
    assert "A result is withheld when it has fewer than 3 contributors (or covers fewer than 3 employees)." in notes
    assert "In tables of numbers of people, a 0 counts as contributing." in notes
    assert "In tables of money and of months, only values other than 0 count towards that minimum." in notes
    assert notes[-1] == "Totals are withheld too when they would give away a withheld figure."
    # The quick start sets no dominance rule, so the page states none.
    assert not any("more than" in note and "% of its total" in note for note in notes)
    explained = page.find_element(By.ID, "what-happens").get_attribute("textContent")
    assert "In tables of money and of months, only values other than 0 count towards that minimum." in explained


def test_the_dominance_rule_is_stated_with_the_definitions_percentage(page, deployment):
    definition = json.loads(deployment[1].read_text())
    definition["statistics"]["dominance"] = {"percent": 62.5}
    notes = run_module(page, "/assets/js/study-form.js", "return m.zeroAndEmptyNotes(args[0]);", definition)
    assert "A figure is also withheld when one organization holds more than 62.5% of its total." in notes
    assert notes[-1] == "Totals are withheld too when they would give away a withheld figure."
    del definition["statistics"]["minimumCellSize"]
    del definition["statistics"]["dominance"]
    assert run_module(page, "/assets/js/study-form.js", "return m.zeroAndEmptyNotes(args[0]);", definition) == [
        "0 and empty differ: write 0 where the answer is zero, and leave a cell empty where it does not apply to you. "
        "An empty cell is not counted at all."]
