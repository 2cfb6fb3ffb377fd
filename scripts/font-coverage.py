"""Write webapp/fonts/coverage.json from the PDF fonts: the code points both weights have a
glyph for (as ranges) and the Bold font's advance widths that differ from 1 em (proportional
Latin, digits, some punctuation), so the app can tell a name it cannot print and measure a
name for its box without opening the 10 MB fonts (3 s a process).

Run by scripts/subset-font.sh after it makes the fonts.
"""

import json
import sys
from pathlib import Path

from fontTools.ttLib import TTFont

fonts = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent.parent / "webapp/fonts")
regular = TTFont(str(fonts / "NotoSansSC-Regular.subset.woff2"))
bold = TTFont(str(fonts / "NotoSansSC-Bold.subset.woff2"))
covered = sorted(set(regular.getBestCmap()) & set(bold.getBestCmap()))
ranges: list[list[int]] = []
for point in covered:
    if ranges and ranges[-1][1] == point - 1:
        ranges[-1][1] = point
    else:
        ranges.append([point, point])
em = bold["head"].unitsPerEm
cmap, metrics = bold.getBestCmap(), bold["hmtx"]
widths = {
    str(point): metrics[cmap[point]][0] * 1000 // em
    for point in covered
    if metrics[cmap[point]][0] * 1000 // em != 1000
}
data = {"ranges": ranges, "widths": widths}
(fonts / "coverage.json").write_text(json.dumps(data, separators=(",", ":")) + "\n")
print(f"{len(covered)} code points in {len(ranges)} ranges, {len(widths)} narrow widths")
