"""Importing the organisation from a workbook: created once, re-imported as a no-op, updated."""

import pytest
from django.urls import reverse

from esurat.accounts.models import Role, User
from esurat.audit.models import AuditEvent
from esurat.onboarding.models import AgencyOnboarding, Import, Invitation, PositionKey
from esurat.onboarding.tests.conftest import (
    NIP_A,
    NIP_B,
    NIP_C,
    last_import,
    run,
    sheets,
    upload,
    xlsx,
)
from esurat.organisations.models import Agency, Assignment, Position, Unit

pytestmark = pytest.mark.django_db


def _import(client, data=None, capture=None):
    upload(client, xlsx(data))
    row = last_import()
    assert row.state == Import.State.CHECKED, row.report
    if capture is None:
        run(client, row)
    else:
        with capture(execute=True):  # the invitations are enqueued once committed
            run(client, row)
    row.refresh_from_db()
    return row


def test_it_shows_the_planned_changes_and_writes_nothing_in_the_dry_run(client, admin):
    response = upload(client, xlsx())
    row = last_import()
    assert response.status_code == 302 and response["Location"].endswith(f"/import/{row.code}/")
    assert row.state == "checked" and row.report["problem_total"] == 0
    counts = row.report["counts"]
    assert counts["Perangkat Daerah"] == {"new": 2}
    assert counts["Jabatan"] == {"new": 4}
    assert counts["Pegawai"] == {"new": 3}
    assert not Agency.objects.filter(unit_code="DISPAR").exists()
    assert not User.objects.filter(nip=NIP_A).exists()
    page = client.get(reverse("onboarding:import_detail", kwargs={"code": row.code}))
    assert b"data-counts" in page.content and b"Import now" in page.content
    assert AuditEvent.objects.filter(action="onboarding.import_uploaded").count() == 1


def test_it_imports_everything_in_one_go(
    client, admin, city, mailoutbox, django_capture_on_commit_callbacks
):
    row = _import(client, capture=django_capture_on_commit_callbacks)
    assert row.state == "done"
    dispar = Agency.objects.get(unit_code="DISPAR")
    assert (dispar.name, dispar.short_name, dispar.kind) == ("Dinas Pariwisata", "Dispar", "office")
    assert not dispar.is_onboarded and dispar.onboarding.state == AgencyOnboarding.State.NOT_STARTED
    umum = Unit.objects.get(agency=dispar, short_code="UMUM")
    assert umum.parent.short_code == "SEKRE"
    head = Position.objects.get(import_key__key="DISPAR-1")
    assert head.is_head and head.can_sign and head.holder.nip == NIP_A
    clerk = Position.objects.get(import_key__key="DISPAR-3")
    assert clerk.superior.import_key.key == "DISPAR-2" and clerk.unit == umum
    assert clerk.holder.full_name == "Bunga Lestari"
    assert Role.objects.filter(user__nip=NIP_B, kind="clerk", agency=dispar).exists()
    assert Role.objects.filter(user__nip=NIP_A, kind="agency_admin", agency=dispar).exists()
    plh = Assignment.objects.get(position__import_key__key="DISPAR-2")
    assert plh.kind == "plh" and plh.user.nip == NIP_B and plh.note == "Sprint 1"
    assert not User.objects.get(nip=NIP_A).has_usable_password()
    event = AuditEvent.objects.get(action="onboarding.imported")
    assert event.data["counts"]["Pegawai"] == {"new": 3} and event.data["invited"] == 2
    # Two invitations (the third employee has no e-mail address), each sent once.
    assert sorted(m.to[0] for m in mailoutbox) == ["andi@banuaraya.go.id", "bunga@banuaraya.go.id"]
    assert Invitation.objects.filter(sent_at__isnull=False).count() == 2


