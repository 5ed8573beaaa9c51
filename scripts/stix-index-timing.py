#!/usr/bin/env python3
"""Times the TAXII objects query of ascribe before and after the per-clearance indexes (issue 17).

usage: stix-index-timing.py DB before|after

"before" runs the query of the old schema (no ceiling column, `+collection_id` scan),
"after" the current one. DB: a database after `ascribe stix import` of a bundle from
scripts/gen-stix-bundle.py. Prints the median and max of 20 runs per query, in ms.
"""
import sqlite3, statistics, sys, time
db, mode = sys.argv[1], sys.argv[2]
I, A = "4f7d3a2e-9c1b-4e8a-b6d5-2a9f0c3e7b14", "9b2e6c1d-3f4a-4d7b-8e5c-1a0f2b3c4d5e"
def q(r, extra):
    if mode == "before":
        return f"SELECT o.seq, o.id, o.type, o.version, o.spec_version, o.tlp, o.date_added, o.json FROM stix_objects o WHERE +o.collection_id = ? AND o.tlp <= {r} {extra} AND (o.version = (SELECT MAX(v.version) FROM stix_objects v WHERE v.collection_id = o.collection_id AND v.id = o.id AND v.tlp <= {r})) ORDER BY o.seq LIMIT 101"
    return f"SELECT o.seq, o.id, o.type, o.version, o.spec_version, o.tlp, o.date_added, o.json FROM stix_objects o WHERE o.collection_id = ? AND o.tlp <= {r} AND o.ceiling >= {r} {extra} AND (o.version = (SELECT MAX(v.version) FROM stix_objects v WHERE v.collection_id = o.collection_id AND v.id = o.id AND v.tlp <= {r} AND v.ceiling >= {r})) ORDER BY o.seq LIMIT 101"
con = sqlite3.connect(db)
typ = "AND o.type IN ('indicator')" if mode == "before" else "AND (o.type || '') IN ('indicator')"
for name, c, r, extra in [("clear first page", I, 0, ""), ("clear page after seq 70000", I, 0, "AND o.seq > 70000"),
                          ("clear, type=indicator", I, 0, typ), ("clear, empty collection", A, 0, ""),
                          ("red first page", I, 4, ""), ("red page after seq 70000", I, 4, "AND o.seq > 70000")]:
    ts = []
    for _ in range(20):
        t = time.perf_counter(); rows = con.execute(q(r, extra), (c,)).fetchall(); ts.append((time.perf_counter() - t) * 1000)
    print(f"{mode:6} {name:28} rows={len(rows):3} median={statistics.median(ts):7.2f} ms max={max(ts):7.2f} ms")
