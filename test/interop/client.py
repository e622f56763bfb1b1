"""A Python satellite's day against satnotify's gRPC API, with stubs grpc_tools generates from
proto/satnotify/v1/satellite.proto (the test puts them on PYTHONPATH): upsert nodes, report uptime
checks and audits in batches, read what became of the notifications, update an operator's
preference. One line per step; exit 1 on the first surprise. Environment: SATNOTIFY_API,
SATNOTIFY_TOKEN, NODE_LOG, NODE_IDS (three node ids, comma-separated)."""
import os
import sys
import time

import grpc
from google.protobuf import field_mask_pb2

from satnotify.v1 import satellite_pb2 as pb
from satnotify.v1 import satellite_pb2_grpc as rpc


def fail(message):
    print("FAIL " + message)
    sys.exit(1)


def main():
    channel = grpc.insecure_channel(os.environ["SATNOTIFY_API"])
    grpc.channel_ready_future(channel).result(timeout=10)
    client = rpc.SatelliteNotificationsStub(channel)
    auth = [("authorization", "Bearer " + os.environ["SATNOTIFY_TOKEN"])]
    ids = os.environ["NODE_IDS"].split(",")

    up = client.UpsertNodes(
        pb.UpsertNodesRequest(
            nodes=[
                pb.Node(node_id=i, address=os.environ["NODE_LOG"], email="py-op-%d@example.com" % n, version="1.120.0")
                for n, i in enumerate(ids)
            ]
        ),
        metadata=auth,
        timeout=20,
    )
    if up.upserted != 3:
        fail("UpsertNodes: %s" % up)
    print("upserted %d nodes" % up.upserted)

    checks = client.UptimeChecks(
        pb.UptimeChecksRequest(checks=[pb.UptimeCheckRequest(node_id=i, ok=(n != 0)) for n, i in enumerate(ids)]),
        metadata=auth,
        timeout=20,
    )
    if len(checks.outcomes) != 3 or not checks.outcomes[0].result.notified:
        fail("UptimeChecks: %s" % checks)
    print("uptime checks: %d recorded, node 0 offline notified" % len(checks.outcomes))

    audits = client.AuditResults(
        pb.AuditResultsRequest(results=[pb.AuditResultRequest(node_id=ids[1], passed=False, score=0.97, dq_threshold=0.96)]),
        metadata=auth,
        timeout=20,
    )
    if not audits.outcomes[0].result.notified:
        fail("AuditResults: %s" % audits)
    print("audit failure of node 1 notified")

    try:
        client.UptimeChecks(
            pb.UptimeChecksRequest(checks=[pb.UptimeCheckRequest(node_id=ids[0], ok=True), pb.UptimeCheckRequest(node_id="nope", ok=True)]),
            metadata=auth,
            timeout=20,
        )
        fail("a batch with a bad node id was accepted")
    except grpc.RpcError as e:
        if e.code() != grpc.StatusCode.INVALID_ARGUMENT or "checks[1].node_id" not in e.details():
            fail("a bad node id in a batch: %s %s" % (e.code(), e.details()))
        print("a bad item refuses the batch: " + e.details())

    last = None
    for _ in range(100):
        last = client.GetDelivery(pb.GetDeliveryRequest(id=checks.outcomes[0].result.ids[0]), metadata=auth, timeout=20)
        if last.status == "sent":
            break
        time.sleep(0.1)
    if last.status != "sent":
        fail("the offline notice was not sent: %s" % last)
    print("offline notice %s: %s" % (last.id, last.status))

    prefs = client.UpdatePreferences(
        pb.UpdatePreferencesRequest(
            operator="py-op-0@example.com",
            preferences=pb.Preferences(language="pl", digest="daily"),
            update_mask=field_mask_pb2.FieldMask(paths=["language", "digest"]),
        ),
        metadata=auth,
        timeout=20,
    )
    if prefs.language != "pl" or prefs.digest != "daily":
        fail("UpdatePreferences: %s" % prefs)
    print("preferences of py-op-0@example.com: %s, digest %s" % (prefs.language, prefs.digest))
    print("python client: a satellite's day done")


if __name__ == "__main__":
    main()
