#!/bin/bash
# usage: taxii-post-memory.sh BINARY TAG ENVELOPE.json
# Peak RSS (VmHWM) of `ascribe serve` before and after one POST of ENVELOPE.json
# (e.g. from gen-stix-bundle.py: a bundle is read as an envelope, its extra keys ignored).
# Loopback only; the server is killed at the end.
bin=$1; tag=$2; db=${TMPDIR:-/tmp}/pm-$tag.db; rm -f $db*
echo "a long test password" | $bin --db $db users add writer --role analyst --clearance red --password-stdin >/dev/null 2>&1
$bin --db $db serve --listen 127.0.0.1:0 --no-anonymous 2> ${TMPDIR:-/tmp}/pm-$tag.err &
pid=$!
for i in $(seq 50); do grep -q taxii2 ${TMPDIR:-/tmp}/pm-$tag.err && break; sleep 0.2; done
addr=$(grep -o 'http://[0-9.:]*' ${TMPDIR:-/tmp}/pm-$tag.err | head -1)
curl -s -u 'writer:a long test password' -H 'Accept: application/taxii+json;version=2.1' $addr/api1/collections/ >/dev/null
before=$(grep VmHWM /proc/$pid/status | awk '{print $2}')
code=$(curl -s -o ${TMPDIR:-/tmp}/pm-$tag.out -w '%{http_code}' -u 'writer:a long test password' -H 'Accept: application/taxii+json;version=2.1' -H 'Content-Type: application/taxii+json;version=2.1' --data-binary @$3 $addr/api1/collections/intel/objects/)
after=$(grep VmHWM /proc/$pid/status | awk '{print $2}')
kill $pid; wait $pid 2>/dev/null
echo "$tag: HTTP $code, VmHWM before POST $before KB, after $after KB, added $((after-before)) KB; $(head -c 150 ${TMPDIR:-/tmp}/pm-$tag.out)"
