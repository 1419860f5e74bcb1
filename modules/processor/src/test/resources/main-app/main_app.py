#!/usr/bin/env python3
"""An ordinary main app for replyd's callback: Python's http.server, as small web stacks are.

Each POST is answered 200 and recorded as one line appended to --record (flushed at once):
"<receive time, unix seconds with microseconds> <Replyd-Delivery> <payload message_id or ->".
The first line on stdout is "listening <port>" (port 0 = any free port, on 127.0.0.1 only).

--mode says how connections are treated:
  http10       answers HTTP/1.0 without Connection headers and closes after each response (the
               stdlib default: many small stacks behave so).
  idle-close   HTTP/1.1 keep-alive; closes a connection after --idle seconds without a request
               (nginx's keepalive_timeout, 5 s there).
  close-reused HTTP/1.1 keep-alive; answers the first request on a connection, and closes the
               connection without answering when a second request arrives on it.

Used by the processor's tests and by scripts/bench smtp. Runs until killed.
"""
import argparse
import http.server
import json
import sys
import threading
import time

lock = threading.Lock()


def handler(mode, record, idle):
    class MainApp(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0" if mode == "http10" else "HTTP/1.1"
        timeout = idle if mode == "idle-close" else None

        def setup(self):
            super().setup()
            self.answered = 0

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            received = time.time()
            if mode == "close-reused" and self.answered > 0:
                self.close_connection = True
                return
            try:
                message_id = json.loads(body).get("message_id") or "-"
            except ValueError:
                message_id = "-"
            with lock:
                record.write("%.6f %s %s\n" % (received, self.headers.get("Replyd-Delivery", "-"), message_id))
                record.flush()
            self.answered += 1
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, format, *args):
            pass

    return MainApp


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=["http10", "idle-close", "close-reused"], default="http10")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--record", required=True)
    parser.add_argument("--idle", type=float, default=5.0)
    args = parser.parse_args()
    record = open(args.record, "a", encoding="utf-8")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), handler(args.mode, record, args.idle))
    server.daemon_threads = True
    server.request_queue_size = 128
    print("listening %d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
