#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
# Builds the Debian packages (debian/) with `dpkg-buildpackage -us -uc`
# (the source package too, for lintian; -b builds the same binaries
# without it), as on a fresh checkout, from a copy of the source tree in a
# temporary directory (the tree and its build directories stay untouched),
# and checks them:
#  - the package's version is the project's (CMakeLists.txt), and its
#    distribution is not UNRELEASED;
#  - lintian, on the .changes (the source package, both binary packages
#    and the .buildinfo), reports no error and no warning, and no
#    hardening tag at any severity;
#  - what the build leaves in the tree is ignored by .gitignore;
#  - /etc/jobmatchd/jobmatchd.conf is a conffile; the units run
#    /usr/sbin/jobmatchd with it and differ from systemd/ in those paths
#    only;
#  - the maintainer scripts, run with stand-ins for deb-systemd-helper,
#    deb-systemd-invoke and systemctl that log what they are asked, neither
#    enable nor start the units on a first install, restart the service on
#    an upgrade only if it runs (try-restart), and stop it on removal;
#  - installed into a scratch root (the two packages unpacked, with the
#    shared libraries their binaries load, each from a package their
#    Depends names), under chroot, so that the daemon sees the installed
#    files at their installed paths and nothing of the machine's:
#    jobmatchd --check-config on the installed configuration, with -c and
#    without (its built-in path), and jobmatch --help.
#
# Usage: tests/check_deb.sh SOURCE_DIR. Exits 77 (skipped) when
# dpkg-buildpackage, dh (debhelper) or lintian is missing, or chroot cannot
# be run (not root, and no user namespace for `unshare --map-root-user`),
# unless CI is set, when it fails. JM_DEB_JOBS sets the build's parallel=
# (default 2).
set -euo pipefail
export LC_ALL=C
src=$(cd "${1:?usage: check_deb.sh SOURCE_DIR}" && pwd)
jobs=${JM_DEB_JOBS:-2}
fail=0
bad() { echo "FAIL: $*"; fail=1; }
skip() {
	echo "skipped: $*"
	[ -z "${CI:-}" ] || { echo "FAIL: under CI every tool is installed"; exit 1; }
	exit 77
}

command -v dpkg-buildpackage >/dev/null || skip "no dpkg-buildpackage (package dpkg-dev)"
command -v dh >/dev/null || skip "no dh (package debhelper)"
command -v lintian >/dev/null || skip "no lintian (package lintian)"
# chroot needs root, or a user namespace in which this user is root.
if [ "$(id -u)" -eq 0 ]; then
	as_root=()
elif unshare --map-root-user true 2>/dev/null; then
	as_root=(unshare --map-root-user)
else
	skip "chroot needs root or unshare --map-root-user"
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The copy: what git has, committed or not, and new files it does not
# ignore (so neither build directories nor node_modules); without git,
# the tree without those.
mkdir "$tmp/jobmatchd"
if git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	(cd "$src" && git ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do
			[ -e "$f" ] && printf '%s\0' "$f"
		done | tar --null -T - -cf -) | tar -C "$tmp/jobmatchd" -xf -
else
	tar -C "$src" --exclude=./.git --exclude='./build*' --exclude=./var \
	    --exclude=./node_modules --exclude='./obj-*' -cf - . |
		tar -C "$tmp/jobmatchd" -xf -
fi
# The copy as a repository of its own, to see what the build leaves.
git=
if command -v git >/dev/null; then
	git=git
	git -C "$tmp/jobmatchd" init -q
	git -C "$tmp/jobmatchd" add -A
fi

# The version: the project's, as a native package has it.
want=$(sed -n 's/^project(jobmatchd VERSION \([^ )]*\).*/\1/p' "$src/CMakeLists.txt")
version=$(cd "$tmp/jobmatchd" && dpkg-parsechangelog -S Version)
[ "$version" = "$want" ] ||
	bad "debian/changelog's version is $version, CMakeLists.txt's $want"
# lintian says nothing of UNRELEASED in a .changes not signed.
dist=$(cd "$tmp/jobmatchd" && dpkg-parsechangelog -S Distribution)
[ "$dist" != UNRELEASED ] || bad "debian/changelog's distribution is UNRELEASED"

echo "== dpkg-buildpackage -us -uc (nocheck, parallel=$jobs)"
# The package's own build runs the unit tests unless nocheck; ctest runs
# them (and the rest) here already.
if ! (cd "$tmp/jobmatchd" &&
    DEB_BUILD_OPTIONS="nocheck parallel=$jobs" DEB_BUILD_PROFILES=nocheck \
    dpkg-buildpackage -us -uc) > "$tmp/build.log" 2>&1; then
	tail -n 60 "$tmp/build.log"
	echo "FAIL: dpkg-buildpackage"
	exit 1
