import pytest
from django.utils import translation

from esurat.letters.models import Recipient


@pytest.mark.django_db
@pytest.mark.indonesian
def test_it_names_an_agency_recipient_in_indonesian(city):
    recipient = Recipient(target=Recipient.Target.AGENCY, agency=city.agencies["Dinas PUPR"])
    with translation.override("id"):
        assert recipient.label() == "Kepala Dinas Pekerjaan Umum dan Penataan Ruang"
    everyone = Recipient(target=Recipient.Target.AGENCY_ALL, agency=city.agencies["Diskominfo"])
    with translation.override("id"):
        assert everyone.label() == "Seluruh pegawai Dinas Komunikasi dan Informatika"
