"""The analyst's pages in headless Chromium against a real `cairn serve`: creating a study (with
its refusals), signing in, participation links, participation counts, closing, and the compute
parties' progress while `cairn compute` runs."""

import csv
import hashlib
import io
import json
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from conftest import EXAMPLES, ComputeParties, cairn, participant_tag, screenshot, wait_for


def state(browser):
    return browser.execute_script("return document.body.dataset.state")


def wait_state(browser, wanted, timeout=20):
    wait_for(lambda: state(browser) == wanted, timeout=timeout, message=f"page state {wanted!r} (now {state(browser)!r})")


def text(browser, selector):
    elements = browser.find_elements(By.CSS_SELECTOR, selector)
    return elements[0].text if elements else None


def published_digest(service, study):
    """The SHA-256 of the definition's bytes as the service serves them."""
    with urllib.request.urlopen(f"{service.url}/api/v1/studies/{study}/definition", timeout=30) as response:
        return hashlib.sha256(response.read()).hexdigest()


def visible_message(browser, selector):
    return wait_for(lambda: text(browser, selector), message=f"a message in {selector}")


def open_create_page(browser, service):
    browser.get(service.url + "/analyst")
    wait_state(browser, "create")


def set_definition(browser, definition_text):
    area = browser.find_element(By.ID, "definition-text")
    browser.execute_script("arguments[0].value = arguments[1]", area, definition_text)


def test_create_page_refusals(service, browser):
    open_create_page(browser, service)
    # An example as the starting point: its text lands in the box.
    browser.find_element(By.XPATH, "//button[contains(., 'Quick start')]").click()
    wait_for(lambda: '"quickstart"' in browser.find_element(By.ID, "definition-text").get_attribute("value"), message="the example")

    browser.find_element(By.ID, "operator-token").send_keys("not-the-operator-token")
    browser.find_element(By.ID, "create-study").click()
    message = visible_message(browser, "#create-message")
    assert "operator token is not this service's" in message
    assert "not-the-operator-token" not in browser.page_source
    assert not browser.find_elements(By.ID, "analyst-credential")

    token = browser.find_element(By.ID, "operator-token")
    token.clear()
    token.send_keys(service.operator_token)
    definition = json.loads((EXAMPLES / "quickstart.json").read_text())
    del definition["tables"]
    definition["recipients"] = ["nobody"]
    set_definition(browser, json.dumps(definition))
    browser.find_element(By.ID, "create-study").click()
    problems = wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "#create-problems li"), message="the problems")
    assert len(problems) >= 1 and all(problem.text for problem in problems)
    assert browser.find_element(By.ID, "create-problems").is_displayed()
    assert "not valid" in text(browser, "#create-message")
    assert state(browser) == "create"

    # Not JSON at all: the service's problem is listed too.
    set_definition(browser, "{ this is not json")
    browser.find_element(By.ID, "create-study").click()
    wait_for(lambda: "not valid" in (text(browser, "#create-message") or "") and browser.find_elements(By.CSS_SELECTOR, "#create-problems li"),
             message="the problems of text that is not JSON")
    assert service.api("GET", "/api/v1/studies/quickstart")[0] == 404

    # Opening a study that does not exist says so.
    browser.find_element(By.ID, "open-study-id").send_keys("no-such-study", Keys.ENTER)
    wait_state(browser, "error")
    assert "There is no study" in browser.find_element(By.ID, "app").text


