"""Real mail servers for the e-mail channel tests: Dovecot (IMAP, from Debian) and aiosmtpd (SMTP, capturing).

Dovecot runs from a configuration written in a fresh directory: one passwd-file user, plaintext login on
127.0.0.1, Maildir storage. As root its login process runs as Debian's ``dovenull`` and the mail as ``dovecot``;
as another user everything runs as that user. Without Dovecot the tests skip, except under CI (``CI`` set),
where they fail: ``scripts/system-deps.sh`` installs it.
"""

from __future__ import annotations

import grp
import imaplib
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from imap_tools import MailboxLoginError, MailBoxUnencrypted

from testing.live import free_port
from testing.needs import unavailable

DOVECOT = Path("/usr/sbin/dovecot")
USER, PASSWORD = "guichet@ville.test", "imap-secret"
SMTP_USER, SMTP_PASSWORD = "guichet", "smtp-secret"


def require_dovecot() -> None:
    if DOVECOT.exists():
        return
    message = "Dovecot is not installed (apt-get install -y dovecot-imapd, see scripts/system-deps.sh)"
    unavailable(message)


@dataclass
class Imap:
    host: str
    port: int
    user: str = USER
    password: str = PASSWORD

    def deliver(self, raw: bytes, *, folder: str = "INBOX") -> None:
        """Puts a mail in the mailbox, as the city's mail server would (IMAP APPEND)."""
        with MailBoxUnencrypted(self.host, self.port).login(self.user, self.password) as box:
            box.append(raw, folder)


def dovecot_config(folder: Path, port: int) -> str:
    if os.geteuid() == 0:
        mail = pwd.getpwnam("dovecot")
        internal, login, uid, gid = "dovecot", "dovenull", mail.pw_uid, mail.pw_gid
        os.chown(folder / "mail", uid, gid)
    else:
        me = pwd.getpwuid(os.geteuid())
        internal, login, uid, gid = me.pw_name, me.pw_name, me.pw_uid, me.pw_gid
    group = grp.getgrgid(gid).gr_name
    return f"""
base_dir = {folder}/run
state_dir = {folder}/state
log_path = {folder}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal}
default_internal_group = {group}
default_login_user = {login}
first_valid_uid = 0
mail_location = maildir:{folder}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {folder}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={folder}/mail/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""


@contextmanager
def dovecot() -> Iterator[Imap]:
    require_dovecot()
    folder = Path(tempfile.mkdtemp(prefix="guichet-dovecot-"))
    folder.chmod(0o755)  # the login process (another user when root) reaches its sockets through it
    (folder / "mail").mkdir()
    port = free_port()
    config = folder / "dovecot.conf"
    config.write_text(dovecot_config(folder, port))
    (folder / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    with open(folder / "start.log", "wb") as output:  # dovecot forks: its children keep a pipe open forever
        started = subprocess.run([str(DOVECOT), "-c", str(config)], stdout=output, stderr=output, check=False)
    if started.returncode != 0:
        raise RuntimeError(f"dovecot did not start: {(folder / 'start.log').read_text()}")
    imap = Imap(host="127.0.0.1", port=port)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with MailBoxUnencrypted(imap.host, imap.port).login(imap.user, imap.password):
                    break
            except (OSError, MailboxLoginError, imaplib.IMAP4.error):
                if time.monotonic() > deadline:
                    log = (folder / "dovecot.log").read_text() if (folder / "dovecot.log").exists() else ""
                    raise RuntimeError(f"dovecot on port {port} does not answer: {log}") from None
                time.sleep(0.1)
        yield imap
    finally:
        pid_file = folder / "run" / "master.pid"
        if pid_file.exists():
            os.kill(int(pid_file.read_text().strip()), signal.SIGTERM)
            time.sleep(0.3)
        shutil.rmtree(folder, ignore_errors=True)


@dataclass
class Captured:
    """What the SMTP server received: envelopes and parsed messages, in order."""

    mails: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    refuse: dict[str, int] = field(default_factory=dict)  # recipient -> SMTP code to answer RCPT with
    lock: threading.Lock = field(default_factory=threading.Lock)


class Handler:
    def __init__(self, captured: Captured):
        self.captured = captured

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        code = self.captured.refuse.get(address.lower())
        if code is not None:
            return f"{code} {'5.1.1 no such user' if code >= 500 else '4.2.1 try again later'}"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        mail = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        assert isinstance(mail, EmailMessage)
        with self.captured.lock:
            self.captured.mails.append(mail)
            self.captured.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted"


def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        SMTP_USER.encode(), SMTP_PASSWORD.encode())
    return AuthResult(success=ok)


@contextmanager
def smtp_server() -> Iterator[tuple[int, Captured]]:
    """aiosmtpd on 127.0.0.1, asking for a login (without TLS: tests only)."""
    captured = Captured()
    port = free_port()
    controller = Controller(Handler(captured), hostname="127.0.0.1", port=port, authenticator=authenticate,
                            auth_require_tls=False, auth_required=True)  # plaintext AUTH: loopback tests only
    controller.start()
    try:
        yield port, captured
    finally:
        controller.stop()
