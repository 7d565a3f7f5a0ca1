"""Identifiers (REFERENCE §5): USCC (GB 32100-2015) and resident ID (GB 11643-1999) checks, masking, name
normalization, and the `validate` command that checks them from a shell."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from govtrust.core.identifiers import (
    USCC_CATEGORIES,
    check_resident_id,
    check_uscc,
    mask_resident_id,
    normalize_name,
    resident_id_check_char,
    shown,
    uscc_check_char,
)
from govtrust.testing import factories

TODAY = dt.date(2026, 6, 1)


make_uscc, make_id = factories.complete_uscc, factories.complete_resident_id


def with_wrong_check(code: str, alphabet: str) -> str:
    return code[:17] + next(c for c in alphabet if c != code[17])


def to_full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


# ------------------------------------------------------------------------------------------------ USCC


def test_uscc_check_character_matches_published_examples():
    # The worked example of GB 32100-2015 and two well-known enterprises.
    for code in ("91350100M000100Y43", "914403001922038216", "9144030071526726XG"):
        assert uscc_check_char(code[:17]) == code[17], code
        assert check_uscc(code).valid, code


@pytest.mark.parametrize(
    ("category", "name"),
    [
        ("11", "机关"),
        ("12", "事业单位"),
        ("13", "中央编办直接管理机构编制的群众团体"),
        ("51", "社会团体"),
        ("91", "企业"),
        ("92", "个体工商户"),
        ("A1", "军队事业单位"),
        ("N2", "村级集体经济组织"),
        ("Y1", "其他"),
    ],
)
def test_valid_uscc_reports_its_category(category, name):
    code = make_uscc(f"{category}530102MA6K0Q8R3")
    check = check_uscc(code)
    assert check.valid and bool(check) is True
    assert check.value == code and check.category == name == USCC_CATEGORIES[category]
    assert check.reason == "" and check.reason_en == ""


def test_uscc_division_digits_are_not_checked_against_the_current_list():
    # 999999 is no division at all, and 532101 (former 昭通地区) no longer exists: both stay valid.
    for division in ("999999", "532101", "000000"):
        check = check_uscc(make_uscc(f"91{division}MA6K0Q8R3"))
        assert check.valid and check.category == "企业", division


def test_uscc_is_normalized_from_full_width_lowercase_and_spaces():
    code = make_uscc("91530102MA6K0Q8R3")
    assert any(c.isalpha() for c in code[8:])  # so lower-casing changes something
    spaced = f"  {code[:2]} {code[2:8]}\t{code[8:]}\n"
    full_width_spaced = "\u3000".join(
        to_full_width(part) for part in (code[:2], code[2:8].lower(), code[8:].lower())
    )
    for raw in (code.lower(), to_full_width(code), spaced, full_width_spaced):
        check = check_uscc(raw)
        assert check.valid and check.value == code, raw


@pytest.mark.parametrize(
    ("raw", "length"), [("9153010", 7), ("91530102MA6K0Q8R1", 17), ("91530102MA6K0Q8R123", 19)]
)
def test_uscc_of_the_wrong_length_is_refused(raw, length):
    check = check_uscc(raw)
    assert not check.valid and not check and check.category == ""
    assert (
        check.reason == f"应为18位，实际{length}位"
        and check.reason_en == f"must be 18 characters, got {length}"
    )


def test_empty_uscc_is_refused():
    for raw in ("", "   ", None):
        check = check_uscc(raw)
        assert not check.valid and check.value == "" and "empty" in check.reason_en and "为空" in check.reason


@pytest.mark.parametrize("letter", ["I", "O", "Z", "S", "V"])
def test_uscc_with_a_letter_never_used_is_refused(letter):
    code = make_uscc("91530102MA6K0Q8R3")
    bad = code[:10] + letter + code[11:]
    check = check_uscc(bad)
    assert not check.valid and check.value == bad
    assert (
        f"不允许的字符：{letter}" in check.reason and f"characters not allowed: {letter}" in check.reason_en
    )


def test_uscc_forbidden_characters_are_all_named_once():
    check = check_uscc("91530102OOSIZ-0Q8R")
    assert not check.valid and "characters not allowed: -IOSZ " in check.reason_en


def test_uscc_with_letters_in_the_division_is_refused():
    code = make_uscc("9153A102MA6K0Q8R3")  # right check character, but positions 3-8 are not a division code
    check = check_uscc(code)
    assert (
        not check.valid
        and "53A102" in check.reason_en
        and "6-digit administrative division" in check.reason_en
    )
    assert "行政区划码" in check.reason


def test_uscc_with_a_wrong_check_character_is_refused():
    code = make_uscc("11530102MA6K0Q8R3")
    bad = with_wrong_check(code, "0123456789ABCDEFGHJKLMNPQRTUWXY")
    check = check_uscc(bad)
    assert not check.valid and check.category == ""
    assert check.reason == f"校验码错误：应为{code[17]}"
    assert check.reason_en == f"wrong check character: expected {code[17]}"


@pytest.mark.parametrize("category", ["99", "10", "B1", "N4", "Y2", "00"])
def test_uscc_of_an_unknown_category_is_refused(category):
    code = make_uscc(f"{category}530102MA6K0Q8R3")  # right check character, unknown category
    check = check_uscc(code)
    assert not check.valid and check.category == ""
    assert f"代码{category}不存在" in check.reason and f"category code {category}" in check.reason_en


# ------------------------------------------------------------------------------------------ resident ID


def test_resident_id_check_character_matches_the_standard_example():
    assert resident_id_check_char("11010519491231002") == "X"
    assert check_resident_id("11010519491231002X").valid


def test_valid_resident_ids():
    plain = make_id("53010219900307123")
    assert plain[-1] != "X"
    check = check_resident_id(plain, today=TODAY)
    assert check.valid and check.value == plain and check.reason == "" and check.category == ""


def test_check_character_x_in_either_case():
    first17 = next(
        f"5301021990030{d}12{k}"
        for d in range(1, 10)
        for k in range(10)
        if resident_id_check_char(f"5301021990030{d}12{k}") == "X"
    )
    assert check_resident_id(first17 + "X", today=TODAY).value == first17 + "X"
    lower = check_resident_id(f" {first17}x ", today=TODAY)
    assert lower.valid and lower.value == first17 + "X"
    assert check_resident_id(to_full_width(first17 + "x"), today=TODAY).valid


def test_resident_id_with_a_wrong_check_character_is_refused():
    number = make_id("53010219900307123")
    bad = with_wrong_check(number, "0123456789X")
    check = check_resident_id(bad, today=TODAY)
    assert not check.valid and check.value == bad
    assert (
        check.reason == f"校验码错误：应为{number[-1]}"
        and check.reason_en == f"wrong check character: expected {number[-1]}"
    )


@pytest.mark.parametrize("birth", ["19900230", "19901301", "19900000", "19000229", "20250229"])
def test_resident_id_with_an_impossible_birth_date_is_refused(birth):
    number = make_id(f"530102{birth}123")  # right check character: the date alone is wrong
    check = check_resident_id(number, today=TODAY)
    assert not check.valid and "does not exist" in check.reason_en and "不存在" in check.reason
    assert birth not in check.reason + check.reason_en  # the (masked) birth date is not echoed back


def test_leap_day_is_a_real_birth_date():
    assert check_resident_id(make_id("53010220000229123"), today=TODAY).valid


def test_resident_id_born_in_the_future_or_before_1900_is_refused():
    tomorrow = make_id("53010220260602123")
    assert check_resident_id(tomorrow, today=dt.date(2026, 6, 3)).valid
    check = check_resident_id(tomorrow, today=dt.date(2026, 6, 1))
    assert not check.valid and "in the future" in check.reason_en and "晚于今天" in check.reason
    assert "2026-06-02" not in check.reason_en
    assert check_resident_id(make_id("53010220260601123"), today=dt.date(2026, 6, 1)).valid  # born today
    old = check_resident_id(make_id("53010218991231123"), today=TODAY)
    assert not old.valid and "before 1900" in old.reason_en


def test_resident_id_without_today_uses_the_current_date():
    assert not check_resident_id(make_id(f"530102{dt.date.today().year + 1}0101123")).valid
    assert check_resident_id(make_id("53010219900307123")).valid


@pytest.mark.parametrize(
    "raw",
    [
        "53010219900307123A",  # a letter other than X
        "5301021990X307123X",  # X inside
        "\u0665\u0663\u0660\u0661\u0660\u0662\u0661\u0669\u0669\u0660\u0660\u0663\u0660\u0667\u0661\u0662\u0663X",  # Arabic-Indic digits
        "५३०१०२१९९००३०७१२३X",  # Devanagari digits
        "530102-1990030712X",
    ],
)
def test_resident_id_with_anything_but_ascii_digits_is_refused(raw):
    check = check_resident_id(raw, today=TODAY)
    assert len(check.value) == 18 and not check.valid
    assert check.reason_en == "first 17 must be digits, the last a digit or X"


@pytest.mark.parametrize(("raw", "length"), [("530102199003071", 15), ("5301021990030712345", 19)])
def test_resident_id_of_the_wrong_length_is_refused(raw, length):
    check = check_resident_id(raw, today=TODAY)
    assert not check.valid and check.reason_en == f"must be 18 characters, got {length}"


def test_empty_resident_id_is_refused():
    check = check_resident_id(" \u3000 ")
    assert not check.valid and check.value == "" and "empty" in check.reason_en


def test_mask_keeps_the_division_and_the_last_four():
    assert mask_resident_id("53010219901231123X") == "530102********123X"
    assert mask_resident_id("530102199012311234") == "530102********1234"
    assert mask_resident_id("12345") == "*****"
    assert mask_resident_id("") == ""
    # A mistyped number of another length keeps too little to show a birth date.
    assert mask_resident_id("53010219901") == "53*******01"
    assert mask_resident_id("5301021990010112") == "53************12"


def test_shown_masks_resident_ids_only():
    number = make_id("53010219900307123")
    assert shown("resident_id", check_resident_id(number)) == f"530102********{number[-4:]}"
    code = make_uscc("91530102MA6K0Q8R3")
    assert shown("uscc", check_uscc(code.lower())) == code


# ------------------------------------------------------------------------------------------------ names


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("昆明市五华区财政局", "昆明市五华区财政局"),
        (" 昆明市 五华区\u3000财政局 ", "昆明市五华区财政局"),
        ("云南省人民政府（办公厅）", "云南省人民政府(办公厅)"),
        ("云南省人民政府【办公厅】", "云南省人民政府(办公厅)"),
        ("云南省人民政府〔办公厅〕", "云南省人民政府(办公厅)"),
        ("云南省人民政府[办公厅]", "云南省人民政府(办公厅)"),
        ("云南省人民政府〈办公厅〉", "云南省人民政府(办公厅)"),
        ("ＡＢＣ科技（云南）有限公司", "ABC科技(云南)有限公司"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalize_name(raw, key):
    assert normalize_name(raw) == key


def test_normalize_name_keeps_different_names_apart():
    assert normalize_name("昆明市五华区财政局") != normalize_name("昆明市盘龙区财政局")


# ----------------------------------------------------------------------------------------- the command


def _validate(*args, stdin=None):
    out = StringIO()
    kw = {"stdout": out}
    if stdin is not None:
        kw["stdin"] = StringIO(stdin)
    try:
        call_command("validate", *args, **kw)
    except CommandError as exc:
        return out.getvalue().splitlines(), exc
    return out.getvalue().splitlines(), None


def test_validate_uscc_prints_the_normalized_code_and_category():
    a, b = make_uscc("11530102MA6K0Q8R3"), make_uscc("Y1530102MA6K0Q8R3")
    lines, error = _validate("uscc", a.lower(), b)
    assert error is None
    assert lines == [f"{a}\t有效 valid\t机关", f"{b}\t有效 valid\t其他"]


def test_validate_resident_id_output_is_masked():
    number = make_id("53010219900307123")
    lines, error = _validate("resident-id", number)
    assert error is None and lines == [f"530102********{number[-4:]}\t有效 valid"]
    assert "19900307" not in "\n".join(lines)


def test_validate_fails_on_any_invalid_value_after_reporting_every_value():
    good = make_uscc("91530102MA6K0Q8R3")
    bad = with_wrong_check(good, "0123456789")
    lines, error = _validate("uscc", good, bad, "")
    assert isinstance(error, CommandError)
    assert "2 of 3 invalid" in str(error) and "3个中有2个无效" in str(error)
    assert lines[0] == f"{good}\t有效 valid\t企业"
    assert (
        lines[1]
        == f"{bad}\t无效 invalid\t校验码错误：应为{good[17]} / wrong check character: expected {good[17]}"
    )
    assert lines[2].startswith("(空)\t无效 invalid\t")


def test_validate_masks_invalid_resident_ids_too():
    number = with_wrong_check(make_id("53010219900307123"), "0123456789X")
    lines, error = _validate("resident-id", number)
    assert error is not None and "1 of 1 invalid" in str(error)
    assert lines[0].startswith(f"530102********{number[-4:]}\t无效 invalid\t校验码错误")
    assert number not in lines[0] and "19900307" not in lines[0]


def test_validate_reads_values_from_stdin_for_a_dash():
    a = make_id("53010219900307123")
    b = make_id("53010219851111456")
    lines, error = _validate("resident-id", "-", stdin=f"{a}\n\n   \n {b.lower()} \n")
    assert error is None
    assert lines == [f"530102********{a[-4:]}\t有效 valid", f"530102********{b[-4:]}\t有效 valid"]


def test_validate_mixes_arguments_and_stdin_in_order():
    first, from_stdin = make_uscc("12530102MA6K0Q8R3"), make_uscc("91530102MA6K0Q8R3")
    bad = with_wrong_check(from_stdin, "0123456789")
    lines, error = _validate("uscc", first, "-", stdin=f"{from_stdin}\n{bad}\n")
    assert [line.split("\t")[0] for line in lines] == [first, from_stdin, bad]
    assert [line.split("\t")[1] for line in lines] == ["有效 valid", "有效 valid", "无效 invalid"]
    assert error is not None and "1 of 3 invalid" in str(error)


def test_validate_refuses_an_empty_standard_input():
    lines, error = _validate("uscc", "-", stdin="\n  \n")
    assert lines == [] and error is not None and "nothing to validate" in str(error)


def test_validate_needs_a_kind_and_values():
    with pytest.raises(CommandError):
        call_command("validate", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("validate", "passport", "E12345678", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("validate", "uscc", stdout=StringIO())
