"""Disposition.security: the letter's class, which a delegate's lists and counters filter on."""

import importlib

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction

from esurat.dispositions.models import Disposition
from esurat.dispositions.tests.conftest import BINA_MARGA, give, letter_to_pupr

migration = importlib.import_module("esurat.dispositions.migrations.0004_disposition_security")


@pytest.mark.django_db
def test_a_disposition_carries_its_letters_security_class(pupr):
    secret = letter_to_pupr(pupr.city, security="R", subject="Rencana pengamanan")
    (d,) = give(pupr, "kadis.pupr", [BINA_MARGA], letter=secret)
    (ordinary,) = give(pupr, "kadis.pupr", [BINA_MARGA])
    assert Disposition.objects.get(pk=d.pk).security == "R"
    assert Disposition.objects.get(pk=ordinary.pk).security == "B"


@pytest.mark.django_db
def test_the_migration_fills_the_class_from_the_letter(pupr):
    secret = letter_to_pupr(pupr.city, security="R", subject="Rencana pengamanan")
    (d,) = give(pupr, "kadis.pupr", [BINA_MARGA], letter=secret)
    (ordinary,) = give(pupr, "kadis.pupr", [BINA_MARGA])
    Disposition.objects.update(security="T")  # as if written before the field existed
    migration.copy_security(apps, None)
    assert Disposition.objects.get(pk=d.pk).security == "R"
    assert Disposition.objects.get(pk=ordinary.pk).security == "B"


@pytest.mark.django_db
def test_a_row_without_a_class_is_refused(pupr):
    """Counted as ordinary, it would show an R/SR letter's disposition to the head's delegate."""
    (d,) = give(pupr, "kadis.pupr", [BINA_MARGA])
    with pytest.raises(IntegrityError), transaction.atomic():
        Disposition.objects.filter(pk=d.pk).update(security="")
