"""Start-up cost of the ``qframework`` command against the libraries it is built on.

Runs ``python -c "import attrs, cattrs, pluggy"`` (the baseline), ``qframework plugins`` and
``qframework frameworks`` as subprocesses, interleaved round by round so that machine load
affects all alike, and takes each run's CPU time (user + system) from the ``RUSAGE_CHILDREN``
delta. Prints the medians and each command's ratio to the baseline (the goal: ≤ 1.5), then the
cost of a second ``load_registry()`` call in a warm process (the goal: < 1 ms).

    python benchmarks/bench_startup.py [--rounds 15]

The first round warms the validated-data cache, the byte-code cache and the OS file cache and is
not counted. Byte code goes to a private ``PYTHONPYCACHEPREFIX`` even when
``PYTHONDONTWRITEBYTECODE`` is set, as an installed package has its ``.pyc`` files (the baseline's
libraries do): otherwise every run would compile qframework's sources and measure the compiler.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COMMANDS: dict[str, list[str]] = {
    "baseline (import attrs, cattrs, pluggy)": [sys.executable, "-c", "import attrs, cattrs, pluggy"],
    "qframework plugins": [sys.executable, "-m", "qframework", "plugins"],
    "qframework frameworks": [sys.executable, "-m", "qframework", "frameworks"],
}


_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
_ENV["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "qframework-bench-pycache")


def cpu_seconds(command: list[str]) -> float:
    """CPU time (user + system) one run of ``command`` takes."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_ENV)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def second_registry_call_ms(repeat: int = 1000) -> float:
    """Median wall time of ``load_registry()`` once the registry is built."""
    from qframework import load_registry

    load_registry()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        load_registry()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    for command in COMMANDS.values():  # warm-up, not counted
        cpu_seconds(command)
    samples: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(args.rounds):
        for name, command in COMMANDS.items():
            samples[name].append(cpu_seconds(command))
    medians = {name: statistics.median(values) for name, values in samples.items()}
    baseline = next(iter(medians.values()))
    cache = "off" if os.environ.get("QFRAMEWORK_NO_CACHE", "") not in ("", "0") else "on"
    print(f"CPU time, median of {args.rounds} interleaved runs (validated-data cache {cache}):")
    for name, median in medians.items():
        print(f"  {name:<42} {median * 1000:7.1f} ms   {median / baseline:4.2f}× baseline")
    print(f"second load_registry() call: {second_registry_call_ms():.4f} ms (median)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
