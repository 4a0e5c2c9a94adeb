"""A dishonest service that serves another definition than the analyst published (here: the
parties' submission keys swapped, so that it could ask one party for two shares) is refused by the
contributor's page and by `cairn submit`: the link carries the SHA-256 of the published bytes."""

import json
import sqlite3

import pytest
from selenium.webdriver.common.by import By

from conftest import cairn
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