def test_it_changes_nothing_when_the_same_file_is_imported_again(client, admin):
    _import(client)
    before = (Agency.objects.count(), Position.objects.count(), User.objects.count(),
              Role.objects.count(), Assignment.objects.count())  # fmt: skip
    upload(client, xlsx())
    row = last_import()
    counts = row.report["counts"]
    assert row.report["changes"] == 0
    assert all(set(c) <= {"unchanged"} for c in counts.values()), counts
    assert counts["Pegawai"] == {"unchanged": 3}
    page = client.get(reverse("onboarding:import_detail", kwargs={"code": row.code}))
    assert b"data-nothing" in page.content
    after = (Agency.objects.count(), Position.objects.count(), User.objects.count(),
             Role.objects.count(), Assignment.objects.count())  # fmt: skip
    assert before == after


def test_it_updates_a_changed_file_and_closes_a_position_left_out(client, admin, city):
    from esurat.letters.tests.factories import draft_nota_dinas, send_through

    _import(client)
    # A letter reaches the Pengadministrasi Umum of Dispar: the post cannot be deleted.
    old = Position.objects.get(import_key__key="DISPAR-3")
    to = [{"kind": "to", "target": "position", "position": old}]
    send_through(city, draft_nota_dinas(city, to=to))
    data = sheets()
    data["Jabatan"] = [r for r in data["Jabatan"] if r[1] != "DISPAR-3"]
    data["Jabatan"][1][2] = "Sekretaris Dinas Pariwisata dan Kebudayaan"
    data["Penempatan"] = [[NIP_A, "DISPAR-1"], [NIP_B, "DISPAR-2"], [NIP_C, "DISHUB-1"]]
    data["Pegawai"][2][2] = "citra@banuaraya.go.id"
    data["Peran"] = [[NIP_A, "admin_opd", "DISPAR"]]
    upload(client, xlsx(data))
    row = last_import()
    counts = row.report["counts"]
    assert counts["Jabatan"] == {"changed": 1, "unchanged": 2, "closed": 1}
    assert counts["Pegawai"] == {"changed": 1, "unchanged": 2}
    assert counts["Penempatan"] == {"new": 1, "unchanged": 2}
    assert counts["Peran"] == {"unchanged": 1, "closed": 1}
    run(client, row)
    old.refresh_from_db()
    assert old.holder is None and not old.can_sign
    assert PositionKey.objects.get(position=old).closed_at is not None
    sek = Position.objects.get(import_key__key="DISPAR-2")
    assert sek.title.endswith("dan Kebudayaan") and sek.holder.nip == NIP_B
    assert User.objects.get(nip=NIP_C).email == "citra@banuaraya.go.id"
    assert not Role.objects.filter(user__nip=NIP_B, kind="clerk").exists()
    assert Position.objects.filter(agency__unit_code="DISPAR").count() == 3  # none deleted
    # The export leaves the closed post out; importing it changes nothing.
    exported = client.get(reverse("onboarding:export")).content
    upload(client, exported)
    assert last_import().report["changes"] == 0, last_import().report


