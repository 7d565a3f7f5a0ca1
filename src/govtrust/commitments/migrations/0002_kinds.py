from django.db import migrations


def load(apps, schema_editor):
    from govtrust.commitments.catalog import load_defaults

    load_defaults(apps.get_model("commitments", "CommitmentKind"))


class Migration(migrations.Migration):
    dependencies = [("commitments", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
