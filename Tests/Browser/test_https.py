"""`cairn serve --tls-certificate --tls-key`: the pages over HTTPS, where browsers allow WebCrypto
on any host (on plain HTTP only on localhost)."""

import socket
import ssl
import subprocess

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.chrome.service import Service as ChromeService

from conftest import StudyService, cairn_binary, chromium_options, run_module, wait_for


def self_signed(folder):
    certificate, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", str(key), "-out", str(certificate), "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"], check=True, capture_output=True)
    return certificate, key


def test_pages_and_api_over_https(tmp_path):
    certificate, key = self_signed(tmp_path)
    service = StudyService(tmp_path / "data", ["--tls-certificate", certificate, "--tls-key", key])
    try:
        assert service.url.startswith("https://127.0.0.1:")
        trusted = ssl.create_default_context(cafile=str(certificate))
        assert service.api("GET", "/api/v1/health", context=trusted) == (200, {"status": "ok"})

        options = chromium_options(tmp_path)
        options.set_capability("acceptInsecureCerts", True)  # the test's own self-signed certificate
        driver = webdriver.Chrome(options=options, service=ChromeService(executable_path="/usr/bin/chromedriver"))
        try:
            driver.set_script_timeout(60)
            driver.get(service.url + "/")
            assert driver.execute_script("return window.isSecureContext && location.protocol") == "https:"
            envelope = run_module(driver, "/assets/js/submission.js", """
                const key = "BGgk6MZ6GLUZ77L2R6v07Gb0EJNWTsbU0sBXXDKaQmn93a47JgjRVlYesk45O6otGJA5Wmwgig8SFwZh+EwA/IA=";
                return m.sealSubmission([1n, 2n], "s", "c", 1, [key, key, key]);
            """)
            assert '"version":1' in envelope
        finally:
            driver.quit()
    finally:
        service.stop()


def test_certificate_without_key_is_refused(tmp_path):
    result = subprocess.run([str(cairn_binary()), "serve", "--data", str(tmp_path / "d"),
                             "--tls-certificate", str(tmp_path / "missing.pem")], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "--tls-certificate and --tls-key go together" in result.stderr


def outward_address():
    """This machine's address on its network (not loopback), or None."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("198.51.100.1", 9))  # no packet is sent: this only picks a route
            address = probe.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


def test_contributor_page_refuses_plain_http_on_a_network_address(tmp_path, deployment, browser):
    """Over plain HTTP on a host other than localhost, browsers withhold WebCrypto: the page says
    so in plain words and offers nothing to fill in, rather than failing later."""
    address = outward_address()
    if address is None:
        pytest.skip("this machine has no network address other than loopback")
    _, definition = deployment
    service = StudyService(tmp_path / "data", ["--host", "0.0.0.0"])
    try:
        credential = service.create_study(definition)
        link = service.make_links("quickstart", credential, 1)[0]["url"]
        port = service.url.rsplit(":", 1)[1]
        browser.get(link.replace(link.split("/contribute/")[0], f"http://{address}:{port}"))
        wait_for(lambda: browser.execute_script("return document.body.dataset.state") == "error", message="the page to refuse")
        assert "insecure connection" in browser.find_element(By.ID, "page-message").text
        assert not browser.find_elements(By.CSS_SELECTOR, "[data-table][data-row]")
    finally:
        service.stop()
