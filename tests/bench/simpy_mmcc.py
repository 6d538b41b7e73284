#!/usr/bin/env python3
"""An M/M/c/c job stream (Erlang's loss system) on SimPy, to compare with
capsim's training job stream (tests/bench/bench_simpy.c runs both).

Jobs arrive as a Poisson process and each needs one of C servers (a SimPy
Resource of capacity C) for an exponential time of mean 2 h; a job that
finds every server busy is lost. Offered load A Erlangs: the arrival rate
is A / 2 per hour. After a warm-up of 20 mean durations, ROUNDS spans of
JOBS / rate hours (about JOBS arrivals each) are timed, and the best one
counts.

usage: simpy_mmcc.py C A JOBS ROUNDS [SEED]
prints: <SimPy version> jobs_per_second=<x> lost_share=<b>
(exit 3: SimPy not installed)
"""
import random
import sys

import simpy_common as sc

MEAN_DURATION_H = 2.0


def build(c, arrival_rate, rnd, arrived, lost):
    """The loss system; counts arrivals in arrived[0], losses in lost[0]."""
    service_rate = 1.0 / MEAN_DURATION_H
    if sc.API == 4:
        env = sc.simpy.Environment()
        servers = sc.simpy.Resource(env, capacity=c)

        def job():
            with servers.request() as req:
                yield req
                yield env.timeout(rnd.expovariate(service_rate))

        def arrivals():
            while True:
                yield env.timeout(rnd.expovariate(arrival_rate))
                arrived[0] += 1
                if servers.count < c:
                    env.process(job())
                else:
                    lost[0] += 1

        env.process(arrivals())
        return env
    s = sc.sim2
    env = s.Simulation()
    servers = s.Resource(capacity=c, sim=env)

    class Job(s.Process):
        def life(self):
            yield s.request, self, servers
            yield s.hold, self, rnd.expovariate(service_rate)
            yield s.release, self, servers

    class Arrivals(s.Process):
        def life(self):
            while True:
                yield s.hold, self, rnd.expovariate(arrival_rate)
                arrived[0] += 1
                if servers.n > 0:  # free servers
                    j = Job(sim=env)
                    env.activate(j, j.life())
                else:
                    lost[0] += 1

    a = Arrivals(sim=env)
    env.activate(a, a.life())
    return env


def main(argv):
    if sc.API == 0:
        return sc.missing()
    c, load, jobs, rounds = int(argv[1]), float(argv[2]), int(argv[3]), int(argv[4])
    rnd = random.Random(int(argv[5]) if len(argv) > 5 else 42)
    arrival_rate = load / MEAN_DURATION_H  # per hour
    arrived, lost = [0], [0]
    env = build(c, arrival_rate, rnd, arrived, lost)
    rate = sc.best_rate(env, 20.0 * MEAN_DURATION_H, jobs / arrival_rate, rounds, arrived)
    print("%s jobs_per_second=%.1f lost_share=%.5f" % (sc.VERSION, rate, lost[0] / arrived[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
