import pytest

from esurat.audit.actions import verify_chain
from esurat.letters.models import InboxEntry, Letter, Registration
from esurat.letters.tests.factories import draft_nota_dinas, send_through


@pytest.mark.django_db
def test_it_delivers_a_signed_letter_to_every_recipient(city):
    letter = draft_nota_dinas(city)
    letter = send_through(city, letter)
    assert letter.state == Letter.State.SENT
    assert letter.number.startswith("000.1.2.3/0001/DISKOMINFO/")
    inboxes = set(InboxEntry.objects.filter(letter=letter).values_list("position__title", "kind"))
    assert inboxes == {
        ("Kepala Dinas Pekerjaan Umum dan Penataan Ruang", "to"),
        ("Sekretaris Daerah", "cc"),
    }
    regs = {
        (r.agency.short_name, r.direction, r.seq)
        for r in Registration.objects.filter(letter=letter)
    }
    assert regs == {("Diskominfo", "out", 1), ("Dinas PUPR", "in", 1), ("Setda", "in", 1)}
    assert verify_chain(city.government) == (True, None)
