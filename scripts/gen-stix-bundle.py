#!/usr/bin/env python3
"""Writes a STIX 2.1 bundle of N indicators for memory and index measurements.

usage: gen-stix-bundle.py N OUT.json [--clear-every K]

Every object is marked TLP:RED except every K-th (default 100), marked
TLP:CLEAR, so a CLEAR reader sees about 1 % of the collection. The bundle is
written object by object; the generator itself holds one object at a time.
"""
import json
import sys
import uuid

RED = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"
CLEAR = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        sys.exit(__doc__)
    n, out = int(args[0]), args[1]
    every = int(args[args.index("--clear-every") + 1]) if "--clear-every" in args else 100
    ns = uuid.UUID("6ba7b810-9dad-11d1-80b4-00c04fd430c8")
    with open(out, "w") as f:
        f.write('{"type": "bundle", "id": "bundle--%s", "objects": [\n' % uuid.uuid5(ns, out))
        for i in range(n):
            o = {
                "type": "indicator",
                "spec_version": "2.1",
                "id": "indicator--%s" % uuid.uuid5(ns, str(i)),
                "created": "2020-01-01T00:00:00.000Z",
                "modified": "2020-01-01T00:00:00.000Z",
                "name": "generated indicator %d" % i,
                "description": "A generated indicator for measurements; " * 8,
                "pattern": "[ipv4-addr:value = '10.%d.%d.%d']" % (i >> 16 & 255, i >> 8 & 255, i & 255),
                "pattern_type": "stix",
                "valid_from": "2020-01-01T00:00:00Z",
                "object_marking_refs": [CLEAR if i % every == 0 else RED],
            }
            f.write(("," if i else "") + json.dumps(o) + "\n")
        f.write("]}\n")


main()
