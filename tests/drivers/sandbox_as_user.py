"""Run generated snippets through the sandbox in this process's own identity (the test starts it as uid 65534).

Usage: sandbox_as_user.py SNIPPETS.json  (a mapping name -> code); prints one JSON object: uid, isolation
status, and each snippet's SandboxResult as a dict.
"""

from __future__ import annotations

import json
import os
import sys

from tools.solvers.sandbox import isolation, run_generated_model


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as handle:
        snippets = json.load(handle)
    results = {name: run_generated_model(code, {}, solve=False, time_limit_s=3, memory_mb=512).to_dict()
               for name, code in snippets.items()}  # fmt: skip
    print(json.dumps({"uid": os.getuid(), "isolation": list(isolation.isolation_status()), "results": results}))


if __name__ == "__main__":
    main()
