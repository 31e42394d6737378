"""terry.nav.amcl_map: the origin that makes amcl (cell i centred at origin + i cells) place
each cell where map_server's convention (cell i spans origin + [i, i + 1) cells) has it."""

from __future__ import annotations

import math

import pytest

from terry.nav.amcl_map import origin_for_amcl


def amcl_centre(origin: tuple[float, float], resolution: float, i: int, j: int):
    """Where amcl puts cell (i, j)'s centre (amcl/map/map.h MAP_WXGX, unrotated)."""
    return origin[0] + i * resolution, origin[1] + j * resolution


def test_amcl_then_puts_every_cell_centre_where_it_is():
    origin, resolution = (-3.0, -3.0), 0.05
    moved = origin_for_amcl(*origin, 0.0, resolution)
    for i, j in ((0, 0), (17, 120), (139, 3)):
        true_centre = (origin[0] + (i + 0.5) * resolution, origin[1] + (j + 0.5) * resolution)
        assert amcl_centre(moved, resolution, i, j) == pytest.approx(true_centre, abs=1e-12)
        assert amcl_centre(origin, resolution, i, j) != pytest.approx(true_centre, abs=0.02)


def test_a_rotated_origin_moves_along_the_grids_own_axes():
    x, y = origin_for_amcl(1.0, 2.0, math.pi / 2, 0.1)  # the grid's x axis points along map y
    assert (x, y) == pytest.approx((1.0 - 0.05, 2.0 + 0.05))


@pytest.mark.parametrize(
    "origin",
    [(0.0, 0.0, 0.0, 0.0), (0.0, 0.0, 0.0, -0.05), (math.nan, 0.0, 0.0, 0.05), (0, 0, math.inf, 1)],
)
def test_what_is_not_a_grid_is_refused(origin):
    with pytest.raises(ValueError, match="not a grid"):
        origin_for_amcl(*origin)
