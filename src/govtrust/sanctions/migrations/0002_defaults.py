from django.db import migrations


def load(apps, schema_editor):
    from govtrust.sanctions.catalog import load_defaults

    load_defaults(apps.get_model("sanctions", "Scene"), apps.get_model("sanctions", "PartyList"),
                  apps.get_model("sanctions", "Measure"), apps.get_model("sanctions", "MeasureVersion"))


class Migration(migrations.Migration):
    dependencies = [("sanctions", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
