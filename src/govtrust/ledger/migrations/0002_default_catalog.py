"""The shipped catalog (data/catalog.json) and disclosure regimes (data/regimes.json)."""

from django.db import migrations


def load(apps, schema_editor):
    from govtrust.ledger.catalog import load_defaults

    load_defaults(apps.get_model("ledger", "Category"), apps.get_model("ledger", "CategoryVersion"),
                  apps.get_model("ledger", "Regime"), apps.get_model("ledger", "RegimeRule"))


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
