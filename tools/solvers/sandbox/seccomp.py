"""Seccomp filters for the sandbox, written as classic BPF by hand (no libseccomp needed), x86_64 only.

Two filters stack on the child:
- `base_filter()` is handed to bubblewrap (`--seccomp FD`), which loads it just before it executes the
  interpreter: no new processes (fork, vfork, clone without CLONE_THREAD, clone with a namespace flag),
  no ptrace or cross-process memory access, no mount/namespace/kernel-module/kexec/bpf/perf/keyring/
  io_uring calls, no pidfd tricks, no mknod, and sockets of the local (AF_UNIX) family only. clone3 answers
  ENOSYS, so the C library falls back to clone, whose flags the filter can read (threads keep working:
  numpy, HiGHS). A foreign architecture (32-bit int 0x80 or x32 numbers) kills the process.
- `no_exec_filter()` is installed by the child itself (`install()`), for all its threads, after its own
  imports and before the generated code runs: from then on execve/execveat fail too.
Refused calls fail with EPERM, so the generated code sees an ordinary PermissionError.
"""

from __future__ import annotations

import ctypes
import platform
import struct

AUDIT_ARCH_X86_64 = 0xC000003E
X32_SYSCALL_BIT = 0x40000000
SECCOMP_RET_KILL_PROCESS = 0x80000000
SECCOMP_RET_ERRNO = 0x00050000
SECCOMP_RET_ALLOW = 0x7FFF0000
EPERM, ENOSYS = 1, 38
CLONE_THREAD = 0x00010000
CLONE_NAMESPACES = 0x7E020000  # CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET
AF_UNIX = 1

# x86_64 numbers (asm/unistd_64.h).
CLONE, CLONE3, SOCKET, EXECVE, EXECVEAT = 56, 435, 41, 59, 322
DENIED = {
    "fork": 57, "vfork": 58, "ptrace": 101, "process_vm_readv": 310, "process_vm_writev": 311, "kcmp": 312,
    "mount": 165, "umount2": 166, "pivot_root": 155, "chroot": 161, "move_mount": 429, "open_tree": 428,
    "fsopen": 430, "fsconfig": 431, "fsmount": 432, "fspick": 433, "mount_setattr": 442, "unshare": 272,
    "setns": 308, "mknod": 133, "mknodat": 259, "kexec_load": 246, "kexec_file_load": 320, "bpf": 321,
    "perf_event_open": 298, "init_module": 175, "finit_module": 313, "delete_module": 176, "keyctl": 250,
    "add_key": 248, "request_key": 249, "reboot": 169, "swapon": 167, "swapoff": 168, "acct": 163,
    "userfaultfd": 323, "open_by_handle_at": 304, "name_to_handle_at": 303, "io_uring_setup": 425,
    "io_uring_enter": 426, "io_uring_register": 427, "pidfd_open": 434, "pidfd_send_signal": 424,
    "pidfd_getfd": 438, "syslog": 103, "settimeofday": 164, "clock_settime": 227, "adjtimex": 159,
    "clock_adjtime": 305, "quotactl": 179, "personality": 135, "iopl": 172, "ioperm": 173,
    "lookup_dcookie": 212, "vhangup": 153, "uselib": 134, "fanotify_init": 300,
}  # fmt: skip

# Classic BPF opcodes.
_LD_ABS, _JEQ, _JGE, _JSET, _RET = 0x20, 0x15, 0x35, 0x45, 0x06
_NR, _ARCH, _ARG0 = 0, 4, 16  # offsets in struct seccomp_data (the low half of args[0] on little-endian)


def supported() -> tuple[bool, str]:
    """Can these filters describe this machine's system calls?"""
    if platform.system() != "Linux":
        return False, f"seccomp filters need Linux, not {platform.system()}"
    if platform.machine() not in ("x86_64", "AMD64"):
        return False, f"the sandbox's seccomp filter is written for x86_64, not {platform.machine()}"
    return True, ""


def base_filter() -> bytes:
    """The filter bubblewrap loads before executing the interpreter (execve still allowed: that is the first exec)."""
    return _assemble(denied=set(DENIED.values()))


def no_exec_filter() -> bytes:
    """The filter the child adds before running generated code: no program may be executed any more."""
    return _assemble(denied={EXECVE, EXECVEAT})


def _assemble(denied: set[int]) -> bytes:
    """Build the program with symbolic jump targets, then resolve them to the relative offsets BPF uses."""
    code: list[tuple[int, str | int, str | int, int]] = []  # (opcode, jump-if-true, jump-if-false, k)
    labels: dict[str, int] = {}

    def op(opcode: int, k: int, jt: str | int = 0, jf: str | int = 0) -> None:
        code.append((opcode, jt, jf, k))

    op(_LD_ABS, _ARCH)
    op(_JEQ, AUDIT_ARCH_X86_64, 0, "kill")
    op(_LD_ABS, _NR)
    op(_JGE, X32_SYSCALL_BIT, "deny", 0)
    op(_JEQ, CLONE, "clone", 0)
    op(_JEQ, CLONE3, "enosys", 0)
    op(_JEQ, SOCKET, "socket", 0)
    for number in sorted(denied):
        op(_JEQ, number, "deny", 0)
    op(_RET, SECCOMP_RET_ALLOW)
    labels["clone"] = len(code)
    op(_LD_ABS, _ARG0)
    op(_JSET, CLONE_THREAD, 0, "deny")  # a new process, not a thread
    op(_JSET, CLONE_NAMESPACES, "deny", "allow")
    labels["socket"] = len(code)
    op(_LD_ABS, _ARG0)
    op(_JEQ, AF_UNIX, "allow", "deny")
    labels["enosys"] = len(code)
    op(_RET, SECCOMP_RET_ERRNO | ENOSYS)
    labels["deny"] = len(code)
    op(_RET, SECCOMP_RET_ERRNO | EPERM)
    labels["allow"] = len(code)
    op(_RET, SECCOMP_RET_ALLOW)
    labels["kill"] = len(code)
    op(_RET, SECCOMP_RET_KILL_PROCESS)

    program = b""
    for index, (opcode, jt, jf, k) in enumerate(code):
        offsets = [labels[j] - index - 1 if isinstance(j, str) else j for j in (jt, jf)]
        if not all(0 <= o < 256 for o in offsets):
            raise ValueError("a BPF jump is out of range")
        program += struct.pack("=HBBI", opcode, offsets[0], offsets[1], k)
    return program


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


SYS_SECCOMP, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC = 317, 1, 1
PR_SET_NO_NEW_PRIVS = 38


def install(program: bytes) -> None:
    """Load `program` on every thread of this process (irrevocable); raise OSError if the kernel refuses."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
    buffer = ctypes.create_string_buffer(program, len(program))
    fprog = _SockFprog(len(program) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    if libc.syscall(SYS_SECCOMP, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, ctypes.byref(fprog)) != 0:
        raise OSError(ctypes.get_errno(), "seccomp(SECCOMP_SET_MODE_FILTER) failed")
