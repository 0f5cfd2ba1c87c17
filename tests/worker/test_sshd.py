"""A classroom over real SSH: sshd's ``ForceCommand`` starts the app, the app is served, workers end with sessions.

A throwaway OpenSSH server listens on 127.0.0.1 only, on a free high port,
with its own host key, config and authorized key in a temporary directory; its
``ForceCommand`` runs the app with ``--engine`` naming a ``tensor-tutor serve``
socket, as docs/classroom.md tells a teacher to. Five ``ssh -tt`` sessions run
in pseudo-terminals; each must show lesson 1's tensor with the header saying it
is served, and each worker must end when its session does: four learners quit,
one link is dropped (its ssh client killed).

sshd comes from Debian's openssh-server. It is installed with apt-get when it
is missing and this runs as root (as CI does), with Debian's policy hook
keeping the system's own sshd from starting. The test needs root anyway: an
sshd run by another user cannot give a session its terminal (it fails to
chown the pty), so otherwise the test skips and says why. Every step has a
deadline: nothing here waits for an answer forever.
"""

from __future__ import annotations

import getpass
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import torch

from benchmarks.processes import children
from benchmarks.terminal import PtySession, ScreenModel

SSHD = Path("/usr/sbin/sshd")
LEARNERS = 5
SIZE = (80, 24)
INSTALL_SECONDS = 150
"""All of the install (a slow mirror, a fresh machine's package lists); past this it is abandoned and the test skips."""
SCREEN_SECONDS = 60
"""Five apps starting at once on two loaded cores."""
POLICY = Path("/usr/sbin/policy-rc.d")
"""Debian's hook that tells a package's scripts whether to start its service: here, never."""


def _apt_get(deadline: float, *arguments: str) -> subprocess.CompletedProcess[str] | None:
    """Run apt-get without a terminal or questions; None if it did not finish by ``deadline`` (monotonic)."""
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    command = ["apt-get", "-q", "-y", "-o", "DPkg::Lock::Timeout=60", *arguments]
    try:
        return subprocess.run(
            command,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            env=environment,
            timeout=max(deadline - time.monotonic(), 1),
        )
    except subprocess.TimeoutExpired:
        return None


def _install_sshd() -> str | None:
    """Install openssh-server without starting its system service; None when done, else why not."""
    if os.geteuid() != 0:
        return "sshd is not installed, and installing it needs root (apt-get install openssh-server)"
    if shutil.which("apt-get") is None:
        return "sshd is not installed, and there is no apt-get to install it with"
    made_policy = not POLICY.exists()
    if made_policy:  # no system sshd on port 22 as a side effect of the install
        POLICY.write_text("#!/bin/sh\nexit 101\n")
        POLICY.chmod(0o755)
    deadline = time.monotonic() + INSTALL_SECONDS
    try:
        install = ("install", "--no-install-recommends", "openssh-server")
        done = _apt_get(deadline, *install)
        if done is not None and done.returncode != 0:
            _apt_get(deadline, "update")  # a fresh machine may have no package lists yet
            done = _apt_get(deadline, *install)
    finally:
        if made_policy:
            POLICY.unlink()
    if done is None:
        return f"installing openssh-server took more than {INSTALL_SECONDS} s"
    if done.returncode != 0 or not SSHD.exists():
        return "apt-get could not install openssh-server: " + (done.stderr or done.stdout).strip()[-500:]
    return None


@pytest.fixture(scope="module")
def sshd_binary() -> Path:
    if not SSHD.exists():
        reason = _install_sshd()
        if reason is not None:
            pytest.skip(reason)
    if shutil.which("ssh") is None or shutil.which("ssh-keygen") is None:
        pytest.skip("the OpenSSH client (ssh, ssh-keygen) is not installed")
    if os.geteuid() != 0:  # a session's pty goes to the tty group, which only root may chown it to
        pytest.skip("sshd gives learners a terminal only when it runs as root, and this test does not")
    return SSHD


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _keygen(path: Path) -> str:
    """A new ed25519 key pair without a passphrase at ``path``; the public key's line."""
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "tensor-tutor-test", "-f", str(path)],
        check=True,
        stdin=subprocess.DEVNULL,
        timeout=30,
    )
    return path.with_suffix(".pub").read_text().strip()


def _app() -> str:
    script = Path(sys.executable).with_name("tensor-tutor")
    return str(script) if script.exists() else f"{sys.executable} -m tui"


@dataclass
class Classroom:
    """A running engine server and an sshd whose ForceCommand points the app at it."""

    directory: Path
    port: int
    user: str
    server: subprocess.Popen[bytes]
    server_log: Path

    def ssh(self) -> PtySession:
        """One learner's ``ssh -tt`` in a terminal of their own (no config, agent or known host of this user's)."""
        argv = [
            "ssh",
            "-tt",
            "-F",
            "/dev/null",
            "-p",
            str(self.port),
            "-i",
            str(self.directory / "learner"),
            "-o",
            "IdentitiesOnly=yes",
            "-o",
            "BatchMode=yes",
            "-o",
            "StrictHostKeyChecking=yes",
            "-o",
            f"UserKnownHostsFile={self.directory / 'known_hosts'}",
            "-o",
            "ConnectTimeout=10",
            f"{self.user}@127.0.0.1",
        ]
        environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "TERM": "xterm-256color"}
        return PtySession(argv, SIZE, environment)

    def workers(self) -> list[int]:
        return children(self.server.pid)