def test_study_from_creation_to_computation(service, deployment, browser, tmp_path):
    parties, definition_path = deployment
    definition = json.loads(definition_path.read_text())
    definition["cohorts"] = definition.get("cohorts", []) + [
        {"id": "region", "question": "Which region is the organization in?", "options": ["north", "south"], "assignedBy": "link"}]
    upload = tmp_path / "study-with-regions.json"
    upload.write_text(json.dumps(definition, indent=2))
    study = definition["id"]

    # Create the study from a definition file.
    open_create_page(browser, service)
    browser.find_element(By.ID, "definition-file").send_keys(str(upload))
    wait_for(lambda: '"region"' in browser.find_element(By.ID, "definition-text").get_attribute("value"), message="the file read")
    browser.find_element(By.ID, "operator-token").send_keys(service.operator_token)
    browser.find_element(By.ID, "create-study").click()
    credential_element = wait_for(lambda: browser.find_elements(By.ID, "analyst-credential"), message="the credential")[0]
    credential = credential_element.get_attribute("textContent")
    assert credential.startswith("cairn-analyst-") and len(credential) == len("cairn-analyst-") + 43
    assert "not shown again" in browser.find_element(By.ID, "app").text
    assert service.api("GET", f"/api/v1/studies/{study}/participation", secret=credential)[0] == 200
    assert credential not in browser.current_url
    browser.find_element(By.ID, "download-credential").click()
    saved = browser.downloads / f"{study}.analyst-credential"
    wait_for(saved.exists, message="the downloaded credential")
    assert saved.read_text().strip() == credential

    # The dashboard: this tab remembers the credential; forgetting it asks for it again.
    browser.find_element(By.ID, "open-dashboard").click()
    wait_state(browser, "dashboard")
    assert browser.current_url == f"{service.url}/analyst/{study}"
    browser.find_element(By.ID, "sign-out").click()
    wait_state(browser, "signin")
    # Only the definition's digest stays (it is public): the credential is gone.
    kept = browser.execute_script("return Object.keys(sessionStorage)")
    assert kept == [f"cairn-definition:{study}"], kept
    assert browser.execute_script(f"return sessionStorage.getItem('cairn-definition:{study}')") == published_digest(service, study)
    browser.find_element(By.ID, "credential").send_keys("cairn-analyst-" + "A" * 43)
    browser.find_element(By.ID, "sign-in").click()
    assert "not the study's analyst credential" in visible_message(browser, "#sign-in-message")
    assert state(browser) == "signin"
    field = browser.find_element(By.ID, "credential")
    field.clear()
    field.send_keys(credential, Keys.ENTER)
    wait_state(browser, "dashboard")
    assert text(browser, "#study-status") == "open"
    assert text(browser, "#linked-count") == "0" and text(browser, "#submitted-count") == "0"
    assert browser.find_elements(By.CSS_SELECTOR, "svg#over-time")

    # Participation links: the link-assigned cohort must be chosen.
    count = browser.find_element(By.ID, "link-count")
    count.clear()
    count.send_keys("3")
    browser.find_element(By.ID, "make-links").click()
    assert "Choose" in visible_message(browser, "#links-message")
    assert not browser.find_elements(By.CSS_SELECTOR, "table#links")
    Select(browser.find_element(By.CSS_SELECTOR, 'select[data-link-cohort="region"]')).select_by_value("north")
    browser.find_element(By.ID, "make-links").click()
    links = wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "table#links a.participation-link"), message="the links")
    urls = [link.get_attribute("href") for link in links]
    assert len(urls) == 3 and len(set(urls)) == 3
    assert all(url.startswith(f"{service.url}/contribute/{study}#") for url in urls)
    assert "shown only once" in browser.find_element(By.ID, "links-output").text
    fingerprint = browser.find_element(By.ID, "links-fingerprint").text
    assert published_digest(service, study) in fingerprint and "this browser created the study with" in fingerprint

    browser.find_element(By.ID, "download-links").click()
    files = wait_for(lambda: [path for path in browser.downloads.glob("*.csv")], message="the links' CSV")
    rows = list(csv.reader(io.StringIO(files[0].read_text())))
    assert rows[0] == ["url", "code", "region"]
    assert [row[0] for row in rows[1:]] == urls
    assert all(row[0].split("#")[1] == row[1] + "." + published_digest(service, study) and row[2] == "north" for row in rows[1:])
    # The list of issued participants: the tags of exactly these codes, for the analyst's party.
    browser.find_element(By.ID, "download-issued").click()
    issued = wait_for(lambda: next(iter(browser.downloads.glob("*.issued-participants")), None), message="the issued list")
    wait_for(lambda: len(issued.read_text().split()) == 3, message="three issued tags")
    assert sorted(issued.read_text().split()) == sorted(participant_tag(study, row[1]) for row in rows[1:])

    # Counts refresh by themselves: the links, then a submission sent with the command line.
    wait_for(lambda: text(browser, "#linked-count") == "3", timeout=15, message="3 links counted")
    cairn("submit", "--link", urls[0], "--file", EXAMPLES / "quickstart-filled.csv", cwd=tmp_path)
    wait_for(lambda: text(browser, "#submitted-count") == "1", timeout=15, message="1 submission counted")
    assert browser.find_elements(By.CSS_SELECTOR, "svg#over-time rect.chart-bar")
    north = browser.find_element(By.CSS_SELECTOR, 'table[data-cohort="region"] tr[data-option="north"] td').text
    assert north == "1"
    browser.find_element(By.CSS_SELECTOR, 'button[data-bucket="day"]').click()
    wait_for(lambda: browser.find_element(By.CSS_SELECTOR, 'button[data-bucket="day"]').get_attribute("aria-pressed") == "true")

    # Closing asks first; cancelling changes nothing.
    browser.find_element(By.ID, "close-study").click()
    dialog = browser.find_element(By.CSS_SELECTOR, "dialog#confirm-close")
    wait_for(lambda: dialog.get_attribute("open") is not None, message="the dialog")
    assert "final" in dialog.text and f"--study {study}" in dialog.text
    browser.find_element(By.ID, "cancel-close-button").click()
    wait_for(lambda: dialog.get_attribute("open") is None, message="the dialog closed")
    assert text(browser, "#study-status") == "open"
    assert service.api("GET", f"/api/v1/studies/{study}")[1]["status"] == "open"
    browser.find_element(By.ID, "close-study").click()
    wait_for(lambda: dialog.get_attribute("open") is not None, message="the dialog again")
    browser.find_element(By.ID, "confirm-close-button").click()
    wait_for(lambda: text(browser, "#study-status") == "closed", message="the study closed")
    assert service.api("GET", f"/api/v1/studies/{study}")[1]["status"] == "closed"
    assert not browser.find_elements(By.ID, "make-links")

    # The computation: every party's stage, until all have finished.
    stages = lambda: [element.text for element in browser.find_elements(By.CSS_SELECTOR, "#progress [data-party] .stage")]
    wait_for(lambda: stages() == ["waiting"] * 3, message="three waiting parties")
    assert [element.get_attribute("data-party") for element in browser.find_elements(By.CSS_SELECTOR, "#progress [data-party]")] == ["1", "2", "3"]
    assert "report.html" in browser.find_element(By.ID, "app").text
    with ComputeParties(tmp_path, parties, study, upload, issued, service.url) as computing:
        # Parties 1 and 2 fetch and decrypt, then wait for party 3 to connect: the page shows
        # them there, with their counts, while party 3 has not started.
        computing.start(1)
        computing.start(2)
        wait_for(lambda: stages() == ["decrypting", "decrypting", "waiting"], timeout=60, interval=0.3,
                 message=f"parties 1 and 2 decrypting (now {stages()})")
        counts = [element.text for element in browser.find_elements(By.CSS_SELECTOR, "#progress [data-party] .counts")]
        assert counts[:2] == ["1 of 1 shares"] * 2, counts
        assert "Last report" in browser.find_element(By.CSS_SELECTOR, '#progress [data-party="1"]').text
        assert "No report yet" in browser.find_element(By.CSS_SELECTOR, '#progress [data-party="3"]').text
        computing.start(3)
        wait_for(lambda: stages() == ["finished"] * 3, timeout=300, interval=0.5, message="every party finished")
        comparison = browser.find_element(By.ID, "accepted-comparison")
        wait_for(lambda: comparison.get_attribute("data-accepted") == "1", message="the accepted count")
        assert comparison.get_attribute("data-submitted") == "1" and "as many as this service counted" in comparison.text
        computing.wait_all(timeout=60)
    bars = browser.find_elements(By.CSS_SELECTOR, "#progress [data-party] progress")
    assert all(bar.get_attribute("value") == bar.get_attribute("max") for bar in bars)
    # The results exist at the analyst's party only, never on the page.
    analyst = [party["id"] for party in definition["computeParties"]].index(definition["recipients"][0]) + 1
    assert (tmp_path / f"party{analyst}-run" / "results" / "report.html").exists()
    browser.execute_script("window.scrollTo(0, 0)")
    screenshot(browser, "analyst-dashboard-progress")


