"""Starting the application, and the request as the unit of work."""
from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select

from api import create_app
from engine.errors import Conflict, DefinitionError
from engine.models import ProcessDefinition, RateEvent
from tests.conftest import FIXTURES


def test_start_deploys_the_current_definitions(app, db, runtime):
    stored = db(lambda s: set(s.scalars(select(ProcessDefinition.content_hash))))
    assert stored == {d.content_hash for d in runtime.definitions.values()}


def test_a_broken_process_definition_stops_the_start(settings, tmp_path, db_engine):
    (tmp_path / "broken.bpmn").write_text((FIXTURES / "processes" / "sample_review.bpmn").read_text()
                                          .replace('name="Cơ quan thường trực"', 'name="Phòng không tên"'))
    with pytest.raises(DefinitionError):
        create_app(replace(settings, workflows_dir=tmp_path))


def test_an_error_response_rolls_back_what_the_handler_wrote(client, world, bearer, db, clock, monkeypatch):
    def write_then_refuse(ctx, **_kwargs: object) -> None:
        ctx.session.add(RateEvent(key="ghi-that-bai", at=clock.now()))
        ctx.session.flush()
        raise Conflict("Đã có thay đổi đồng thời.")

    monkeypatch.setattr("api.routes.units.list_units", write_then_refuse)
    response = client.get("/api/v1/units", headers=bearer(world.office))
    assert response.status_code == 409
    assert db(lambda s: s.scalar(select(func.count()).select_from(RateEvent))) == 0
