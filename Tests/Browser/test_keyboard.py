"""The contributor's page with the keyboard alone, in Chromium: from the top of the page, Tab
reaches the cohort question (chosen by typing), the grid (filled by typing, moving with Tab and
Enter), the review button and the dialog's send button; the receipt's "correct and resubmit"
button is reachable too. No mouse click anywhere."""

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from conftest import wait_for


def focused(driver, selector):
    return driver.execute_script("return document.activeElement && document.activeElement.matches(arguments[0])", selector)


def tab_to(driver, selector, limit=80):
    """Presses Tab until the focused element matches `selector`; fails after `limit` presses."""
    for _ in range(limit):
        if focused(driver, selector):
            return
        ActionChains(driver).send_keys(Keys.TAB).perform()
    raise AssertionError(f"Tab never reached {selector}")


def press(driver, *keys):
    ActionChains(driver).send_keys(*keys).perform()


def test_contributor_with_the_keyboard_alone(service, deployment, browser):
    _, definition = deployment
    credential = service.create_study(definition)
    link = service.make_links("quickstart", credential, 1)[0]
    browser.get(link["url"])
    wait_for(lambda: browser.execute_script("return document.body.dataset.state") == "ready", message="the page")

    tab_to(browser, 'select[data-cohort="sector"]')
    press(browser, "N")  # a closed select takes the option starting with the letter typed
    wait_for(lambda: browser.execute_script(
        "return document.querySelector('select[data-cohort=\"sector\"]').value") == "Non-profit", message="the cohort chosen by typing")

    tab_to(browser, '[data-table="employees"][data-row="0"][data-column="0"]')
    # Row by row: Tab moves right; Enter commits and moves down (to the row's first column, as
    # spreadsheets do after a run of Tabs).
    for table, rows in (("employees", [["4", "3"], ["1", "1"]]), ("salaries", [["300000", "240000"], ["55000", "60000"]])):
        if not focused(browser, f'[data-table="{table}"][data-row="0"][data-column="0"]'):
            tab_to(browser, f'[data-table="{table}"][data-row="0"][data-column="0"]')
        for values in rows:
            press(browser, values[0], Keys.TAB, values[1], Keys.ENTER)
    values = browser.execute_script("""
        return Array.from(document.querySelectorAll('[data-table][data-row][data-column]'), (cell) => cell.value);
    """)
    assert values == ["4", "3", "1", "1", "300000", "240000", "55000", "60000"]

    tab_to(browser, "#review:not([disabled])")
    press(browser, Keys.ENTER)
    wait_for(lambda: browser.execute_script("return document.querySelector('dialog#confirm').open"), message="the dialog")
    tab_to(browser, "#send", limit=10)  # focus stays inside the open dialog
    press(browser, Keys.ENTER)
    wait_for(lambda: browser.execute_script("return document.body.dataset.state") == "sent", timeout=60, message="the receipt")
    tab_to(browser, "#resubmit", limit=40)
    press(browser, Keys.ENTER)
    wait_for(lambda: browser.execute_script("return document.body.dataset.state") == "ready", message="editing again")

    status, contribution = service.api("GET", "/api/v1/studies/quickstart/contribution", secret=link["code"])
    assert status == 200 and contribution["latestSubmission"] == 1
