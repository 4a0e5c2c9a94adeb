"""Shared fixtures of Cairn's browser tests: the `cairn` binary, a running study service, a
headless Chromium driven by Selenium, and a local three-party deployment.

Run from the repository's root after `swift build` (or `swift test`, which builds `cairn` too):

    python3 -m pytest Tests/Browser

Needs Debian's `chromium`, `chromium-driver` and `firefox-esr`, and
`pip install selenium pytest openpyxl marionette-driver`.
`CAIRN_BIN` points at another `cairn` binary; `CAIRN_WEB_ROOT` serves the pages from another folder.
Screenshots go to `.build/browser-tests/screenshots/`.
"""

import base64
import hashlib
import json
import os
import secrets
import pathlib
import shutil
import subprocess
import threading
import time
import urllib.request

import pytest
from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.chrome.service import Service as ChromeService

REPOSITORY = pathlib.Path(__file__).resolve().parents[2]
EXAMPLES = REPOSITORY / "examples"
SCREENSHOTS = REPOSITORY / ".build" / "browser-tests" / "screenshots"


def cairn_binary() -> pathlib.Path:
    path = pathlib.Path(os.environ.get("CAIRN_BIN", REPOSITORY / ".build" / "debug" / "cairn"))
    if not path.exists():
        pytest.exit(f"{path} does not exist: run `swift build` first (or set CAIRN_BIN)", returncode=2)
    return path


def cairn(*arguments, cwd=None, check=True, timeout=300) -> subprocess.CompletedProcess:
    """Runs `cairn` with `arguments` and returns the finished process (text output)."""
    result = subprocess.run([str(cairn_binary()), *map(str, arguments)], cwd=cwd, capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"cairn {' '.join(map(str, arguments))} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


def participation_code() -> str:
    """18 random bytes in base64url: 24 characters (`ParticipationCode.generate()`)."""
    return base64.urlsafe_b64encode(secrets.token_bytes(18)).decode()


def participant_tag(study: str, code: str) -> str:
    """FORMATS.md §3, in hex."""
    def lp(data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + data
    return hashlib.sha256(lp(b"cairn/participant/v1") + lp(study.encode()) + lp(code.encode())).hexdigest()


class StudyService:
    """A `cairn serve` process on a free port with its own data directory."""

    def __init__(self, data: pathlib.Path, extra_arguments=()):
        self.data = data
        arguments = [str(cairn_binary()), "serve", "--data", str(data), "--port", "0", *map(str, extra_arguments)]
        if os.environ.get("CAIRN_WEB_ROOT"):
            arguments += ["--web-root", os.environ["CAIRN_WEB_ROOT"]]
        self.log_path = data.parent / "serve.log"
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(arguments, stdout=subprocess.PIPE, stderr=self.log, text=True)
        line = self._first_line(timeout=60)
        if not line.startswith("listening on "):
            self.stop()
            raise AssertionError(f"cairn serve did not start: {line!r}\n{self.log_path.read_text()}")
        self.url = line.removeprefix("listening on ").strip()
        self.operator_token = (data / "operator-token").read_text().strip()

    def _first_line(self, timeout: float) -> str:
        result = [""]
        reader = threading.Thread(target=lambda: result.__setitem__(0, self.process.stdout.readline()), daemon=True)
        reader.start()
        reader.join(timeout)
        return result[0]

    def api(self, method: str, path: str, body=None, secret=None, accept="application/json", context=None):
        """One API request; returns (status, parsed JSON or text)."""
        data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        request = urllib.request.Request(self.url + path, data=data, method=method, headers={"Accept": accept})
        if secret:
            request.add_header("Authorization", f"Bearer {secret}")
        try:
            with urllib.request.urlopen(request, timeout=30, context=context) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode()
        try:
            return status, json.loads(text)
        except ValueError:
            return status, text

    def create_study(self, definition: pathlib.Path) -> str:
        """Creates the study and returns the analyst credential."""
        status, answer = self.api("POST", "/api/v1/studies", definition.read_bytes(), secret=self.operator_token)
        assert status == 201, answer
        return answer["analystCredential"]

    def definition_bytes(self, study: str) -> bytes:
        with urllib.request.urlopen(f"{self.url}/api/v1/studies/{study}/definition", timeout=30) as response:
            return response.read()

    def make_links(self, study: str, credential: str, count: int, **options) -> list:
        """Links made as the analyst's tools make them: codes here, only their tags sent."""
        codes = [participation_code() for _ in range(count)]
        tags = [participant_tag(study, code) for code in codes]
        status, answer = self.api("POST", f"/api/v1/studies/{study}/links", {"participants": tags, **options}, secret=credential)
        assert status == 201, answer
        digest = hashlib.sha256(self.definition_bytes(study)).hexdigest()
        return [{"code": code, "tag": tag, "url": f"{self.url}/contribute/{study}#{code}.{digest}",
                 "cohorts": options.get("cohorts", {})} for code, tag in zip(codes, tags)]

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()


@pytest.fixture
def service(tmp_path):
    running = StudyService(tmp_path / "cairn-data")
    yield running
    running.stop()


@pytest.fixture
def deployment(tmp_path):
    """Three local compute parties' files (`cairn keys local`) and the quick-start definition with
    their keys filled in: returns (parties folder, definition path)."""
    parties = tmp_path / "parties"
    cairn("keys", "local", "--output", parties)
    definition = tmp_path / "study.json"
    cairn("keys", "study", "--definition", EXAMPLES / "quickstart.json", "--parties", parties, "--output", definition)
    return parties, definition


def chromium_options(downloads: pathlib.Path) -> webdriver.ChromeOptions:
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1400,1000", "--lang=en-US"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    options.add_experimental_option("prefs", {
        "download.default_directory": str(downloads),
        "download.prompt_for_download": False,
    })
    return options


