using System.Text.Json;
using ESoviet.EventStore;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ESoviet.Web.Live;

/// <summary>
/// Reads one topic's events from the log for a client that reconnects (or a page that was rendered a moment before it
/// subscribed), up to what this node's feed has already routed: everything after that reaches the client as a push.
/// </summary>
public sealed class LiveCatchUp(EventStore.EventStore store, LiveConnections connections, LivePayloads payloads, IOptions<LiveOptions> options)
{
    private const string Columns = "seq, id, stream_id, version, type, data, timestamp, tenant_id, actor, correlation_id, causation_id";

    public async Task<CatchUpResult> ReadAsync(TopicGrant grant, long afterSeq, CancellationToken ct)
    {
        try
        {
            using var starting = CancellationTokenSource.CreateLinkedTokenSource(ct);
            starting.CancelAfter(TimeSpan.FromSeconds(10));
            await connections.WaitStartedAsync(starting.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new HubException("Live updates are starting; try again in a moment.");
        }

        afterSeq = Math.Max(0, afterSeq);
        var ceiling = connections.Position;
        if (afterSeq >= ceiling) return new CatchUpResult([], afterSeq, false);

        var limits = options.Value;
        var scanTo = Math.Min(ceiling, afterSeq + limits.CatchUpScanWindow);
        var events = await ReadTopicAsync(grant, afterSeq, scanTo, limits.CatchUpLimit + 1, ct);
        var more = events.Count > limits.CatchUpLimit;
        if (more) events = events.Take(limits.CatchUpLimit).ToList();
        var upTo = more ? events[^1].Sequence : scanTo;

        var routed = events
            .Select(e => (Event: e, Topics: LiveRouting.TopicsOf(e).Where(k => k == grant.Key).ToArray()))
            .Where(x => x.Topics.Length > 0)
            .ToList();
        var items = await payloads.BuildAsync(routed, (_, _) => true, ct);
        var frames = items.Where(i => i.IsFor(grant))
            .Select(i => LiveFrame.Create(new LiveEventMessage(i.Seq, i.Type, grant.Topic.Name, i.Data)))
            .ToList();
        return new CatchUpResult(frames, upTo, more || upTo < ceiling);
    }

    /// <summary>The topic's events in (after, upTo], found through the (tenant_id, seq) index and the event's own ids.</summary>
    private async Task<List<StoredEvent>> ReadTopicAsync(TopicGrant grant, long after, long upTo, int limit, CancellationToken ct)
    {
        var names = store.Options.Events;
        var (types, idField) = grant.Key.Kind switch
        {
            TopicKind.Thread => (LiveRouting.ThreadEvents, "threadId"),
            TopicKind.Proposal => (LiveRouting.ProposalEvents, "proposalId"),
            _ => (LiveRouting.OrgEvents, null),
        };
        await using var cmd = store.DataSource.CreateCommand($"""
            SELECT {Columns} FROM {store.Options.Schema}.events
             WHERE tenant_id = $1 AND seq > $2 AND seq <= $3 AND type = ANY($4) {(idField is null ? "" : $"AND data->>'{idField}' = $6")}
             ORDER BY seq LIMIT $5
            """);
        cmd.Parameters.AddWithValue(grant.OrganizationId.ToString());
        cmd.Parameters.AddWithValue(after);
        cmd.Parameters.AddWithValue(upTo);
        cmd.Parameters.AddWithValue(types.Select(names.NameOf).ToArray());
        cmd.Parameters.AddWithValue(limit);
        if (idField is not null) cmd.Parameters.AddWithValue(grant.Key.Id.ToString("D"));

        var events = new List<StoredEvent>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var type = r.GetString(4);
            if (!names.TryGetType(type, out var clrType)) continue;
            events.Add(new StoredEvent(
                r.GetInt64(0), r.GetGuid(1), r.GetString(2), r.GetInt64(3), type,
                JsonSerializer.Deserialize(r.GetString(5), clrType, store.Options.Json)!,
                r.GetFieldValue<DateTimeOffset>(6),
                r.IsDBNull(7) ? null : r.GetString(7), r.IsDBNull(8) ? null : r.GetString(8),
                r.IsDBNull(9) ? null : r.GetString(9), r.IsDBNull(10) ? null : r.GetString(10)));
        }
        return events;
    }
}
