"""Start-up cost of the ``qframework`` command against the libraries it is built on, warm and cold.

Runs ``python -c "import attrs, cattrs, pluggy"`` (the import floor), ``qframework plugins`` and
``qframework frameworks`` with the validated-data cache warm, and ``qframework plugins`` cold
(``QFRAMEWORK_NO_CACHE=1`` and an empty cache folder: the first run after an install, a read-only
home), as subprocesses, interleaved round by round so that machine load affects all alike, and takes
each run's CPU time (user + system) from the ``RUSAGE_CHILDREN`` delta. Prints the medians and each
command's ratio to the floor (the goals: warm ≤ 1.3×, cold ≤ 2×), then the cost of a second
``load_registry()`` call in a warm process (the goal: < 1 ms).

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

COLD = "qframework plugins, cold cache"
COMMANDS: dict[str, list[str]] = {
    "baseline (import attrs, cattrs, pluggy)": [sys.executable, "-c", "import attrs, cattrs, pluggy"],
    "qframework plugins": [sys.executable, "-m", "qframework", "plugins"],
    "qframework frameworks": [sys.executable, "-m", "qframework", "frameworks"],
    COLD: [sys.executable, "-m", "qframework", "plugins"],
}

#: The goals of issue 29, as ratios of CPU time to the baseline.
GOAL_WARM = 1.3
GOAL_COLD = 2.0

_ENV = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "QFRAMEWORK_NO_CACHE")}
_ENV["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "qframework-bench-pycache")
_EMPTY_CACHE = tempfile.mkdtemp(prefix="qframework-bench-empty-cache-")
#: Cold: no cache at all, and an empty cache folder in case anything would read one.
_COLD_ENV = {**_ENV, "QFRAMEWORK_NO_CACHE": "1", "QFRAMEWORK_CACHE_DIR": _EMPTY_CACHE}


def cpu_seconds(command: list[str], *, cold: bool = False) -> float:
    """CPU time (user + system) one run of ``command`` takes (``cold``: with no validated-data cache)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    env = _COLD_ENV if cold else _ENV
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure(rounds: int) -> dict[str, float]:
    """Median CPU seconds of every command over ``rounds`` interleaved rounds (after one warm-up round)."""
    for name, command in COMMANDS.items():  # warm-up, not counted
        cpu_seconds(command, cold=name == COLD)
    samples: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(rounds):
        for name, command in COMMANDS.items():
            samples[name].append(cpu_seconds(command, cold=name == COLD))
    return {name: statistics.median(values) for name, values in samples.items()}


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
    medians = measure(args.rounds)
    baseline = next(iter(medians.values()))
    print(f"CPU time, median of {args.rounds} interleaved runs (warm: validated-data cache on; cold: none):")
    for name, median in medians.items():
        print(f"  {name:<42} {median * 1000:7.1f} ms   {median / baseline:4.2f}× baseline")
    print(f"goals: warm ≤ {GOAL_WARM}×, cold ≤ {GOAL_COLD}×")
    print(f"second load_registry() call: {second_registry_call_ms():.4f} ms (median)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
