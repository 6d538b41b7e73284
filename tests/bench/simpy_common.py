"""SimPy, whichever major version is installed, for capsim's benchmarks.

Debian bookworm's python3-simpy is SimPy 2.3 (module SimPy.Simulation, the
process-class API with `yield hold, self, t`); pip's simpy is SimPy 3 or 4
(module simpy, `yield env.timeout(t)`). simpy_hold.py and simpy_mmcc.py
write the same model for either and print which one they ran on (the SimPy
2.3 path is the one capsim's figures were measured against).
"""
import time

try:
    import simpy  # SimPy 3 / 4

    VERSION = "SimPy " + getattr(simpy, "__version__", "3+")
    API = 4
except ImportError:
    try:
        import SimPy  # SimPy 2
        import SimPy.Simulation as sim2

        VERSION = "SimPy " + getattr(SimPy, "__version__", "2")
        API = 2
    except ImportError:
        VERSION = None
        API = 0


def missing():
    """Prints why nothing ran and returns the scripts' exit code for it."""
    print("SimPy not installed")
    return 3


def run_until(env, t):
    """Runs env (a SimPy 4 Environment or a SimPy 2 Simulation) to time t.
    SimPy 2's simulate() marks the run stopped when it returns and has no
    call to go on, so the flag is cleared first: the event list, the clock
    and every process are kept, as SimPy 4's env.run(until=) keeps them."""
    if API == 4:
        env.run(until=t)
    else:
        env._stop = False
        env.simulate(until=t)


def best_rate(env, warmup_t, span_t, rounds, counter):
    """Runs to warmup_t untimed, then `rounds` spans of span_t, each timed;
    returns the most counter[0] increments per wall second of one span (the
    least disturbed, as capsim's side takes its best round too)."""
    run_until(env, warmup_t)
    best, t = 0.0, warmup_t
    for _ in range(rounds):
        c0, t0 = counter[0], time.perf_counter()
        t += span_t
        run_until(env, t)
        best = max(best, (counter[0] - c0) / (time.perf_counter() - t0))
    return best
