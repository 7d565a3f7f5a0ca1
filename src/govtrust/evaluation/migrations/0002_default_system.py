from django.db import migrations


def load(apps, schema_editor):
    from govtrust.evaluation.catalog import load_defaults

    load_defaults(apps.get_model("evaluation", "IndicatorSystem"))


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
