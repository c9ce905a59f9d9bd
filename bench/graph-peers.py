"""Peer timings for bench/graph.bench.ts: the same graph and the same four computations in
python-igraph and networkx. Prints one JSON object on stdout; progress lines on stderr.

usage: graph-peers.py EDGES SOURCES [--small SMALL_EDGES] [--peers igraph,networkx]
                      [--nx-sources N] [--nx-small-sources N] [--nx-louvain-timeout S]

EDGES: "u v" per line, node numbers 0..n-1, first line "n m".
SOURCES: the betweenness source nodes Lantern sampled, one per line (same sample for every peer).
SMALL_EDGES: a smaller graph (same format) for an EXACT betweenness comparison, because
python-igraph 0.10.2 (Debian bookworm) has no source-sampled betweenness: Graph.betweenness takes
no `sources` (its `cutoff` is a different, path-length-limited estimate).
"""

import argparse
import json
import signal
import sys
import time


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def read_edges(path):
    with open(path) as f:
        n, m = map(int, f.readline().split())
        edges = [tuple(map(int, line.split())) for line in f]
    assert len(edges) == m, (len(edges), m)
    return n, edges


class Timeout(Exception):
    pass


def _alarm(_signum, _frame):
    raise Timeout()


def timed(fn):
    """(value, wall seconds, CPU seconds of this process)."""
    t = time.perf_counter()
    c = time.process_time()
    value = fn()
    return value, time.perf_counter() - t, time.process_time() - c


def measure(out, name, fn):
    """Runs fn, storing out[name + "_s"] (wall) and out[name + "_cpu"] (CPU seconds)."""
    value, out[name + "_s"], out[name + "_cpu"] = timed(fn)
    return value


def top(values, k=5):
    order = sorted(range(len(values)), key=lambda i: -values[i])[:k]
    return [[i, values[i]] for i in order]


def run_igraph(n, edges, sources):
    import igraph
    import random

    random.seed(1)  # python-igraph draws its random numbers from Python's random module
    out = {"version": igraph.__version__}
    g = measure(out, "build", lambda: igraph.Graph(n=n, edges=edges, directed=False))
    comps = measure(out, "components", lambda: g.connected_components())
    out["components"] = len(comps)
    out["largest_component"] = max(comps.sizes())
    comm = measure(out, "louvain", lambda: g.community_multilevel())
    out["communities"] = len(comm)
    out["modularity"] = comm.modularity
    deg = measure(out, "degree", lambda: g.degree())
    out["top_degree"] = top(deg)
    out["betweenness_note"] = "python-igraph %s has no source-sampled betweenness" % igraph.__version__
    return out


def exact_igraph(small):
    import igraph

    n, edges = small
    g = igraph.Graph(n=n, edges=edges, directed=False)
    b, secs, cpu = timed(lambda: g.betweenness(directed=False))
    scale = 2 / ((n - 1) * (n - 2))  # igraph counts each unordered pair once
    return {"exact_s": secs, "exact_cpu": cpu, "top": top([x * scale for x in b], 10)}


def exact_networkx(small, nx_sources):
    import networkx as nx
    from networkx.algorithms.centrality.betweenness import (
        _accumulate_basic,
        _single_source_shortest_path_basic,
    )

    n, edges = small
    G = nx.Graph()
    G.add_nodes_from(range(n))
    G.add_edges_from(edges)
    if nx_sources >= n:
        b, secs, cpu = timed(lambda: nx.betweenness_centrality(G))
        return {"exact_s": secs, "exact_cpu": cpu, "extrapolated": False, "top": top([b[i] for i in range(n)], 10)}
    use = list(range(0, n, n // nx_sources))[:nx_sources]

    def bc():
        b = dict.fromkeys(G, 0.0)
        for s in use:
            S, P, sigma, _ = _single_source_shortest_path_basic(G, s)
            b, _ = _accumulate_basic(b, S, P, sigma, s)
        return b

    _, secs, cpu = timed(bc)
    f = n / len(use)
    return {"exact_s": secs * f, "exact_cpu": cpu * f, "measured_s": secs, "sources_run": len(use), "extrapolated": True}


def run_networkx(n, edges, sources, nx_sources, louvain_timeout):
    import networkx as nx

    out = {"version": nx.__version__}

    def build():
        G = nx.Graph()
        G.add_nodes_from(range(n))
        G.add_edges_from(edges)
        return G

    G = measure(out, "build", build)
    comps = measure(out, "components", lambda: [len(c) for c in nx.connected_components(G)])
    out["components"] = len(comps)
    out["largest_component"] = max(comps)
    log("networkx: louvain (timeout %ss)…" % louvain_timeout)
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(louvain_timeout)
    try:
        comm = measure(out, "louvain", lambda: nx.community.louvain_communities(G, seed=1))
        signal.alarm(0)
        out["communities"] = len(comm)
        out["modularity"] = nx.community.modularity(G, comm)
    except Timeout:
        out["louvain_s"] = None
        out["louvain_cpu"] = None
        out["louvain_note"] = "did not finish within %ss" % louvain_timeout
    deg = measure(out, "degree", lambda: dict(G.degree()))
    out["top_degree"] = top([deg[i] for i in range(n)])

    # Betweenness from the same sampled sources, exactly as betweenness_centrality(k=…) runs it
    # (its per-source BFS + accumulation helpers), on the first `nx_sources` of them.
    from networkx.algorithms.centrality.betweenness import (
        _accumulate_basic,
        _single_source_shortest_path_basic,
    )

    use = sources[:nx_sources]
    log("networkx: betweenness from %d of %d sources…" % (len(use), len(sources)))

    def bc():
        b = dict.fromkeys(G, 0.0)
        for s in use:
            S, P, sigma, _ = _single_source_shortest_path_basic(G, s)
            b, _ = _accumulate_basic(b, S, P, sigma, s)
        return b

    b, secs, cpu = timed(bc)
    out["betweenness_sources_run"] = len(use)
    out["betweenness_s_measured"] = secs
    out["betweenness_s"] = secs * len(sources) / len(use)
    out["betweenness_cpu"] = cpu * len(sources) / len(use)
    out["betweenness_extrapolated"] = len(use) < len(sources)
    # Raw dependency sums for the sources run (Lantern checks its own values against these).
    out["raw_dependencies_top"] = top([b[i] for i in range(n)], 10)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("edges")
    ap.add_argument("sources")
    ap.add_argument("--small")
    ap.add_argument("--nx-small-sources", type=int, default=200)
    ap.add_argument("--peers", default="igraph,networkx")
    ap.add_argument("--nx-sources", type=int, default=16)
    ap.add_argument("--nx-louvain-timeout", type=int, default=900)
    args = ap.parse_args()
    n, edges = read_edges(args.edges)
    with open(args.sources) as f:
        sources = [int(x) for x in f.read().split()]
    result = {}
    peers = args.peers.split(",")
    if "igraph" in peers:
        log("igraph…")
        result["igraph"] = run_igraph(n, edges, sources)
    if "networkx" in peers:
        log("networkx…")
        result["networkx"] = run_networkx(n, edges, sources, args.nx_sources, args.nx_louvain_timeout)
    if args.small:
        small = read_edges(args.small)
        if "igraph" in peers:
            log("igraph: exact betweenness on the small graph…")
            result["igraph"]["exact_small"] = exact_igraph(small)
        if "networkx" in peers:
            log("networkx: exact betweenness on the small graph (%d sources, extrapolated)…" % args.nx_small_sources)
            result["networkx"]["exact_small"] = exact_networkx(small, args.nx_small_sources)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
