#!/usr/bin/env bash
# Make the PDF font once: Noto Sans CJK SC (SIL OFL 1.1, from Debian's fonts-noto-cjk), cut
# down to Latin, punctuation and the whole CJK Unified Ideographs block, as WOFF2. The result is
# committed under static/fonts/ with its licence; PDFs use it, phones never download it.
# A GB2312-only subset would print rare name characters such as 堃 镕 喆 as blanks.
set -euo pipefail
src=/usr/share/fonts/opentype/noto
out="$(dirname "$0")/../webapp/fonts"
ranges="U+0020-007E,U+00A0-00FF,U+2000-206F,U+2100-214F,U+2190-21FF,U+2460-24FF,U+25A0-25FF"
ranges+=",U+2700-27BF,U+3000-303F,U+4E00-9FFF,U+FF00-FFEF"
for weight in Regular Bold; do
  .venv/bin/pyftsubset "$src/NotoSansCJK-$weight.ttc" --font-number=2 \
    --unicodes="$ranges" --layout-features='*' --flavor=woff2 \
    --output-file="$out/NotoSansSC-$weight.subset.woff2"
done
cp /usr/share/doc/fonts-noto-cjk/copyright "$out/NotoSansCJK-LICENSE.txt"
