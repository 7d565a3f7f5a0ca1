from django.db import migrations


def load(apps, schema_editor):
    """Credit repair is open to every body a repairable record can be about (party organs, courts, others)."""
    from govtrust.commitments.catalog import load_defaults

    load_defaults(apps.get_model("commitments", "CommitmentKind"))


class Migration(migrations.Migration):
    dependencies = [("commitments", "0005_notice")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
