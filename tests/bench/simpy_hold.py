#!/usr/bin/env python3
"""The hold model on SimPy, to compare with capsim's engine
(tests/bench/bench_simpy.c runs both).

N processes each hold (wait) for an exponentially distributed time of mean
3600 s, forever, so N events are always pending. After a warm-up of two
mean holds of simulated time, ROUNDS spans of EVENTS x 3600 / N seconds
(about EVENTS holds each) are timed, and the best one counts.

usage: simpy_hold.py N EVENTS ROUNDS [SEED]
prints: <SimPy version> events_per_second=<x>   (exit 3: SimPy not installed)
"""
import random
import sys

import simpy_common as sc

MEAN_S = 3600.0


def build(n, rnd, count):
    """A simulation of n holding processes, counting holds in count[0]."""
    rate = 1.0 / MEAN_S
    if sc.API == 4:
        env = sc.simpy.Environment()

        def holder():
            while True:
                yield env.timeout(rnd.expovariate(rate))
                count[0] += 1

        for _ in range(n):
            env.process(holder())
        return env
    s = sc.sim2
    env = s.Simulation()

    class Holder(s.Process):
        def life(self):
            while True:
                yield s.hold, self, rnd.expovariate(rate)
                count[0] += 1

    for _ in range(n):
        p = Holder(sim=env)
        env.activate(p, p.life())
    return env


def main(argv):
    if sc.API == 0:
        return sc.missing()
    n, events, rounds = int(argv[1]), int(argv[2]), int(argv[3])
    rnd = random.Random(int(argv[4]) if len(argv) > 4 else 42)
    count = [0]
    env = build(n, rnd, count)
    rate = sc.best_rate(env, 2.0 * MEAN_S, events * MEAN_S / n, rounds, count)
    print("%s events_per_second=%.1f" % (sc.VERSION, rate))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
