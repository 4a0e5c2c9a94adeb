"""The contributor's page hosted by someone other than the study service (docs/DEPLOYMENT.md):
`cairn web export` writes a copy, a second local HTTP server (another origin) serves it, and the
page sends a submission to the service across origins. An origin the study does not name is
refused by the browser itself (CORS), and nothing reaches the service from it.
"""

import functools
import http.server
import json
import threading

import pytest

from conftest import cairn, screenshot, wait_for
from contributor_helpers import open_page, state
from test_contributor_page import fill_quickstart, send


class StaticHost:
    """Python's own HTTP server on a free port of 127.0.0.1, serving `folder`: a static host."""

    def __init__(self, folder):
        handler = functools.partial(Quiet, directory=str(folder))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *arguments):
        pass


@pytest.fixture
def hosts(tmp_path, service):
    """Two static hosts of the exported pages: the first will be named in the study, the second not."""
    export = tmp_path / "site"
    cairn("web", "export", export, "--service", service.url, "--study", "quickstart")
    named, other = StaticHost(export), StaticHost(export)
    yield named, other
    named.stop()
    other.stop()


def fragment(link):
    """What follows `#` in a participation link: the code and the definition's digest."""
    return link["url"].split("#", 1)[1]


def create_study(service, deployment, tmp_path, origins):
    definition = json.loads(deployment[1].read_text())
    definition["pageOrigins"] = origins
    path = tmp_path / "elsewhere.json"
    path.write_text(json.dumps(definition))
    credential = service.create_study(path)
    return credential, service.make_links("quickstart", credential, 2)


def submitted(service, credential) -> int:
    status, answer = service.api("GET", "/api/v1/studies/quickstart/participation", secret=credential)
    assert status == 200, answer
    return answer["submitted"]


def test_page_from_a_named_origin_submits_across_origins(service, deployment, hosts, browser, tmp_path):
    named, _ = hosts
    assert named.origin != service.url
    credential, links = create_study(service, deployment, tmp_path, [named.origin])
    open_page(browser, f"{named.origin}/contribute/quickstart/#{fragment(links[0])}")
    assert browser.execute_script("return location.origin") == named.origin
    fill_quickstart(browser)
    send(browser)
    assert submitted(service, credential) == 1
    screenshot(browser, "contributor-page-elsewhere")


def test_an_origin_the_study_does_not_name_is_refused_by_the_browser(service, deployment, hosts, browser, tmp_path):
    named, other = hosts
    credential, links = create_study(service, deployment, tmp_path, [named.origin])
    browser.get(f"{other.origin}/contribute/quickstart/#{fragment(links[1])}")
    wait_for(lambda: state(browser) == "error", message="the page to fail loading the study")
    refused = [entry["message"] for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert any("CORS" in message for message in refused), refused
    assert submitted(service, credential) == 0
