from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from guichet.contract.log_filter import RedactingFilter, install_log_redaction


@pytest.fixture
def stream() -> Iterator[io.StringIO]:
    """A handler on the root logger, as ``logging.basicConfig`` leaves one; removed afterwards."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(logging.Formatter("%(name)s %(message)s"))
    root = logging.getLogger()
    root.filters = [f for f in root.filters if not isinstance(f, RedactingFilter)]  # an app may have set it
    root.addHandler(handler)
    previous = root.level
    root.setLevel(logging.INFO)
    try:
        yield buffer
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)
        root.filters = [f for f in root.filters if not isinstance(f, RedactingFilter)]


def test_records_of_child_loggers_are_masked_with_their_arguments(stream: io.StringIO) -> None:
    assert install_log_redaction() >= 2  # the root logger and its handler
    assert install_log_redaction() == 0  # once only
    log = logging.getLogger("guichet.gateway.test")
    log.info("message from %s: %s", "jean@exemple.fr", "rappelez-moi au 06 12 34 56 78, 3 rue de la Paix")
    logging.getLogger().warning("NIR %s", "1 85 05 78 006 084 36")
    output = stream.getvalue()
    assert "jean@exemple.fr" not in output and "06 12 34 56 78" not in output and "rue de la Paix" not in output
    assert "message from [email]: rappelez-moi au [téléphone], [adresse]" in output
    assert "NIR [nir]" in output


def test_tracebacks_are_masked(stream: io.StringIO) -> None:
    install_log_redaction()
    try:
        raise ValueError("bad IBAN FR76 3000 6000 0112 3456 7890 189")
    except ValueError:
        logging.getLogger("guichet.test").exception("failed for %s", "a@b.fr")
    output = stream.getvalue()
    assert "FR76" not in output and "a@b.fr" not in output
    assert "ValueError: bad IBAN [iban]" in output and "failed for [email]" in output
