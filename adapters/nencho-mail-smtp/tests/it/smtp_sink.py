"""A throw-away SMTP server for the integration tests of nencho-mail-smtp.

Run with Debian's interpreter (/usr/bin/python3) and its python3-aiosmtpd package. Listens on
127.0.0.1 on a free port and speaks JSON lines on stdout:

    {"ready": true, "port": 40123}                          once, when it accepts connections
    {"mail_from": "...", "rcpt_tos": [...], "data": "..."}  once per accepted message

`data` is the message exactly as received (after SMTP dot-unstuffing), one character per byte
(latin-1), so the reader gets the raw bytes back without a base64 step.

Options:
    --reply ADDRESS=REPLY   answer RCPT TO:<ADDRESS> with REPLY, e.g.
                            --reply 'busy@example.jp=451 4.3.0 Try again later'
    --auth USER:PASSWORD    require AUTH (PLAIN or LOGIN, allowed without TLS) with these
                            credentials before MAIL FROM

Set NENCHO_SMTP_SINK_DEBUG=1 to log the SMTP conversation on stderr.

The server exits when its stdin closes, so it never outlives the test that started it.
"""

import argparse
import asyncio
import json
import logging
import os
import sys
import threading

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


def emit(record):
    sys.stdout.write(json.dumps(record) + "\n")
    sys.stdout.flush()


class Sink:
    def __init__(self, replies):
        self.replies = replies

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self.replies.get(address.lower())
        if reply is not None:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        emit(
            {
                "mail_from": envelope.mail_from,
                "rcpt_tos": envelope.rcpt_tos,
                "data": envelope.original_content.decode("latin-1"),
            }
        )
        return "250 Message accepted for delivery"


def authenticator_for(user, password):
    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == user.encode()
            and auth_data.password == password.encode()
        )
        # handled=False: aiosmtpd itself then answers 535 to a failure.
        return AuthResult(success=ok, handled=False)

    return authenticate


def exit_when_stdin_closes():
    while sys.stdin.buffer.read(4096):
        pass
    os._exit(0)


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--reply", action="append", default=[])
    parser.add_argument("--auth")
    options = parser.parse_args()
    if os.environ.get("NENCHO_SMTP_SINK_DEBUG"):
        logging.basicConfig(level=logging.DEBUG, stream=sys.stderr)

    replies = {}
    for entry in options.reply:
        address, reply = entry.split("=", 1)
        replies[address.lower()] = reply

    smtp_options = {}
    if options.auth is not None:
        user, password = options.auth.split(":", 1)
        smtp_options = {
            "authenticator": authenticator_for(user, password),
            "auth_required": True,
            "auth_require_tls": False,
        }

    handler = Sink(replies)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        # A fixed host name: the default asks DNS for this machine's FQDN, which can be slow.
        lambda: SMTP(handler, hostname="sink.localhost", **smtp_options),
        host="127.0.0.1",
        port=0,
    )
    threading.Thread(target=exit_when_stdin_closes, daemon=True).start()
    emit({"ready": True, "port": server.sockets[0].getsockname()[1]})
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
