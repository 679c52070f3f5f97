"""One configuration for every Guichet process, read from ``GUICHET_*`` variables."""

from __future__ import annotations

from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEFAULT_OPENING_HOURS: dict[str, list[str]] = {
    "mon": ["08:30-17:30"],
    "tue": ["08:30-17:30"],
    "wed": ["08:30-17:30"],
    "thu": ["08:30-17:30"],
    "fri": ["08:30-17:30"],
    "sat": ["09:00-12:00"],
    "sun": [],
}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GUICHET_", env_file=".env", extra="ignore")

    city_name: str = "la Ville"
    # the town hall's own contacts, answered by the built-in FAQ entries (an admin's saved values win);
    # unset means unknown: the bot then says so and offers a person
    city_address: str | None = None
    city_phone: str | None = None
    city_email: str | None = None
    city_website: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    var_dir: Path = PROJECT_ROOT / "var"
    database_url: str = ""

    rasa_url: str = "http://127.0.0.1:5005"
    rasa_venv: Path = PROJECT_ROOT / ".venv-rasa"
    rasa_models_dir: Path | None = None
    actions_port: int = 5055
    actions_url: str = ""  # where Rasa calls the action server; default http://<internal_host>:<actions_port>/webhook
    api_url: str = ""
    service_token: SecretStr | None = None
    rasa_timeout_seconds: float = 10.0
    # Rasa's conversation state (its SQL tracker store, table ``events``): by default the application's
    # PostgreSQL database when it has one, else var/rasa-trackers.db; an SQLAlchemy URL to choose another
    rasa_tracker_store_url: str = ""
    # redis://[:password@]host:port/db for Rasa's lock store, needed as soon as more than one Rasa server
    # shares the tracker store; empty: each Rasa server locks in its own memory (one server only)
    redis_url: str = ""

    embedding_model: str = ""
    embedding_precision: Literal["auto", "float32", "bfloat16"] = "auto"
    faq_path: Path = PROJECT_ROOT / "knowledge_base" / "faq"
    seed_faq_on_start: bool = True

    timezone: str = "Europe/Paris"
    opening_hours: dict[str, list[str]] = Field(default_factory=lambda: dict(DEFAULT_OPENING_HOURS))
    holidays_subdiv: str | None = None
    first_response_hours: float = 8.0
    reopen_window_hours: float = 72.0
    silent_assignment_minutes: float = Field(default=30.0, gt=0)
    """Opening minutes an assigned handoff may wait for its agent's reply before going back to the queue."""
    feedback_window_minutes: float = Field(default=30.0, gt=0)
    """A short negative reply this soon after an automatic answer counts as feedback on it (docs/feedback.md)."""
    rating_window_hours: float = Field(default=72.0, gt=0)
    """A 👍/👎 reply this soon after the rating of a person's help was asked counts as that rating."""

    max_message_chars: int = 5000
    webchat_messages_per_minute: int = 30
    webchat_conversations_per_hour: int = 60
    webchat_address_messages_per_minute: int = 600
    session_secret: SecretStr | None = None

    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None

    x_api_url: str = "https://api.twitter.com"
    x_consumer_key: str | None = None
    x_consumer_secret: SecretStr | None = None
    x_access_token: str | None = None
    x_access_token_secret: SecretStr | None = None
    x_bearer_token: SecretStr | None = None
    x_poll_seconds: float = 60.0
    x_timeout_seconds: float = 10.0

    # Abuse limits (a public service on the Internet). Every per-address limit groups IPv6 clients by /64.
    # trusted_proxies: comma-separated addresses or networks (e.g. "127.0.0.1,10.0.0.0/8") whose
    # X-Forwarded-For is believed; none by default, so the connecting address is the client.
    trusted_proxies: str = ""
    rate_limit_max_keys: int = Field(default=100_000, ge=1)
    login_attempts_per_address: int = Field(default=10, ge=1)  # per minute
    login_attempts_per_account: int = Field(default=10, ge=1)  # per minute, whatever the address
    password_hash_concurrency: int = Field(default=2, ge=1)  # argon2 runs at once (64 MiB each)
    max_body_bytes: int = Field(default=1_048_576, ge=1024)  # larger request bodies get 413
    sse_streams_per_conversation: int = Field(default=4, ge=1)
    sse_streams_per_address: int = Field(default=20, ge=1)
    sse_read_threads: int = Field(default=4, ge=1)  # database reads of the event streams, apart from routes
    purge_chunk_size: int = Field(default=500, ge=1)  # conversations per retention statement

    # --- Mastodon and e-mail channels (gateway/channels/mastodon*.py, email*.py): each stays off, saying so once,
    # until its credentials are set. Mastodon: the instance's URL and an access token of the city's account
    # (scopes read:notifications read:statuses read:accounts write:statuses). E-mail: the mailbox the city gives
    # Guichet, read by IMAP, answered by SMTP; security is "ssl" (implicit TLS), "starttls" or "plain" (tests).
    mastodon_api_url: str | None = None
    mastodon_access_token: SecretStr | None = None
    mastodon_poll_seconds: float = 60.0
    mastodon_timeout_seconds: float = 10.0
    email_address: str | None = None
    email_display_name: str = ""
    email_imap_host: str | None = None
    email_imap_port: int = 993
    email_imap_security: Literal["ssl", "starttls", "plain"] = "ssl"
    email_imap_user: str | None = None
    email_imap_password: SecretStr | None = None
    email_imap_folder: str = "INBOX"
    email_smtp_host: str | None = None
    email_smtp_port: int = 587
    email_smtp_security: Literal["ssl", "starttls", "plain"] = "starttls"
    email_smtp_user: str | None = None
    email_smtp_password: SecretStr | None = None
    email_poll_seconds: float = 60.0
    email_timeout_seconds: float = 30.0
    email_attachments_dir: Path | None = None  # default: VAR_DIR/mail

    outbox_max_attempts: int = 8
    # an inbound message whose processing failed this many times is given up: recovery stops retrying it,
    # a handoff is opened for it if possible, and the console's queue page lists it
    inbound_max_attempts: int = Field(default=5, ge=1)
    bot_retention_days: int = 30
    retention_days: int = 365

    # Hardening (docs/security.md): who may reach what, and the secrets between the processes.
    # Where Rasa and the action server listen; another address only for a multi-host deployment.
    internal_host: str = "127.0.0.1"
    # Rasa -> action server (Authorization: Bearer), Rasa's --auth-token: var/ files (0600) when unset.
    actions_secret: SecretStr | None = None
    rasa_token: SecretStr | None = None
    # Console cookies: Secure always (true), never (false, plain http only), or when the request came by https.
    cookie_secure: bool | None = None
    # /docs, /redoc, /openapi.json: public, or for signed-in staff (a console session or an API token) only.
    public_api_docs: bool = True
    # /metrics: public when unset; else it needs "Authorization: Bearer <metrics_token>" (or an admin).
    metrics_token: SecretStr | None = None
    # /api/health to anonymous callers: components (true) or the overall status only (false).
    public_health_details: bool = True
    # The web chat's event stream opens with a ticket valid this long, not with the conversation token.
    stream_ticket_seconds: int = Field(default=60, ge=5, le=3600)
    # Audit-log rows (logins, failed logins by hashed name, admin actions) are deleted after this.
    audit_retention_days: int = Field(default=365, ge=1)

    @field_validator("var_dir")
    @classmethod
    def _absolute_var_dir(cls, value: Path) -> Path:
        return value.resolve()

    @field_validator("trusted_proxies")
    @classmethod
    def _valid_proxies(cls, value: str) -> str:
        for item in filter(None, (part.strip() for part in value.split(","))):
            try:
                ip_network(item, strict=False)
            except ValueError as error:
                raise ValueError(f"GUICHET_TRUSTED_PROXIES: {item!r} is not an address or network ({error})") from None
        return value

    @property
    def trusted_proxy_networks(self) -> list[IPv4Network | IPv6Network]:
        return [ip_network(part.strip(), strict=False) for part in self.trusted_proxies.split(",") if part.strip()]

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.var_dir / 'guichet.db'}"

    @property
    def resolved_actions_url(self) -> str:
        return self.actions_url or f"http://{self.internal_host}:{self.actions_port}/webhook"

    @property
    def resolved_tracker_store_url(self) -> str:
        if self.rasa_tracker_store_url:
            return self.rasa_tracker_store_url
        if self.resolved_database_url.startswith("postgresql"):
            return self.resolved_database_url
        return f"sqlite:///{self.var_dir / 'rasa-trackers.db'}"

    @property
    def resolved_rasa_models_dir(self) -> Path:
        return self.rasa_models_dir or self.var_dir / "rasa-models"

    @property
    def resolved_api_url(self) -> str:
        return self.api_url or f"http://{self.host}:{self.port}"

    @property
    def resolved_embedding_model(self) -> str:
        return self.embedding_model or str(self.var_dir / "models" / "multilingual-e5-small")

    @property
    def x_enabled(self) -> bool:
        return self.x_missing_credentials() == []

    def x_missing_credentials(self) -> list[str]:
        if self.x_bearer_token is not None:
            return []
        names = {
            "GUICHET_X_CONSUMER_KEY": self.x_consumer_key,
            "GUICHET_X_CONSUMER_SECRET": self.x_consumer_secret,
            "GUICHET_X_ACCESS_TOKEN": self.x_access_token,
            "GUICHET_X_ACCESS_TOKEN_SECRET": self.x_access_token_secret,
        }
        return [name for name, value in names.items() if value is None]

    @property
    def mastodon_enabled(self) -> bool:
        return self.mastodon_missing_credentials() == []

    def mastodon_missing_credentials(self) -> list[str]:
        names = {"GUICHET_MASTODON_API_URL": self.mastodon_api_url,
                 "GUICHET_MASTODON_ACCESS_TOKEN": self.mastodon_access_token}
        return [name for name, value in names.items() if value is None]

    @property
    def email_enabled(self) -> bool:
        return self.email_missing_settings() == []

    def email_missing_settings(self) -> list[str]:
        names = {"GUICHET_EMAIL_ADDRESS": self.email_address, "GUICHET_EMAIL_IMAP_HOST": self.email_imap_host,
                 "GUICHET_EMAIL_IMAP_USER": self.email_imap_user,
                 "GUICHET_EMAIL_IMAP_PASSWORD": self.email_imap_password,
                 "GUICHET_EMAIL_SMTP_HOST": self.email_smtp_host}
        return [name for name, value in names.items() if value is None]

    @property
    def resolved_email_attachments_dir(self) -> Path:
        return self.email_attachments_dir or self.var_dir / "mail"
