"""`cairn serve --tls-certificate --tls-key`: the pages over HTTPS, where browsers allow WebCrypto
on any host (on plain HTTP only on localhost)."""

import ssl
import subprocess

from selenium import webdriver
from selenium.webdriver.chrome.service import Service as ChromeService

from conftest import StudyService, cairn_binary, chromium_options, run_module


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
