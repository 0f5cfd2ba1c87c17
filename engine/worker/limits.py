"""The operating system's limits on a forked worker, layer by layer.

Each layer holds even if the ones before it fail; the interpreter's own checks
(``engine.sandbox.limits``) come first, these stop what gets past them:

- an empty working directory that no longer exists: relative paths lead nowhere;
- ``RLIMIT_AS`` (about 1 GB over the warm size): a huge allocation fails with
  MemoryError inside the worker instead of taking the server's memory;
- ``RLIMIT_CPU``: a worker that spins is ended by the kernel even if the app
  that should kill it is itself stuck;
- ``RLIMIT_FSIZE`` 0 and ``RLIMIT_CORE`` 0: no byte is written to any file;
- ``RLIMIT_NPROC`` 0: no new process (the kernel does not apply it to root);
- ``RLIMIT_NOFILE``: a handful of open files at most;
- no new privileges, not dumpable (other processes of the user cannot trace it);
- Landlock, where the kernel has it: no file may be written, made, removed or
  executed, and no TCP connection made, anywhere;
- seccomp (through Debian's libseccomp, called with ctypes): no exec, no fork
  (threads stay allowed), no sockets, no opening a file for writing, no
  changing the file system, limits, users or the kernel. This is what stops
  processes when the worker runs as root, where RLIMIT_NPROC does not bind.

A layer the system does not offer is reported as off, with the reason, and the
others still apply.
"""

from __future__ import annotations

import ctypes
import errno
import functools
import os
import resource
import shutil
import signal
import tempfile

MEMORY_HEADROOM = 1024 * 1024 * 1024
"""Address space a worker may add to its warm size."""

CPU_SECONDS = 120
"""CPU time a worker may use in its whole life; the client recycles it well before."""

OPEN_FILES = 32
"""Most file descriptors a worker may hold."""

PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_SET_NO_NEW_PRIVS = 38


@functools.cache
def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _prctl(option: int, value: int) -> None:
    if _libc().prctl(option, ctypes.c_ulong(value), 0, 0, 0) != 0:
        number = ctypes.get_errno()
        raise OSError(number, os.strerror(number))


def die_with_parent() -> None:
    """Have the kernel kill this process when the process that forked it ends."""
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def address_space() -> int:
    """Bytes of address space this process maps now."""
    with open("/proc/self/statm", "rb") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def resident() -> int:
    """Bytes of this process's memory resident now."""
    with open("/proc/self/statm", "rb") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def lock_down(memory_headroom: int = MEMORY_HEADROOM) -> dict[str, str]:
    """Apply every layer to this process, for good; returns each layer and "on" or why it is off."""
    layers: dict[str, str] = {}
    layers["directory"] = _empty_directory()
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an over-size write fails instead of killing
    limit = address_space() + memory_headroom
    for name, resource_id, value in (
        ("address space", resource.RLIMIT_AS, limit),
        ("cpu time", resource.RLIMIT_CPU, CPU_SECONDS),
        ("file size", resource.RLIMIT_FSIZE, 0),
        ("core dumps", resource.RLIMIT_CORE, 0),
        ("processes", resource.RLIMIT_NPROC, 0),
        ("open files", resource.RLIMIT_NOFILE, OPEN_FILES),
    ):
        layers[name] = _set_limit(resource_id, value)
    if os.geteuid() == 0:
        layers["processes"] = "off: the kernel does not apply RLIMIT_NPROC to root (seccomp stops forks)"
    _prctl(PR_SET_NO_NEW_PRIVS, 1)
    _prctl(PR_SET_DUMPABLE, 0)
    layers["landlock"] = _landlock()
    layers["seccomp"] = _seccomp()
    return layers


def _empty_directory() -> str:
    """Move into a fresh directory and remove it: nothing is there and nothing can be made there."""
    try:
        place = tempfile.mkdtemp(prefix="tensor-tutor-worker-")
        os.chdir(place)
        shutil.rmtree(place)
    except OSError as error:
        return f"off: {error}"
    return "on"


def _set_limit(resource_id: int, value: int) -> str:
    _soft, hard = resource.getrlimit(resource_id)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    try:
        resource.setrlimit(resource_id, (value, value))
    except (OSError, ValueError) as error:
        return f"off: {error}"
    return "on"


# Landlock (Linux 5.13+): raw system calls, x86-64 and arm64 numbers.
_LANDLOCK_CREATE_RULESET = 444
_LANDLOCK_RESTRICT_SELF = 446
_LANDLOCK_FS_WRITES = sum(1 << bit for bit in (0, 1, 4, 5, 6, 7, 8, 9, 10, 11, 12))
"""execute, write file, remove dir/file, make char/dir/reg/sock/fifo/block/symlink."""
_LANDLOCK_FS_BY_ABI = {2: 1 << 13, 3: 1 << 14, 5: 1 << 15}
"""refer (ABI 2), truncate (ABI 3), device ioctl (ABI 5)."""
_LANDLOCK_NET_TCP = (1 << 0) | (1 << 1)
"""bind and connect TCP (ABI 4)."""


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64)]