def test_links_are_made_only_for_the_definition_file_the_analyst_chooses(service, deployment, browser, tmp_path):
    """In a tab that did not create the study, the analyst chooses the published file: a file the
    service does not serve byte for byte (a service that altered the study, or the wrong file) makes
    no links; the right one makes links that carry its fingerprint."""
    _, definition = deployment
    credential = service.create_study(definition)
    study = json.loads(definition.read_text())["id"]
    altered = tmp_path / "altered.json"
    lowered = json.loads(definition.read_text())
    lowered["statistics"]["minimumCellSize"] = 1
    altered.write_text(json.dumps(lowered, indent=2))

    browser.get(f"{service.url}/analyst/{study}")
    wait_state(browser, "signin")
    browser.find_element(By.ID, "credential").send_keys(credential, Keys.ENTER)
    wait_state(browser, "dashboard")
    assert browser.execute_script(f"return sessionStorage.getItem('cairn-definition:{study}')") is None

    browser.find_element(By.ID, "link-definition").send_keys(str(altered))
    browser.find_element(By.ID, "make-links").click()
    assert "not the file you chose" in visible_message(browser, "#links-message")
    assert not browser.find_elements(By.CSS_SELECTOR, "table#links")
    assert service.api("GET", f"/api/v1/studies/{study}/participation", secret=credential)[1]["linked"] == 0

    browser.find_element(By.ID, "link-definition").send_keys(str(definition))
    browser.find_element(By.ID, "make-links").click()
    links = wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "table#links a.participation-link"), message="the links")
    digest = hashlib.sha256(definition.read_bytes()).hexdigest()
    assert all(link.get_attribute("href").endswith("." + digest) for link in links)
    fingerprint = browser.find_element(By.ID, "links-fingerprint").text
    assert digest in fingerprint and "the definition file you chose" in fingerprint
