#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
# Checks the licence: LICENSE is the MIT licence of the jobmatchd authors,
# and every source file (C, headers, shell, Python, CMake, the kiosk's
# HTML, CSS, JavaScript and SVG, and the files of debian/ whose formats
# allow comments: debian/changelog, debian/copyright and
# debian/source/format do not) carries the
# notice "SPDX-License-Identifier: MIT" and a copyright line in its first
# lines, so that each file says its licence wherever it is copied to.
#
# Usage: tests/check_license.sh SOURCE_DIR. Build directories (build*/,
# and obj-*/ and debian/'s staging directories of a package build), var/
# and the data and corpora are not sources.
set -euo pipefail
export LC_ALL=C
src=${1:?usage: check_license.sh SOURCE_DIR}
fail=0

if [ ! -f "$src/LICENSE" ]; then
	echo "FAIL: no LICENSE file"
	fail=1
else
	grep -q '^MIT License$' "$src/LICENSE" ||
		{ echo "FAIL: LICENSE is not the MIT licence"; fail=1; }
	grep -q '^Copyright (c) 2022-2026 the jobmatchd authors$' "$src/LICENSE" ||
		{ echo "FAIL: LICENSE has no copyright line"; fail=1; }
fi

n=0
while IFS= read -r -d '' f; do
	n=$((n + 1))
	head=$(head -n 5 "$f")
	if ! grep -q 'SPDX-License-Identifier: MIT' <<< "$head" ||
	    ! grep -q 'Copyright (c) .* the jobmatchd authors' <<< "$head"; then
		echo "FAIL: ${f#"$src"/}: no licence notice in its first lines"
		fail=1
	fi
done < <(cd "$src" && find "$PWD" \
	\( -name '.git' -o -path "$PWD/build*" -o -path "$PWD/var" \
	   -o -path "$PWD/data" -o -path "$PWD/fuzz/corpus" \
	   -o -name node_modules -o -path "$PWD/obj-*" -o -path "$PWD/debian/tmp" \
	   -o -path "$PWD/debian/jobmatchd" -o -path "$PWD/debian/jobmatch" \
	   -o -path "$PWD/debian/.debhelper" \) -prune -o \
	-type f \( -name '*.[ch]' -o -name '*.sh' -o -name '*.py' \
	   -o -name '*.cmake' -o -name CMakeLists.txt -o -path "$PWD/.ci/run" \
	   -o -name '*.js' -o -name '*.mjs' -o -name '*.css' -o -name '*.html' \
	   -o -name '*.svg' -o -path "$PWD/debian/rules" \
	   -o -path "$PWD/debian/control" -o -path "$PWD/debian/*.install" \
	   -o -path "$PWD/debian/*.lintian-overrides" \
	   -o -path "$PWD/debian/*.preinst" -o -path "$PWD/debian/*.postinst" \
	   -o -path "$PWD/debian/*.prerm" -o -path "$PWD/debian/*.postrm" \) \
	-print0)
if [ "$n" -lt 100 ]; then
	echo "FAIL: found only $n source files under $src"
	fail=1
fi
[ "$fail" -eq 0 ] || exit 1
echo "licence: LICENSE is MIT; all $n source files carry the notice"
