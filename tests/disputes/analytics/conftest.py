"""The analytics scenario (see helpers.build_scenario) as a fixture."""

from __future__ import annotations

import pytest

from tests.disputes.analytics.helpers import Scenario, build_scenario


@pytest.fixture
def scenario(tenants) -> Scenario:
    return build_scenario(tenants)
