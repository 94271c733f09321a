"""A stand-in server for lifeline tests: ignores SIGTERM (as a server mid-request does) and runs until killed.

Run through tools.embedded_model.start_tethered; prints its pid to the file named by its first argument."""

from __future__ import annotations

import os
import signal
import sys
import time

signal.signal(signal.SIGTERM, signal.SIG_IGN)
with open(sys.argv[1], "w", encoding="utf-8") as out:
    out.write(str(os.getpid()))
while True:
    time.sleep(1)
