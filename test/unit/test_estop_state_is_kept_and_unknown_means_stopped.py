"""The e-stop is a state: the owner keeps who/why/since, release is explicit, replayed releases
are ignored, and an actuator is stopped until it has heard a recent "released"."""

from __future__ import annotations

import json
import math

import pytest

from terry.safety.estop import STALE_AFTER, EstopState, EstopStatus, EstopWatch


def test_an_actuator_is_stopped_until_it_hears_the_state():
    watch = EstopWatch()
    assert watch.stopped(0.0)
    assert "not heard yet" in watch.reason(0.0)
    assert watch.check(100.0) is None  # still stopped: nothing to report
    change = watch.heard(False, 1.0)
    assert change is not None and not change.stopped
    assert not watch.stopped(1.5)


def test_a_heard_engage_stops_and_only_a_heard_release_goes():
    watch = EstopWatch()
    watch.heard(False, 0.0)
    change = watch.heard(True, 0.5)
    assert change is not None and change.stopped and "engaged" in change.reason
    assert watch.heard(True, 1.0) is None
    assert watch.stopped(1.0)
    assert not watch.heard(False, 1.5).stopped


def test_a_silent_owner_means_stopped_and_hearing_it_again_goes():
    watch = EstopWatch()
    watch.heard(False, 0.0)
    assert watch.check(STALE_AFTER - 0.1) is None
    change = watch.check(STALE_AFTER + 0.1)
    assert change is not None and change.stopped and "silent" in change.reason
    assert watch.stopped(STALE_AFTER + 5.0)
    assert not watch.heard(False, 10.0).stopped


@pytest.mark.parametrize("stale_after", [0.0, -1.0, math.nan, math.inf])
def test_a_watch_refuses_a_meaningless_staleness(stale_after):
    with pytest.raises(ValueError, match="stale_after"):
        EstopWatch(stale_after)


def test_the_owner_keeps_who_why_and_since():
    state = EstopState.from_record(None, now=5.0)
    assert not state.status.engaged
    line = state.request(True, "/rostopic_1", "published true on /estop", now=7.0)
    assert "ENGAGED by /rostopic_1" in line
    assert state.request(True, "/dashboard", "again", now=8.0) is None  # first one stays
    assert state.status == EstopStatus(True, "/rostopic_1", "published true on /estop", 7.0)
    assert json.loads(state.status.as_json())["who"] == "/rostopic_1"


def test_a_replayed_release_is_ignored_and_a_fresh_one_releases():
    state = EstopState(EstopStatus(True, "/a", "x", 1.0))
    assert "ignored a replayed release" in state.request(False, "/old", "latched", 2.0, True)
    assert state.status.engaged
    assert "released by /new" in state.request(False, "/new", "published false", 3.0)
    assert not state.status.engaged


def test_a_restarted_owner_restores_the_stored_state():
    state = EstopState(EstopStatus(True, "/a", "why", 1.0))
    restored = EstopState.from_record(state.record(), now=50.0)
    assert restored.status == state.status


@pytest.mark.parametrize(
    "record",
    [{"engaged": "no"}, {"engaged": False, "who": 1, "why": "", "since": 0.0}, "junk", 3],
)
def test_an_unreadable_stored_state_starts_engaged(record):
    assert EstopState.from_record(record, now=1.0).status.engaged


def test_no_stored_state_starts_as_configured():
    assert EstopState.from_record(None, now=1.0, engaged=True).status.engaged
