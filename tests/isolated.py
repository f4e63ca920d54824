"""Running a piece of code in a fresh interpreter, for inputs that could hang or exhaust memory."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from tests.conftest import PROJECT


def run_isolated(code: str, timeout: float, memory_mb: int | None = None) -> dict[str, object]:
    """Run `code` in a fresh interpreter (a hang is killed, a blow-up hits its own limit).

    `memory_mb` gives the child that much address space beyond what it started with, set where
    `code` has a `# LIMIT` line. The child prints one JSON line last; it is returned, or
    {"outcome": ...} saying how the child failed.
    """
    limit = ""
    if memory_mb is not None:
        limit = textwrap.dedent(f"""
            import resource
            with open("/proc/self/statm") as statm:
                used = int(statm.read().split()[0]) * resource.getpagesize()
            resource.setrlimit(resource.RLIMIT_AS, (used + {memory_mb} * 2**20,) * 2)
        """)
    program = textwrap.dedent(code).replace("# LIMIT", limit)
    try:
        done = subprocess.run(
            [sys.executable, "-c", program],
            cwd=PROJECT,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"outcome": f"still running after {timeout:.0f} s (killed)"}
    lines = done.stdout.strip().splitlines()
    if done.returncode or not lines:
        return {"outcome": f"exit {done.returncode}: {done.stderr.strip()[-600:]}"}
    return json.loads(lines[-1])
