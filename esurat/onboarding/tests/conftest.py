"""Workbooks for the onboarding tests: a small new organisation, and uploading one over HTTP."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from esurat.accounts.models import Role
from esurat.onboarding import workbook
from esurat.onboarding.models import Import

NIP_A, NIP_B, NIP_C = "198001012005011001", "198502022010012002", "199003032015011003"


def sheets() -> dict[str, list[list]]:
    """Two new agencies (DISPAR, DISHUB): units, positions under the Sekda, three employees."""
    return {
        "Perangkat Daerah": [
            ["DISPAR", "Dinas Pariwisata", "Dispar", "dinas", "Jl. Pantai 1",
             "dispar@banuaraya.go.id", "0511-1", ""],
            ["DISHUB", "Dinas Perhubungan", "Dishub", "dinas", "Jl. Terminal 2",
             "dishub@banuaraya.go.id", "", ""],
        ],
        "Unit": [
            ["DISPAR", "SEKRE", "Sekretariat", ""],
            ["DISPAR", "UMUM", "Subbagian Umum", "SEKRE"],
            ["DISHUB", "SEKRE", "Sekretariat", ""],
        ],
        "Jabatan": [
            ["DISPAR", "DISPAR-1", "Kepala Dinas Pariwisata", "", "", "Ya", "Ya"],
            ["DISPAR", "DISPAR-2", "Sekretaris Dinas Pariwisata", "SEKRE", "DISPAR-1", "Tidak",
             "Ya"],
            ["DISPAR", "DISPAR-3", "Pengadministrasi Umum", "UMUM", "DISPAR-2", "Tidak", "Tidak"],
            ["DISHUB", "DISHUB-1", "Kepala Dinas Perhubungan", "", "", "Ya", "Ya"],
        ],
        "Pegawai": [
            [NIP_A, "Andi Wijaya", "andi@banuaraya.go.id", "0811"],
            [NIP_B, "Bunga Lestari", "bunga@banuaraya.go.id", ""],
            [NIP_C, "Citra Dewi", "", ""],
        ],
        "Penempatan": [[NIP_A, "DISPAR-1"], [NIP_B, "DISPAR-3"], [NIP_C, "DISHUB-1"]],
        "Peran": [[NIP_B, "pencatat", "DISPAR"], [NIP_A, "admin_opd", "DISPAR"]],
        "Plt-Plh": [["DISPAR-2", NIP_B, "plh", "2026-01-05", "2026-01-09", "Sprint 1"]],
    }  # fmt: skip


def xlsx(data: dict | None = None) -> bytes:
    return workbook.write(data if data is not None else sheets())


def upload(client, content: bytes, name: str = "organisasi.xlsx"):
    """Upload a workbook (the dry run runs at once: tests use the immediate task backend)."""
    response = client.post(reverse("onboarding:imports"),
                           {"file": SimpleUploadedFile(name, content)})  # fmt: skip
    return response


def last_import() -> Import:
    return Import.objects.order_by("-pk").first()


def run(client, row: Import):
    return client.post(reverse("onboarding:import_run", kwargs={"code": row.code}))


@pytest.fixture
def admin(city, client):
    client.force_login(city.users["admin"])
    return city.users["admin"]


@pytest.fixture
def agency_admin(city):
    """The Kabid Aptika, administrator of Diskominfo only."""
    user = city.users["kabid.aptika"]
    Role.objects.create(user=user, kind=Role.Kind.AGENCY_ADMIN, agency=city.agencies["Diskominfo"])
    return user
