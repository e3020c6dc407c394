"""The letterhead logos in the admin: the government's emblem and an agency's own logo, checked by
content when uploaded, with a preview of what the letterhead prints."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from esurat.organisations.models import Agency, Government

MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def image_bytes(size=(240, 300), fmt="PNG", color=(200, 30, 30)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=fmt)
    return buffer.getvalue()


@pytest.fixture
def it_admin(client, city, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(city.users["admin"])
    return client


def government_url(government):
    return reverse("admin:organisations_government_change", args=[government.pk])


def agency_url(agency):
    return reverse("admin:organisations_agency_change", args=[agency.pk])


def post_government(client, government, logo):
    data = {"name": government.name, "short_name": government.short_name,
            "time_zone": government.time_zone, "address": government.address}  # fmt: skip
    if logo is not None:
        data["logo"] = logo
    return client.post(government_url(government), data)


def post_agency(client, agency, logo, *, clear=False):
    data = {"government": agency.government.pk, "name": agency.name,
            "short_name": agency.short_name, "unit_code": agency.unit_code, "kind": agency.kind,
            "address": agency.address, "email": agency.email, "website": agency.website,
            "phone": agency.phone, "is_onboarded": "on", "logo": logo,
            "units-TOTAL_FORMS": 0, "units-INITIAL_FORMS": 0}  # fmt: skip
    if clear:
        data["logo-clear"] = "on"
    return client.post(agency_url(agency), data)


def test_it_stores_the_government_emblem_and_previews_it(it_admin, city):
    government = city.government
    response = post_government(
        it_admin, government, SimpleUploadedFile("lambang.png", image_bytes())
    )
    assert response.status_code == 302
    government.refresh_from_db()
    assert government.logo.name.startswith(f"logos/{government.code}/")
    assert government.logo.name.endswith(".png")
    assert government.logo.storage.exists(government.logo.name)
    page = it_admin.get(government_url(government)).text
    assert '<img id="logo-preview" src="data:image/png;base64,' in page
    # The stored file is not served at its storage URL: the "currently" link goes to the preview.
    assert 'href="#logo-preview"' in page
    assert f'href="/media/{government.logo.name}"' not in page


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("lambang.png", MINIMAL_PDF, "The logo must be a PNG or JPEG image"),
        ("lambang.png", b"GIF89a" + image_bytes()[6:], "The logo must be a PNG or JPEG image"),
        ("lambang.png", image_bytes()[:200], "The logo must be a PNG or JPEG image"),
        ("lambang.png", image_bytes(fmt="GIF"), "The logo must be a PNG or JPEG image"),
        ("lambang.jpg", image_bytes((4200, 120), "JPEG"), "at most 4000 a side"),
        ("lambang.png", image_bytes((64, 64)), "too small to print sharply"),
    ],
)
def test_it_refuses_a_logo_that_is_not_a_printable_png_or_jpeg(it_admin, city, name, content,
                                                               message):  # fmt: skip
    government = city.government
    response = post_government(it_admin, government, SimpleUploadedFile(name, content))
    assert response.status_code == 200
    assert message in response.text
    government.refresh_from_db()
    assert not government.logo


def test_it_refuses_a_logo_over_one_megabyte(it_admin, city):
    import os

    from PIL import Image

    buffer = io.BytesIO()  # noise does not compress: a genuine PNG of ~1.2 MB
    Image.frombytes("RGB", (640, 640), os.urandom(640 * 640 * 3)).save(buffer, format="PNG")
    assert buffer.tell() > 1024 * 1024
    upload = SimpleUploadedFile("lambang.png", buffer.getvalue())
    response = post_government(it_admin, city.government, upload)
    assert response.status_code == 200
    assert "The logo is too large" in response.text
    assert "the limit is 1.0\xa0MB" in response.text
    city.government.refresh_from_db()
    assert not city.government.logo


def test_an_agency_shows_the_government_emblem_until_it_has_its_own(it_admin, city):
    post_government(it_admin, city.government, SimpleUploadedFile("l.png", image_bytes()))
    agency = city.agencies["Dinas PUPR"]
    page = it_admin.get(agency_url(agency)).text
    assert 'id="logo-preview"' in page and "The government&#x27;s emblem." in page

    response = post_agency(
        it_admin, agency, SimpleUploadedFile("pupr.jpg", image_bytes(fmt="JPEG"))
    )
    assert response.status_code == 302
    agency.refresh_from_db()
    assert agency.logo.name.startswith(f"logos/{agency.code}/")
    page = it_admin.get(agency_url(agency)).text
    assert '<img id="logo-preview" src="data:image/jpeg;base64,' in page
    assert "The government&#x27;s emblem." not in page
    assert Agency.objects.filter(pk=agency.pk, units__isnull=False).exists()  # units untouched


def test_it_keeps_the_stored_logo_when_saving_other_fields(it_admin, city):
    post_government(it_admin, city.government, SimpleUploadedFile("l.png", image_bytes()))
    stored = Government.objects.get(pk=city.government.pk).logo.name
    city.government.address = "Jl. Baru No. 2"
    assert post_government(it_admin, city.government, None).status_code == 302
    government = Government.objects.get(pk=city.government.pk)
    assert (government.logo.name, government.address) == (stored, "Jl. Baru No. 2")


def test_it_says_when_there_is_no_logo(it_admin, city):
    page = it_admin.get(government_url(city.government)).text
    assert "No logo: the letterhead is printed without one." in page
    assert it_admin.get(reverse("admin:organisations_government_add")).status_code == 200


def test_a_replaced_logo_file_is_deleted_once_the_change_is_committed(
    it_admin, city, django_capture_on_commit_callbacks
):
    government = city.government
    with django_capture_on_commit_callbacks(execute=True):
        post_government(it_admin, government, SimpleUploadedFile("lama.png", image_bytes()))
    government.refresh_from_db()
    old = government.logo.name
    storage = government.logo.storage
    assert storage.exists(old)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_government(
            it_admin, government, SimpleUploadedFile("baru.png", image_bytes(color=(0, 90, 0)))
        )
    assert response.status_code == 302
    government.refresh_from_db()
    assert government.logo.name != old and storage.exists(government.logo.name)
    assert not storage.exists(old)


def test_a_rolled_back_change_keeps_the_old_logo_file(it_admin, city):
    from django.db import transaction

    from esurat.organisations.actions import do_save_agency

    agency = city.agencies["Diskominfo"]
    agency.logo.save("logo.png", SimpleUploadedFile("logo.png", image_bytes()), save=True)
    old = agency.logo.name
    try:
        with transaction.atomic():
            agency.logo = SimpleUploadedFile("lain.png", image_bytes())
            do_save_agency(agency=agency, user=city.users["admin"])
            raise RuntimeError("the admin's save fails after the row was written")
    except RuntimeError:
        pass
    assert agency.logo.storage.exists(old)


def test_removing_a_logo_or_deleting_its_agency_deletes_the_file(
    it_admin, city, django_capture_on_commit_callbacks
):
    agency = city.agencies["Diskominfo"]
    with django_capture_on_commit_callbacks(execute=True):
        post_agency(it_admin, agency, SimpleUploadedFile("logo.png", image_bytes()))
    agency.refresh_from_db()
    storage, first = agency.logo.storage, agency.logo.name
    assert storage.exists(first)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_agency(it_admin, agency, "", clear=True)
    assert response.status_code == 302
    agency.refresh_from_db()
    assert agency.logo.name == "" and not storage.exists(first)

    other = Agency.objects.create(government=city.government, name="Dinas Perikanan",
                                  short_name="Diskan", unit_code="500.7", kind="office")  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        post_agency(it_admin, other, SimpleUploadedFile("ikan.png", image_bytes()))
    other.refresh_from_db()
    second = other.logo.name
    assert second and storage.exists(second)
    delete = reverse("admin:organisations_agency_delete", args=[other.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert it_admin.post(delete, {"post": "yes"}).status_code == 302
    assert not Agency.objects.filter(pk=other.pk).exists() and not storage.exists(second)
