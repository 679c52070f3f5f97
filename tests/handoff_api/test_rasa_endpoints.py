"""Rasa's endpoints file from the settings: tracker store, lock store, action server and its headers."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
import yaml

from guichet.settings import Settings
from handoff_api.rasa_endpoints import EndpointsError, endpoints_config, rasa_tracker_url, write_endpoints


def make(tmp_path: Path, **values: object) -> Settings:
    return Settings(var_dir=tmp_path / "var", _env_file=None, **values)  # type: ignore[arg-type]


def test_make_run_keeps_trackers_in_an_sqlite_file_and_locks_in_memory(tmp_path: Path) -> None:
    config = endpoints_config(make(tmp_path, actions_port=6055))
    assert config == {
        "action_endpoint": {"url": "http://127.0.0.1:6055/webhook"},
        "tracker_store": {"type": "SQL", "url": f"sqlite:///{tmp_path / 'var' / 'rasa-trackers.db'}"},
        "lock_store": {"type": "in_memory"},
    }


def test_postgresql_is_shared_with_the_application_through_psycopg2(tmp_path: Path) -> None:
    settings = make(tmp_path, database_url="postgresql+psycopg://guichet:s3cret@db.ville:5433/guichet")
    assert settings.resolved_tracker_store_url == settings.database_url
    assert rasa_tracker_url(settings) == "postgresql+psycopg2://guichet:s3cret@db.ville:5433/guichet"
    own = make(tmp_path, database_url=settings.database_url, rasa_tracker_store_url="postgresql://r:p@h/rasa")
    assert rasa_tracker_url(own) == "postgresql+psycopg2://r:p@h/rasa"


def test_redis_lock_store_and_action_headers(tmp_path: Path) -> None:
    settings = make(tmp_path, redis_url="redis://:pw@10.0.0.5:6380/2", actions_url="http://lb:9000/webhook")
    config = endpoints_config(settings, action_headers={"X-Guichet-Actions": "k"})
    assert config["lock_store"] == {"type": "redis", "url": "10.0.0.5", "port": 6380, "db": 2,
                                    "key_prefix": "guichet", "password": "pw"}
    assert config["action_endpoint"] == {"url": "http://lb:9000/webhook", "headers": {"X-Guichet-Actions": "k"}}


@pytest.mark.parametrize(("values", "named"), [
    ({"redis_url": "http://host:6379"}, "GUICHET_REDIS_URL"),
    ({"redis_url": "redis://host:6379/zero"}, "'zero'"),
    ({"rasa_tracker_store_url": "mysql://u:p@h/db"}, "GUICHET_RASA_TRACKER_STORE_URL"),
])
def test_bad_values_are_named(tmp_path: Path, values: dict[str, str], named: str) -> None:
    with pytest.raises(EndpointsError, match=named):
        endpoints_config(make(tmp_path, **values))


def test_the_file_is_read_by_its_owner_only(tmp_path: Path) -> None:
    settings = make(tmp_path, database_url="postgresql+psycopg://guichet:s3cret@db/guichet")
    path = write_endpoints(settings, path=tmp_path / "var" / "rasa-endpoints.yml")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert yaml.safe_load(path.read_text()) == endpoints_config(settings)
