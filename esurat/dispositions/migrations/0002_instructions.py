from django.db import migrations

# DOMAIN.md's list; the admin edits it afterwards.
INSTRUCTIONS = [
    "Untuk diketahui",
    "Untuk ditindaklanjuti",
    "Proses sesuai ketentuan",
    "Koordinasikan",
    "Teliti dan beri pendapat",
    "Siapkan konsep jawaban",
    "Hadiri / wakili dan laporkan",
    "Jadwalkan",
    "Edarkan",
    "Bicarakan dengan saya",
    "Arsipkan",
]


def load(apps, schema_editor):
    Instruction = apps.get_model("dispositions", "Instruction")
    for order, name in enumerate(INSTRUCTIONS, start=1):
        Instruction.objects.get_or_create(name=name, defaults={"order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("dispositions", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
