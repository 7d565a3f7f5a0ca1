"""The ledger's import dataset: credit records, taken in by intake's set-based pipeline (intake.records)."""

from govtrust.core.access import Perm
from govtrust.intake.datasets import Dataset, register
from govtrust.intake.records import COLUMNS, TEMPLATE_NOTE, field_columns, import_records, template_columns

RECORDS = register(Dataset(
    name="records", title="信用记录", title_en="Credit records", perm=Perm.IMPORT, columns=COLUMNS, handler=None,
    key_field="document_number", extra_columns=field_columns, bulk=import_records,
    template_columns=template_columns, template_note=TEMPLATE_NOTE,
))
