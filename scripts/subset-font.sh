#!/usr/bin/env bash
# Make the PDF font once: Noto Sans CJK SC (SIL OFL 1.1, from Debian's fonts-noto-cjk), cut
# down to Latin, punctuation, the whole CJK Unified Ideographs block and the extension blocks
# that real names and places use (Extension A whole; every Extension B–G character Noto Sans
# CJK SC has, such as 𬌗 and 𠮷; the compatibility ideographs and radicals), as WOFF2. The
# result is committed under webapp/fonts/ with its licence; PDFs use it, phones never download
# it. A GB2312-only subset would print rare name characters such as 堃 镕 喆 as blanks, a
# basic-block one 䶮 (Extension A) and 㳇 (a village's name).
#
# NOTO_DIR: where NotoSansCJK-{Regular,Bold}.ttc are (installed fonts-noto-cjk, or the package
# unpacked: `apt-get download fonts-noto-cjk && dpkg-deb -x fonts-noto-cjk_*.deb x`).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
src="${NOTO_DIR:-/usr/share/fonts/opentype/noto}"
doc="${NOTO_DOC:-/usr/share/doc/fonts-noto-cjk}"
subset="${PYFTSUBSET:-$root/.venv/bin/pyftsubset}"
out="$root/webapp/fonts"
ranges="U+0020-007E,U+00A0-00FF,U+00B7,U+2000-206F,U+2100-214F,U+2190-21FF,U+2460-24FF"
ranges+=",U+25A0-25FF,U+2700-27BF,U+2E80-2FDF,U+2FF0-2FFF,U+3000-303F,U+31C0-31EF"
ranges+=",U+3400-4DBF,U+4E00-9FFF,U+F900-FAFF,U+FF00-FFEF"
ranges+=",U+20000-2A6DF,U+2A700-2EBEF,U+2F800-2FA1F,U+30000-3134F"
for weight in Regular Bold; do
  "$subset" "$src/NotoSansCJK-$weight.ttc" --font-number=2 \
    --unicodes="$ranges" --layout-features='*' --flavor=woff2 \
    --output-file="$out/NotoSansSC-$weight.subset.woff2"
done
cp "$doc/copyright" "$out/NotoSansCJK-LICENSE.txt"
"${PYTHON:-$root/.venv/bin/python}" "$root/scripts/font-coverage.py" "$out"
