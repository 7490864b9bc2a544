using System.Diagnostics;
using ESoviet.EventStore;
using ESoviet.Web.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ESoviet.Web.Live;

/// <summary>
/// This node's live feed: follows the log below the high-water mark, in sequence order, and pushes each committed event
/// to this node's subscribers. Woken by <see cref="EventStore.EventStore.Committed"/> (local commits at once, other
/// nodes' through LISTEN/NOTIFY) and by the store's poll interval, so a lost notification delays and never drops. Never
/// pushes from inside an append transaction, and never reads an event that could still be joined by one below it.
/// </summary>
/// <remarks>
/// Under a burst of votes every roll-call row goes out, but a proposal's tally at most once per
/// <see cref="LiveOptions.TallyInterval"/>: the votes in between carry none, and a <c>tally</c> message follows the burst.
/// </remarks>
public sealed class LiveFeed(
    EventStore.EventStore store, LiveConnections connections, LivePayloads payloads, DatabaseReadiness readiness,
    IOptions<LiveOptions> options, ILogger<LiveFeed> logger) : BackgroundService
{
    private sealed class TallyState
    {
        public long LastSent = long.MinValue / 2;
        public long PendingSeq;
    }

    private readonly Dictionary<Guid, TallyState> _tallies = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try { await readiness.WaitAsync(stoppingToken); } catch (OperationCanceledException) { return; }
        var mark = store.CreateHighWaterMark();
        long position;
        while (true)
        {
            try
            {
                // Start at the present: pages rendered from now on embed a position at or after it.
                position = await mark.WaitForCurrentAsync(stoppingToken);
                break;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                logger.LogWarning("Live feed waiting for the database: {Message}", e.Message);
                try { await Task.Delay(1000, stoppingToken); } catch (OperationCanceledException) { return; }
            }
        }
        connections.Start(position);

        var batchSize = store.Options.BatchSize;
        var lastPush = long.MinValue / 2;
        while (!stoppingToken.IsCancellationRequested)
        {
            var seen = store.Committed.Generation;
            try
            {
                // Right after a push, let the next events gather for the rest of the batch window: in a burst each
                // follower then gets a few events per message; a lone event after a quiet spell goes out at once.
                var sincePush = Stopwatch.GetElapsedTime(lastPush);
                if (sincePush < options.Value.BatchWindow) await Task.Delay(options.Value.BatchWindow - sincePush, stoppingToken);
                var safe = await mark.RefreshAsync(stoppingToken);
                if (safe > position)
                {
                    var events = await store.ReadAllAsync(position, safe, batchSize, null, stoppingToken);
                    // A batch that reaches the mark may skip holes below it: every hole there is dead.
                    var end = events.Count == batchSize ? events[^1].Sequence : safe;
                    if (await DispatchAsync(events, end, stoppingToken)) lastPush = Stopwatch.GetTimestamp();
                    position = end;
                    if (end < safe) continue;
                }
                await FlushTalliesAsync(stoppingToken);
                if (mark.IsWaiting) await Task.Delay(2, stoppingToken);
                else await store.Committed.WaitAsync(seen, NextWake(), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                // Nothing was skipped: the position only moves after a batch went out.
                logger.LogWarning("Live feed paused: {Message}", e.Message);
                try { await Task.Delay(500, stoppingToken); } catch (OperationCanceledException) { return; }
            }
        }
    }

    /// <summary>Pushes a batch of events to this node's subscribers; true when anyone was sent anything.</summary>
    private async Task<bool> DispatchAsync(IReadOnlyList<StoredEvent> events, long end, CancellationToken ct)
    {
        var routed = events.Select(e => (Event: e, Topics: LiveRouting.TopicsOf(e))).ToList();
        var snapshot = connections.Advance(end, events, routed.SelectMany(r => r.Topics));
        if (snapshot.Count == 0) return false;

        var wanted = routed
            .Select(r => (r.Event, Topics: r.Topics.Where(snapshot.ContainsKey).ToArray()))
            .Where(r => r.Topics.Length > 0)
            .ToList();
        List<LiveItem> items;
        try
        {
            items = await payloads.BuildAsync(wanted, WantsTally, ct);
        }
        catch (Exception e) when (e is not (NpgsqlException or TimeoutException or OperationCanceledException))
        {
            // A bug, not an outage: retrying would stall every page on this node. These events stay available to
            // CatchUp (Position has passed them), so a page that reconnects or reloads still sees them.
            logger.LogError(e, "Live feed could not build the events {First}–{Last}; they were not pushed.", events[0].Sequence, end);
            return false;
        }
        // Each connection gets this batch's frames for it in one message (one "event" when there is just one): under a
        // burst, thousands of followers of a vote cost one socket write each per batch instead of one per vote.
        var outgoing = new Dictionary<LiveConnection, List<LiveFrame>>();
        foreach (var item in items)
        {
            foreach (var key in item.Topics)
            {
                var topic = snapshot[key];
                LiveFrame? frame = null;
                foreach (var subscription in topic.Subscribers)
                {
                    if (!subscription.Active || !item.IsFor(subscription.Grant)) continue;
                    frame ??= LiveFrame.Create(new LiveEventMessage(item.Seq, item.Type, topic.Name, item.Data));
                    if (!outgoing.TryGetValue(subscription.Connection, out var frames)) outgoing[subscription.Connection] = frames = [];
                    frames.Add(frame);
                }
            }
        }
        // Followers of the same topics get the same frames: each distinct message is serialized once, for all of them.
        var shared = new Dictionary<List<LiveFrame>, SerializedHubMessage>(FramesComparer.Instance);
        foreach (var (connection, frames) in outgoing)
        {
            if (!shared.TryGetValue(frames, out var message))
            {
                shared[frames] = message = new SerializedHubMessage(frames.Count == 1
                    ? new InvocationMessage(LiveTargets.Event, [frames[0]])
                    : new InvocationMessage(LiveTargets.Events, [frames]));
            }
            connection.Enqueue(message);
        }
        return true;
    }

    /// <summary>Two lists of the very same frames, in the same order, are one message.</summary>
    private sealed class FramesComparer : IEqualityComparer<List<LiveFrame>>
    {
        public static readonly FramesComparer Instance = new();

        public bool Equals(List<LiveFrame>? x, List<LiveFrame>? y) =>
            ReferenceEquals(x, y) || (x is not null && y is not null && x.Count == y.Count && x.Zip(y).All(p => ReferenceEquals(p.First, p.Second)));

        public int GetHashCode(List<LiveFrame> frames)
        {
            var hash = new HashCode();
            foreach (var frame in frames) hash.Add(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(frame));
            return hash.ToHashCode();
        }
    }

    /// <summary>Attach a tally to the proposal's newest vote in this batch, or leave it for a <c>tally</c> message shortly?</summary>
    private bool WantsTally(Guid proposal, long newestVote)
    {
        if (!_tallies.TryGetValue(proposal, out var state)) _tallies[proposal] = state = new TallyState();
        var now = Stopwatch.GetTimestamp();
        if (Stopwatch.GetElapsedTime(state.LastSent, now) >= options.Value.TallyInterval)
        {
            state.LastSent = now;
            state.PendingSeq = 0;
            return true;
        }
        state.PendingSeq = Math.Max(state.PendingSeq, newestVote);
        return false;
    }

    private async Task FlushTalliesAsync(CancellationToken ct)
    {
        if (_tallies.Count == 0) return;
        var now = Stopwatch.GetTimestamp();
        var interval = options.Value.TallyInterval;
        foreach (var (proposal, state) in _tallies.ToList())
        {
            var idle = Stopwatch.GetElapsedTime(state.LastSent, now);
            if (state.PendingSeq == 0)
            {
                if (idle > TimeSpan.FromMinutes(1)) _tallies.Remove(proposal);
                continue;
            }
            if (idle < interval) continue;
            var seq = state.PendingSeq;
            state.PendingSeq = 0;
            state.LastSent = now;
            if (connections.SubscribersOf(new TopicKey(TopicKind.Proposal, proposal)) is not { } topic) continue;
            if (await payloads.TallyAsync(proposal, ct) is not { } tally) continue;
            var frame = LiveFrame.Create(new LiveEventMessage(seq, LiveTypes.Tally, topic.Name, new TallyData(proposal, tally)));
            foreach (var subscription in topic.Subscribers)
            {
                if (subscription.Active) subscription.Connection.Enqueue(LiveTargets.Event, frame);
            }
        }
    }

    /// <summary>The poll interval, or sooner when a coalesced tally falls due.</summary>
    private TimeSpan NextWake()
    {
        var wake = store.Options.PollInterval;
        var now = Stopwatch.GetTimestamp();
        foreach (var state in _tallies.Values)
        {
            if (state.PendingSeq == 0) continue;
            var due = options.Value.TallyInterval - Stopwatch.GetElapsedTime(state.LastSent, now);
            if (due < wake) wake = due < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : due;
        }
        return wake;
    }
}
