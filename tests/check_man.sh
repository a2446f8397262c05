#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
# Checks the manual pages in man/:
#  - mandoc -Tlint (when mandoc is installed) and groff's own warnings
#    (-ww) find nothing in any page;
#  - jobmatchd.conf.5 documents exactly the keys of the table the daemon
#    parses its configuration with (daemon/config.c, printed by
#    jobmatchd --list-config-keys), so that the page and the parser cannot
#    drift apart: every key of the table has an item and every item is a key
#    of the table; each key's item says "Needs a restart." (or its section
#    says so of all its keys) exactly when the table marks it restart; a
#    number's item states its range as the table does ("1 to 100000",
#    "4k to 64M"); and its "Default:" is the table's, as a line would give
#    it ("none" for no default; a path, which the install rewrites, is not
#    compared);
#  - docs/operations.md's list of the keys a reload does not apply (the
#    sentence of its "Reload" item that ends in "need `systemctl restart
#    jobmatchd`") names the table's restart keys, no more and no fewer;
#  - README.md's table of keys and jobmatchd.conf.example list the table's
#    keys, no more and no fewer.
# Usage: tests/check_man.sh SOURCE_DIR JOBMATCHD. Exits 77 (skipped) when
# neither mandoc nor groff is installed and the keys check.
set -euo pipefail
export LC_ALL=C
usage="usage: check_man.sh SOURCE_DIR JOBMATCHD"
src=${1:?$usage}
daemon=${2:?$usage}
pages=("$src"/man/*.[0-9])
fail=0

have_mandoc=false have_groff=false
command -v mandoc >/dev/null 2>&1 && have_mandoc=true
command -v groff >/dev/null 2>&1 && have_groff=true
lint=true
if ! $have_mandoc && ! $have_groff; then
	echo "neither mandoc nor groff is installed: the pages are not linted"
	lint=false
elif ! $have_mandoc; then
	echo "note: mandoc is not installed; groff checks alone"
fi

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

# The table: key, kind, range, default, reload|restart, once|repeats, help.
if ! table=$("$daemon" --list-config-keys); then
	echo "$daemon --list-config-keys failed"
	exit 1
fi
table=$(grep -v '^#' <<< "$table")
code_keys=$(cut -f1 <<< "$table" | sort)
n=$(grep -c . <<< "$code_keys" || true)
if [ "$n" -eq 0 ]; then
	echo "$daemon --list-config-keys listed no key"
	exit 1
fi
twice=$(uniq -d <<< "$code_keys")
if [ -n "$twice" ]; then
	echo "keys the table declares twice:"
	awk '{ print "  " $0 }' <<< "$twice"
	fail=1
	code_keys=$(uniq <<< "$code_keys")
fi
code_restart=$(awk -F'\t' '$5 == "restart" { print $1 }' <<< "$table" |
	sort)

# The keys jobmatchd.conf.5 documents: each is an item ".It Ic KEY ...",
# printed as KEY, reload or restart, and the item's text with each macro
# line's macro dropped (".Li jm: ." reads "jm: .").
page=$src/man/jobmatchd.conf.5
items=$(awk '
	function flush() {
		restart = text ~ /Needs a restart/ || section_restart
		if (key != "")
			printf "%s\t%s\t%s\n", key,
			    restart ? "restart" : "reload", text
		key = ""
	}
	/^\.S[hs] / {
		flush(); intro = /^\.Ss /; intro_text = ""
		section_restart = 0; next
	}
	/^\.Bl / {
		# A section that says of all its keys that they need a restart.
		section_restart = intro && intro_text ~ /[Nn]eeds a restart/
		intro = 0; next
	}
	/^\.El/ { flush(); next }
	/^\.It Ic [a-z_]+/ { flush(); key = $3; text = ""; next }
	{
		line = $0
		if (line ~ /^\./)
			sub(/^\.[A-Za-z]+ ?/, "", line)
		if (intro)
			intro_text = intro_text " " line
		if (key != "")
			text = text " " line
	}
	END { flush() }' "$page")
page_keys=$(cut -f1 <<< "$items" | sort -u)
page_restart=$(awk -F'\t' '$2 == "restart" { print $1 }' <<< "$items" |
	sort -u)

missing=$(comm -23 <(printf '%s\n' "$code_keys") <(printf '%s\n' "$page_keys"))
extra=$(comm -13 <(printf '%s\n' "$code_keys") <(printf '%s\n' "$page_keys"))
if [ -n "$missing" ]; then
	echo "keys the table declares that jobmatchd.conf.5 does not document:"
	awk '{ print "  " $0 }' <<< "$missing"
	fail=1
fi
if [ -n "$extra" ]; then
	echo "keys jobmatchd.conf.5 documents that the table does not declare:"
	awk '{ print "  " $0 }' <<< "$extra"
	fail=1
fi

# Restart marks, of the keys both know.
both=$(comm -12 <(printf '%s\n' "$code_keys") <(printf '%s\n' "$page_keys"))
only_code=$(comm -23 <(printf '%s\n' "$code_restart") \
	<(printf '%s\n' "$page_restart") | comm -12 - <(printf '%s\n' "$both"))
only_page=$(comm -13 <(printf '%s\n' "$code_restart") \
	<(printf '%s\n' "$page_restart") | comm -12 - <(printf '%s\n' "$both"))
if [ -n "$only_code" ]; then
	echo "keys that need a restart (the table) but whose item in" \
	    "man/jobmatchd.conf.5 does not say \"Needs a restart.\":"
	awk '{ print "  " $0 }' <<< "$only_code"
	fail=1
fi
if [ -n "$only_page" ]; then
	echo "keys man/jobmatchd.conf.5 says need a restart but that SIGHUP" \
	    "applies (the table):"
	awk '{ print "  " $0 }' <<< "$only_page"
	fail=1
fi

# Ranges and defaults, of the keys both know.
while IFS=$'\t' read -r key _ range def _; do
	text=$(awk -F'\t' -v k="$key" '$1 == k { print $3; exit }' <<< "$items")
	[ -n "$text" ] || continue
	if [ "$range" != "-" ] &&
	    ! [[ " $text " =~ [^0-9A-Za-z]"$range"[^0-9A-Za-z] ]]; then
		echo "man/jobmatchd.conf.5: $key: its range is not \"$range\""
		fail=1
	fi
	if [[ $text != *"Default: "* ]]; then
		echo "man/jobmatchd.conf.5: $key: no \"Default:\""
		fail=1
		continue
	fi
	[ "$def" = "-" ] && def=none
	[[ $def == /* ]] && continue	# from the install prefix
	rest=${text#*Default: }
	after=${rest:${#def}:1}
	if [[ $rest != "$def"* ]] || [[ $after =~ [0-9A-Za-z] ]]; then
		echo "man/jobmatchd.conf.5: $key: its default is not" \
		    "\"$def\" (the table's)"
		fail=1
	fi
done <<< "$table"

# docs/operations.md: the keys a reload leaves for a restart.
ops=$src/docs/operations.md
# shellcheck disable=SC2016	# the backquotes are the page's
need='need `systemctl restart jobmatchd`'
reload=$(awk '/^- \*\*Reload\.\*\*/ { on = 1 }
	on && /^(- \*\*|$)/ && !/Reload/ { exit }
	on' "$ops" | tr -s ' \n' '  ')
if [[ $reload != *"$need"* ]]; then
	echo "docs/operations.md: its Reload item no longer says which keys" \
	    "$need; update $0"
	exit 1
fi
sentence=${reload%%"$need"*}
sentence=${sentence##*. }
# shellcheck disable=SC2016
ops_restart=$(grep -oE '`[a-z_]+\*?`' <<< "$sentence" | tr -d '`' |
	while read -r pat; do
		found=false
		for k in $code_keys; do
			# shellcheck disable=SC2053	# pat may be a glob
			if [[ $k == $pat ]]; then
				echo "$k"
				found=true
			fi
		done
		$found || echo "$pat"
	done | sort -u)
if [ "$ops_restart" != "$code_restart" ]; then
	echo "docs/operations.md names as needing a restart:"
	awk '{ print "  " $0 }' <<< "$ops_restart"
	echo "the table marks restart:"
	awk '{ print "  " $0 }' <<< "$code_restart"
	fail=1
fi

# README.md's table of keys (the first cell of each row of its
# Configuration section) and jobmatchd.conf.example (a line, commented out
# or not, that starts with the key): the table's keys, no more, no fewer.
readme_keys=$(awk '/^## Configuration/ { on = 1; next }
	on && /^## / { exit }
	on && /^\| `/' "$src/README.md" | cut -d'|' -f2 |
	grep -oE '`[a-z_]+' | tr -d '`' | sort -u)
example_keys=$(grep -oE '^#?[a-z_]+( |$)' "$src/jobmatchd.conf.example" |
	tr -d '# ' | sort -u)
for doc in README.md jobmatchd.conf.example; do
	if [ "$doc" = README.md ]; then
		keys=$readme_keys
	else
		keys=$example_keys
	fi
	missing=$(comm -23 <(printf '%s\n' "$code_keys") \
		<(printf '%s\n' "$keys"))
	extra=$(comm -13 <(printf '%s\n' "$code_keys") \
		<(printf '%s\n' "$keys"))
	if [ -n "$missing" ]; then
		echo "keys the table declares that $doc does not list:"
		awk '{ print "  " $0 }' <<< "$missing"
		fail=1
	fi
	if [ -n "$extra" ]; then
		echo "keys $doc lists that the table does not declare:"
		awk '{ print "  " $0 }' <<< "$extra"
		fail=1
	fi
done

[ "$fail" -eq 0 ] || exit 1
$lint || exit 77
echo "man pages: ${#pages[@]} clean; jobmatchd.conf.5 documents all $n keys" \
    "of the table, with their ranges, defaults and restart marks;" \
    "docs/operations.md names its restart keys; README.md and" \
    "jobmatchd.conf.example list its keys"
