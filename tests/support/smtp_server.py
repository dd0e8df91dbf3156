#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""A real SMTP server for Notify's email tests, built on aiosmtpd (Debian's python3-aiosmtpd).

It listens on 127.0.0.1:PORT and prints "ready 127.0.0.1:PORT" on stdout once it accepts
connections. Every accepted message is written to --dir as <n>.eml (the received bytes, after
the server's dot-unstuffing) and <n>.json (envelope: mail_from, rcpt_tos, mail_options, tls,
auth_user, queue_id), the .json last, so a reader that sees it finds both complete.

Options:
  --tls-dir DIR    generate a self-signed certificate for 127.0.0.1/localhost in DIR
                   (cert.pem, key.pem; openssl CLI) and offer STARTTLS (required before MAIL)
  --tls-san SAN    the certificate's subjectAltName instead (e.g. DNS:other.example, to see
                   host name verification fail)
  --implicit-tls   speak TLS from the first byte instead (SMTPS, needs --tls-dir)
  --user U --password P
                   require AUTH PLAIN/LOGIN with these credentials before MAIL (535 otherwise)
  --slow-seconds S how long the "slow" recipients below make the final reply to DATA wait

Magic recipients (by local part prefix, case-insensitive):
  reject...      RCPT answered 550 5.1.1 (no such user)
  defer-once...  the first RCPT for the address answered 450 4.2.1, later ones accepted
  defer...       RCPT always answered 450 4.2.1 (mailbox busy)
  slow-once...   the first message to it is stored, then its 250 waits --slow-seconds (a lost
                 reply after an accepted message); later ones are answered at once
Accepted messages get "250 2.0.0 Ok: queued as Q<n>", as Postfix words it.
"""
import argparse
import asyncio
import json
import os
import ssl
import subprocess
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def make_certificate(directory, san):
    cert = os.path.join(directory, "cert.pem")
    key = os.path.join(directory, "key.pem")
    if not os.path.exists(cert):
        os.makedirs(directory, exist_ok=True)
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
             "-subj", "/CN=localhost",
             "-addext", "subjectAltName=" + san,
             "-keyout", key, "-out", cert],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


class Handler:
    def __init__(self, out_dir, slow_seconds):
        self.out_dir = out_dir
        self.slow_seconds = slow_seconds
        self.lock = threading.Lock()
        self.count = 0
        self.seen = set()  # "defer-once"/"slow-once" addresses already answered once

    def first_time(self, address):
        with self.lock:
            if address in self.seen:
                return False
            self.seen.add(address)
            return True

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0].lower()
        if local.startswith("reject"):
            return "550 5.1.1 <%s>: Recipient address rejected: no such user" % address
        if local.startswith("defer-once") and self.first_time(address):
            return "450 4.2.1 <%s>: Mailbox busy, try again later" % address
        if local.startswith("defer") and not local.startswith("defer-once"):
            return "450 4.2.1 <%s>: Mailbox busy, try again later" % address
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 Ok"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            n = self.count
        queue_id = "Q%d" % n
        base = os.path.join(self.out_dir, "%d" % n)
        with open(base + ".eml", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        auth = session.auth_data
        meta = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "mail_options": envelope.mail_options,
            "tls": server.transport.get_extra_info("ssl_object") is not None,
            "auth_user": auth.login.decode() if isinstance(auth, LoginPassword) else "",
            "queue_id": queue_id,
        }
        with open(base + ".json.tmp", "w") as f:
            json.dump(meta, f)
        os.rename(base + ".json.tmp", base + ".json")
        # Stored first, answered late: the client cannot tell whether the message was taken.
        for address in envelope.rcpt_tos:
            if address.split("@")[0].lower().startswith("slow-once") and self.first_time(address):
                await asyncio.sleep(self.slow_seconds)
        return "250 2.0.0 Ok: queued as " + queue_id


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--tls-dir")
    parser.add_argument("--implicit-tls", action="store_true")
    parser.add_argument("--tls-san", default="IP:127.0.0.1,DNS:localhost")
    parser.add_argument("--user")
    parser.add_argument("--password")
    parser.add_argument("--slow-seconds", type=float, default=3.0)
    args = parser.parse_args()

    tls = make_certificate(args.tls_dir, args.tls_san) if args.tls_dir else None
    kwargs = {"hostname": "127.0.0.1", "port": args.port}
    if tls is not None and args.implicit_tls:
        kwargs["ssl_context"] = tls
    elif tls is not None:
        kwargs["tls_context"] = tls
        kwargs["require_starttls"] = True
    if args.user:
        def authenticate(server, session, envelope, mechanism, data):
            ok = (isinstance(data, LoginPassword) and data.login.decode() == args.user
                  and data.password.decode() == args.password)
            return AuthResult(success=ok, handled=False, auth_data=data)
        kwargs["authenticator"] = authenticate
        kwargs["auth_required"] = True
        kwargs["auth_require_tls"] = tls is not None

    controller = Controller(Handler(args.dir, args.slow_seconds), **kwargs)
    controller.start()
    print("ready 127.0.0.1:%d" % args.port, flush=True)
    try:
        # Runs until the test sends SIGTERM (or closes our stdin).
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
