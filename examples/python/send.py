#!/usr/bin/python3
"""Send one message to notifyd, follow it to a final state, then send a small batch.

Uses a DEALER socket, so requests are not tied to replies by order: every request carries a
`req_id` and replies are matched on it (see docs/protocol.md).
"""
import argparse
import itertools
import os
import sys
import time

import zmq

TERMINAL = {"delivered", "provider_accepted", "failed", "canceled", "suppressed"}
SUCCESS = {"delivered", "provider_accepted"}


class Client:
    def __init__(self, endpoint, app, token, timeout_ms):
        self.identity = {"app": app, "token": token}
        self.timeout_ms = timeout_ms
        self.ids = itertools.count(1)
        self.socket = zmq.Context.instance().socket(zmq.DEALER)
        self.socket.setsockopt(zmq.LINGER, 0)  # never hang on exit if notifyd is down
        self.socket.connect(endpoint)

    def call(self, op, **fields):
        """Send one request and return the reply with its req_id."""
        req_id = next(self.ids)
        self.socket.send_json({"op": op, "req_id": req_id, **self.identity, **fields})
        while self.socket.poll(self.timeout_ms):
            reply = self.socket.recv_json()
            if reply.get("req_id") == req_id:
                return reply
        sys.exit(f"no reply within {self.timeout_ms} ms: is notifyd running?")


def pairs(items):
    """["k=v", ...] -> {"k": "v", ...}"""
    return dict(item.split("=", 1) for item in items)


def describe(error):
    field = f" (field: {error['field']})" if "field" in error else ""
    return f"{error['code']}: {error['message']}{field}"


def follow(client, message_id, wait_s):
    """Poll `status` until the message reaches a terminal state or wait_s passes."""
    deadline = time.monotonic() + wait_s
    while True:
        reply = client.call("status", message_id=message_id)
        if not reply["ok"]:
            sys.exit("status: " + describe(reply["error"]))
        message = reply["message"]
        if message["state"] in TERMINAL or time.monotonic() > deadline:
            return message
        time.sleep(0.2)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", default="tcp://127.0.0.1:5560")
    parser.add_argument("--app", default=os.environ.get("NOTIFY_APP", "demo"))
    parser.add_argument("--token", default=os.environ.get("NOTIFY_TOKEN", "demo-secret"))
    parser.add_argument("--template", default="welcome")
    parser.add_argument("--to", action="append", default=[], metavar="KIND=ADDR", required=True)
    parser.add_argument("--var", action="append", default=[], metavar="K=V")
    parser.add_argument("--wait-s", type=float, default=10, help="how long to follow the message")
    args = parser.parse_args()

    client = Client(args.endpoint, args.app, args.token, timeout_ms=5000)
    message = {"template": args.template, "to": pairs(args.to), "vars": pairs(args.var)}

    reply = client.call("send", **message)
    if not reply["ok"]:
        sys.exit("send: " + describe(reply["error"]))
    print(f"{reply['status']} {reply['message_id']}")

    final = follow(client, reply["message_id"], args.wait_s)
    for event in final["events"]:
        line = (f"{event['at']}  {event['state']:<17} {event['actor']:<14} "
                f"{event.get('provider', '-'):<12} {event.get('code') or '-':<6} "
                f"{event.get('detail', '')}")
        print(line.rstrip())

    # One request, several messages: each element is judged on its own.
    batch = client.call("send_batch", messages=[message, {**message, "vars": {}}])
    for result in batch.get("results", []):
        print("batch:", result["message_id"] if result["ok"] else describe(result["error"]))
    if not batch["ok"]:
        print("send_batch: " + describe(batch["error"]))

    return 0 if final["state"] in SUCCESS else 1


if __name__ == "__main__":
    sys.exit(main())
