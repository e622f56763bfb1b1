// A Go satellite's day against satnotify's gRPC API, with the client protoc generates from
// proto/satnotify/v1/satellite.proto: upsert nodes, report uptime checks and audits in batches,
// read what became of the notifications, update an operator's preference. It prints one line per
// step and exits 1 on the first surprise. Environment: SATNOTIFY_API (host:port), SATNOTIFY_TOKEN,
// NODE_LOG (the node-log address the nodes get), NODE_IDS (three node ids, comma-separated).
package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	pb "satnotify.example/satnotifyv1"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
)

func fail(format string, args ...interface{}) {
	fmt.Printf("FAIL "+format+"\n", args...)
	os.Exit(1)
}

func main() {
	conn, err := grpc.Dial(os.Getenv("SATNOTIFY_API"), grpc.WithInsecure(), grpc.WithBlock(), grpc.WithTimeout(10*time.Second))
	if err != nil {
		fail("dial: %v", err)
	}
	defer conn.Close()
	client := pb.NewSatelliteNotificationsClient(conn)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	authed := metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+os.Getenv("SATNOTIFY_TOKEN"))
	ids := strings.Split(os.Getenv("NODE_IDS"), ",")

	var nodes []*pb.Node
	for i, id := range ids {
		nodes = append(nodes, &pb.Node{NodeId: id, Address: os.Getenv("NODE_LOG"), Email: fmt.Sprintf("go-op-%d@example.com", i), Version: "1.120.0"})
	}
	up, err := client.UpsertNodes(authed, &pb.UpsertNodesRequest{Nodes: nodes})
	if err != nil || up.Upserted != 3 {
		fail("UpsertNodes: %v %v", up, err)
	}
	fmt.Printf("upserted %d nodes\n", up.Upserted)

	checks, err := client.UptimeChecks(authed, &pb.UptimeChecksRequest{Checks: []*pb.UptimeCheckRequest{
		{NodeId: ids[0], Ok: false}, {NodeId: ids[1], Ok: true}, {NodeId: ids[2], Ok: true},
	}})
	if err != nil || len(checks.Outcomes) != 3 || !checks.Outcomes[0].Result.Notified {
		fail("UptimeChecks: %v %v", checks, err)
	}
	fmt.Printf("uptime checks: %d recorded, node 0 offline notified with %d notifications\n", len(checks.Outcomes), len(checks.Outcomes[0].Result.Ids))

	audits, err := client.AuditResults(authed, &pb.AuditResultsRequest{Results: []*pb.AuditResultRequest{
		{NodeId: ids[1], Passed: false, Score: 0.97, DqThreshold: 0.96},
	}})
	if err != nil || !audits.Outcomes[0].Result.Notified {
		fail("AuditResults: %v %v", audits, err)
	}
	fmt.Println("audit failure of node 1 notified")

	_, err = client.AuditResult(authed, &pb.AuditResultRequest{NodeId: ids[1], Passed: false, Score: 2, DqThreshold: 0.96})
	if status.Code(err) != codes.InvalidArgument || !strings.Contains(status.Convert(err).Message(), "signal.score") {
		fail("a score of 2 should be INVALID_ARGUMENT naming signal.score: %v", err)
	}
	fmt.Println("a bad score is INVALID_ARGUMENT: " + status.Convert(err).Message())

	_, err = client.UptimeCheck(ctx, &pb.UptimeCheckRequest{NodeId: ids[0], Ok: true})
	if status.Code(err) != codes.Unauthenticated {
		fail("a call without a token should be UNAUTHENTICATED: %v", err)
	}
	fmt.Println("a call without a token is UNAUTHENTICATED")

	// The service delivers as the satellite's dispatcher does; wait for the offline notice.
	var last *pb.Delivery
	for try := 0; try < 100; try++ {
		last, err = client.GetDelivery(authed, &pb.GetDeliveryRequest{Id: checks.Outcomes[0].Result.Ids[0]})
		if err != nil {
			fail("GetDelivery: %v", err)
		}
		if last.Status == "sent" {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if last.Status != "sent" {
		fail("the offline notice was not sent: %v", last)
	}
	fmt.Printf("offline notice %s: %s\n", last.Id, last.Status)

	prefs, err := client.UpdatePreferences(authed, &pb.UpdatePreferencesRequest{
		Operator:    "go-op-0@example.com",
		Preferences: &pb.Preferences{Timezone: "Europe/Berlin", Language: "de", QuietHours: &pb.QuietHours{Start: "22:00", End: "07:00"}},
		UpdateMask:  &fieldmaskpb.FieldMask{Paths: []string{"timezone", "language", "quiet_hours"}},
	})
	if err != nil || prefs.Language != "de" || prefs.QuietHours.GetStart() != "22:00" {
		fail("UpdatePreferences: %v %v", prefs, err)
	}
	fmt.Printf("preferences of go-op-0@example.com: %s, %s, quiet %s-%s\n", prefs.Timezone, prefs.Language, prefs.QuietHours.Start, prefs.QuietHours.End)
	fmt.Println("go client: a satellite's day done")
}
