"""Drives a running ascribe TAXII server with the OASIS taxii2-client.

usage: taxii_client.py URL USER PASSWORD ENVELOPE.json PAGE_SIZE
Prints one JSON object with what the client saw.
"""
import json
import sys

from taxii2client.v21 import Server, as_pages

url, user, password, envelope_path, page = sys.argv[1:6]
page = int(page)
server = Server(url, user=user, password=password)
root = server.api_roots[0]
titles = sorted(c.title for c in root.collections)
intel = [c for c in root.collections if c.title == "ascribe intelligence"][0]

with open(envelope_path, encoding="utf-8") as f:
    envelope = json.load(f)
status = intel.add_objects(envelope, wait_for_completion=True, poll_interval=0.2, timeout=20)

ids = []
pages = 0
for env in as_pages(intel.get_objects, per_request=page):
    pages += 1
    ids.extend(o["id"] for o in env.get("objects", []))

manifest_ids = []
for env in as_pages(intel.get_manifest, per_request=page):
    manifest_ids.extend(o["id"] for o in env.get("objects", []))

first = ids[0] if ids else None
by_id = intel.get_object(first) if first else {}
indicators = intel.get_objects(type="indicator")

print(json.dumps({
    "api_root_title": root.title,
    "collections": titles,
    "can_write": intel.can_write,
    "status": status.status,
    "success_count": status.success_count,
    "failure_count": status.failure_count,
    "pages": pages,
    "ids": ids,
    "manifest_ids": manifest_ids,
    "by_id": [o["id"] for o in by_id.get("objects", [])],
    "indicators": len(indicators.get("objects", [])),
}))
