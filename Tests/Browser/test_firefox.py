"""The pages in Firefox (Debian's firefox-esr), driven through Marionette, Firefox's own remote
protocol (`marionette-driver` from PyPI; geckodriver is not packaged for Debian): the submission
code reproduces docs/FORMATS.md's worked example byte for byte, and a contributor fills the grid,
reviews and sends, and gets a receipt that the service confirms."""

import shutil
import socket
import subprocess
import tempfile

import pytest

from conftest import wait_for
from test_submission_crypto import PARTY_KEYS, SEAL_WORKED_EXAMPLE, WORKED_EXAMPLE_ENVELOPE, worked_example_ephemeral_keys

marionette_driver = pytest.importorskip("marionette_driver.marionette", reason="pip install marionette-driver")
from marionette_driver.by import By  # noqa: E402

FIREFOX = shutil.which("firefox-esr") or shutil.which("firefox")
pytestmark = pytest.mark.skipif(FIREFOX is None, reason="Firefox is not installed (apt-get install firefox-esr)")
TAB = "\ue004"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def firefox():
    profile = tempfile.mkdtemp(prefix="cairn-firefox-")
    port = free_port()
    with open(f"{profile}/user.js", "w") as prefs:
        prefs.write(f'user_pref("marionette.port", {port});\n')
    process = subprocess.Popen([FIREFOX, "--headless", "--marionette", "--no-remote", "--profile", profile],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = marionette_driver.Marionette(host="127.0.0.1", port=port, startup_timeout=60)
    try:
        client.start_session()
        client.timeout.script = 60
        yield client
    finally:
        try:
            client.delete_session()
        finally:
            process.terminate()
            process.wait(timeout=30)
            shutil.rmtree(profile, ignore_errors=True)


def run_module(client, module, body, *args):
    outcome = client.execute_async_script(f"""
        const done = arguments[arguments.length - 1];
        const args = Array.from(arguments).slice(0, -1);
        import({module!r}).then(async (m) => {{ {body} }})
          .then((value) => done({{ ok: true, value }}), (error) => done({{ ok: false, error: String(error && error.stack || error) }}));
    """, script_args=list(args), sandbox=None)
    assert outcome["ok"], outcome["error"]
    return outcome["value"]


def state(client):
    return client.execute_script("return document.body.dataset.state", sandbox=None)


def test_worked_example_in_firefox(service, firefox):
    firefox.navigate(service.url + "/")
    envelope = run_module(firefox, "/assets/js/submission.js", SEAL_WORKED_EXAMPLE, PARTY_KEYS, worked_example_ephemeral_keys())
    assert envelope == WORKED_EXAMPLE_ENVELOPE


def test_a_contributor_in_firefox(service, deployment, firefox):
    _, definition = deployment
    credential = service.create_study(definition)
    link = service.make_links("quickstart", credential, 1)[0]
    firefox.navigate(link["url"])
    wait_for(lambda: state(firefox) == "ready", message="the page to be ready in Firefox")
    answers = {"employees": [["12", "15"], ["3", "4"]], "salaries": [["1140000", "1395000"], ["201000", "262000"]]}
    for table, rows in answers.items():
        for r, values in enumerate(rows):
            first = firefox.find_element(By.CSS_SELECTOR, f'[data-table="{table}"][data-row="{r}"][data-column="0"]')
            first.click()
            first.send_keys(TAB.join(values) + TAB)
    assert firefox.execute_script(
        "return document.querySelector('[data-table=\"salaries\"][data-row=\"1\"][data-column=\"1\"]').value", sandbox=None) == "262000"
    firefox.execute_script("""
        const select = document.querySelector('select[data-cohort="sector"]');
        select.value = "Company";
        select.dispatchEvent(new Event("change", { bubbles: true }));
    """, sandbox=None)
    review = firefox.find_element(By.ID, "review")
    wait_for(review.is_enabled, message="the review button to be enabled in Firefox")
    review.click()
    wait_for(lambda: firefox.find_element(By.ID, "confirm").is_displayed(), message="the confirmation dialog")
    firefox.find_element(By.ID, "send").click()
    wait_for(lambda: state(firefox) == "sent", timeout=60, message="the receipt in Firefox")
    assert firefox.find_element(By.CSS_SELECTOR, '#receipt [data-field="submission"]').text.strip().endswith("1")
    status, contribution = service.api("GET", "/api/v1/studies/quickstart/contribution", secret=link["code"])
    assert status == 200 and contribution["latestSubmission"] == 1


def test_the_analysts_pages_in_firefox(service, deployment, firefox):
    _, definition = deployment
    firefox.navigate(service.url + "/analyst")
    wait_for(lambda: state(firefox) == "create", message="the create page in Firefox")
    credential = service.create_study(definition)
    firefox.navigate(service.url + "/analyst/quickstart")
    wait_for(lambda: state(firefox) == "signin", message="the sign-in form in Firefox")
    firefox.find_element(By.ID, "credential").send_keys(credential)
    firefox.find_element(By.ID, "sign-in").click()
    wait_for(lambda: state(firefox) == "dashboard", message="the dashboard in Firefox")
    wait_for(lambda: firefox.find_element(By.ID, "study-status").text.strip() == "open", message="the study's status")
    count = firefox.find_element(By.ID, "link-count")
    count.clear()
    count.send_keys("2")
    firefox.find_element(By.ID, "make-links").click()
    wait_for(lambda: len(firefox.find_elements(By.CSS_SELECTOR, "table#links a.participation-link")) == 2, message="two links")
    wait_for(lambda: firefox.find_element(By.ID, "linked-count").text.strip() == "2", timeout=15,
             message="the dashboard to count the two links")
