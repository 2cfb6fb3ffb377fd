"""Every string the user can see is in the Chinese catalog."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
METHODS = [("webapp/**.py", "python"), ("templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def test_every_message_has_a_chinese_translation():
    """No msgid in code or templates is missing or empty in the zh catalog."""
    with open(ROOT / "webapp/translations/zh/LC_MESSAGES/messages.po", "rb") as f:
        catalog = read_po(f)
    # A plural message's id and string are tuples: its first id, and any string at all.
    translated = {
        m.id if isinstance(m.id, str) else m.id[0]
        for m in catalog
        if m.id and (any(m.string) if m.pluralizable else m.string) and not m.fuzzy
    }
    found = {
        msg[2] if isinstance(msg[2], str) else msg[2][0]
        # templates/_macros/ too: Babel skips folders starting with "_" unless told otherwise.
        for msg in extract_from_dir(
            str(ROOT),
            METHODS,
            keywords=KEYWORDS,
            directory_filter=lambda path: not Path(path).name.startswith("."),
        )
    }
    missing = sorted(found - translated)
    assert not missing, f"run `make messages` and translate: {missing}"
