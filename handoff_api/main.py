"""``create_app(settings)``: the FastAPI application with its database, knowledge base and gateway."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from anyio import to_thread
from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker

from gateway.channels.install import install_channels
from gateway.messages import Gateway
from gateway.rasa_client import RasaClient
from guichet.city_facts import CityContacts
from guichet.contract.log_filter import install_log_redaction
from guichet.crud.agents import ensure_departments
from guichet.db import make_engine, make_session_factory, one_instance_at_a_time, session_scope
from guichet.events import EventBus, bind_to_sessions
from guichet.metrics import Metrics, StageTimingMiddleware
from guichet.migrate import upgrade
from guichet.opening_hours import OpeningHours
from guichet.security import limit_hashing
from guichet.settings import Settings
from handoff_api import error_schema, webhooks
from handoff_api.body_limit import BodySizeLimit
from handoff_api.client_address import TrustedProxies
from handoff_api.console import install as install_console
from handoff_api.errors import install_error_handlers
from handoff_api.presence import PresenceRegistry
from handoff_api.privacy.schedule import retention_task
from handoff_api.rate_limit import RateLimiter
from handoff_api.routers import admin as admin_router
from handoff_api.routers import admin_accounts as admin_accounts_router
from handoff_api.routers import api_docs, demo, handoffs, health, internal, webchat, webchat_stream, x_webhook
from handoff_api.routers import canned_replies as canned_router
from handoff_api.routers import events as events_router
from handoff_api.routers import journal as journal_router
from handoff_api.routers import kb as kb_router
from handoff_api.routers import kb_inbox as kb_inbox_router
from handoff_api.routers import me as me_router
from handoff_api.routers import metrics as metrics_router
from handoff_api.routers import presence as presence_router
from handoff_api.routers import privacy as privacy_router
from handoff_api.routers import webchat_feedback as webchat_feedback_router
from handoff_api.routers.stream_slots import StreamSlots
from handoff_api.routing_task import routing_task
from handoff_api.security_headers import SecurityHeadersMiddleware
from knowledge_base.types import SearchService

log = logging.getLogger("guichet.app")

KnowledgeBaseLoader = Callable[[Settings, sessionmaker[Session]], SearchService]


def default_loader(settings: Settings, factory: sessionmaker[Session]) -> SearchService:
    from knowledge_base.loader import load_knowledge_base

    return load_knowledge_base(settings, factory)


def create_app(settings: Settings, *, knowledge_base_loader: KnowledgeBaseLoader = default_loader,
               rasa: RasaClient | None = None) -> FastAPI:
    install_log_redaction()
    engine = make_engine(settings)
    factory = make_session_factory(engine)
    with one_instance_at_a_time(factory, "guichet:schema"):
        upgrade(engine)
        with session_scope(factory) as session:
            ensure_departments(session)
    hours = OpeningHours.parse(settings.opening_hours, settings.timezone, settings.holidays_subdiv)
    CityContacts.from_settings(settings)  # a bad GUICHET_CITY_* stops the start here, naming the variable
    events = EventBus()
    bind_to_sessions(events, factory)
    rasa_token = settings.rasa_token.get_secret_value() if settings.rasa_token else None
    rasa_client = rasa or RasaClient(settings.rasa_url, token=rasa_token, timeout=settings.rasa_timeout_seconds)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        events.bind(asyncio.get_running_loop())
        loading = asyncio.create_task(load_knowledge_base(app, knowledge_base_loader))
        background = [asyncio.create_task(task(app)) for task in app.state.background_tasks]
        yield
        for task in [loading, *background]:
            task.cancel()
        await rasa_client.aclose()
        engine.dispose()

    public_docs = settings.public_api_docs
    app = FastAPI(title="Guichet", version="0.1.0", lifespan=lifespan,
                  description="Citizen service: a French FAQ bot with human handoff.",
                  docs_url="/docs" if public_docs else None, redoc_url="/redoc" if public_docs else None,
                  openapi_url="/openapi.json" if public_docs else None)
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = factory
    app.state.hours = hours
    app.state.events = events
    app.state.presence = PresenceRegistry()
    app.state.rasa = rasa_client
    app.state.knowledge_base = None
    app.state.knowledge_base_error = None
    app.state.background_tasks = [retention_task, routing_task]
    app.state.metrics = Metrics(session_factory=factory)
    app.add_middleware(StageTimingMiddleware, metrics=app.state.metrics)
    keys = settings.rate_limit_max_keys
    app.state.message_limiter = RateLimiter(limit=settings.webchat_messages_per_minute, window_seconds=60,
                                            max_keys=keys)
    app.state.address_limiter = RateLimiter(limit=settings.webchat_address_messages_per_minute, window_seconds=60,
                                            max_keys=keys)
    app.state.conversation_limiter = RateLimiter(limit=settings.webchat_conversations_per_hour, window_seconds=3600,
                                                 max_keys=keys)
    app.state.stream_slots = StreamSlots(per_conversation=settings.sse_streams_per_conversation,
                                         per_address=settings.sse_streams_per_address,
                                         read_threads=settings.sse_read_threads)
    limit_hashing(concurrency=settings.password_hash_concurrency)
    app.state.gateway = Gateway(settings=settings, session_factory=factory, rasa=rasa_client, hours=hours,
                                events=events, metrics=app.state.metrics)
    install_channels(app)
    install_error_handlers(app)
    for module in (health, webchat, webchat_stream, handoffs, internal, x_webhook):
        app.include_router(module.router)
    for module in (metrics_router, privacy_router, journal_router, admin_router, events_router, kb_router,
                   kb_inbox_router):
        app.include_router(module.router)
    for module in (canned_router, presence_router, me_router, admin_accounts_router, webchat_feedback_router):
        app.include_router(module.router)
    if not public_docs:
        app.include_router(api_docs.router)
    error_schema.install(app)
    demo.install(app)
    install_console(app)
    webhooks.install(app)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(TrustedProxies, networks=settings.trusted_proxy_networks)
    app.add_middleware(SecurityHeadersMiddleware)  # outermost: on every response, a 413 included
    return app


async def load_knowledge_base(app: FastAPI, loader: KnowledgeBaseLoader) -> None:
    try:
        app.state.knowledge_base = await to_thread.run_sync(loader, app.state.settings, app.state.session_factory)
        log.info("knowledge base ready")
    except Exception as error:
        log.exception("knowledge base failed to load")
        app.state.knowledge_base_error = type(error).__name__  # the text is in the log, not in /api/health
