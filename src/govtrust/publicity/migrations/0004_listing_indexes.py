"""Indexes for the public listing at a million decisions (bench/publicity_listing.py, docs/benchmarks.md).

- `decision_listing` (decision_date, id): the listing's order, read backwards, so the first page and every
  keyset page stop after 21 rows instead of sorting every current decision.
- `decision_document_number`: the exact document number that the search ORs with the name and the USCC.
- PostgreSQL only: a pg_trgm GIN index on UPPER(counterparty_normalized), the expression `icontains` compares,
  for name fragments of three characters or more (pg_trgm cannot index a shorter fragment). The extension
  ships with PostgreSQL (contrib) and is trusted, so the database owner may create it. Reversing drops the
  index and leaves the extension, which other schemas may use. SQLite has no counterpart: its LIKE scan is
  what the benchmark measures.
"""

from django.db import migrations, models

TRGM_INDEX = "decision_counterparty_trgm"


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {TRGM_INDEX} ON publicity_decision "
                          "USING gin (UPPER(counterparty_normalized) gin_trgm_ops)")


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRGM_INDEX}")


class Migration(migrations.Migration):
    dependencies = [("publicity", "0003_export_runs")]

    operations = [
        migrations.AddIndex(model_name="decision",
                            index=models.Index(fields=["decision_date", "id"], name="decision_listing")),
        migrations.AddIndex(model_name="decision",
                            index=models.Index(fields=["document_number"], name="decision_document_number")),
        migrations.RunPython(create_trigram_index, drop_trigram_index, elidable=False),
    ]
