import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from esurat.dispositions.actions import do_report_follow_up
from esurat.dispositions.models import Disposition
from esurat.dispositions.tests.conftest import BINA_MARGA, SDA, TEKNIK_JALAN, give
from esurat.organisations.access import seats_of

HTMX = {"HTTP_HX_REQUEST": "true"}


def _report(pupr, username, d, text="Selesai."):
    user = type(pupr.user(username)).objects.get(pk=pupr.user(username).pk)
    do_report_follow_up(disposition=d, seat=seats_of(user)[0], user=user, text=text)


@pytest.mark.django_db
def test_it_shows_who_has_read_who_is_late_and_who_is_done(client, pupr):
    bina_marga, sda = give(pupr, "kadis.pupr", [BINA_MARGA, SDA])
    (staff,) = give(pupr, "kabid.binamarga", [TEKNIK_JALAN])
    Disposition.objects.filter(pk=sda.pk).update(
        due_date=pupr.letter.government.today() - datetime.timedelta(days=1)
    )
    _report(pupr, "staf.pupr", staff, "Konsep balasan sudah disiapkan.")

    client.force_login(pupr.user("kadis.pupr"))
    response = client.get(reverse("dispositions:tree", args=[pupr.letter.code]), **HTMX)
    assert response.status_code == 200
    assert "<html" not in response.content.decode()  # a partial
    nodes = response.context["nodes"]
    assert [(n.disposition.to_position.title, n.disposition.state, n.status) for n in nodes] == [
        (BINA_MARGA, "read", ""), (SDA, "sent", "overdue"),
    ]  # fmt: skip
    (child,) = nodes[0].children
    assert (child.disposition.to_position.title, child.disposition.state) == (TEKNIK_JALAN, "done")
    body = response.content.decode()
    assert "Konsep balasan sudah disiapkan." in body
    assert "Not read yet" in body and "Overdue" in body
    assert "Read" in body and pupr.user("kabid.binamarga").full_name in body
    assert response.context["may_dispose"] is True

    # Opened directly (no htmx) it is a page of its own.
    page = client.get(reverse("dispositions:tree", args=[pupr.letter.code]))
    assert "<html" in page.content.decode() and pupr.letter.subject in page.content.decode()


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, **HTMX).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_it_runs_a_fixed_number_of_queries(client, pupr, django_assert_num_queries):
    """Session, user, letter and its visibility, holidays, seats, the dispositions with their
    instructions, follow-ups and files, and whether the user may dispose: not one per node."""
    client.force_login(pupr.user("kadis.pupr"))
    url = reverse("dispositions:tree", args=[pupr.letter.code])
    (bina_marga,) = give(pupr, "kadis.pupr", [BINA_MARGA])
    (staff,) = give(pupr, "kabid.binamarga", [TEKNIK_JALAN])
    _report(pupr, "staf.pupr", staff)
    small = _count(client, url)
    give(pupr, "kadis.pupr", [SDA, "Sekretaris Dinas", "Kepala Bidang Penataan Ruang"])
    _report(pupr, "kabid.binamarga", bina_marga)
    assert _count(client, url) == small
    # The tree itself: the rows, instructions, follow-ups and their files; seats are cached.
    from esurat.dispositions import selectors

    user = type(pupr.user("kadis.pupr")).objects.get(pk=pupr.user("kadis.pupr").pk)
    marks = selectors.deadlines(pupr.letter.government)
    seats_of(user)
    with django_assert_num_queries(4):
        nodes = selectors.tree(pupr.letter, user, marks=marks)

    def walk(nodes):
        for n in nodes:
            list(n.disposition.instructions.all())
            str(n.disposition.to_position.holder)
            [list(f.files.all()) for f in n.disposition.follow_ups.all()]
            walk(n.children)

    with django_assert_num_queries(0):
        walk(nodes)
    assert len(nodes) == 4


@pytest.mark.django_db
def test_it_answers_not_found_to_an_outsider(client, pupr):
    give(pupr, "kadis.pupr", [BINA_MARGA])
    client.force_login(pupr.user("staf.pupr"))
    assert client.get(reverse("dispositions:tree", args=[pupr.letter.code])).status_code == 404
    assert client.post(reverse("dispositions:tree", args=[pupr.letter.code])).status_code == 405
