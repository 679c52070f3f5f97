"""The topology's wiring: each instance calls the others through the balancer; HAProxy checks each role."""

from __future__ import annotations

from pathlib import Path

import pytest

from handoff_api.settings import Settings
from handoff_api.topology import Topology, TopologyError, haproxy_config


def topology(tmp_path: Path, database_url: str = "postgresql+psycopg://u:p@db/guichet") -> Topology:
    base = Settings(_env_file=None, var_dir=tmp_path, database_url=database_url, service_token="t")
    made = Topology(base, root=tmp_path / "topology", counts={"app": 2, "rasa": 2, "actions": 1},
                    fronts={"actions": 9001, "rasa": 9002, "app": 9003})
    made.redis_url = "redis://127.0.0.1:6390/0"
    return made


def test_instances_call_each_other_through_the_balancer(tmp_path: Path) -> None:
    made = topology(tmp_path)
    app, rasa, actions = (made.instance_settings(role, 7000, 1) for role in ("app", "rasa", "actions"))
    assert (app.port, app.rasa_url, app.resolved_actions_url) == (7000, "http://127.0.0.1:9002",
                                                                   "http://127.0.0.1:9001/webhook")
    assert (rasa.rasa_url, rasa.resolved_actions_url, rasa.redis_url) == (
        "http://127.0.0.1:7000", "http://127.0.0.1:9001/webhook", "redis://127.0.0.1:6390/0")
    assert rasa.resolved_tracker_store_url == "postgresql+psycopg://u:p@db/guichet"
    assert (actions.actions_port, actions.resolved_api_url) == (7000, "http://127.0.0.1:9003")
    assert {s.var_dir for s in (app, rasa, actions)} == {tmp_path / "topology" / n for n in ("app1", "rasa1",
                                                                                             "actions1")}
    assert app.service_token is not None and app.service_token.get_secret_value() == "t"


def test_haproxy_checks_each_role_and_never_replays_a_request(tmp_path: Path) -> None:
    config = haproxy_config(fronts={"app": 9003}, instances=[], socket_path=tmp_path / "s")
    assert "option httpchk GET /api/health/instance" in config and "bind 127.0.0.1:9003" in config
    assert "retry-on conn-failure" in config and "level admin" in config


def test_several_instances_need_postgresql(tmp_path: Path) -> None:
    with pytest.raises(TopologyError, match="GUICHET_DATABASE_URL"):
        topology(tmp_path, database_url="").start()
