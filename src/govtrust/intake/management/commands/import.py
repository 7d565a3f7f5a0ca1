"""`govtrust import FILE --dataset NAME` imports a CSV or Excel file; `govtrust import --template NAME OUT` writes
an empty template.

Exit status: 0 every row imported; 1 nothing imported (a row or the file was refused); 2 wrong usage;
3 with --accept-valid, the valid rows imported and some rows refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from govtrust.core import access
from govtrust.core.access import Perm
from govtrust.core.context import acting
from govtrust.core.errors import ServiceError
from govtrust.intake.datasets import DATASETS
from govtrust.intake.operator import operator
from govtrust.intake.services import (
    FORMATS,
    ImportRejected,
    ImportResult,
    rejects_file,
    run_import,
    template_file,
)

REFUSED, USAGE, PARTIAL = 1, 2, 3


def _format_of(path: str) -> str:
    fmt = Path(path).suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise CommandError(f"输出文件须为 .xlsx 或 .csv：{path} / The output file must end in .xlsx or .csv",
                           returncode=USAGE)
    return fmt


class Command(BaseCommand):
    help = ("导入区划、单位、公务员等数据（CSV、XLSX）/ Import regions, organizations, civil servants … "
            "from CSV or Excel. Exit 0 all imported, 1 refused, 2 usage, 3 partly imported (--accept-valid).")

    def add_arguments(self, parser: CommandParser) -> None:
        names = sorted(DATASETS)
        parser.add_argument("path", nargs="?", help="要导入的文件；与 --template 同用时为要写出的模板 / the file to import, "
                                                    "or with --template the template to write (.xlsx or .csv)")
        parser.add_argument("--dataset", choices=names, help="数据集 / the dataset")
        parser.add_argument("--template", choices=names, metavar="DATASET", help="写出导入模板 / write a template")
        parser.add_argument("--accept-valid", action="store_true",
                            help="只导入正确的行，其余退回 / import the valid rows, return the others")
        parser.add_argument("--rejects", metavar="OUT", help="未导入的行写入此文件（.csv 或 .xlsx）/ write refused rows here")
        parser.add_argument("--reason", default="", help="理由，记入审计日志 / reason, recorded in the audit trail")
        parser.add_argument("--as", dest="as_user", metavar="USERNAME",
                            help="以该用户身份导入（默认：系统管理员）/ act as this user (default: the administrator role)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["path"]
        if not path:
            raise CommandError("请指定文件 / a file is required", returncode=USAGE)
        if options["template"]:
            Path(path).write_bytes(template_file(options["template"], _format_of(path)))
            self.stdout.write(f"模板已写入 {path} / template written to {path}")
            return
        if not options["dataset"]:
            raise CommandError("请用 --dataset 指定数据集 / --dataset is required", returncode=USAGE)
        rejects_fmt = _format_of(options["rejects"]) if options["rejects"] else None
        source = Path(path)
        if not source.is_file():
            raise CommandError(f"文件不存在：{path} / no such file: {path}", returncode=USAGE)
        principal, user, label = self._principal(options["as_user"])
        with acting(user=user, actor_label=label, channel="cli"):
            try:
                result = run_import(principal, dataset=options["dataset"], filename=source.name,
                                    content=source.read_bytes(), accept_valid=options["accept_valid"],
                                    reason=options["reason"])
            except ImportRejected as err:
                self._report_rejects(err.result, options["rejects"], rejects_fmt)
                raise CommandError(f"{err.message}\n{err.message_en}", returncode=REFUSED) from None
            except ServiceError as err:
                raise CommandError(str(err), returncode=REFUSED) from None
        self._report_rejects(result, options["rejects"], rejects_fmt)
        self.stdout.write(
            f"导入完成：{result.dataset} 共{result.total}行，新增{result.created}行，拒绝{len(result.rejected)}行\n"
            f"Import finished: {result.dataset}, {result.total} rows, {result.created} created, "
            f"{len(result.rejected)} rejected"
        )
        if result.rejected:
            raise CommandError("部分行未导入 / some rows were not imported", returncode=PARTIAL)

    def _principal(self, username: str | None) -> tuple[Any, Any, str]:
        """(principal, user for the audit trail, actor label)."""
        op = operator()
        if not username:
            return op, None, op.label
        try:
            user = access.get_visible(op, get_user_model().objects.filter(is_active=True), Perm.USERS_MANAGE,
                                      username=username)
        except ServiceError:
            raise CommandError(f"用户“{username}”不存在或已停用 / no active user {username!r}", returncode=USAGE) from None
        return user, user, f"user:{username} via {op.label}"

    def _report_rejects(self, result: ImportResult, out: str | None, fmt: str | None) -> None:
        for warning in result.warnings:
            self.stderr.write(f"注意 / warning: {warning}")
        for rejected in result.rejected:
            for error in rejected.errors:
                self.stderr.write(f"  - {error}")
        if out and fmt and result.rejected:
            Path(out).write_bytes(rejects_file(result, fmt))
            self.stderr.write(f"未导入的行已写入 {out} / refused rows written to {out}")
