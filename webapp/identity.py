"""Chinese resident ID numbers (GB 11643-1999), unified social credit codes (GB 32100-2015) and
mobile numbers: checking and masking."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
# ASCII digits, whole string: \d would take other scripts' digits, and $ a final newline.
_ID_SHAPE = re.compile(r"[1-9][0-9]{16}[0-9X]")
_PHONE_SHAPE = re.compile(r"1[3-9][0-9]{9}")


def id_check_char(first17: str) -> str:
    """The 18th character of an ID number whose first 17 digits are given."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def normalize_id_number(value: str) -> str:
    """An ID number as typed (full-width digits from a Chinese input method, spaces between
    groups, a lower-case x) in the form it is stored and checked in."""
    return "".join(unicodedata.normalize("NFKC", value).upper().split())


# Between the groups of a phone number as people write it: 138 0013 8001, 138-0013-8001.
_PHONE_SEPARATORS = re.compile(r"[\s-]+")


def normalize_phone(value: str | None) -> str | None:
    """A phone as typed (full-width digits, spaces or dashes between groups) as its digits
    alone; whether that is a mobile number is is_valid_phone's question."""
    if not isinstance(value, str):
        return value
    return _PHONE_SEPARATORS.sub("", unicodedata.normalize("NFKC", value))


def is_valid_id_number(value: str) -> bool:
    """True for an 18-character ID number with a real birth date and a correct check character."""
    if not _ID_SHAPE.fullmatch(value):
        return False
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    if born.year < 1900 or born > date.today():
        return False
    return id_check_char(value[:17]) == value[17]


# The unified social credit code's alphabet: digits and capitals without I, O, S, V, Z (they
# look like 1, 0, 5, U, 2); a character's value is its place here.
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = tuple(3**i % 31 for i in range(17))


def uscc_check_char(first17: str) -> str:
    """The 18th character of a unified social credit code whose first 17 are given."""
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31]


def normalize_uscc(value: str) -> str:
    """A code as typed (full-width characters, spaces, lower case) as it is stored."""
    return "".join(unicodedata.normalize("NFKC", value).upper().split())


def is_valid_uscc(code: str) -> bool:
    """True for an 18-character unified social credit code (统一社会信用代码) of the code's
    alphabet whose last character is the check GB 32100-2015 gives for the first 17."""
    if not isinstance(code, str) or len(code) != 18:
        return False
    if any(c not in _USCC_CHARS for c in code):
        return False
    return uscc_check_char(code[:17]) == code[17]


def birth_year_of(id_number: str) -> int:
    return int(id_number[6:10])


def gender_of(id_number: str) -> str:
    """The 17th digit is odd for men and even for women."""
    return "M" if int(id_number[16]) % 2 else "F"


def is_valid_phone(value: str) -> bool:
    """A mainland mobile number: 11 digits starting 13–19."""
    return bool(_PHONE_SHAPE.fullmatch(value))


def mask_id_number(value: str | None) -> str:
    """330702199001011234 → 330702********1234: region kept, birth date hidden."""
    if not value:
        return ""
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str | None) -> str:
    """13812345678 → 138****5678."""
    if not value:
        return ""
    return value[:3] + "****" + value[-4:]


def mask_name(value: str) -> str:
    """张三丰 → 张*丰, 张三 → 张*: enough to recognise, not enough to look someone up."""
    if len(value) <= 1:
        return value
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]
