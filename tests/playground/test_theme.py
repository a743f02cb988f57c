"""Colour maps: numbers in, RGBA out, with the meaning the views rely on."""

from __future__ import annotations

import numpy as np
import pytest

from playground import theme


def brightness(rgba: np.ndarray) -> np.ndarray:
    return np.asarray(rgba, dtype=float)[..., :3] @ np.array([0.299, 0.587, 0.114])


def test_rgb_parses_hex():
    assert theme.rgb("#f39c3d") == (0xF3, 0x9C, 0x3D)
    assert theme.rgb("3d9cf3") == (0x3D, 0x9C, 0xF3)


def test_ramp_hits_its_stops_and_blends_linearly():
    table = theme.ramp(((0.0, "#000000"), (1.0, "#ff8000")), n=5)
    assert table.dtype == np.uint8 and table.shape == (5, 4)
    np.testing.assert_array_equal(table[0], [0, 0, 0, 255])
    np.testing.assert_array_equal(table[-1], [255, 128, 0, 255])
    np.testing.assert_array_equal(table[2], [128, 64, 0, 255])  # halfway: half of each channel


def test_sequential_goes_from_dark_to_bright_monotonically():
    values = np.linspace(0, 1, 50)
    colours = theme.sequential(values)
    assert colours.shape == (50, 4)
    b = brightness(colours)
    assert np.all(np.diff(b) >= 0) and b[-1] - b[0] > 200
    np.testing.assert_array_equal(colours[0, :3], theme.rgb(theme.SEQUENTIAL_STOPS[0][1]))
    np.testing.assert_array_equal(colours[-1, :3], [255, 255, 255])


def test_sequential_respects_its_range_and_clips():
    np.testing.assert_array_equal(theme.sequential([2.0], lo=2.0, hi=4.0), theme.sequential([0.0]))
    np.testing.assert_array_equal(theme.sequential([9.0], lo=2.0, hi=4.0), theme.sequential([1.0]))
    np.testing.assert_array_equal(theme.sequential([-3.0]), theme.sequential([0.0]))


def test_diverging_is_dark_at_zero_and_takes_the_sign_hues():
    zero, pos, neg = theme.diverging([0.0, 0.6, -0.6], limit=1.0)
    np.testing.assert_array_equal(zero[:3], theme.rgb(theme.ZERO))
    assert pos[0] > pos[2]  # warm: more red than blue
    assert neg[2] > neg[0]  # cool: more blue than red
    assert brightness(pos) > brightness(zero) and brightness(neg) > brightness(zero)
    # at ±0.6 of the limit the map passes the theme's own POSITIVE / NEGATIVE colours
    np.testing.assert_allclose(theme.diverging([0.6], 1.0)[0, :3], theme.rgb(theme.POSITIVE), atol=3)
    np.testing.assert_allclose(theme.diverging([-0.6], 1.0)[0, :3], theme.rgb(theme.NEGATIVE), atol=3)


def test_diverging_scales_by_its_limit_and_survives_nan():
    np.testing.assert_array_equal(theme.diverging([3.0], limit=5.0), theme.diverging([0.6], limit=1.0))
    np.testing.assert_array_equal(theme.diverging([50.0], 1.0), theme.diverging([1.0], 1.0))
    nan = theme.diverging([np.nan])
    np.testing.assert_array_equal(nan, theme.diverging([0.0]))


def test_maps_keep_the_input_shape():
    assert theme.diverging(np.zeros((28, 28))).shape == (28, 28, 4)
    assert theme.sequential(np.zeros((3, 2))).shape == (3, 2, 4)


@pytest.mark.parametrize("x, expected", [(0.3, 0.5), (1.0, 1.0), (1.2, 2.0), (4.9, 5.0), (7.0, 10.0),
                                         (0.004, 0.005), (0.0, 1.0), (float("inf"), 1.0), (-3.0, 1.0)])
def test_nice_limit(x, expected):
    assert theme.nice_limit(x) == pytest.approx(expected)


def test_activation_scale_picks_the_map_by_meaning():
    assert theme.activation_scale("sigmoid") == ("sequential", 0.0, 1.0)
    assert theme.activation_scale("softmax") == ("sequential", 0.0, 1.0)
    assert theme.activation_scale("tanh", [5.0]) == ("diverging", -1.0, 1.0)
    assert theme.activation_scale("relu", np.array([0.0, 3.2])) == ("sequential", 0.0, 5.0)  # never negative
    assert theme.activation_scale("linear", np.array([-0.2, 0.1])) == ("diverging", -1.0, 1.0)
    np.testing.assert_array_equal(theme.colorize("sequential", 0.0, 1.0, [0.25]), theme.sequential([0.25]))
    np.testing.assert_array_equal(theme.colorize("diverging", -5.0, 5.0, [2.5]), theme.diverging([0.5]))


def test_edge_colours_show_sign_by_hue_and_size_by_brightness():
    c = theme.edge_rgb(np.array([0.1, 1.0, -0.1, -1.0, 0.0]), limit=1.0).astype(int)
    np.testing.assert_array_equal(c[1], theme.rgb(theme.POSITIVE))  # full size: the pure hue
    np.testing.assert_array_equal(c[3], theme.rgb(theme.NEGATIVE))
    assert c[0][0] > c[0][2] and c[2][2] > c[2][0]  # small ones keep their hue...
    assert brightness(c[0]) < brightness(c[1]) and brightness(c[2]) < brightness(c[3])  # ...but fainter
    background = np.array(theme.rgb(theme.BACKGROUND))
    # zero weight: 15% of the hue over the background; fade 0: the background itself
    np.testing.assert_allclose(c[4], 0.15 * np.array(theme.rgb(theme.POSITIVE)) + 0.85 * background, atol=1)
    np.testing.assert_array_equal(theme.edge_rgb([2.0], 1.0, fade=0.0)[0], background)
    np.testing.assert_array_equal(theme.edge_rgb([2.0], 4.0), theme.edge_rgb([0.5], 1.0))


def test_boundary_lut_runs_blue_to_orange_through_dark():
    lut = theme.boundary_lut()
    assert lut.shape == (256, 4)
    low, mid, high = lut[0], lut[128], lut[-1]
    assert low[2] > low[0] and high[0] > high[2]
    assert brightness(mid) < brightness(low) and brightness(mid) < brightness(high)
