"""A small IMAP4rev1 server on loopback for the poller's tests: one user, one mailbox, the commands
imaplib uses for LOGIN, SELECT, UID SEARCH UNSEEN, UID FETCH BODY.PEEK[], UID STORE +FLAGS, LOGOUT."""

import re
import socketserver
import threading
from dataclasses import dataclass, field


@dataclass
class Mail:
    uid: int
    raw: bytes
    flags: set[str] = field(default_factory=set)


class Mailbox:
    def __init__(self, user: str, password: str, name: str = "INBOX") -> None:
        self.user, self.password, self.name = user, password, name
        self.mails: list[Mail] = []
        self.commands: list[str] = []
        self._lock = threading.Lock()

    def deliver(self, raw: bytes) -> int:
        with self._lock:
            uid = len(self.mails) + 1
            self.mails.append(Mail(uid, raw))
            return uid

    def seen(self) -> list[int]:
        return [m.uid for m in self.mails if "\\Seen" in m.flags]


def _args(line: str) -> list[str]:
    return [
        a[1:-1].replace('\\"', '"') if a.startswith('"') else a
        for a in re.findall(r'"(?:\\.|[^"])*"|\S+', line)
    ]


class _Handler(socketserver.StreamRequestHandler):
    mailbox: Mailbox

    def send(self, text: str | bytes) -> None:
        self.wfile.write(text if isinstance(text, bytes) else text.encode())

    def handle(self) -> None:
        box = self.server.mailbox
        self.send("* OK [CAPABILITY IMAP4rev1] loopback IMAP ready\r\n")
        authenticated = False
        while line := self.rfile.readline():
            tag, _, rest = line.decode().rstrip("\r\n").partition(" ")
            command, _, arguments = rest.partition(" ")
            command = command.upper()
            box.commands.append(command if command != "UID" else f"UID {arguments.split(' ')[0].upper()}")
            if command == "CAPABILITY":
                self.send(f"* CAPABILITY IMAP4rev1\r\n{tag} OK CAPABILITY completed\r\n")
            elif command == "LOGIN":
                user, password = _args(arguments)[:2]
                authenticated = (user, password) == (box.user, box.password)
                self.send(
                    f"{tag} OK LOGIN completed\r\n"
                    if authenticated
                    else f"{tag} NO [AUTHENTICATIONFAILED]\r\n"
                )
            elif not authenticated and command != "LOGOUT":
                self.send(f"{tag} BAD log in first\r\n")
            elif command == "SELECT":
                if _args(arguments)[0] != box.name:
                    self.send(f"{tag} NO no such mailbox\r\n")
                    continue
                self.send(
                    f"* {len(box.mails)} EXISTS\r\n* 0 RECENT\r\n* FLAGS (\\Seen \\Flagged)\r\n"
                    f"{tag} OK [READ-WRITE] SELECT completed\r\n"
                )
            elif command == "UID":
                self.uid(tag, arguments, box)
            elif command == "LOGOUT":
                self.send(f"* BYE logging out\r\n{tag} OK LOGOUT completed\r\n")
                return
            else:
                self.send(f"{tag} BAD unknown command\r\n")

    def uid(self, tag: str, arguments: str, box: Mailbox) -> None:
        sub, _, rest = arguments.partition(" ")
        sub = sub.upper()
        if sub == "SEARCH":
            uids = (
                [str(m.uid) for m in box.mails if "\\Seen" not in m.flags] if "UNSEEN" in rest.upper() else []
            )
            self.send(
                f"* SEARCH {' '.join(uids)}\r\n{tag} OK SEARCH completed\r\n".replace("SEARCH \r", "SEARCH\r")
            )
        elif sub == "FETCH":
            uid = int(rest.split(" ")[0])
            mail = next((m for m in box.mails if m.uid == uid), None)
            if mail is not None:
                seq = box.mails.index(mail) + 1
                self.send(
                    f"* {seq} FETCH (UID {uid} BODY[] {{{len(mail.raw)}}}\r\n".encode() + mail.raw + b")\r\n"
                )
            self.send(f"{tag} OK FETCH completed\r\n")
        elif sub == "STORE":
            uid_text, mode, flags = rest.split(" ", 2)
            mail = next((m for m in box.mails if m.uid == int(uid_text)), None)
            if mail is not None and mode.upper() == "+FLAGS":
                mail.flags.update(flags.strip("()").split())
                seq = box.mails.index(mail) + 1
                self.send(f"* {seq} FETCH (UID {mail.uid} FLAGS ({' '.join(sorted(mail.flags))}))\r\n")
            self.send(f"{tag} OK STORE completed\r\n")
        else:
            self.send(f"{tag} BAD unknown UID command\r\n")


class ImapServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, mailbox: Mailbox) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.mailbox = mailbox

    @property
    def port(self) -> int:
        return self.server_address[1]

    def __enter__(self):
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()
        self.server_close()
