"""ID numbers (GB 11643) and phones: checking and masking."""

import pytest

from webapp.identity import (
    gender_of,
    is_valid_id_number,
    is_valid_phone,
    mask_id_number,
    mask_name,
    mask_phone,
)


@pytest.mark.parametrize(
    "value, valid",
    [
        ("330702199001011237", True),
        ("11010519491231002X", True),
        ("330702199001011236", False),  # wrong check character
        ("330702199002301234", False),  # 30 February
        ("33070219900101123", False),  # 17 characters
        ("33070219900101123Y", False),
        ("030702199001011237", False),  # no region starts with 0
        ("330702299001011237", False),  # born in the future
    ],
)
def test_id_number_checksum(value, valid):
    """Only 18 characters with a real birth date and the right check character pass."""
    assert is_valid_id_number(value) is valid


def test_gender_is_read_from_the_17th_digit():
    """Odd for men, even for women."""
    assert gender_of("330702199001011237") == "M"
    assert gender_of("330702198502022247") == "F"


@pytest.mark.parametrize(
    "value, valid",
    [("13812345678", True), ("12812345678", False), ("1381234567", False), ("138123456789", False)],
)
def test_mobile_numbers(value, valid):
    """11 digits, starting 13 to 19."""
    assert is_valid_phone(value) is valid


def test_masking():
    """Masked values keep enough to recognise and too little to look anyone up."""
    assert mask_id_number("330702199001011237") == "330702********1237"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_name("张三丰") == "张*丰"
    assert mask_name("张三") == "张*"
