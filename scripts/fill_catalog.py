"""Fill untranslated messages of the zh catalog from a {msgid: msgstr} dict in a Python file.

Used while developing: `python scripts/fill_catalog.py translations.py` after `make messages`.
"""

import runpy
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parent.parent / "webapp/translations/zh/LC_MESSAGES/messages.po"

table = runpy.run_path(sys.argv[1])["T"]
with PO.open("rb") as f:
    catalog = read_po(f)
for message in catalog:
    # A plural message's id and string are tuples (Chinese has one form).
    empty = not any(message.string) if message.pluralizable else not message.string
    if message.id and empty and message.id in table:
        message.string = table[message.id]
with PO.open("wb") as f:
    write_po(f, catalog, width=100, sort_output=True, omit_header=False)
left = [m.id for m in catalog if m.id and not (any(m.string) if m.pluralizable else m.string)]
print(f"untranslated: {len(left)}", *left, sep="\n  ")
