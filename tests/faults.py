"""The LD_PRELOAD shim of tests/shim/faults.c (built by make check as build/tests/libfaults.so).

A sanitised binary carries its own pthread_create and getaddrinfo interceptors, which come
before any preloaded library: faults on those are tested on the plain build only.
"""
import os
import subprocess

import pytest

SHIM = os.environ.get("CTIBOARD_FAULTS", "")


def _sanitized(binary):
    try:
        out = subprocess.run(["nm", "-D", binary], capture_output=True, text=True).stdout
    except OSError:
        return False
    return "__asan_init" in out or "__tsan_init" in out


def env(binary, intercepted=False, **faults):
    """Environment variables that preload the shim with these faults set."""
    if not SHIM or not os.path.exists(SHIM):
        pytest.skip("no fault shim (make check builds it; set CTIBOARD_FAULTS)")
    if intercepted and _sanitized(binary):
        pytest.skip("the sanitizer runtime intercepts this call before the shim")
    e = {"LD_PRELOAD": SHIM}
    for k, v in faults.items():
        e["CTIBOARD_FAULT_" + k] = str(v)
    asan = os.environ.get("ASAN_OPTIONS", "")
    e["ASAN_OPTIONS"] = (asan + ":" if asan else "") + "verify_asan_link_order=0"
    return e
