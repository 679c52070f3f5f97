"""The production layout on one machine: N application instances, M Rasa servers and K action servers,
each role behind HAProxy, with PostgreSQL (given) and Redis (started here unless given).

Every instance is a ``Stack`` running one role, as ``guichet run --only <role>`` does on its own host;
the balancer's three front ends are what the instances call each other through (the application
calls Rasa, Rasa calls the actions, the actions call the application). HAProxy checks each instance
(``health`` below) and its admin socket takes one out of its pool, so an instance is restarted only
once its requests in flight are answered (``drain``). docs/deployment.md describes the layout.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx
from pydantic import SecretStr

from guichet.settings import Settings
from handoff_api.stack import ROLES, Stack, StackError, configured_or_stored

# The secrets every instance of a role must agree on (docs/security.md): given in the settings, else made
# once in the topology's directory (0600), not in each instance's own var/.
SHARED_SECRETS = ("service_token", "actions_secret", "rasa_token")

HEALTH = {"app": "/api/health/instance", "rasa": "/", "actions": "/health"}  # what HAProxy checks


class TopologyError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def executable(name: str, package: str) -> str:
    path = shutil.which(name) or (f"/usr/sbin/{name}" if Path(f"/usr/sbin/{name}").exists() else None)
    if path is None:
        raise TopologyError(f"{name} is not installed: apt-get install {package} (scripts/system-deps.sh)")
    return path


@dataclass
class Instance:
    role: str
    index: int
    port: int
    stack: Stack

    @property
    def name(self) -> str:
        return f"{self.role}{self.index}"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def haproxy_config(*, fronts: dict[str, int], instances: list[Instance], socket_path: Path) -> str:
    """Round robin per role. An instance is out after three failed checks a second apart, in again after one
    success; a check may take 5 s (a busy Rasa answers slowly but is not dead: a dead one refuses the
    connection at once, and its requests go to another instance)."""
    lines = ["global", "    maxconn 4096", f"    stats socket {socket_path} mode 600 level admin", "",
             "defaults", "    mode http", "    timeout connect 2s", "    timeout client 120s",
             "    timeout server 120s", "    timeout http-keep-alive 2s", "    timeout check 5s",
             # a request is sent again, to another instance, only when no connection could be made: a
             # request that reached an instance is never replayed (it may have been processed)
             "    retries 3", "    option redispatch 1", "    retry-on conn-failure", ""]
    for role, port in fronts.items():
        lines += [f"frontend {role}", f"    bind 127.0.0.1:{port}", "    option forwardfor",
                  f"    default_backend {role}s", "",
                  f"backend {role}s", "    balance roundrobin", f"    option httpchk GET {HEALTH[role]}",
                  "    http-check expect status 200"]
        lines += [f"    server {i.name} 127.0.0.1:{i.port} check inter 1s fall 3 rise 1"
                  for i in instances if i.role == role]
        lines.append("")
    return "\n".join(lines)


@dataclass
class Topology:
    base: Settings
    root: Path
    counts: dict[str, int]
    fronts: dict[str, int] = field(default_factory=lambda: {role: free_port() for role in ROLES})
    instances: list[Instance] = field(default_factory=list)
    services: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    redis_url: str = ""
    _files: list[IO[bytes]] = field(default_factory=list)

    def front(self, role: str) -> str:
        return f"http://127.0.0.1:{self.fronts[role]}"

    @property
    def app_url(self) -> str:
        return self.front("app")

    def instance_settings(self, role: str, port: int, index: int) -> Settings:
        values = {name: getattr(self.base, name) for name in self.base.model_fields_set}
        values.update({name: SecretStr(self.shared_secret(name)) for name in SHARED_SECRETS})
        values.update(var_dir=self.root / f"{role}{index}", redis_url=self.redis_url,
                      rasa_url=self.front("rasa"), actions_url=f"{self.front('actions')}/webhook",
                      api_url=self.front("app"), trusted_proxies="127.0.0.1")
        if role == "app":
            values["port"] = port
        elif role == "rasa":
            values["rasa_url"] = f"http://127.0.0.1:{port}"
        else:
            values["actions_port"] = port
        return Settings(_env_file=None, **values)

    def shared_secret(self, name: str) -> str:
        """One value for every instance: Rasa servers share one --auth-token, action servers one secret."""
        value: SecretStr | None = getattr(self.base, name)
        return configured_or_stored(value, self.root / name.replace("_", "-"))

    def _service(self, name: str, command: list[str]) -> None:
        log = (self.root / f"{name}.log").open("ab")
        self._files.append(log)
        self.services[name] = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def start(self) -> None:
        if not self.base.resolved_database_url.startswith("postgresql"):
            raise TopologyError(f"GUICHET_DATABASE_URL: {self.base.database_url!r}: several instances need PostgreSQL")
        self.root.mkdir(parents=True, exist_ok=True)
        self.redis_url = self.base.redis_url
        if not self.redis_url:
            port = free_port()
            self._service("redis", [executable("redis-server", "redis-server"), "--port", str(port), "--bind",
                                    "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(self.root)])
            self.redis_url = f"redis://127.0.0.1:{port}/0"
        for role in ROLES:
            for index in range(self.counts.get(role, 1)):
                port = free_port()
                settings = self.instance_settings(role, port, index)
                self.instances.append(Instance(role, index, port, Stack(settings, logs=settings.var_dir / "logs")))
        config = self.root / "haproxy.cfg"
        config.write_text(haproxy_config(fronts=self.fronts, instances=self.instances,
                                         socket_path=self.root / "haproxy.sock"))
        self._service("haproxy", [executable("haproxy", "haproxy"), "-db", "-f", str(config)])
        for instance in self.instances:
            instance.stack.start(roles=(instance.role,))

    def instance(self, role: str, index: int) -> Instance:
        return next(i for i in self.instances if i.role == role and i.index == index)

    def healthy(self, instance: Instance) -> bool:
        process = instance.stack.processes[instance.role]
        if process.poll() is not None:
            raise StackError(f"{instance.name} exited with code {process.returncode}; see {instance.stack.logs}")
        try:
            return httpx.get(instance.url + HEALTH[instance.role], timeout=5).status_code == 200
        except httpx.HTTPError:
            return False

    def wait_ready(self, *, timeout: float = 600.0, instances: list[Instance] | None = None) -> None:
        """Every instance healthy and in its balancer pool."""
        deadline = time.monotonic() + timeout
        waiting = list(instances or self.instances)
        while waiting:
            for name, service in self.services.items():
                if service.poll() is not None:
                    raise TopologyError(f"{name} exited with code {service.returncode}; see {self.root}/{name}.log")
            waiting = [i for i in waiting if not (self.healthy(i) and self.pool_state(i) == "UP")]
            if waiting and time.monotonic() > deadline:
                names = [i.name for i in waiting]
                raise TopologyError(f"not ready after {timeout:.0f} s: {names}; logs in {self.root}")
            time.sleep(0.5)

    def admin(self, command: str) -> str:
        """A command to HAProxy's admin socket, its answer."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.connect(str(self.root / "haproxy.sock"))
            sock.sendall(command.encode() + b"\n")
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks).decode()

    def _stat(self, instance: Instance) -> dict[str, str]:
        lines = self.admin("show stat").lstrip("# ").splitlines()
        header = lines[0].split(",")
        for line in lines[1:]:
            row = dict(zip(header, line.split(","), strict=False))
            if row.get("pxname") == f"{instance.role}s" and row.get("svname") == instance.name:
                return row
        raise TopologyError(f"HAProxy has no server {instance.role}s/{instance.name}")

    def pool_state(self, instance: Instance) -> str:
        return self._stat(instance)["status"]

    def kill(self, role: str, index: int) -> None:
        """SIGKILL, then started again (what a supervisor does); ``wait_ready`` waits for it."""
        instance = self.instance(role, index)
        instance.stack.kill(role)
        instance.stack.restart(role)

    def drain(self, instance: Instance, *, timeout: float = 60.0) -> None:
        """Out of the balancer's pool; returns once the requests it was serving are answered."""
        self.admin(f"set server {instance.role}s/{instance.name} state maint")
        deadline = time.monotonic() + timeout
        while int(self._stat(instance)["scur"] or 0) > 0:
            if time.monotonic() > deadline:
                raise TopologyError(f"{instance.name} still serving after {timeout:.0f} s")
            time.sleep(0.1)

    def rolling_restart(self, role: str, index: int, *, timeout: float = 600.0) -> None:
        """Drained, stopped (SIGTERM: it finishes what it holds), started, ready, back in the pool."""
        instance = self.instance(role, index)
        self.drain(instance)
        instance.stack.restart(role)
        deadline = time.monotonic() + timeout
        while not self.healthy(instance):
            if time.monotonic() > deadline:
                raise TopologyError(f"{instance.name} not healthy {timeout:.0f} s after its restart")
            time.sleep(0.5)
        self.admin(f"set server {role}s/{instance.name} state ready")
        self.wait_ready(instances=[instance], timeout=timeout)

    def stop(self) -> None:
        for instance in reversed(self.instances):
            instance.stack.stop()
        for service in self.services.values():
            if service.poll() is None:
                service.terminate()
                try:
                    service.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    service.kill()
                    service.wait()
        for log in self._files:
            log.close()
