import pytest

from esurat.api.tests.helpers import caller


@pytest.mark.django_db
def test_it_describes_the_caller_with_seats_and_counters(client, city):
    me = caller(client, city, "sekdis.kominfo").get("/me").json()
    assert me["user"]["nip"] == city.users["sekdis.kominfo"].nip
    assert me["government"] == city.government.name
    seats = [(s["position"]["title"], s["acting_as"], s["is_delegate"]) for s in me["seats"]]
    assert seats == [("Sekretaris Dinas", "", False),
                     ("Kepala Dinas Komunikasi dan Informatika", "delegate", True)]  # fmt: skip
    assert me["counters"] == {"unread": 0, "to_review": 0, "to_sign": 0, "to_dispose": 0,
                              "to_approve": 0, "to_report": 0, "dispositions": 0, "action": 0,
                              "notifications": 0}  # fmt: skip
    clerk = caller(client, city, "agendaris.kominfo").get("/me").json()
    assert clerk["roles"] == [f"clerk:{city.agencies['Diskominfo'].code}"]


@pytest.mark.django_db
def test_it_shows_the_acting_qualifier(client, city):
    from esurat.organisations.models import Assignment

    Assignment.objects.create(position=city.position("Dinas PUPR", "Kepala Bidang Bina Marga"),
                              user=city.users["staf.pupr"], kind=Assignment.Kind.PLT)  # fmt: skip
    seats = caller(client, city, "staf.pupr").get("/me").json()["seats"]
    assert [(s["position"]["title"], s["qualifier"]) for s in seats] == [
        ("Teknik Jalan", ""),
        ("Kepala Bidang Bina Marga", "Plt."),
    ]


@pytest.mark.django_db
def test_it_searches_positions_by_title_holder_or_agency(client, city):
    staff = caller(client, city, "staf.aptika")
    rows = staff.get("/positions", q="bambang").json()
    assert [(r["title"], r["holder"], r["agency"]["short_name"]) for r in rows] == [
        ("Kepala Dinas Pekerjaan Umum dan Penataan Ruang", "Ir. Bambang Wijaya, M.T.", "Dinas PUPR")
    ]
    assert len(staff.get("/positions", q="Dinas PUPR", limit=3).json()) == 3
    assert staff.get("/positions", q="x").status_code == 422


@pytest.mark.django_db
def test_it_lists_agencies_kinds_and_classifications(client, city):
    staff = caller(client, city, "staf.aptika")
    agencies = {a["short_name"] for a in staff.get("/agencies").json()}
    assert {"Diskominfo", "Dinas PUPR", "Setda"} <= agencies
    kinds = {k["code"]: k["name"] for k in staff.get("/letter-kinds").json()}
    assert kinds["nota-dinas"] == "Nota Dinas"
    rows = staff.get("/classifications", q="000.1.2").json()
    assert rows and all(r["code"].startswith("000.1.2") for r in rows)
    assert len(staff.get("/classifications", limit=5).json()) == 5
