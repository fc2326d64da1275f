"""Fill the main Welsh catalogue from the translation parts in locale/cy/parts/.

Work on different parts of the product can go on in parallel: each piece of
work writes its Welsh into its own part file (`locale/cy/parts/<name>.po`),
so the one big catalogue never needs a hand merge. `make welsh` runs
`make messages` (extract every string) and then this script, which copies each
part's translation into entries that are still empty or fuzzy.

Exits 1 and lists the strings still untranslated, so a forgotten string shows.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parents[1] / "coproduce" / "locale" / "cy"
MAIN_PO = LOCALE / "LC_MESSAGES" / "django.po"
PARTS = LOCALE / "parts"


def _key(entry: polib.POEntry) -> tuple[str | None, str]:
    return (entry.msgctxt, entry.msgid)


def main() -> int:
    known: dict[tuple[str | None, str], polib.POEntry] = {}
    for part_path in sorted(PARTS.glob("*.po")):
        for entry in polib.pofile(str(part_path)):
            if entry.translated():
                known[_key(entry)] = entry
    catalogue = polib.pofile(str(MAIN_PO))
    filled = 0
    for entry in catalogue:
        if entry.obsolete or (entry.translated() and "fuzzy" not in entry.flags):
            continue
        source = known.get(_key(entry))
        if source is None:
            continue
        if entry.msgid_plural:
            entry.msgstr_plural = dict(source.msgstr_plural)
        else:
            entry.msgstr = source.msgstr
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgctxt = None
        entry.previous_msgid = None
        entry.previous_msgid_plural = None
        filled += 1
    catalogue.save(str(MAIN_PO))
    missing = [
        entry.msgid
        for entry in catalogue
        if not entry.obsolete and (not entry.translated() or "fuzzy" in entry.flags)
    ]
    print(f"Filled {filled} Welsh string(s) from {PARTS}.")
    if missing:
        print(f"{len(missing)} string(s) still need Welsh:")
        for msgid in missing:
            print(f"  {msgid!r}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
