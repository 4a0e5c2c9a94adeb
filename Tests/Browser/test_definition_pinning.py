"""A dishonest service that serves another definition than the analyst published (here: the
parties' submission keys swapped, so that it could ask one party for two shares) is refused by the
contributor's page and by `cairn submit`: the link carries the SHA-256 of the published bytes."""

import json
import sqlite3

import pytest
from selenium.webdriver.common.by import By

from conftest import EXAMPLES, ComputeParties, cairn, participant_tag, participation_code, wait_for
from contributor_helpers import Study, open_page


@pytest.fixture
def study(service, deployment):
    return Study(service, deployment[1])


def swap_submission_keys(service, study_id):
    """What a dishonest provider can do to its own database: serve another definition."""
    database = sqlite3.connect(service.data / "cairn-store.sqlite")
    try:
        (stored,) = database.execute("SELECT definition FROM studies WHERE id = ?", (study_id,)).fetchone()
        definition = json.loads(stored)
        parties = definition["computeParties"]
        parties[0]["submissionKey"], parties[1]["submissionKey"] = parties[1]["submissionKey"], parties[0]["submissionKey"]
        database.execute("UPDATE studies SET definition = ? WHERE id = ?", (json.dumps(definition, indent=2).encode(), study_id))
        database.commit()
    finally:
        database.close()


def test_page_refuses_swapped_keys(service, study, browser):
    open_page(browser, study.links[0]["url"])  # the honest service: the form is ready
    swap_submission_keys(service, study.id)
    open_page(browser, study.links[0]["url"], "error")
    message = browser.find_element(By.ID, "page-message").text
    assert "does not match the one the study's analyst published" in message and "Nothing was sent" in message
    assert not browser.find_element(By.ID, "form-area").is_displayed()
    assert study.contribution(study.links[0]["code"])["latestSubmission"] is None


def test_page_refuses_a_link_without_the_fingerprint(study, browser):
    link = study.links[0]
    open_page(browser, link["url"].split("#")[0] + "#" + link["code"], "error")
    assert "Ask the study's analyst for a new link" in browser.find_element(By.ID, "page-message").text


def test_cli_refuses_swapped_keys(service, study, tmp_path):
    link = study.links[0]["url"]
    form = tmp_path / "tables.csv"
    form.write_text(cairn("submit", "--link", link, "--template").stdout)
    swap_submission_keys(service, study.id)
    refused = cairn("submit", "--link", link, "--file", form, check=False)
    assert refused.returncode != 0
    assert "is not the one the analyst published" in refused.stderr and "Nothing was encrypted or sent" in refused.stderr
    assert study.contribution(study.links[0]["code"])["latestSubmission"] is None
    old = cairn("submit", "--link", link.rsplit(".", 1)[0], "--template", check=False)
    assert old.returncode != 0 and "ask the study's analyst for a new link" in old.stderr


def test_minted_contributor_left_out_and_flagged(service, deployment, browser, tmp_path):
    """The service links a participant of its own straight into its database and submits for it:
    the analyst's party leaves it out and says so, and the dashboard flags the difference between
    the service's count (2) and the accepted count (1)."""
    parties, definition_path = deployment
    definition = json.loads(definition_path.read_text())
    study_id = definition["id"]
    credential = service.create_study(definition_path)
    honest = service.make_links(study_id, credential, 1)[0]
    issued = tmp_path / f"{study_id}.issued-participants"
    issued.write_text(honest["tag"] + "\n")

    code = participation_code()
    database = sqlite3.connect(service.data / "cairn-store.sqlite")
    try:
        database.execute(
            "INSERT INTO participation_links (study_id, participant, cohort_tags, created_at) VALUES (?, ?, '{}', 0)",
            (study_id, bytes.fromhex(participant_tag(study_id, code))))
        database.commit()
    finally:
        database.close()
    minted = honest["url"].split("#")[0] + "#" + code + "." + honest["url"].rsplit(".", 1)[1]
    for link in (honest["url"], minted):
        cairn("submit", "--link", link, "--file", EXAMPLES / "quickstart-filled.csv")
    status, _ = service.api("POST", f"/api/v1/studies/{study_id}/close", secret=credential)
    assert status == 200

    browser.get(f"{service.url}/analyst/{study_id}")
    wait_for(lambda: browser.execute_script("return document.body.dataset.state") == "signin", message="the sign-in form")
    browser.find_element(By.ID, "credential").send_keys(credential)
    browser.find_element(By.ID, "sign-in").click()
    wait_for(lambda: browser.find_elements(By.ID, "accepted-comparison"), message="the computation panel")

    with ComputeParties(tmp_path, parties, study_id, definition_path, issued, service.url) as computing:
        for number in (1, 2, 3):
            computing.start(number)
        computing.wait_all(timeout=300)
    analyst = [party["id"] for party in definition["computeParties"]].index(definition["recipients"][0]) + 1
    said = (tmp_path / f"party{analyst}-run" / "compute.log").read_text()
    assert "the service delivered 1 submission from participants the analyst never issued; it was left out" in said
    assert "Note: the service delivered 1 submission from participants the analyst never issued" in said  # with the results
    comparison = browser.find_element(By.ID, "accepted-comparison")
    wait_for(lambda: comparison.get_attribute("data-accepted") == "1", timeout=60, message="the accepted count")
    assert comparison.get_attribute("data-submitted") == "2"
    assert "accepted 1 submission, but this service counted 2" in comparison.text
