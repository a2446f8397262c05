#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
# Checks tools/check-includes.py itself on small trees made for it: a pair
# of modules that include each other is a loop, named with the includes
# that make it, and fails; the same pair without the way back passes; a
# loop of headers through an include found beside its file (not from the
# root) is found too. ./test.sh runs the check on the project's tree.
#
# Usage: tests/check_includes.sh SOURCE_DIR.
set -euo pipefail
src=${1:?usage: check_includes.sh SOURCE_DIR}
check=$src/tools/check-includes.py
tmp=$(mktemp -d "${TMPDIR:-/tmp}/jm-includes.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail=0

expect() {	# expect STATUS TEXT ARGS...: the check's status and a line
	local want=$1 text=$2 out rc=0
	shift 2
	out=$(python3 "$check" "$@" 2>&1) || rc=$?
	if [ "$rc" != "$want" ] || ! grep -qxF -- "$text" <<< "$out"; then
		echo "FAIL: check-includes.py $*: status $rc (want $want)," \
		    "no line '$text' in:"
		sed 's/^/  /' <<< "$out"
		fail=1
	fi
}

mkdir -p "$tmp/loop/src" "$tmp/loop/x"
cat > "$tmp/loop/src/a.h" <<'EOF'
void a(void);
EOF
cat > "$tmp/loop/src/b.h" <<'EOF'
void b(void);
EOF
cat > "$tmp/loop/src/a.c" <<'EOF'
#include <stdio.h>
#include "src/a.h"
#include "src/b.h"
void a(void) { b(); }
EOF
cat > "$tmp/loop/src/b.c" <<'EOF'
#include "src/a.h"
#include "src/b.h"
void b(void) { a(); }
EOF
expect 1 "include loop: src/a -> src/b -> src/a" --root "$tmp/loop" src
expect 1 "  src/a.c includes src/b.h" --root "$tmp/loop" src
expect 1 "  src/b.c includes src/a.h" --root "$tmp/loop" src
expect 1 "src/b.c: src/a.h src/b.h" --root "$tmp/loop" src

# The way back removed: b no longer needs a.
sed -i '/"src\/a.h"/d; s/ a(); / /' "$tmp/loop/src/b.c"
expect 0 "includes: 4 files, 2 modules in src: no loop" \
    --root "$tmp/loop" src

# Headers that include each other, one of them by a path beside it.
cat > "$tmp/loop/x/p.h" <<'EOF'
#include "x/q.h"
EOF
cat > "$tmp/loop/x/q.h" <<'EOF'
#include "p.h"
EOF
expect 1 "include loop: x/p -> x/q -> x/p" --root "$tmp/loop" -q src x

[ "$fail" = 0 ] && echo "check-includes.py: loops found and named, none where there is none"
exit "$fail"
