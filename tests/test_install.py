"""make install: the program, its man page and the wallboard's systemd unit, honouring DESTDIR
and PREFIX; the unit is the one the README shows, and systemd accepts it as installed."""
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from feedlib import binary

ROOT = Path(__file__).resolve().parent.parent
UNIT = "ctiboard-wallboard.service"


def make_install(**variables):
    """Install the binary under test (never rebuilt here) with these make variables."""
    bin_ = os.path.abspath(binary())
    args = ["make", "--no-print-directory", "-C", str(ROOT), "install", "BIN=" + bin_,
            "-o", bin_] + ["%s=%s" % kv for kv in variables.items()]
    r = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr


def test_install_honours_destdir(tmp_path):
    make_install(DESTDIR=str(tmp_path), PREFIX="/usr")
    exe = tmp_path / "usr/bin/ctiboard"
    unit = tmp_path / "usr/lib/systemd/system" / UNIT
    assert stat.S_IMODE(exe.stat().st_mode) == 0o755
    assert (tmp_path / "usr/share/man/man1/ctiboard.1").is_file()
    assert stat.S_IMODE(unit.stat().st_mode) == 0o644
    text = unit.read_text()
    assert "ExecStart=/usr/bin/ctiboard --wallboard --kiosk=locked" in text
    assert "SuccessExitStatus=143" in text  # systemctl stop is a clean stop
    assert not list(tmp_path.glob("usr/local/**/*.service"))


def test_readme_shows_the_unit_that_is_installed():
    readme = (ROOT / "README.md").read_text()
    shipped = (ROOT / "docs" / UNIT).read_text()
    indented = "".join("    " + l if l.strip() else l for l in shipped.splitlines(True))
    assert indented in readme


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="no systemd-analyze")
def test_installed_unit_passes_systemd_verify(tmp_path):
    make_install(PREFIX=str(tmp_path / "usr"))
    unit = tmp_path / "usr/lib/systemd/system" / UNIT
    assert "ExecStart=%s/usr/bin/ctiboard " % tmp_path in unit.read_text()
    r = subprocess.run(["systemd-analyze", "verify", "--man=no", "--recursive-errors=no",
                        str(unit)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr


def packages_installed_by(target):
    """The Debian packages `make TARGET` would check and install (make -n: nothing is run)."""
    r = subprocess.run(["make", "--no-print-directory", "-C", str(ROOT), "-n", target],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    lists = [l.split(" for p in ", 1)[1].split(";", 1)[0].split()
             for l in r.stdout.splitlines() if " for p in " in l]
    assert len(lists) == 1, r.stdout
    return set(lists[0])


def test_make_demo_installs_no_test_tool_and_make_deps_all_the_tests_need():
    demo, deps = packages_installed_by("demo"), packages_installed_by("deps")
    assert {"gcc", "libcurl4-openssl-dev", "libncurses-dev", "libmicrohttpd-dev"} <= demo
    assert not demo & {"prometheus", "libcmocka-dev", "python3-pytest", "tmux"}, demo
    assert demo < deps
    assert {"prometheus", "libcmocka-dev", "python3-pytest", "tmux", "locales"} <= deps


def test_make_check_alone_installs_what_the_tests_need():
    # the README's second command on a fresh machine: no `make deps` before it
    assert {"prometheus", "libcmocka-dev", "python3-pytest", "tmux", "locales"} <= \
        packages_installed_by("check")
