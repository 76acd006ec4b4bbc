"""python -m jabodash.sql --worker: the sandbox's worker process (started by jabodash.sql.Sandbox)."""
import sys

from jabodash.sql.worker import worker_main

if sys.argv[1:] == ["--worker"]:
    sys.exit(worker_main())
sys.exit("usage: python -m jabodash.sql --worker (started by jabodash.sql.Sandbox)")
