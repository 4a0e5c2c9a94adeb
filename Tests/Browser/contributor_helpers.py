"""Helpers for the contributor page's tests: a study with links, and driving the grid."""

import json
import pathlib
import time

import pytest
from selenium.webdriver.common.by import By

from conftest import EXAMPLES, wait_for


class Study:
    def __init__(self, service, definition: pathlib.Path, links: int = 2):
        self.service = service
        self.definition = json.loads(definition.read_text())
        self.id = self.definition["id"]
        self.credential = service.create_study(definition)
        self.links = service.make_links(self.id, self.credential, links)

    def contribution(self, code: str):
        status, answer = self.service.api("GET", f"/api/v1/studies/{self.id}/contribution", secret=code)
        assert status == 200, answer
        return answer

    def close(self):
        status, answer = self.service.api("POST", f"/api/v1/studies/{self.id}/close", secret=self.credential)
        assert status == 200, answer


def state(driver) -> str:
    return driver.execute_script("return document.body.dataset.state")


def wait_state(driver, wanted: str, timeout=30):
    wait_for(lambda: state(driver) == wanted, timeout=timeout, message=f"page state {wanted!r} (it is {state(driver)!r})")


def open_page(driver, url: str, wanted: str = "ready"):
    driver.get("about:blank")  # a link differing only in its fragment would not load the page again
    driver.get(url)
    wait_state(driver, wanted)


def cell(driver, table: str, row: int, column: int):
    return driver.find_element(By.CSS_SELECTOR, f'[data-table="{table}"][data-row="{row}"][data-column="{column}"]')


def value(driver, table: str, row: int, column: int) -> str:
    return cell(driver, table, row, column).get_attribute("value")


def active_position(driver):
    return driver.execute_script(
        "const e = document.activeElement; return e && e.dataset.table !== undefined"
        " ? [e.dataset.table, Number(e.dataset.row), Number(e.dataset.column)] : null")


def row_total(driver, table: str, row: int) -> str:
    return driver.find_element(By.CSS_SELECTOR, f'[data-table="{table}"][data-total-row="{row}"]').text


def column_total(driver, table: str, column: int) -> str:
    return driver.find_element(By.CSS_SELECTOR, f'[data-table="{table}"][data-total-column="{column}"]').text


def fill(driver, table: str, rows):
    """Types `rows` (lists of texts) into a table from its first cell, as a person would."""
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            element = cell(driver, table, r, c)
            element.click()
            element.send_keys(text)


def problems(driver):
    # Read in one go: the list is rebuilt as the page checks the numbers.
    return driver.execute_script("return Array.from(document.querySelectorAll('#problems li'), (li) => li.textContent)")


def paste(driver, table: str, row: int, column: int, text: str):
    """Selects a cell and pastes `text` into it as the clipboard would (a real paste event)."""
    cell(driver, table, row, column).click()
    driver.execute_script("""
        const data = new DataTransfer();
        data.setData("text/plain", arguments[1]);
        arguments[0].dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
    """, cell(driver, table, row, column), text)


def upload(driver, path: pathlib.Path):
    driver.find_element(By.ID, "upload").send_keys(str(path))


def downloaded(driver, name: str, timeout=20) -> pathlib.Path:
    path = driver.downloads / name
    wait_for(lambda: path.exists() and not (driver.downloads / (name + ".crdownload")).exists() and path.stat().st_size > 0,
             timeout=timeout, message=f"download of {name}")
    time.sleep(0.2)
    return path


def quickstart_answers():
    return {"employees": [["3", "4"], ["5", "0"]], "salaries": [["300000", "410000"], ["250000", "0"]]}


PAY_EQUITY = EXAMPLES / "pay-equity.json"


# The contributor-page tests' common fixtures: the quick-start study and its first link's page.
# Test modules import them by name (`from contributor_helpers import page, study`).
@pytest.fixture
def study(service, deployment):
    return Study(service, deployment[1])


@pytest.fixture
def page(study, browser):
    open_page(browser, study.links[0]["url"])
    return browser
