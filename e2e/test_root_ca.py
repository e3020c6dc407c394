"""A recipient outside the government, on a phone, fetches the root certificate to trust."""

from cryptography import x509
from cryptography.hazmat.primitives import hashes


def test_a_recipient_downloads_the_root_certificate_on_a_phone(city, open_page, live_server,
                                                               shoot):  # fmt: skip
    page = open_page(phone=True)
    page.set_default_timeout(60000)  # the live server's first page, on a busy CI machine
    page.goto(f"{live_server.url}/verify/root-ca/")
    shoot(page, "root-ca-phone")
    cert = x509.load_pem_x509_certificate(
        city.government.certificate_authority.certificate_pem.encode()
    )
    digest = cert.fingerprint(hashes.SHA256()).hex().upper()
    shown = page.locator("[data-fingerprint]").inner_text().replace(":", "").replace("\n", "")
    assert shown == digest
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    with page.expect_download() as download:
        page.locator("a[href*='root-ca.cer']").click()
    der = open(download.value.path(), "rb").read()
    assert x509.load_der_x509_certificate(der).fingerprint(hashes.SHA256()).hex().upper() == digest
    assert download.value.suggested_filename.endswith(".cer")
