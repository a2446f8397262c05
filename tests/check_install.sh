#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
# Installs the build with `cmake --install --prefix` into a temporary
# DESTDIR and checks what lands there: every file, the units' paths, the
# sample configuration's paths, that the installed jobmatchd checks the
# installed configuration, and that a second install keeps a configuration
# that is already there.
#
# Usage: tests/check_install.sh SOURCE_DIR BUILD_DIR. The install
# directories come from the environment, as CMake has them (tests/
# CMakeLists.txt): JM_SBINDIR JM_BINDIR JM_DATADIR JM_DOCDIR JM_MANDIR
# JM_UNITDIR JM_CONFDIR (relative ones are under the prefix); CMAKE is the
# cmake to run; JM_BUILT_CONFIG and JM_BUILT_DATADIR are the paths the
# daemon was built with (from the prefix CMake was configured with).
set -euo pipefail
src=${1:?usage: check_install.sh SOURCE_DIR BUILD_DIR}
build=${2:?usage: check_install.sh SOURCE_DIR BUILD_DIR}
cmake=${CMAKE:-cmake}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Not the default prefix, so that the paths are really rewritten.
prefix=/opt/jobmatchd-test
root=$tmp/root
fail=0
bad() { echo "FAIL: $*"; fail=1; }

abs() {				# an install directory as an absolute path
	case $1 in
	/*) echo "$1" ;;
	*) echo "$prefix/$1" ;;
	esac
}
sbindir=$(abs "$JM_SBINDIR") bindir=$(abs "$JM_BINDIR")
datadir=$(abs "$JM_DATADIR")/jobmatchd docdir=$(abs "$JM_DOCDIR")
mandir=$(abs "$JM_MANDIR") unitdir=$(abs "$JM_UNITDIR")
confdir=$(abs "$JM_CONFDIR")

if ! DESTDIR=$root "$cmake" --install "$build" --prefix "$prefix" \
    > "$tmp/install.log" 2>&1; then
	cat "$tmp/install.log"
	echo "FAIL: cmake --install"
	exit 1
fi

for f in "$sbindir/jobmatchd" "$bindir/jobmatch"; do
	[ -x "$root$f" ] || bad "$f: not installed or not executable"
done
for f in "$datadir/towns.tsv" "$datadir/rules.default.json" \
    "$datadir/redis.conf" "$datadir/jobmatchd.conf.example" \
    "$unitdir/jobmatchd.service" "$unitdir/jobmatchd.socket" \
    "$confdir/jobmatchd.conf" "$docdir/README.md" "$docdir/LICENSE" \
    "$docdir/CHANGELOG.md" \
    "$docdir/docs/operations.md" "$docdir/docs/protocol.md" \
    "$docdir/docs/kiosk.md" "$docdir/docs/kiosk/welcome-default.png" \
    "$mandir/man8/jobmatchd.8" "$mandir/man5/jobmatchd.conf.5" \
    "$mandir/man1/jobmatch.1"; do
	[ -f "$root$f" ] || bad "$f: not installed"
done
# The kiosk page, where the default kiosk_dir is, once the source has it.
if [ -f "$src/kiosk/index.html" ]; then
	[ -f "$root$datadir/kiosk/index.html" ] ||
		bad "$datadir/kiosk/index.html: not installed"
fi
[ "$fail" -eq 0 ] || exit 1

# The units run the installed binary with the installed configuration, and
# differ from the shipped ones in those paths only.
unit=$root$unitdir/jobmatchd.service
want="ExecStartPre=$sbindir/jobmatchd --check-config -c $confdir/jobmatchd.conf"
grep -qxF "$want" "$unit" || bad "jobmatchd.service: no line $want"
want="ExecStart=$sbindir/jobmatchd -c $confdir/jobmatchd.conf"
grep -qxF "$want" "$unit" || bad "jobmatchd.service: no line $want"
for u in jobmatchd.service jobmatchd.socket; do
	sed -e "s|$sbindir/jobmatchd|/usr/local/sbin/jobmatchd|g" \
	    -e "s|$confdir/|/etc/jobmatchd/|g" -e "s|$datadir/|/usr/local/share/jobmatchd/|g" \
	    "$root$unitdir/$u" | cmp -s - "$src/systemd/$u" ||
		bad "$u: differs from systemd/$u in more than its paths"
done

# The configuration names the installed data files.
conf=$root$confdir/jobmatchd.conf
grep -qxF "towns_file $datadir/towns.tsv" "$conf" ||
	bad "jobmatchd.conf: towns_file is not $datadir/towns.tsv"
grep -qxF "rules_file $datadir/rules.default.json" "$conf" ||
	bad "jobmatchd.conf: rules_file is not $datadir/rules.default.json"
grep -q /usr/local/ "$conf" && bad "jobmatchd.conf: still names /usr/local/"
grep -q "$datadir/towns.tsv" "$root$mandir/man8/jobmatchd.8" ||
	bad "jobmatchd.8: FILES does not name $datadir/towns.tsv"

# The installed daemon accepts the installed configuration, its paths
# moved into DESTDIR.
sed -e "s#^towns_file $prefix/#towns_file $root$prefix/#" \
    -e "s#^rules_file $prefix/#rules_file $root$prefix/#" "$conf" > "$tmp/check.conf"
if out=$("$root$sbindir/jobmatchd" --check-config -c "$tmp/check.conf" 2>&1); then
	case $out in
	*"configuration OK"*) ;;
	*) bad "jobmatchd --check-config said: $out" ;;
	esac
else
	bad "jobmatchd --check-config on the installed configuration: $out"
fi
"$root$sbindir/jobmatchd" --version | grep -q '^jobmatchd ' ||
	bad "jobmatchd --version"
# Its built-in paths are those of the prefix it was configured with
# (JM_BUILT_CONFIG, JM_BUILT_DATADIR), not a fixed /usr/local.
help=$("$root$sbindir/jobmatchd" --help)
grep -qF "(default: $JM_BUILT_CONFIG)" <<< "$help" ||
	bad "jobmatchd --help: the default configuration is not $JM_BUILT_CONFIG"
grep -qF "default towns_file: $JM_BUILT_DATADIR/towns.tsv" <<< "$help" ||
	bad "jobmatchd --help: the default towns_file is not in $JM_BUILT_DATADIR"
grep -qF "default kiosk_dir: $JM_BUILT_DATADIR/kiosk" <<< "$help" ||
	bad "jobmatchd --help: the default kiosk_dir is not in $JM_BUILT_DATADIR"

# A second install keeps the configuration that is there.
echo "# edited after install" >> "$conf"
DESTDIR=$root "$cmake" --install "$build" --prefix "$prefix" > "$tmp/install.log" 2>&1 ||
	bad "second cmake --install"
grep -qxF "# edited after install" "$conf" ||
	bad "a second install overwrote $confdir/jobmatchd.conf"

[ "$fail" -eq 0 ] || exit 1
echo "install: every file in place under DESTDIR$prefix and DESTDIR$confdir"
