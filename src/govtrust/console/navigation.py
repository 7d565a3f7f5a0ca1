"""The console menu: one entry per module, shown only to roles holding its permission."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from govtrust.core import access
from govtrust.core.access import Perm


@dataclass(frozen=True)
class MenuItem:
    label: Any
    url_name: str
    perm: str

    @property
    def url(self) -> str:
        return reverse(self.url_name)

    def is_active(self, path: str) -> bool:
        """The home entry matches only itself; every other entry matches its whole section."""
        return path == self.url if self.url_name == "console:home" else path.startswith(self.url)


MENU = [
    MenuItem(_("工作台首页"), "console:home", Perm.CONSOLE),
    MenuItem(_("行政区划"), "console:regions", Perm.SUBJECTS_VIEW),
    MenuItem(_("单位"), "console:organizations", Perm.SUBJECTS_VIEW),
    MenuItem(_("公务员"), "console:civil_servants", Perm.SUBJECTS_VIEW),
    MenuItem(_("信用记录"), "console:records", Perm.LEDGER_VIEW),
    MenuItem(_("信用信息目录"), "console:catalog", Perm.LEDGER_VIEW),
    MenuItem(_("数据导入"), "console:imports", Perm.IMPORT),
    MenuItem(_("双公示"), "console:publicity", Perm.PUBLICITY_VIEW),
    MenuItem(_("信用承诺"), "console:commitments", Perm.COMMITMENTS_VIEW),
    MenuItem(_("整改"), "console:rectification", Perm.RECTIFICATION_VIEW),
    MenuItem(_("信用比对"), "console:screening", Perm.CHECKS_RUN),
    MenuItem(_("比对记录"), "console:checks", Perm.CHECKS_VIEW),
    MenuItem(_("奖惩措施"), "console:measures", Perm.CHECKS_VIEW),
    MenuItem(_("投诉举报"), "console:complaints", Perm.COMPLAINTS_VIEW),
    MenuItem(_("异议与修复"), "console:remedies", Perm.REMEDIES_VIEW),  # 从轻免罚 is linked from its list page
    MenuItem(_("监督评价数据"), "console:supervision", Perm.SUPERVISION_VIEW),
    MenuItem(_("指标体系"), "console:indicator_systems", Perm.EVALUATION_VIEW),
    MenuItem(_("评价与排名"), "console:evaluation_runs", Perm.EVALUATION_VIEW),
    MenuItem(_("监测预警"), "console:warnings", Perm.WARNINGS_VIEW),
    MenuItem(_("季度监测报告"), "console:quarterly_reports", Perm.EVALUATION_VIEW),
    MenuItem(_("后台任务"), "console:jobs", Perm.CONSOLE),
    MenuItem(_("工作日历"), "console:calendar", Perm.CONSOLE),
    MenuItem(_("API密钥"), "console:api_keys", Perm.APIKEYS_MANAGE),
    MenuItem(_("审计日志"), "console:audit", Perm.AUDIT_VIEW),
]


def menu_for(user: Any) -> list[MenuItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    return [item for item in MENU if access.can(user, item.perm)]