@pytest.fixture
def browser(tmp_path):
    """A fresh headless Chromium (its own profile). Fails the test if a page logged a JavaScript error."""
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    driver = webdriver.Chrome(
        options=chromium_options(downloads),
        service=ChromeService(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver"))
    driver.set_script_timeout(60)
    driver.downloads = downloads
    yield driver
    errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE" and not _expected(entry)]
    driver.quit()
    assert not errors, "the page logged errors:\n" + "\n".join(entry["message"] for entry in errors)


def _expected(entry) -> bool:
    # A refused request (4xx) is logged by Chromium as an error even when the page handles it.
    return "Failed to load resource: the server responded with a status of 4" in entry["message"]


def screenshot(driver, name: str) -> pathlib.Path:
    """Saves a screenshot of the whole page as `.build/browser-tests/screenshots/<name>.png`."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    width = driver.execute_script("return Math.max(document.documentElement.scrollWidth, 1400)")
    height = driver.execute_script("return Math.min(Math.max(document.documentElement.scrollHeight, 1000), 6000)")
    driver.set_window_size(width, height)
    driver.execute_script("window.scrollTo(0, 0)")
    driver.save_screenshot(str(path))
    driver.set_window_size(1400, 1000)
    return path


def wait_for(condition, timeout=30, interval=0.1, message="condition"):
    """Polls `condition()` until it returns something truthy; fails after `timeout` seconds. An
    element not there yet, or replaced while being read, counts as not yet."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = condition()
        except (NoSuchElementException, StaleElementReferenceException):
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {message}")
        time.sleep(interval)


def run_module(driver, module: str, body: str, *args):
    """Runs `body` (an async function body, given the module as `m` and the script's arguments as
    `args`) in the page and returns its result. Errors in the page fail the test with their message."""
    script = f"""
        const done = arguments[arguments.length - 1];
        const args = Array.from(arguments).slice(0, -1);
        import({json.dumps(module)}).then(async (m) => {{ {body} }})
          .then((value) => done({{ ok: true, value }}), (error) => done({{ ok: false, error: String(error && error.stack || error) }}));
    """
    outcome = driver.execute_async_script(script, *args)
    assert outcome["ok"], outcome["error"]
    return outcome["value"]


class ComputeParties:
    """`cairn compute` processes, one per party, each logging to `<tmp>/party<n>-run/compute.log`
    and writing its results there; stopped (killed if still running) when the block ends."""

    def __init__(self, tmp_path, parties, study, definition, issued, service_url):
        self.tmp_path, self.parties, self.study = tmp_path, parties, study
        self.definition, self.issued, self.service_url = definition, issued, service_url
        self.runs = []

    def start(self, number):
        folder = self.tmp_path / f"party{number}-run"
        folder.mkdir()
        log = open(folder / "compute.log", "w")
        self.runs.append((folder, log, subprocess.Popen(
            [str(cairn_binary()), "compute", "--config", str(self.parties / f"party{number}.json"), "--study", self.study,
             "--definition", str(self.definition), "--issued-participants", str(self.issued), "--service", self.service_url],
            cwd=folder, stdout=log, stderr=subprocess.STDOUT)))

    def wait_all(self, timeout):
        for folder, _, process in self.runs:
            assert process.wait(timeout=timeout) == 0, (folder / "compute.log").read_text()

    def __enter__(self):
        return self

    def __exit__(self, *_):
        for _, log, process in self.runs:
            if process.poll() is None:
                process.kill()
                process.wait()
            log.close()
