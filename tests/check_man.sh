#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
# Checks the manual pages in man/:
#  - mandoc -Tlint (when mandoc is installed) and groff's own warnings
#    (-ww) find nothing in any page;
#  - jobmatchd.conf.5 documents exactly the keys daemon/config.c accepts,
#    so that the page and the parser cannot drift apart.
# Usage: tests/check_man.sh SOURCE_DIR. Exits 77 (skipped) when neither
# mandoc nor groff is installed.
set -euo pipefail
export LC_ALL=C
src=${1:?usage: check_man.sh SOURCE_DIR}
pages=("$src"/man/*.[0-9])
fail=0

have_mandoc=false have_groff=false
command -v mandoc >/dev/null 2>&1 && have_mandoc=true
command -v groff >/dev/null 2>&1 && have_groff=true
if ! $have_mandoc && ! $have_groff; then
	echo "neither mandoc nor groff is installed: skipped"
	exit 77
fi
$have_mandoc || echo "note: mandoc is not installed; groff checks alone"

for page in "${pages[@]}"; do
	if $have_mandoc; then
		# -Wwarning: warnings and worse (style hints such as a
		# referenced page not installed here are not failures).
		if ! out=$(mandoc -Tlint -Wwarning "$page" 2>&1) ||
		    [ -n "$out" ]; then
			echo "mandoc: $page:"
			echo "$out"
			fail=1
		fi
	fi
	if $have_groff; then
		# groff exits 0 after warnings: any output is a failure.
		out=$(LC_ALL=C groff -mandoc -ww -z "$page" 2>&1) || true
		if [ -n "$out" ]; then
			echo "groff: $page:"
			echo "$out"
			fail=1
		fi
	fi
done

# The keys config.c accepts. Its apply() compares the key word, k, with
# strcmp(k, "KEY"), and the regex_* keys and some quota_* keys are rows
# RK("KEY", ...) and QK("KEY", ...) of tables.
# If config.c is rewritten in another shape, these patterns find too few
# keys and the check says so rather than passing.
conf_c=$src/daemon/config.c
code_keys=$( {
	grep -oE 'strcmp\(k, "[a-z_]+"\)' "$conf_c" | sed -E 's/.*"(.*)".*/\1/'
	grep -oE '\b[RQ]K\("[a-z_]+"' "$conf_c" | sed -E 's/.*"(.*)"/\1/'
} | sort -u)
n=$(printf '%s\n' "$code_keys" | grep -c .)
if [ "$n" -lt 30 ]; then
	echo "found only $n keys in $conf_c: the patterns in $0 no longer" \
	    "match how config.c names its keys; update them"
	exit 1
fi

# The keys jobmatchd.conf.5 documents: each is an item ".It Ic KEY ...".
page_keys=$(grep -oE '^\.It Ic [a-z_]+' "$src/man/jobmatchd.conf.5" |
	awk '{print $3}' | sort -u)

missing=$(comm -23 <(printf '%s\n' "$code_keys") <(printf '%s\n' "$page_keys"))
extra=$(comm -13 <(printf '%s\n' "$code_keys") <(printf '%s\n' "$page_keys"))
if [ -n "$missing" ]; then
	echo "keys config.c accepts that man/jobmatchd.conf.5 does not document:"
	awk '{ print "  " $0 }' <<< "$missing"
	fail=1
fi
if [ -n "$extra" ]; then
	echo "keys man/jobmatchd.conf.5 documents that config.c does not accept:"
	awk '{ print "  " $0 }' <<< "$extra"
	fail=1
fi
[ "$fail" -eq 0 ] || exit 1
echo "man pages: ${#pages[@]} clean; jobmatchd.conf.5 documents all $n keys"
