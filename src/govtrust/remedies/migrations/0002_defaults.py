from django.db import migrations


def load(apps, schema_editor):
    from govtrust.remedies.catalog import load_defaults

    load_defaults(apps.get_model("remedies", "RemedyRule"), apps.get_model("remedies", "RepairExclusion"),
                  apps.get_model("ledger", "Category"))


class Migration(migrations.Migration):
    dependencies = [("remedies", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
