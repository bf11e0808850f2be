"""Every user-visible change on main adds a line to CHANGELOG.md.

Walks main's first-parent history from the commit that introduced this rule: each commit (a merge
counts with everything it brings) whose diff touches ``src/`` or ``plugins/`` must touch
``CHANGELOG.md`` too, unless its message carries ``[no changelog]`` (a pure refactor, tests, a typo).

    python scripts/check_changelog.py          # exit 1 naming the commits that broke the rule
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LABEL = "[no changelog]"
WATCHED = ("src/", "plugins/")


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout


def offending_commits(head: str = "HEAD") -> list[str]:
    """``sha subject`` of each first-parent commit since the rule began that changed code but not the changelog."""
    added = _git("log", "--diff-filter=A", "--format=%H", head, "--", "scripts/check_changelog.py").split()
    if not added:
        raise SystemExit("scripts/check_changelog.py is not in the history of " + head)
    start = added[-1]
    out = []
    for line in _git("log", "--first-parent", "--format=%H%x00%P%x00%B%x01", f"{start}..{head}").split("\x01"):
        if not line.strip():
            continue
        sha, parents, message = line.strip("\n").split("\x00", 2)
        if LABEL in message:
            continue
        first_parent = parents.split()[0]
        changed = _git("diff", "--name-only", first_parent, sha).split()
        if any(f.startswith(WATCHED) for f in changed) and "CHANGELOG.md" not in changed:
            out.append(f"{sha[:10]} {message.splitlines()[0] if message.strip() else ''}")
    return out


def main() -> int:
    bad = offending_commits()
    if bad:
        print("These commits change src/ or plugins/ without a line in CHANGELOG.md")
        print(f"(add one under '## [Unreleased]', or put {LABEL} in a pure refactor's message):")
        for line in bad:
            print("  " + line)
        return 1
    print("CHANGELOG.md: every change since the rule began has its line")
    return 0


if __name__ == "__main__":
    sys.exit(main())
