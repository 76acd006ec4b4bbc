"""Unit tests of jabodash.cluster.procs: a child process this test starts is listed as a child
with its command line, and once ended (but not yet reaped) it is a zombie, which only the
``zombies=True`` listing shows."""
import os
import subprocess
import sys

import pytest
from support.browser import wait_until

from jabodash.cluster import procs

pytestmark = pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs /proc (Linux)")


def test_a_started_child_is_listed_with_its_command_line_until_it_ends():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)", "marker-arg"])
    try:
        assert child.pid in procs.children(os.getpid())
        assert child.pid in procs.children_by_parent()[os.getpid()]
        assert procs.cmdline(child.pid) == [sys.executable, "-c", "import time; time.sleep(600)", "marker-arg"]
        assert child.pid in procs.group_members(os.getpgid(0))  # not a session of its own: this test's group
        assert procs.group_members(child.pid) == []                  # and it leads no group
        child.kill()
        # ended, not reaped yet: a zombie, no longer live, still in the full listing
        assert wait_until(lambda: child.pid not in procs.children(os.getpid()))
        assert child.pid in procs.children_by_parent(zombies=True)[os.getpid()]
        assert procs.cmdline(child.pid) == [] and procs.running({child.pid, os.getpid()}) == {os.getpid()}
    finally:
        child.kill()
        child.wait()
    assert child.pid not in procs.children_by_parent(zombies=True).get(os.getpid(), [])
    assert procs.cmdline(child.pid) == []


def test_a_new_session_is_its_own_group_with_its_children():
    leader = subprocess.Popen([sys.executable, "-c", "import subprocess, sys, time; "
                               "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)']); "
                               "time.sleep(600)"], start_new_session=True)
    try:
        assert wait_until(lambda: len(procs.group_members(leader.pid)) == 2)
        grandchild = procs.children(leader.pid)
        assert len(grandchild) == 1 and set(procs.group_members(leader.pid)) == {leader.pid, *grandchild}
    finally:
        os.killpg(leader.pid, 9)
        leader.wait()
    assert wait_until(lambda: procs.group_members(leader.pid) == [])
