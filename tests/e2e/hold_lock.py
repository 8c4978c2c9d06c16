# tests/e2e/hold_lock.py DB SECONDS - hold an exclusive SQLite lock on DB
# (creating it) for SECONDS, touching DB.ready once the lock is held.
import sqlite3, sys, time
db, secs = sys.argv[1], float(sys.argv[2])
c = sqlite3.connect(db, isolation_level=None)
c.execute("CREATE TABLE IF NOT EXISTS t(x)")
c.execute("BEGIN EXCLUSIVE")
c.execute("INSERT INTO t VALUES (1)")
open(db + ".ready", "w").close()
time.sleep(secs)
