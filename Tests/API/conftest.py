"""Fixtures of the API fuzz tests: a live `cairn serve` with one open study (the quick-start
example with freshly generated party keys) and the credentials each kind of request needs.

Run from the repository's root after `swift build`: `python3 -m pytest -q Tests/API`.
Needs `pip install schemathesis pytest`. The service and the `cairn` binary are started as the
browser tests do (Tests/Browser/conftest.py, loaded from here rather than copied).
"""

import importlib.util
import json
import pathlib

import pytest
import schemathesis

_spec = importlib.util.spec_from_file_location(
    "cairn_browser_conftest", pathlib.Path(__file__).resolve().parents[1] / "Browser" / "conftest.py")
browser_conftest = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(browser_conftest)

cairn = browser_conftest.cairn
EXAMPLES = browser_conftest.EXAMPLES


class LiveStudy:
    """The running service and what a fuzzed request may present: an open study with twenty
    links, and a second study that fuzzed requests may close without ending the first."""

    def __init__(self, service, study: str, closing: str, credentials: dict, codes: list):
        self.service = service
        self.study = study
        self.closing = closing
        self.credentials = credentials
        self.codes = codes


@pytest.fixture(scope="session")
def live_study(tmp_path_factory):
    folder = tmp_path_factory.mktemp("api")
    parties = folder / "parties"
    cairn("keys", "local", "--output", parties)
    definition = folder / "study.json"
    cairn("keys", "study", "--definition", EXAMPLES / "quickstart.json", "--parties", parties, "--output", definition)
    closing = folder / "closing.json"
    closing.write_text(json.dumps({**json.loads(definition.read_text()), "id": "quickstart-closing"}))
    service = browser_conftest.StudyService(folder / "cairn-data")
    try:
        credentials = {"quickstart": service.create_study(definition), "quickstart-closing": service.create_study(closing)}
        codes = [link["code"] for link in service.make_links("quickstart", credentials["quickstart"], 20)]
        yield LiveStudy(service, "quickstart", "quickstart-closing", credentials, codes)
    finally:
        service.stop()


@pytest.fixture(scope="session")
def api_schema(live_study):
    """The document as the live service serves it (so serving it is tested too)."""
    return schemathesis.openapi.from_url(live_study.service.url + "/api/v1/openapi.yaml")
