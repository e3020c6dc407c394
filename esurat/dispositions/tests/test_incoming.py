"""Journey B: a paper letter registered by the clerk reaches the head, who disposes it."""

import datetime
import io

import pytest
from django.urls import reverse

from esurat.dispositions.models import Disposition
from esurat.dispositions.tests.conftest import BINA_MARGA, PUPR, TEKNIK_JALAN, give
from esurat.letters.access import can_view
from esurat.letters.models import Classification, LetterKind


@pytest.fixture
def incoming(pupr):
    from esurat.letters.incoming import do_register_incoming, do_send_to_head

    clerk = pupr.user("agendaris.pupr")
    today = pupr.letter.government.today()
    letter = do_register_incoming(
        user=clerk, agency=pupr.city.agencies[PUPR], sender_name="Kementerian Pekerjaan Umum",
        sender_number="PR.01.02/123", sender_date=today - datetime.timedelta(days=3),
        received_on=today, channel="paper", kind=LetterKind.objects.get(code="surat-dinas"),
        classification=Classification.objects.get(code="000.1.2.3"), security="B",
        urgency="segera", subject="Pemeliharaan jalan nasional", scan=None,
    )  # fmt: skip
    return do_send_to_head(letter=letter, user=clerk)


@pytest.mark.django_db
def test_it_disposes_a_registered_incoming_letter(client, pupr, incoming):
    assert not can_view(pupr.user("staf.pupr"), incoming)
    client.force_login(pupr.user("kadis.pupr"))
    page = client.get(reverse("dispositions:dispose", args=[incoming.code]))
    assert "Kementerian Pekerjaan Umum" in page.content.decode()
    gov = incoming.government
    from esurat.lib.workdays import add_working_days

    assert page.context["form"].initial["due_date"] == add_working_days(gov, gov.today(), 2)
    (d,) = give(pupr, "kadis.pupr", [BINA_MARGA], letter=incoming)
    give(pupr, "kabid.binamarga", [TEKNIK_JALAN], letter=incoming)
    staff = type(pupr.user("staf.pupr")).objects.get(pk=pupr.user("staf.pupr").pk)
    assert can_view(staff, incoming)
    assert Disposition.objects.filter(letter=incoming).count() == 2

    pytest.importorskip("weasyprint")
    extract_text = pytest.importorskip("pdfminer.high_level").extract_text
    response = client.get(reverse("dispositions:sheet", args=[d.code]))
    text = " ".join(extract_text(io.BytesIO(response.content)).split())
    assert "Kementerian Pekerjaan Umum" in text and "PR.01.02/123" in text
    assert incoming.registrations.get().agenda_number in text
