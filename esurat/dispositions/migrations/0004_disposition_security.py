"""Disposition.security: the letter's security class copied onto each disposition (bench/README.md,
issue 3, finding 3), filled from the letters in one UPDATE, then checked by a constraint."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_security(apps, schema_editor):
    """Every existing row takes its letter's class (fixed once the letter could be disposed)."""
    Disposition = apps.get_model("dispositions", "Disposition")
    Letter = apps.get_model("letters", "Letter")
    Disposition.objects.update(
        security=Subquery(Letter.objects.filter(pk=OuterRef("letter_id")).values("security")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("dispositions", "0003_live_due_and_unread_indexes"),
        ("letters", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="disposition",
            name="security",
            field=models.CharField(
                choices=[
                    ("B", "Ordinary (B)"),
                    ("T", "Limited (T)"),
                    ("R", "Secret (R)"),
                    ("SR", "Top secret (SR)"),
                ],
                default="",
                max_length=2,
            ),
            preserve_default=False,
        ),
        migrations.RunPython(copy_security, migrations.RunPython.noop, elidable=False),
        migrations.AddConstraint(
            model_name="disposition",
            constraint=models.CheckConstraint(
                condition=models.Q(("security__in", ["B", "T", "R", "SR"])),
                name="disposition_security_known",
            ),
        ),
    ]
