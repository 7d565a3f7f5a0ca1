from django.db import migrations


def load(apps, schema_editor):
    from govtrust.complaints.catalog import load_defaults

    load_defaults(apps.get_model("complaints", "ComplaintCategory"), apps.get_model("complaints", "DeadlineRule"),
                  apps.get_model("complaints", "NotAcceptedMatter"))


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
