#!/usr/bin/env python3
"""A CPG client on Debian's libcpg (ctypes), driven by corosync-bench.

Usage: debian_cpg.py GROUP MEMBERS
Joins GROUP, prints "ready" once the group has MEMBERS members, then reads
commands on stdin, one per line, and answers each with one line:
  tp SIZE SEND TOTAL  sends SEND messages of SIZE bytes (agreed order) while
                      delivering until TOTAL messages arrived; answers
                      "done SECONDS TRY_AGAINS" (from the command to the last
                      delivery; how often corosync said "try again")
  lat SAMPLES         SAMPLES times: send 200 bytes, wait for their delivery;
                      answers "lat MEDIAN_SECONDS"
  quit
"""

import ctypes
import select
import statistics
import sys
import time

CS_OK = 1
CS_ERR_TRY_AGAIN = 6
CS_DISPATCH_ALL = 2
CPG_TYPE_AGREED = 1


class CpgName(ctypes.Structure):
    _fields_ = [("length", ctypes.c_uint32), ("value", ctypes.c_char * 128)]


class CpgAddress(ctypes.Structure):
    _fields_ = [("nodeid", ctypes.c_uint32), ("pid", ctypes.c_uint32),
                ("reason", ctypes.c_uint32)]


class IoVec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]


DELIVER = ctypes.CFUNCTYPE(None, ctypes.c_uint64, ctypes.POINTER(CpgName), ctypes.c_uint32,
                           ctypes.c_uint32, ctypes.c_void_p, ctypes.c_size_t)
CONFCHG = ctypes.CFUNCTYPE(None, ctypes.c_uint64, ctypes.POINTER(CpgName),
                           ctypes.POINTER(CpgAddress), ctypes.c_size_t,
                           ctypes.POINTER(CpgAddress), ctypes.c_size_t,
                           ctypes.POINTER(CpgAddress), ctypes.c_size_t)


class Callbacks(ctypes.Structure):
    _fields_ = [("deliver", DELIVER), ("confchg", CONFCHG)]


state = {"delivered": 0, "members": 0, "own": 0, "try_again": 0}
MY_PID = 0


def on_deliver(_h, _g, _nodeid, pid, _msg, _len):
    state["delivered"] += 1
    if pid == MY_PID:
        state["own"] += 1


def on_confchg(_h, _g, _members, n, _l, _nl, _j, _nj):
    state["members"] = n


def main():
    global MY_PID
    import os
    MY_PID = os.getpid()
    group, members = sys.argv[1].encode(), int(sys.argv[2])
    lib = ctypes.CDLL("libcpg.so.4")
    handle = ctypes.c_uint64()
    cbs = Callbacks(DELIVER(on_deliver), CONFCHG(on_confchg))
    for _ in range(200):
        if lib.cpg_initialize(ctypes.byref(handle), ctypes.byref(cbs)) == CS_OK:
            break
        time.sleep(0.05)
    else:
        sys.exit("cpg_initialize failed")
    name = CpgName(len(group), group)
    if lib.cpg_join(handle, ctypes.byref(name)) != CS_OK:
        sys.exit("cpg_join failed")
    fd = ctypes.c_int()
    lib.cpg_fd_get(handle, ctypes.byref(fd))

    def dispatch(timeout):
        if select.select([fd.value], [], [], timeout)[0]:
            lib.cpg_dispatch(handle, CS_DISPATCH_ALL)

    while state["members"] < members:
        dispatch(0.1)
    print("ready", flush=True)

    def send(data):
        buf = ctypes.create_string_buffer(data, len(data))
        iov = IoVec(ctypes.cast(buf, ctypes.c_void_p), len(data))
        while True:
            rc = lib.cpg_mcast_joined(handle, CPG_TYPE_AGREED, ctypes.byref(iov), 1)
            if rc == CS_OK:
                return
            if rc != CS_ERR_TRY_AGAIN:
                sys.exit("cpg_mcast_joined: error %d" % rc)
            state["try_again"] += 1
            dispatch(0.001)

    for line in sys.stdin:
        cmd = line.split()
        if not cmd or cmd[0] == "quit":
            break
        if cmd[0] == "tp":
            size, count, total = int(cmd[1]), int(cmd[2]), int(cmd[3])
            state["delivered"] = 0
            state["try_again"] = 0
            start = time.monotonic()
            data = b"\x07" * size
            for _ in range(count):
                send(data)
                dispatch(0)
            while state["delivered"] < total:
                dispatch(1.0)
            print("done %.6f %d" % (time.monotonic() - start, state["try_again"]), flush=True)
        elif cmd[0] == "lat":
            lat = []
            for _ in range(int(cmd[1])):
                state["own"] = 0
                t = time.monotonic()
                send(b"\x01" * 200)
                while state["own"] == 0:
                    dispatch(1.0)
                lat.append(time.monotonic() - t)
            print("lat %.6f" % statistics.median(lat), flush=True)
    lib.cpg_finalize(handle)


if __name__ == "__main__":
    main()
