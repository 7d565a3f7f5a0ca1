"""Identifiers per REFERENCE §5: USCC (GB 32100-2015), resident ID (GB 11643-1999), name normalization.

Our own validators rather than python-stdnum: stdnum rejects valid USCCs with letters in positions
1–2 (A1, N2, Y1 …) and does not accept full-width input. Division digits are not checked against the
current GB/T 2260 list, because historical codes stay valid.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {c: i for i, c in enumerate(USCC_ALPHABET)}
USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]

# Registering authority (position 1) and organization category (position 2), GB 32100-2015 appendix.
USCC_CATEGORIES: dict[str, str] = {
    "11": "机关", "12": "事业单位", "13": "中央编办直接管理机构编制的群众团体", "19": "其他（机构编制）",
    "21": "外国常驻新闻机构", "29": "其他（外交）",
    "31": "律师执业机构", "32": "公证处", "33": "基层法律服务所", "34": "司法鉴定机构", "35": "仲裁委员会",
    "39": "其他（司法行政）",
    "41": "外国在华文化中心", "49": "其他（文化）",
    "51": "社会团体", "52": "民办非企业单位", "53": "基金会", "59": "其他（民政）",
    "61": "外国旅游部门常驻代表机构", "62": "港澳台地区旅游部门常驻内地（大陆）代表机构", "69": "其他（旅游）",
    "71": "宗教活动场所", "72": "宗教院校", "79": "其他（宗教）",
    "81": "基层工会", "89": "其他（工会）",
    "91": "企业", "92": "个体工商户", "93": "农民专业合作社",
    "A1": "军队事业单位", "A9": "其他（中央军委改革和编制办公室）",
    "N1": "组级集体经济组织", "N2": "村级集体经济组织", "N3": "乡镇级集体经济组织", "N9": "其他（农业）",
    "Y1": "其他",
}
# Categories of public bodies that can be government-integrity subjects (机关、事业单位、群团).
PUBLIC_BODY_CATEGORIES = {"11", "12", "13", "19", "A1"}


@dataclass(frozen=True)
class Check:
    """The result of validating one identifier: the normalized value, or why it is invalid."""

    value: str
    valid: bool
    reason: str = ""  # Chinese
    reason_en: str = ""
    category: str = ""  # USCC: the category name from positions 1–2

    def __bool__(self) -> bool:
        return self.valid


def _fold(raw: str) -> str:
    """Full-width to half-width, upper case, no spaces: how people paste identifiers.

    Most identifiers arrive as plain ASCII letters and digits, which NFKC leaves as they are: they skip the
    normalization and the regular expression (a 10,000-party batch check folds 10,000 of them)."""
    if raw and raw.isascii() and raw.isalnum():
        return raw.upper()
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", raw or "")).upper()


def uscc_check_char(first17: str) -> str:
    total = sum(_USCC_VALUE[c] * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def check_uscc(raw: str) -> Check:
    code = _fold(raw)
    if not code:
        return Check(code, False, "统一社会信用代码为空", "USCC is empty")
    if len(code) != 18:
        return Check(code, False, f"应为18位，实际{len(code)}位", f"must be 18 characters, got {len(code)}")
    bad = sorted({c for c in code if c not in _USCC_VALUE})
    if bad:
        return Check(code, False, f"含有不允许的字符：{''.join(bad)}（不使用I、O、Z、S、V）",
                     f"characters not allowed: {''.join(bad)} (I, O, Z, S, V are never used)")
    if not code[2:8].isdigit():  # the alphabet is ASCII here, so isdigit() means 0-9
        return Check(code, False, f"第3—8位应为登记管理机关行政区划码（6位数字），实际为{code[2:8]}",
                     f"characters 3-8 must be the 6-digit administrative division code, got {code[2:8]}")
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        return Check(code, False, f"校验码错误：应为{expected}", f"wrong check character: expected {expected}")
    category = USCC_CATEGORIES.get(code[:2], "")
    if not category:
        return Check(code, False, f"登记管理部门和机构类别代码{code[:2]}不存在",
                     f"unknown registering authority / category code {code[:2]}")
    return Check(code, True, category=category)


ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"
# ASCII digits only: str.isdigit() would also accept other scripts' digits, which int() then reads.
_RESIDENT_ID_SHAPE = re.compile(r"[0-9]{17}[0-9X]")


def resident_id_check_char(first17: str) -> str:
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def check_resident_id(raw: str, today: dt.date | None = None) -> Check:
    number = _fold(raw)
    if not number:
        return Check(number, False, "公民身份号码为空", "resident ID is empty")
    if len(number) != 18:
        return Check(number, False, f"应为18位，实际{len(number)}位", f"must be 18 characters, got {len(number)}")
    if not _RESIDENT_ID_SHAPE.fullmatch(number):
        return Check(number, False, "前17位应为数字，末位为数字或X", "first 17 must be digits, the last a digit or X")
    # The reasons never repeat the birth date: a resident ID leaves masked, and so does a mistyped one.
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return Check(number, False, "第7—14位的出生日期不存在", "the birth date (characters 7-14) does not exist")
    if birth.year < 1900 or birth > (today or timezone.localdate()):
        return Check(number, False, "第7—14位的出生日期早于1900年或晚于今天",
                     "the birth date (characters 7-14) is before 1900 or in the future")
    expected = resident_id_check_char(number[:17])
    if number[17] != expected:
        return Check(number, False, f"校验码错误：应为{expected}", f"wrong check character: expected {expected}")
    return Check(number, True)


def mask_resident_id(number: str) -> str:
    """`530102199001011234` → `530102********1234`: the division and the last four kept, the birth date hidden.

    A value that is not 18 characters long may still be a mistyped real number, so it keeps at most its
    first two and last two characters: never enough of a birth date to identify anyone.
    """
    if len(number) == 18:
        return number[:6] + "*" * 8 + number[-4:]
    return number[:2] + "*" * (len(number) - 4) + number[-2:] if len(number) > 6 else "*" * len(number)


# The identifier kinds that the validation CLI and API accept, by their glossary names.
CHECKS: dict[str, Callable[[str], Check]] = {"uscc": check_uscc, "resident_id": check_resident_id}


def shown(kind: str, check: Check) -> str:
    """How a checked value may be echoed back: a resident ID is personal information and leaves masked."""
    return mask_resident_id(check.value) if kind == "resident_id" else check.value


_BRACKETS = str.maketrans({"【": "(", "】": ")", "〔": "(", "〕": ")", "［": "(", "］": ")", "[": "(", "]": ")",
                           "（": "(", "）": ")", "〈": "(", "〉": ")"})


def normalize_name(name: str) -> str:
    """One matching key for the written variants of an organization name (STACK: NFKC, brackets, spaces)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name or "").translate(_BRACKETS))