def _start_server(directory: Path) -> tuple[subprocess.Popen[bytes], Path]:
    socket_path, log = directory / "engine.sock", directory / "serve.log"
    with open(log, "wb") as log_file:
        server = subprocess.Popen(
            [sys.executable, "-m", "tui", "serve", "--socket", str(socket_path), "--max-learners", str(LEARNERS + 2)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=log_file,
        )
    return server, log


def _wait_until_serving(server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120
    while "serving PyTorch" not in log.read_text():
        if server.poll() is not None or time.monotonic() > deadline:
            pytest.fail("the engine server did not start: " + log.read_text())
        time.sleep(0.1)


def _sshd_config(directory: Path, port: int, user: str) -> str:
    """Only key logins for this user, on loopback; the learner gets the app, served, and nothing else."""
    command = f"{_app()} --no-mouse --engine {directory / 'engine.sock'}"
    return f"""\
ListenAddress 127.0.0.1
Port {port}
HostKey {directory / "host_key"}
PidFile {directory / "sshd.pid"}
AuthorizedKeysFile {directory / "authorized_keys"}
AllowUsers {user}
AuthenticationMethods publickey
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UsePAM no
StrictModes no
PrintMotd no
PrintLastLog no
LogLevel VERBOSE
ForceCommand {command}
SetEnv OMP_NUM_THREADS=1 XDG_STATE_HOME={directory / "state"} TENSOR_TUTOR_TIME_LIMIT=10
AllowTcpForwarding no
X11Forwarding no
AllowAgentForwarding no
PermitTunnel no
"""


@pytest.fixture(scope="module")
def classroom(sshd_binary: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Classroom]:
    directory = tmp_path_factory.mktemp("sshd")
    server, server_log = _start_server(directory)  # torch warms up while sshd is set up
    sshd: subprocess.Popen[bytes] | None = None
    try:
        port, user = _free_port(), getpass.getuser()
        host_key = _keygen(directory / "host_key")
        (directory / "known_hosts").write_text(f"[127.0.0.1]:{port} {host_key}\n")
        (directory / "authorized_keys").write_text(_keygen(directory / "learner") + "\n")
        (directory / "state").mkdir()
        config = directory / "sshd_config"
        config.write_text(_sshd_config(directory, port, user))
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege separation directory
        checked = subprocess.run(
            [str(sshd_binary), "-t", "-f", str(config)], capture_output=True, text=True, timeout=30
        )
        assert checked.returncode == 0, checked.stderr
        sshd_log = directory / "sshd.log"
        with open(sshd_log, "wb") as log_file:
            sshd = subprocess.Popen(
                [str(sshd_binary), "-D", "-e", "-f", str(config)],
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
        _wait_for_port(port, sshd, sshd_log)
        _wait_until_serving(server, server_log)
        yield Classroom(directory, port, user, server, server_log)
    finally:
        if sshd is not None:
            sshd.terminate()
            sshd.wait(timeout=10)
        server.terminate()
        server.wait(timeout=20)


def _wait_for_port(port: int, sshd: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 15
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            pass
        if sshd.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"sshd did not start listening on 127.0.0.1:{port}: {log.read_text()[-800:]}")
        time.sleep(0.05)


def _lesson_one_row() -> str:
    """The first row of lesson 1's tensor, as PyTorch prints it (the lesson's default: seed 0, randn(2, 3))."""
    torch.manual_seed(0)
    return str(torch.randn(2, 3)).splitlines()[0].removeprefix("tensor([")


def _served_with_lesson_one(row: str):
    def shown(screen: ScreenModel) -> bool:
        lines = screen.lines()
        return "ready (served)" in screen.text() and any(row in line for line in lines)

    return shown


def _gone(pid: int) -> bool:
    return not Path(f"/proc/{pid}").exists()


def test_five_ssh_sessions_are_each_served_and_their_workers_end_with_them(classroom: Classroom) -> None:
    row = _lesson_one_row()
    sessions = [classroom.ssh() for _ in range(LEARNERS)]
    try:
        for number, session in enumerate(sessions, 1):
            shown = session.wait_for(_served_with_lesson_one(row), SCREEN_SECONDS)
            assert shown is not None, (
                f"learner {number} saw:\n{session.screen.text()}\n{classroom.server_log.read_text()}"
            )
        workers = classroom.workers()
        assert len(workers) == LEARNERS, classroom.server_log.read_text()  # one worker each, all from the server
        log = classroom.server_log.read_text()
        assert log.count("connected: worker") == LEARNERS and "refused" not in log, log
        dropped = sessions.pop()
        os.kill(dropped.process.pid, signal.SIGKILL)  # a dropped link: no quit key, the ssh client just vanishes
        dropped.finish(timeout=5)
        for session in sessions:
            finished = session.finish(b"\x11", timeout=20)  # ctrl+q quits wherever the focus is
            assert finished.status == 0, session.screen.text()
        sessions.clear()
        deadline = time.monotonic() + 20
        while not all(_gone(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        log = classroom.server_log.read_text()
        assert all(_gone(pid) for pid in workers), log
        assert classroom.workers() == [], log
        assert log.count("disconnected") == LEARNERS, log
    finally:
        for session in sessions:
            session.finish(timeout=1)
