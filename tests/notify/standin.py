#!/usr/bin/env python3
"""A webhook stand-in for the notify tests: answers POSTs as told and
records what it got.

    standin.py DIR [--ttl SECONDS]

Listens on a free loopback port, written to DIR/port. Each request reads
DIR/mode (default "202"), one of:
    202, 200, 500, 400, ...   answer that status
    429:N                     429 with Retry-After: N (seconds)
    429:date                  429 with Retry-After as an HTTP date, 2 s on
    close                     close the connection without an answer
    sleep:N                   wait N seconds, then 202
Every request is appended to DIR/got.jsonl as {"n", "path", "status",
"headers" (lower-case names), "body" (parsed JSON, or the text), "sig_ok"
(true/false when DIR/key holds an HMAC key, else null)}; DIR/started gets
a line when a request arrives, before it is answered. Exits after --ttl
seconds (default 120) or when DIR/stop exists.
"""
import email.utils
import hashlib
import hmac
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DIR = sys.argv[1]
TTL = float(sys.argv[sys.argv.index("--ttl") + 1]) if "--ttl" in sys.argv else 120
lock = threading.Lock()
count = [0]


def read(name, default=None):
    try:
        with open(os.path.join(DIR, name)) as f:
            return f.read().strip()
    except OSError:
        return default


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n)
        mode = read("mode", "202") or "202"
        with open(os.path.join(DIR, "started"), "a") as f:
            f.write(mode + "\n")
        key = read("key")
        sig_ok = None
        if key is not None:
            ts = self.headers.get("X-Lakewatch-Timestamp", "")
            want = "sha256=" + hmac.new(key.encode(), ts.encode() + b"." + raw,
                                        hashlib.sha256).hexdigest()
            sig_ok = hmac.compare_digest(want, self.headers.get(
                "X-Lakewatch-Signature", ""))
        try:
            body = json.loads(raw)
        except ValueError:
            body = raw.decode("utf-8", "replace")
        status, extra = 202, {}
        if mode == "close":
            status = 0
        elif mode.startswith("sleep:"):
            time.sleep(float(mode[6:]))
        elif mode.startswith("429:"):
            status = 429
            v = mode[4:]
            extra["Retry-After"] = (email.utils.formatdate(time.time() + 2, usegmt=True)
                                    if v == "date" else v)
        else:
            status = int(mode)
        with lock:
            count[0] += 1
            rec = {"n": count[0], "path": self.path, "status": status,
                   "headers": {k.lower(): v for k, v in self.headers.items()},
                   "body": body, "sig_ok": sig_ok}
            with open(os.path.join(DIR, "got.jsonl"), "a") as f:
                f.write(json.dumps(rec) + "\n")
        if status == 0:
            self.close_connection = True
            self.connection.shutdown(2)
            return
        text = b'{"status":"ok"}' if status < 300 else b'{"error":"told to fail"}'
        self.send_response(status)
        for k, v in extra.items():
            self.send_header(k, v)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(text)))
        self.end_headers()
        self.wfile.write(text)


def main():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    tmp = os.path.join(DIR, "port.tmp")
    with open(tmp, "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(tmp, os.path.join(DIR, "port"))
    end = time.time() + TTL

    def watch():
        while time.time() < end and not os.path.exists(os.path.join(DIR, "stop")):
            time.sleep(0.2)
        srv.shutdown()
    threading.Thread(target=watch, daemon=True).start()
    srv.serve_forever()


if __name__ == "__main__":
    main()