fi
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
changes=$tmp/jobmatchd_${version}_$arch.changes
dsc=$tmp/jobmatchd_$version.dsc
debd=$tmp/jobmatchd_${version}_$arch.deb
deb=$tmp/jobmatch_${version}_$arch.deb
for f in "$changes" "$dsc" "$debd" "$deb"; do
	[ -f "$f" ] || { ls "$tmp"; echo "FAIL: no ${f##*/}"; exit 1; }
done
# What the build leaves in the tree is all ignored (.gitignore), and it
# changes no file of the tree.
if [ -n "$git" ]; then
	left=$(git -C "$tmp/jobmatchd" status --porcelain --untracked-files=all |
		grep -v '^A  ' || true)
	[ -z "$left" ] || bad "the build left in the tree, not ignored or changed: $left"
fi

echo "== lintian"
if ! lintian --display-info --fail-on none "$changes" > "$tmp/lintian.log" 2>&1; then
	cat "$tmp/lintian.log"
	echo "FAIL: lintian did not run"
	exit 1
fi
cat "$tmp/lintian.log"
grep -q '^[EW]: ' "$tmp/lintian.log" && bad "lintian: errors or warnings above"
grep -q '^[A-Z]: .*hardening-' "$tmp/lintian.log" && bad "lintian: a hardening tag above"

echo "== contents"
dpkg-deb -e "$debd" "$tmp/ctl"
grep -qxF /etc/jobmatchd/jobmatchd.conf "$tmp/ctl/conffiles" ||
	bad "/etc/jobmatchd/jobmatchd.conf is not a conffile"
root=$tmp/root
dpkg-deb -x "$debd" "$root"
dpkg-deb -x "$deb" "$root"
for f in /usr/sbin/jobmatchd /usr/bin/jobmatch; do
	[ -x "$root$f" ] || bad "$f: not in the packages"
done
for f in /etc/jobmatchd/jobmatchd.conf /usr/share/jobmatchd/towns.tsv \
    /usr/share/jobmatchd/rules.default.json /usr/share/jobmatchd/redis.conf \
    /usr/share/jobmatchd/jobmatchd.conf.example /usr/share/jobmatchd/kiosk/index.html \
    /lib/systemd/system/jobmatchd.service /lib/systemd/system/jobmatchd.socket \
    /usr/share/man/man8/jobmatchd.8.gz /usr/share/man/man5/jobmatchd.conf.5.gz \
    /usr/share/man/man1/jobmatch.1.gz /usr/share/doc/jobmatchd/copyright \
    /usr/share/doc/jobmatchd/changelog.gz /usr/share/doc/jobmatch/copyright \
    /usr/share/doc/jobmatchd/docs/operations.md.gz; do
	[ -f "$root$f" ] || bad "$f: not in the packages"
done
unit=$root/lib/systemd/system/jobmatchd.service
for want in \
    "ExecStartPre=/usr/sbin/jobmatchd --check-config -c /etc/jobmatchd/jobmatchd.conf" \
    "ExecStart=/usr/sbin/jobmatchd -c /etc/jobmatchd/jobmatchd.conf"; do
	grep -qxF "$want" "$unit" || bad "jobmatchd.service: no line $want"
done
for u in jobmatchd.service jobmatchd.socket; do
	sed -e 's|/usr/sbin/jobmatchd|/usr/local/sbin/jobmatchd|g' \
	    -e 's|/usr/share/jobmatchd/|/usr/local/share/jobmatchd/|g' \
	    "$root/lib/systemd/system/$u" | cmp -s - "$src/systemd/$u" ||
		bad "$u: differs from systemd/$u in more than its paths"
done
grep -q /usr/local/ "$root/etc/jobmatchd/jobmatchd.conf" &&
	bad "jobmatchd.conf still names /usr/local/"
dpkg-deb -f "$debd" Recommends | grep -qw redis-server ||
	bad "jobmatchd does not recommend redis-server"

# The scratch root: the shared libraries the binaries load (those they
# name, each from a package their package's Depends names, and the ones
# those load); a shell for the maintainer scripts.
mkdir -p "$root/bin" "$root/dev" "$root/tmp"
cp /bin/sh "$root/bin/sh"
libs() {			# copies the libraries ldd lists for a binary
	local lib
	for lib in $(ldd "$1" | sed -n -e 's|.* => \(/[^ ]*\) .*|\1|p' \
	    -e 's|^[[:space:]]*\(/[^ ]*\) (.*|\1|p'); do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}
