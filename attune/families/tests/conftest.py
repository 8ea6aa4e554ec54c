from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from attune.families.testing import Family
    from attune.testing import SchoolWorld


@pytest.fixture
def family(world: SchoolWorld) -> Family:
    from attune.families.testing import maya_family

    return maya_family(world)
