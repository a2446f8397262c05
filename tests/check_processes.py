#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
check_processes.py TAG - fails when the integration tests of a build left a
process running, and stops it.

Every process tests/integration/harness.py starts runs in (or names on its
command line) the test process's directory jm-test-TAG-PID-..., TAG naming
the build and PID the test process (a redis-server rewrites its command
line, but works in its --dir under that directory). A process that names
such a directory while its test process PID is gone was left behind. ctest
runs this after every integration test (the fixture "integration" of
tests/CMakeLists.txt); it looks at /proc only, so at processes of this
machine and user namespace. It also removes the directories of test
processes that are gone.
"""
import os
import re
import shutil
import signal
import sys
import tempfile
import time


def running(pid):
    """Whether pid is a process that has not exited (a zombie has)."""
    try:
        with open("/proc/%d/stat" % pid, "rb") as f:
            stat = f.read()
    except OSError:
        return False
    return stat[stat.rfind(b")") + 2:][:1] != b"Z"


def owner_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


def left_behind(tag):
    """[(pid, working directory, command line)] of the processes named
    after a test process of tag that is gone."""
    mark = re.compile(r"/jm-test-%s-(\d+)-" % re.escape(tag))
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == os.getpid():
            continue
        try:
            cwd = os.readlink("/proc/%s/cwd" % name)
        except OSError:
            cwd = ""
        try:
            with open("/proc/%s/cmdline" % name, "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode("utf-8",
                                                           "replace")
        except OSError:
            continue
        m = mark.search(cwd) or mark.search(cmd)
        if m and not owner_alive(int(m.group(1))):
            found.append((int(name), cwd, cmd.strip()))
    return found


def remove_dirs(tag):
    """Removes the directories of test processes of tag that are gone
    (a test process killed outright leaves its directory)."""
    top = tempfile.gettempdir()
    mark = re.compile(r"^jm-test-%s-(\d+)-" % re.escape(tag))
    for name in os.listdir(top):
        m = mark.match(name)
        if m and not owner_alive(int(m.group(1))):
            shutil.rmtree(os.path.join(top, name), ignore_errors=True)


def main():
    if len(sys.argv) != 2:
        print("usage: check_processes.py TAG", file=sys.stderr)
        return 2
    tag = sys.argv[1]
    found = left_behind(tag)
    if not found:
        remove_dirs(tag)
        print("no process left behind by the tests (jm-test-%s-*)" % tag)
        return 0
    for pid, cwd, cmd in found:
        print("left behind: pid %d in %s: %s" % (pid, cwd or "?", cmd))
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(
            running(pid) for pid, _, _ in found):
        time.sleep(0.05)
    remove_dirs(tag)
    print("%d processes left behind by the tests; killed" % len(found))
    return 1


if __name__ == "__main__":
    sys.exit(main())
