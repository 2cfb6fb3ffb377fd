"""Codes printed on paper: one alphabet without look-alikes, random codes too long to guess, a
forgiving reading of what was typed, groups of four, and a public answer that tells nobody an
unknown code from a revoked one."""

from __future__ import annotations

from webapp import codes

CARDS = {"VA11DVA11D00": "valid", "REV0KEDREV0K": "revoked"}


def answer(text: str, find=CARDS.get) -> codes.Answer:
    """The public answer for `text` among CARDS (each code's record is its state), where only
    'valid' is named."""
    return codes.check(text, find, lambda state: state, named=("valid",))


def test_the_alphabet_has_no_look_alikes():
    """32 distinct symbols and no I, L, O or U: a code read out over the phone is unambiguous."""
    assert len(set(codes.ALPHABET)) == len(codes.ALPHABET) == 32
    assert not set("ILOU") & set(codes.ALPHABET)


def test_new_codes_are_60_random_bits():
    """A new code is 12 symbols of the alphabet, 60 bits, and a thousand of them never repeat."""
    made = {codes.new_code() for _ in range(1000)}
    assert len(made) == 1000
    assert all(len(code) == codes.LENGTH and set(code) <= set(codes.ALPHABET) for code in made)
    assert len(codes.ALPHABET) ** codes.LENGTH == 2**60


def test_a_displayed_code_typed_back_carelessly_reads_as_itself():
    """Grouped by four; typed back in lower case, with spaces, O for 0 and I or L for 1, it is
    the same code."""
    assert codes.display("K7Q2M9XD3FAB") == "K7Q2-M9XD-3FAB"
    for code in [codes.new_code() for _ in range(200)] + ["10K7Q2M9XD01"]:
        shown = codes.display(code)
        assert [len(group) for group in shown.split("-")] == [4, 4, 4]
        assert codes.normalize(shown) == code
        careless = shown.lower().replace("-", " ").replace("0", "o").replace("1", "l")
        assert codes.normalize(careless) == code
        assert codes.normalize(shown.replace("1", "I")) == code


def test_what_cannot_be_a_code_reads_as_none():
    """One symbol short or over, a U, or nothing at all: not a code."""
    for text in ("K7Q2-M9XD-3FA", "K7Q2-M9XD-3FABC", "K7Q2-M9XD-3FAU", "", "---"):
        assert codes.normalize(text) is None


def test_a_named_state_comes_with_its_record():
    """A code found in a state the page names answers that state, with the record."""
    assert answer("va11-dva1-1doo") == codes.Answer("valid", "VA11-DVA1-1D00", "valid")


def test_an_unknown_code_answers_exactly_like_a_revoked_one():
    """Revoked and never issued: both invalid, without the record, the code shown in groups."""
    revoked, unknown = answer("REV0KEDREV0K"), answer("NEVER1SSVED0")
    assert revoked == codes.Answer(codes.INVALID, "REV0-KEDR-EV0K", None)
    assert unknown == codes.Answer(codes.INVALID, "NEVE-R1SS-VED0", None)


def test_text_that_is_no_code_is_not_looked_up_and_is_shown_cut_short():
    """Nothing is looked up for text that cannot be a code; it is shown back as it came, cut
    to 20 characters."""
    looked_up: list[str] = []
    text = "not-a-code-but-a-long-sentence"
    assert answer(text, looked_up.append) == codes.Answer(codes.INVALID, text[:20], None)
    assert looked_up == []
