"""paused_gc: the collector is off inside, back on after, and nesting or an error does not leave it off."""

import gc

import pytest

from govtrust.core.memory import paused_gc


def test_the_collector_pauses_and_resumes_across_nesting_and_errors():
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer block still holds the pause
    assert gc.isenabled()
    with pytest.raises(ValueError), paused_gc():
        raise ValueError
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off():
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
