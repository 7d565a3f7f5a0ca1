from django.db import migrations


def load(apps, schema_editor):
    from govtrust.monitoring.catalog import load_defaults

    load_defaults(apps.get_model("monitoring", "WarningRule"))


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
