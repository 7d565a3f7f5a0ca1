from django.db import migrations


def load(apps, schema_editor):
    from govtrust.publicity.catalog import load_defaults

    load_defaults(apps.get_model("publicity", "PublicityRule"), apps.get_model("publicity", "PenaltyKind"))


class Migration(migrations.Migration):
    dependencies = [("publicity", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
