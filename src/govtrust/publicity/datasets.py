"""The publicity datasets: penalty and licence decisions, taken in by intake's set-based batch loop."""

from govtrust.core.access import Perm
from govtrust.intake.datasets import Dataset, register

from .importer import COLUMNS, TEMPLATE_NOTE, import_decisions
from .models import Kind

PENALTIES = register(Dataset(
    name="penalties", title="行政处罚决定", title_en="Penalty decisions", perm=Perm.PUBLICITY_SUBMIT,
    columns=COLUMNS[Kind.PENALTY], handler=None, key_field="document_number", bulk=import_decisions(Kind.PENALTY),
    template_note=TEMPLATE_NOTE,
))
LICENCES = register(Dataset(
    name="licences", title="行政许可决定", title_en="Licence decisions", perm=Perm.PUBLICITY_SUBMIT,
    columns=COLUMNS[Kind.LICENCE], handler=None, key_field="document_number", bulk=import_decisions(Kind.LICENCE),
    template_note=TEMPLATE_NOTE,
))
