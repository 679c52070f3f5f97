"""Calibrated thresholds in the database (table kb_calibrations), the latest per model wins."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from handoff_api.models import Calibration
from knowledge_base.decision import Thresholds


def save_calibration(session: Session, *, model: str, thresholds: Thresholds,
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
