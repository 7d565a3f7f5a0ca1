"""ExportRun: each national-format export, so that `publicity export --since last` continues from the previous one."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("publicity", "0002_catalog")]

    operations = [
        migrations.CreateModel(
            name="ExportRun",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(choices=[("licence", "行政许可"), ("penalty", "行政处罚")], max_length=8,
                                          verbose_name="类型")),
                ("format", models.CharField(max_length=8, verbose_name="格式")),
                ("since", models.DateTimeField(blank=True, null=True, verbose_name="起始时间")),
                ("until", models.DateTimeField(verbose_name="截至时间（导出时间）")),
                ("count", models.PositiveIntegerField(verbose_name="导出条数")),
                ("actor", models.CharField(max_length=128, verbose_name="操作者")),
                ("target", models.CharField(blank=True, max_length=200, verbose_name="报送对象")),
                ("previous", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                               related_name="+", to="publicity.exportrun", verbose_name="上次导出")),
            ],
            options={
                "verbose_name": "导出记录",
                "verbose_name_plural": "导出记录",
                "ordering": ["-until", "-id"],
                "indexes": [models.Index(fields=["kind", "target", "until"], name="export_run_last")],
            },
        ),
    ]
