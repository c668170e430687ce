"""Identity codes as users type them: validation with a message saying which check failed."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from matchmaker.ids import InvalidCreditCode, InvalidIdNumber, normalise_code, validate_credit_code, validate_id_number
from matchmaker.services.errors import DomainError


def _id_message(reason: str) -> str:
    return {
        "length": _("身份证号应为 18 位。"),
        "chars": _("身份证号前 17 位应为数字，最后一位为数字或 X。"),
        "area": _("身份证号的地区码无效。"),
        "birth_date": _("身份证号中的出生日期无效。"),
        "check_digit": _("身份证号校验位错误，请核对每一位数字。"),
    }[reason]


def check_id_number(value: str, field: str = "id_number") -> tuple[str, date, str]:
    """(normalised number, birth date, sex) or a DomainError naming the failed check."""
    try:
        birth, sex = validate_id_number(value)
    except InvalidIdNumber as e:
        raise DomainError(_id_message(e.reason), field) from None
    return normalise_code(value), birth, sex


def check_credit_code(value: str, field: str = "credit_code") -> str:
    try:
        return validate_credit_code(value)
    except InvalidCreditCode as e:
        message = {
            "length": _("统一社会信用代码应为 18 位。"),
            "chars": _("统一社会信用代码含有无效字符（不使用 I、O、Z、S、V）。"),
            "check_digit": _("统一社会信用代码校验位错误，请核对。"),
        }[e.reason]
        raise DomainError(message, field) from None
