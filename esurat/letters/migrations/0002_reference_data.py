from django.db import migrations


def load(apps, schema_editor):
    from esurat.letters import reference

    reference.load(apps.get_model("letters", "Classification"), apps.get_model("letters", "LetterKind"))


class Migration(migrations.Migration):
    dependencies = [("letters", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
