"""Run every benchmark in this folder, one after another (`make bench`). Each prints its figures."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    failures = 0
    for script in sorted(HERE.glob("*_bench.py")):
        print(f"\n######## {script.name}", flush=True)
        failures += subprocess.run([sys.executable, str(script), *sys.argv[1:]], check=False).returncode != 0
    return failures


if __name__ == "__main__":
    raise SystemExit(main())