libs /bin/sh
for b in usr/sbin/jobmatchd:"$debd" usr/bin/jobmatch:"$deb"; do
	bin=${b%%:*} pkg=${b#*:}
	libs "$root/$bin"
	depends=$(dpkg-deb -f "$pkg" Depends | sed -e 's/([^)]*)//g' -e 's/[|,]/\n/g' | tr -d ' ')
	for needed in $(readelf -d "$root/$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'); do
		lib=$(ldd "$root/$bin" | sed -n "s|^[[:space:]]*$needed => \\(/[^ ]*\\) .*|\\1|p")
		# The package that holds it, however /lib and /usr/lib alias.
		owner=$(dpkg -S "*/$(basename "$(dirname "$lib")")/$needed" 2>/dev/null |
			sed -n 's/^\([^:,]*\).*/\1/p' | head -n 1)
		if [ -z "$owner" ]; then
			bad "$bin: $needed ($lib) belongs to no package"
		elif ! grep -qxF "$owner" <<< "$depends"; then
			bad "$bin needs $needed of $owner, which ${pkg##*/}'s Depends does not name"
		fi
	done
done
in_root() { "${as_root[@]}" chroot "$root" "$@"; }

echo "== installed: jobmatchd --check-config, jobmatch --help"
for args in "-c /etc/jobmatchd/jobmatchd.conf" ""; do
	# shellcheck disable=SC2086
	if out=$(in_root /usr/sbin/jobmatchd --check-config $args 2>&1); then
		case $out in
		*"configuration OK"*) echo "jobmatchd --check-config ${args:-(no -c)}: $out" ;;
		*) bad "jobmatchd --check-config $args said: $out" ;;
		esac
	else
		bad "jobmatchd --check-config $args on the installed configuration: $out"
	fi
done
if out=$(in_root /usr/bin/jobmatch --help 2>&1); then
	grep -q '^usage: jobmatch ' <<< "$out" || bad "jobmatch --help said: $out"
else
	bad "jobmatch --help: $out"
fi

echo "== maintainer scripts"
# Stand-ins that log their arguments. deb-systemd-helper answers as on a
# machine where the package was never installed (the real one's
# was-enabled says yes then, so that a plain enable snippet would enable)
# or, with STATE=upgrade, where it was installed and not enabled.
mkdir -p "$root/usr/bin" "$root/run/systemd/system"
for t in deb-systemd-helper deb-systemd-invoke systemctl; do
	cat > "$root/usr/bin/$t" <<EOF
#!/bin/sh
echo "$t \$*" >> /tmp/calls
case "$t \$1" in
"deb-systemd-helper debian-installed") [ "\$STATE" = upgrade ] ;;
"deb-systemd-helper was-enabled"|"deb-systemd-helper --quiet")
	[ "\$STATE" != upgrade ] ;;
esac
EOF
	chmod +x "$root/usr/bin/$t"
done
cp "$tmp/ctl/postinst" "$tmp/ctl/prerm" "$root/tmp/"
cp /usr/bin/env "$root/usr/bin/env"
libs /usr/bin/env
# run STATE SCRIPT ARGS...: runs a maintainer script in the scratch root;
# its calls, one a line, are then in $calls.
run() {
	local state=$1; shift
	rm -f "$root/tmp/calls"
	in_root /usr/bin/env -i PATH=/usr/bin:/bin STATE="$state" /bin/sh -e "$@" ||
		bad "$* exited $?"
	calls=$(cat "$root/tmp/calls" 2>/dev/null || true)
	echo "$*:"
	printf '  %s\n' "${calls//$'\n'/$'\n'  }"
}
run new /tmp/postinst configure
grep -E '^deb-systemd-helper enable|^deb-systemd-invoke|^systemctl (enable|start|restart)' \
	<<< "$calls" && bad "a first install enables or starts a unit"
run upgrade /tmp/postinst configure 0.0.1
grep -qxF "deb-systemd-invoke try-restart jobmatchd.service jobmatchd.socket" <<< "$calls" ||
	bad "an upgrade does not try-restart the units"
grep -E '^deb-systemd-helper enable|^deb-systemd-invoke (start|restart)' <<< "$calls" &&
	bad "an upgrade enables or starts a unit that was not running"
run upgrade /tmp/prerm remove
grep -qE '^deb-systemd-invoke stop .*jobmatchd\.service' <<< "$calls" ||
	bad "removing the package does not stop the service"

[ "$fail" -eq 0 ] || exit 1
echo "deb: jobmatchd_${version}_$arch.deb and jobmatch_${version}_$arch.deb built, lintian-clean, installed and checked"
