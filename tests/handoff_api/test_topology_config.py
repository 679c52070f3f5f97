"""The topology's wiring: each instance calls the others through the balancer; HAProxy checks each role."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
import yaml

from guichet.settings import Settings
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


def test_every_instance_shares_the_rasa_token_and_the_actions_secret(tmp_path: Path) -> None:
    from handoff_api.stack import actions_secret, child_environment, rasa_endpoints, rasa_token

    made = topology(tmp_path)
    instances = [made.instance_settings(role, 7000 + index, index) for role in ("app", "rasa", "actions")
                 for index in range(2)]
    assert len({s.var_dir for s in instances}) == 6  # each instance its own var/, yet one secret of each kind
    assert len({rasa_token(s) for s in instances}) == 1 and len({actions_secret(s) for s in instances}) == 1
    assert len({child_environment(s)["GUICHET_SERVICE_TOKEN"] for s in instances}) == 1
    secret = actions_secret(instances[0])
    assert len(secret) >= 32 and secret != rasa_token(instances[0])
    for name in ("actions-secret", "rasa-token"):
        assert stat.S_IMODE((tmp_path / "topology" / name).stat().st_mode) == 0o600
    rasa = instances[2]
    endpoints = yaml.safe_load(rasa_endpoints(rasa).read_text())["action_endpoint"]
    assert endpoints == {"url": "http://127.0.0.1:9001/webhook", "headers": {"Authorization": f"Bearer {secret}"}}
