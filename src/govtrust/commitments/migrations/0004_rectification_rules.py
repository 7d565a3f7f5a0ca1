from django.db import migrations


def load(apps, schema_editor):
    from govtrust.commitments.catalog import load_rectification_rules

    load_rectification_rules(apps.get_model("commitments", "RectificationRule"))


class Migration(migrations.Migration):
    dependencies = [("commitments", "0003_rectification")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