def _landlock() -> str:
    if os.uname().machine not in ("x86_64", "aarch64"):
        return "off: not wired for this machine"
    syscall = _libc().syscall
    syscall.restype = ctypes.c_long
    abi = syscall(_LANDLOCK_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(1))
    if abi < 0:
        return f"off: the kernel does not offer it ({os.strerror(ctypes.get_errno())})"
    fs = _LANDLOCK_FS_WRITES
    for version, bit in _LANDLOCK_FS_BY_ABI.items():
        if abi >= version:
            fs |= bit
    attr = _RulesetAttr(fs, _LANDLOCK_NET_TCP if abi >= 4 else 0)
    size = ctypes.sizeof(attr) if abi >= 4 else ctypes.sizeof(ctypes.c_uint64)
    ruleset = syscall(_LANDLOCK_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0))
    if ruleset < 0:
        return f"off: {os.strerror(ctypes.get_errno())}"
    try:
        if syscall(_LANDLOCK_RESTRICT_SELF, ctypes.c_int(ruleset), ctypes.c_uint32(0)) != 0:
            return f"off: {os.strerror(ctypes.get_errno())}"
    finally:
        os.close(ruleset)
    return f"on (ABI {abi})"


# seccomp through libseccomp.
_ACT_ALLOW = 0x7FFF0000
_CMP_NE, _CMP_MASKED_EQ = 1, 7
_CLONE_THREAD = 0x00010000
_WRITE_FLAGS = (os.O_WRONLY, os.O_RDWR, os.O_CREAT, os.O_TRUNC)

_DENIED = (
    # new programs and processes
    "execve",
    "execveat",
    "fork",
    "vfork",
    # the network, and sockets of any kind
    "socket",
    "socketpair",
    # changing the file system without open()
    "creat",
    "link",
    "linkat",
    "symlink",
    "symlinkat",
    "unlink",
    "unlinkat",
    "rename",
    "renameat",
    "renameat2",
    "mkdir",
    "mkdirat",
    "rmdir",
    "mknod",
    "mknodat",
    "truncate",
    "chmod",
    "fchmod",
    "fchmodat",
    "chown",
    "fchown",
    "lchown",
    "fchownat",
    "name_to_handle_at",
    "open_by_handle_at",
    # other processes, limits, users, the kernel
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "tkill",
    "pidfd_send_signal",
    "setrlimit",
    "setuid",
    "setgid",
    "setreuid",
    "setregid",
    "setresuid",
    "setresgid",
    "setgroups",
    "capset",
    "mount",
    "umount2",
    "pivot_root",
    "chroot",
    "unshare",
    "setns",
    "reboot",
    "kexec_load",
    "kexec_file_load",
    "init_module",
    "finit_module",
    "delete_module",
    "bpf",
    "perf_event_open",
    "keyctl",
    "add_key",
    "request_key",
    "swapon",
    "swapoff",
    "settimeofday",
    "clock_settime",
    "adjtimex",
    "sethostname",
    "setdomainname",
    "iopl",
    "ioperm",
    "personality",
    "userfaultfd",
    # io_uring would do any of the above without a system call seccomp sees
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
)
_NOT_IMPLEMENTED = ("clone3", "openat2")
"""Calls whose arguments seccomp cannot read: "not implemented" makes the C library use the older call."""


class _ArgCmp(ctypes.Structure):
    _fields_ = [
        ("arg", ctypes.c_uint),
        ("op", ctypes.c_int),
        ("datum_a", ctypes.c_uint64),
        ("datum_b", ctypes.c_uint64),
    ]


def _errno_action(number: int) -> int:
    return 0x00050000 | (number & 0xFFFF)


def _seccomp() -> str:
    try:
        lib = ctypes.CDLL("libseccomp.so.2", use_errno=True)
    except OSError:
        return "off: libseccomp is not installed (apt install libseccomp2)"
    lib.seccomp_init.restype = ctypes.c_void_p
    lib.seccomp_init.argtypes = [ctypes.c_uint32]
    lib.seccomp_rule_add_array.argtypes = [
        ctypes.c_void_p,
        ctypes.c_uint32,
        ctypes.c_int,
        ctypes.c_uint,
        ctypes.POINTER(_ArgCmp),
    ]
    lib.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
    lib.seccomp_load.argtypes = [ctypes.c_void_p]
    lib.seccomp_release.argtypes = [ctypes.c_void_p]
    context = lib.seccomp_init(_ACT_ALLOW)
    if not context:
        return "off: libseccomp could not start a filter"
    deny = _errno_action(errno.EPERM)
    pid = os.getpid()

    def rule(action: int, call: str, *comparisons: tuple[int, int, int, int]) -> None:
        number = lib.seccomp_syscall_resolve_name(call.encode())
        if number < 0:
            return  # not a call on this machine
        array = (_ArgCmp * max(len(comparisons), 1))(*(_ArgCmp(*c) for c in comparisons))
        result = lib.seccomp_rule_add_array(context, action, number, len(comparisons), array)
        if result != 0:
            raise OSError(-result, f"seccomp rule for {call}: {os.strerror(-result)}")

    try:
        for call in _DENIED:
            rule(deny, call)
        for call in _NOT_IMPLEMENTED:
            rule(_errno_action(errno.ENOSYS), call)
        rule(deny, "clone", (0, _CMP_MASKED_EQ, _CLONE_THREAD, 0))  # a process, not a thread
        for flag in _WRITE_FLAGS:
            rule(deny, "open", (1, _CMP_MASKED_EQ, flag, flag))
            rule(deny, "openat", (2, _CMP_MASKED_EQ, flag, flag))
        rule(deny, "kill", (0, _CMP_NE, pid, 0))  # signals to itself only
        rule(deny, "tgkill", (0, _CMP_NE, pid, 0))
        rule(deny, "prlimit64", (2, _CMP_NE, 0, 0))  # reading limits is fine, setting them is not
        result = lib.seccomp_load(context)
        if result != 0:
            return f"off: the kernel refused the filter ({os.strerror(-result)})"
    except OSError as error:
        return f"off: {error}"
    finally:
        lib.seccomp_release(context)
    return "on"
