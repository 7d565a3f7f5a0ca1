"""`govtrust import FILE --dataset NAME` imports a CSV or Excel file; `govtrust import --template NAME OUT` writes
an empty template.

The file is streamed from disk (up to settings.IMPORT_MAX_FILE_BYTES). Prints a summary, or with --json one
JSON object: the counts, the batch id and the path of the rejected-rows file. Exit status: 0 the batch was
written (with --accept-valid, possibly without some refused rows); 1 nothing written (a row or the file was
refused); 2 wrong usage.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

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

REFUSED, USAGE = 1, 2


def _format_of(path: str) -> str:
    fmt = Path(path).suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise CommandError(f"输出文件须为 .xlsx 或 .csv：{path} / The output file must end in .xlsx or .csv",
                           returncode=USAGE)
    return fmt


class Command(BaseCommand):
    help = ("导入区划、单位、公务员等数据（CSV、XLSX）/ Import regions, organizations, civil servants … "
            "from CSV or Excel. Exit 0 written, 1 refused (nothing written), 2 usage.")

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
        parser.add_argument("--json", action="store_true", help="以JSON输出结果 / print the result as one JSON object")
        parser.add_argument("--match-names", action="store_true",
                            help="信用记录：确认按名称唯一匹配的主体 / records: take subjects matched by exact name")
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
        extra = {"match_names": True} if options["match_names"] else {}
        if options["dataset"] == "records":
            extra["progress"] = self._progress()
        with acting(user=user, actor_label=label, channel="cli"):
            try:
                result = run_import(principal, dataset=options["dataset"], filename=source.name, content=source,
                                    accept_valid=options["accept_valid"], reason=options["reason"],
                                    limit=settings.IMPORT_MAX_FILE_BYTES, **extra)
            except ImportRejected as err:
                rejects = self._report_rejects(err.result, options, rejects_fmt)
                self._json(options, err.result, written=False, rejects=rejects, error=err)
                raise CommandError(f"{err.message}\n{err.message_en}", returncode=REFUSED) from None
            except ServiceError as err:
                self._json(options, None, written=False, error=err)
                raise CommandError(str(err), returncode=REFUSED) from None
        rejects = self._report_rejects(result, options, rejects_fmt)
        if options["json"]:
            self._json(options, result, written=True, rejects=rejects)
            return
        more = (f"，更新{result.revised}行，未变化{result.unchanged}行" if result.dataset == "records" else "")
        more_en = f", {result.revised} revised, {result.unchanged} unchanged" if result.dataset == "records" else ""
        self.stdout.write(
            f"导入完成：{result.dataset} 共{result.total}行，新增{result.created}行{more}，拒绝{len(result.rejected)}行\n"
            f"Import finished: {result.dataset}, {result.total} rows, {result.created} created{more_en}, "
            f"{len(result.rejected)} rejected"
        )

    def _progress(self) -> Any:
        """Rows read so far, on standard error when it is a terminal (at most twice a second)."""
        if not sys.stderr.isatty():
            return None
        last = [0.0]

        def show(rows: int) -> None:
            now = time.monotonic()
            if now - last[0] >= 0.5:
                last[0] = now
                self.stderr.write(f"\r已读取 {rows:,} 行 / {rows:,} rows read", ending="")

        return show

    def _json(self, options: dict[str, Any], result: ImportResult | None, *, written: bool, rejects: str | None = None,
              error: ServiceError | None = None) -> None:
        if not options["json"]:
            return
        out: dict[str, Any] = result.as_dict() if result else {}
        out |= {"written": written, "rejected_count": len(result.rejected) if result else 0, "rejects_file": rejects}
        if error is not None:
            out["error"] = error.as_dict()
        self.stdout.write(json.dumps(out, ensure_ascii=False))

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

    def _report_rejects(self, result: ImportResult, options: dict[str, Any], fmt: str | None) -> str | None:
        """Print the warnings and refused rows; write the rejects file (by default under var/rejects/)."""
        for warning in result.warnings:
            self.stderr.write(f"注意 / warning: {warning}")
        for rejected in result.rejected[:200]:
            for error in rejected.errors:
                self.stderr.write(f"  - {error}")
        if len(result.rejected) > 200:
            self.stderr.write(f"  … 另有{len(result.rejected) - 200}行 / {len(result.rejected) - 200} more rows")
        if not result.rejected:
            return None
        out = options["rejects"]
        if not out:
            folder = settings.VAR_DIR / "rejects"
            folder.mkdir(parents=True, exist_ok=True)
            out = str(folder / f"{Path(result.filename).stem}-rejects-{timezone.now():%Y%m%d%H%M%S}.csv")
            fmt = "csv"
        Path(out).write_bytes(rejects_file(result, fmt or "csv"))
        self.stderr.write(f"未导入的行已写入 {out} / refused rows written to {out}")
        return out
