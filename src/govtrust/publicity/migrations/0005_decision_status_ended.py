"""Decision status ENDED (已终止公示): publicity ended by the credit repair of the decision's ledger record.

Only the choices change (the column already holds ten characters), so no row is rewritten.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("publicity", "0004_listing_indexes")]

    operations = [
        migrations.AlterField(
            model_name="decision",
            name="status",
            field=models.CharField(choices=[("published", "公示中"), ("withdrawn", "已撤下"), ("expired", "公示期满"),
                                            ("ended", "已终止公示")],
                                   default="published", max_length=10, verbose_name="状态"),
        ),
    ]
