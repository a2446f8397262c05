#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
# Builds jobmatchd the ways packagers and users do, each with JM_WERROR=ON
# so that any warning fails (called by test.sh, whose own two builds are
# RelWithDebInfo and Debug):
#  - CMake's Release and MinSizeRel build types;
#  - Debian's default flags (dpkg-buildflags, from dpkg-dev, which
#    build-essential brings), configured as debhelper does: build type
#    None, prefix /usr.
# Then a quick check: each daemon starts, says its version and names the
# built-in paths of its prefix (the configuration read without -c, the
# towns file), and the Release build runs its unit tests and the scenarios
# of the county plan.
#
# Usage: tools/check-builds.sh [DIR] (default: build-types); each build
# goes into DIR/NAME and is kept for the next run.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
dir=${1:-build-types}
jobs=$(nproc 2>/dev/null || echo 2)

# build NAME CONFIG TOWNS CMAKE-ARGS...: CONFIG and TOWNS are the paths
# its jobmatchd must have built in.
build() {
	local name=$1 conf=$2 towns=$3 help; shift 3
	echo "== build $dir/$name"
	cmake -S "$top" -B "$dir/$name" -DJM_WERROR=ON "$@" >/dev/null
	cmake --build "$dir/$name" -j "$jobs"
	"$dir/$name/jobmatchd" --version | grep -q '^jobmatchd ' ||
		{ echo "$dir/$name/jobmatchd --version failed"; exit 1; }
	help=$("$dir/$name/jobmatchd" --help)
	grep -qF "(default: $conf)" <<< "$help" ||
		{ echo "$dir/$name/jobmatchd: the default configuration is not $conf"; exit 1; }
	grep -qF "default towns_file: $towns" <<< "$help" ||
		{ echo "$dir/$name/jobmatchd: the default towns_file is not $towns"; exit 1; }
}

build release /etc/jobmatchd/jobmatchd.conf \
	/usr/local/share/jobmatchd/towns.tsv -DCMAKE_BUILD_TYPE=Release
# A prefix of its own, with the configuration under it.
build minsizerel /opt/jobmatchd/etc/jobmatchd.conf \
	/opt/jobmatchd/share/jobmatchd/towns.tsv -DCMAKE_BUILD_TYPE=MinSizeRel \
	-DCMAKE_INSTALL_PREFIX=/opt/jobmatchd -DJM_CONFDIR=etc
command -v dpkg-buildflags >/dev/null ||
	{ echo "dpkg-buildflags is missing (package dpkg-dev)"; exit 1; }
# CMake has no CPPFLAGS: debhelper hands them over with the CFLAGS.
build debian /etc/jobmatchd/jobmatchd.conf /usr/share/jobmatchd/towns.tsv \
	-DCMAKE_BUILD_TYPE=None -DCMAKE_INSTALL_PREFIX=/usr \
	-DCMAKE_C_FLAGS="$(dpkg-buildflags --get CFLAGS) $(dpkg-buildflags --get CPPFLAGS)" \
	-DCMAKE_EXE_LINKER_FLAGS="$(dpkg-buildflags --get LDFLAGS)"

echo "== test $dir/release (unit tests and scenarios)"
(cd "$dir/release" &&
	ctest --output-on-failure -j "$jobs" -R '^(unit_|integration_test_scenarios$)')
