"""Calibrated decisions in the database (table kb_calibrations), the latest per model wins.

A calibration holds either a ``Rule`` (thresholds relative to the knowledge base, see ``adaptive``) or,
as older ones do, absolute ``Thresholds``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from guichet.models import Calibration
from knowledge_base.adaptive import Rule
from knowledge_base.decision import Thresholds


def save_calibration(session: Session, *, model: str, thresholds: Thresholds | Rule,
                     metrics: dict[str, Any] | None = None) -> Calibration:
    calibration = Calibration(model=model, thresholds=thresholds.as_dict(), metrics=metrics)
    session.add(calibration)
    session.flush()
    return calibration


def latest_calibration(session: Session, *, model: str) -> Calibration | None:
    return session.scalar(select(Calibration).where(Calibration.model == model).order_by(Calibration.id.desc())
                          .limit(1))


def latest_thresholds(session: Session, *, model: str) -> Thresholds | None:
    calibration = latest_calibration(session, model=model)
    if calibration is None:
        return None
    try:
        return Thresholds.from_dict(calibration.thresholds)
    except ValueError:
        return None


def latest_policy(session: Session, *, model: str) -> tuple[str, Rule | Thresholds] | None:
    """The latest calibration's rule (or absolute thresholds) and a name saying where it comes from."""
    calibration = latest_calibration(session, model=model)
    if calibration is None:
        return None
    try:
        return f"calibration {calibration.id}", Rule.from_dict(calibration.thresholds)
    except ValueError:
        pass
    try:
        return f"calibration {calibration.id} (absolute)", Thresholds.from_dict(calibration.thresholds)
    except ValueError:
        return None
