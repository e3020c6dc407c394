"""The reviewers the agency's rules require (actions.required_reviewers), checked by every
do_* that sets or sends the chain, whatever the client sent."""

import pytest
from django.core.exceptions import ValidationError

from esurat.letters.actions import required_reviewers
from esurat.letters.tests.factories import draft_nota_dinas
from esurat.organisations.models import Assignment

KOMINFO = "Diskominfo"
KADIS = "Kepala Dinas Komunikasi dan Informatika"
KABID = "Kepala Bidang Aplikasi Informatika"
STAFF = "Pranata Komputer Ahli Pertama"


def _titles(positions):
    return [p.title for p in positions]


@pytest.mark.django_db
def test_it_requires_each_superior_of_the_drafter_below_the_signatory(city):
    staff, kabid = city.position(KOMINFO, STAFF), city.position(KOMINFO, KABID)
    kadis, sekda = city.position(KOMINFO, KADIS), city.position("Setda", "Sekretaris Daerah")
    assert _titles(required_reviewers(staff, kadis)) == [KABID]
    assert _titles(required_reviewers(staff, kabid)) == []  # the Kabid signs: nobody between
    assert _titles(required_reviewers(staff, sekda)) == [KABID, KADIS]  # up to the Sekda
    assert _titles(required_reviewers(kabid, kadis)) == []
    assert _titles(required_reviewers(kadis, kadis)) == []  # the head's own letter


@pytest.mark.django_db
def test_it_stops_below_the_head_when_the_signatory_is_not_above_the_drafter(city):
    # The Sekretaris Dinas signs a.n. the Kadis: the staff's Kabid still paraf, the Kadis not.
    staff, sekdis = city.position(KOMINFO, STAFF), city.position(KOMINFO, "Sekretaris Dinas")
    assert _titles(required_reviewers(staff, sekdis)) == [KABID]


@pytest.mark.django_db
def test_it_requires_a_vacant_post_only_once_someone_acts_for_it(city):
    staff = city.position("Dinas PUPR", "Teknik Jalan")
    kadis = city.position("Dinas PUPR", "Kepala Dinas Pekerjaan Umum dan Penataan Ruang")
    kabid = city.position("Dinas PUPR", "Kepala Bidang Bina Marga")
    assert kabid.holder_id is None and required_reviewers(staff, kadis) == []
    Assignment.objects.create(position=kabid, user=city.users["kadis.pupr"], kind="delegate")
    assert required_reviewers(staff, kadis) == []  # a delegate does not paraf
    Assignment.objects.create(position=kabid, user=city.users["kadis.pupr"], kind="plt")
    assert required_reviewers(staff, kadis) == [kabid]


@pytest.mark.django_db
def test_it_refuses_the_required_reviewers_out_of_order(city):
    kabid, kadis = city.position(KOMINFO, KABID), city.position(KOMINFO, KADIS)
    sekda = city.position("Setda", "Sekretaris Daerah")
    with pytest.raises(ValidationError) as refused:
        draft_nota_dinas(city, reviewers=[kadis, kabid], signatory=sekda)
    assert refused.value.code == "reviewer_order"
    assert f"{KABID} must approve (paraf) before {KADIS}" in refused.value.messages[0]
    letter = draft_nota_dinas(city, reviewers=[kabid, kadis], signatory=sekda)
    assert _titles(p.position for p in letter.review_steps.order_by("order")) == [KABID, KADIS]
