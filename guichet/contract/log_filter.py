"""Logs never hold a citizen's e-mail, phone, NIR, IBAN or address: a filter masks every record.

A filter on a logger sees only the records logged on that very logger, not those propagated from
its children; so ``install_log_redaction`` puts it on the root logger *and* on every handler that
exists when it runs (the root's handlers are where propagated records are written).

Rasa and the action server configure their logging themselves, adding handlers after start-up;
there ``install_record_redaction`` masks every record as it is made, whatever logger or handler
writes it.
"""

from __future__ import annotations

import logging

from guichet.contract.redact import redact


class RedactingFilter(logging.Filter):
    """Rewrites each record with its message (arguments merged in) and traceback redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "guichet_redacted", False):
            return True
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed format string: keep what can be kept
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        record.guichet_redacted = True
        return True


def _add_once(target: logging.Logger | logging.Handler) -> bool:
    if any(isinstance(existing, RedactingFilter) for existing in target.filters):
        return False
    target.addFilter(RedactingFilter())
    return True


def install_log_redaction() -> int:
    """Installs the filter on the root logger and every known handler; returns how many were added."""
    added = 0
    root = logging.getLogger()
    added += _add_once(root)
    handlers = list(root.handlers)
    for logger in list(logging.Logger.manager.loggerDict.values()):
        if isinstance(logger, logging.Logger):
            handlers.extend(logger.handlers)
    for handler in handlers:
        added += _add_once(handler)
    return added


def install_record_redaction() -> None:
    """Every log record of this process masked when it is created (idempotent)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "guichet_redacting", False):
        return
    masking = RedactingFilter()

    def make_record(*args: object, **kwargs: object) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        masking.filter(record)
        return record

    make_record.guichet_redacting = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(make_record)