def test_it_exports_the_demo_city_and_round_trips(client, admin, city):
    response = client.get(reverse("onboarding:export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    from esurat.onboarding import workbook

    read = workbook.read(response.content)
    assert len(read["Perangkat Daerah"]) == Agency.objects.count()
    assert {r["NIP"] for r in read["Pegawai"]} == set(
        User.objects.filter(nip__isnull=False).values_list("nip", flat=True)
    )
    # The Sekda's city-wide role travels as "pimpinan", with no agency (the Wali Kota, elected,
    # has no NIP and is not in the workbook; an import leaves people without NIP as they are).
    leaders = {
        (r["NIP"], r["Kode Perangkat Daerah"]) for r in read["Peran"] if r["Peran"] == "pimpinan"
    }
    assert leaders == {(city.users["sekda"].nip, "")}
    upload(client, response.content)
    row = last_import()
    assert row.state == "checked" and row.report["problem_total"] == 0, row.report
    assert row.report["changes"] == 0, row.report["counts"]


def test_it_runs_in_the_worker_once_even_if_the_task_runs_twice(client, admin):
    from esurat.onboarding.tasks import run_import

    upload(client, xlsx())
    row = last_import()
    assert row.progress == row.total > 0 and row.percent == 100
    page = client.get(reverse("onboarding:import_progress", kwargs={"code": row.code}))
    assert page["HX-Refresh"] == "true"
    run(client, row)
    assert run_import.call(str(row.code)) == "done"
    assert Agency.objects.filter(unit_code="DISPAR").count() == 1
    assert AuditEvent.objects.filter(action="onboarding.imported").count() == 1


def test_it_shows_a_polling_progress_bar_while_checking(client, admin):
    upload(client, xlsx())
    row = last_import()
    Import.objects.filter(pk=row.pk).update(state="checking", progress=3, total=8)
    page = client.get(reverse("onboarding:import_detail", kwargs={"code": row.code}))
    assert b'hx-trigger="every 1s"' in page.content and b'aria-valuenow="38"' in page.content
    partial = client.get(reverse("onboarding:import_progress", kwargs={"code": row.code}))
    assert "HX-Refresh" not in partial and b"<html" not in partial.content


def test_it_refuses_to_run_an_import_with_problems(client, admin):
    data = sheets()
    data["Pegawai"][0][0] = "123"
    upload(client, xlsx(data))
    row = last_import()
    response = run(client, row)
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.state == "checked" and not Agency.objects.filter(unit_code="DISPAR").exists()


def test_it_downloads_the_template_with_every_sheet(client, admin):
    from esurat.onboarding import workbook

    response = client.get(reverse("onboarding:template"))
    read = workbook.read(response.content)
    assert list(read) == list(workbook.SHEETS) and all(len(rows) == 1 for rows in read.values())


def test_it_refuses_the_import_when_the_organisation_changed_since_the_dry_run(client, admin, city):
    upload(client, xlsx())
    row = last_import()
    Agency.objects.create(government=city.government, name="Dinas Pariwisata Lama",
                          short_name="Dispar", unit_code="DISPAR-LAMA")  # fmt: skip
    run(client, row)
    row.refresh_from_db()
    assert row.state == "failed" and row.report["problem_total"] == 1
    assert not Agency.objects.filter(unit_code="DISPAR").exists()
    assert not User.objects.filter(nip=NIP_A).exists()
    event = AuditEvent.objects.get(action="onboarding.import_refused")
    assert event.data["problems"] == 1 and event.actor == city.users["admin"]


def test_it_lists_the_latest_imports_in_a_fixed_number_of_queries(
    client, admin, django_assert_max_num_queries
):
    for _ in range(3):
        upload(client, xlsx())
    with django_assert_max_num_queries(8):
        response = client.get(reverse("onboarding:imports"))
    assert response.content.count(b'href="/onboarding/import/') == 3 + 1  # + the tab


def test_it_no_longer_offers_a_closed_position_as_an_addressee(client, admin, city):
    _import(client)
    data = sheets()
    data["Jabatan"] = [r for r in data["Jabatan"] if r[1] != "DISPAR-3"]
    data["Penempatan"] = [r for r in data["Penempatan"] if r[1] != "DISPAR-3"]
    _import(client, data)
    client.force_login(city.users["staf.aptika"])
    options = client.get(reverse("letters:position_options"), {"q": "Dispar"}).content.decode()
    assert "Kepala Dinas Pariwisata" in options and "Pengadministrasi Umum" not in options
    found = client.get("/api/v1/positions", {"q": "Dispar"}).json()
    assert {p["title"] for p in found} == {"Kepala Dinas Pariwisata", "Sekretaris Dinas Pariwisata"}


def test_it_exports_a_name_that_looks_like_a_formula_as_text_and_round_trips(client, admin, city):
    import io

    from openpyxl import load_workbook

    user = User.objects.filter(nip__isnull=False).first()
    user.full_name = "=1+1"
    user.phone = "+62 811 000"
    user.save(update_fields=["full_name", "phone"])
    response = client.get(reverse("onboarding:export"))
    sheet = load_workbook(io.BytesIO(response.content))["Pegawai"]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == user.nip)
    assert [(c.value, c.data_type, c.quotePrefix) for c in row[1:4:2]] == [
        ("=1+1", "s", True), ("+62 811 000", "s", True)
    ]  # fmt: skip
    upload(client, response.content)  # a formula cell would be refused on import
    assert last_import().report["problem_total"] == 0, last_import().report
    assert last_import().report["changes"] == 0, last_import().report["counts"]
