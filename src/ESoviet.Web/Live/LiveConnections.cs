using System.Threading.Channels;
using ESoviet.EventStore;
using ESoviet.Web.Accounts;
using ESoviet.Web.Membership;
using ESoviet.Web.Voting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace ESoviet.Web.Live;

/// <summary>One topic followed by one connection, with the grant it was allowed on. Inactive once ended.</summary>
public sealed class Subscription(LiveConnection connection, TopicGrant grant)
{
    private volatile bool _active = true;

    public LiveConnection Connection { get; } = connection;

    public TopicGrant Grant { get; } = grant;

    public bool Active => _active;

    internal void End() => _active = false;
}

/// <summary>Who a topic's subscribers were when a batch of events was routed, and the topic's name to send them.</summary>
public sealed record TopicSnapshot(string Name, Subscription[] Subscribers);

/// <summary>
/// This node's live connections and what each follows, and how far this node's feed has read the log. Subscribing and
/// the feed's advance take one lock, which is what makes delivery lossless: an event at or below
/// <see cref="Position"/> is returned by CatchUp, and one above it is routed after the subscription existed.
/// </summary>
public sealed class LiveConnections(IHubContext<LiveHub> hub, LiveHubConnections hubConnections, IOptions<LiveOptions> options, ILogger<LiveConnections> logger)
{
    private static readonly TimeSpan DepartureMemory = TimeSpan.FromMinutes(5);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, LiveConnection> _connections = new(StringComparer.Ordinal);
    private readonly Dictionary<TopicKey, Dictionary<string, Subscription>> _topics = new();
    private readonly Dictionary<(Guid Org, string HandleKey), (long Seq, DateTimeOffset At)> _departures = new();
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _position;

    /// <summary>Every event up to here has been read by this node's feed and routed to the subscribers it had then.</summary>
    public long Position => Interlocked.Read(ref _position);

    public int Count
    {
        get { lock (_gate) return _connections.Count; }
    }

    /// <summary>Completes once the feed knows where it starts; until then no gap between CatchUp and the pushes can be ruled out.</summary>
    public Task WaitStartedAsync(CancellationToken ct) => _started.Task.WaitAsync(ct);

    internal void Start(long position)
    {
        Interlocked.Exchange(ref _position, position);
        _started.TrySetResult();
    }

    public LiveConnection Connect(HubCallerContext context)
    {
        var connection = new LiveConnection(context, hub, hubConnections, options.Value.MaxQueuedPerConnection, logger);
        lock (_gate) _connections[context.ConnectionId] = connection;
        return connection;
    }

    public void Disconnect(string connectionId)
    {
        LiveConnection? connection;
        lock (_gate)
        {
            if (!_connections.Remove(connectionId, out connection)) return;
            foreach (var subscription in connection.Subscriptions.Values) RemoveLocked(subscription);
            connection.Subscriptions.Clear();
        }
        connection.Close();
    }

    public enum SubscribeResult
    {
        Subscribed,
        AlreadySubscribed,
        TooMany,
        Departed,
        Gone,
    }

    /// <param name="positionBeforeCheck"><see cref="Position"/> read before the grant was checked: a departure routed since then voids the grant.</param>
    public SubscribeResult Subscribe(string connectionId, TopicGrant grant, long positionBeforeCheck)
    {
        lock (_gate)
        {
            if (!_connections.TryGetValue(connectionId, out var connection)) return SubscribeResult.Gone;
            if (connection.Subscriptions.ContainsKey(grant.Topic.Name)) return SubscribeResult.AlreadySubscribed;
            if (connection.Subscriptions.Count >= options.Value.MaxSubscriptionsPerConnection) return SubscribeResult.TooMany;
            // The member left after the check read the membership but before we got here, and the feed has already
            // passed that departure: it would never end this subscription.
            if (_departures.TryGetValue((grant.OrganizationId, grant.HandleKey), out var departed) && departed.Seq > positionBeforeCheck)
                return SubscribeResult.Departed;
            var subscription = new Subscription(connection, grant);
            connection.Subscriptions[grant.Topic.Name] = subscription;
            if (!_topics.TryGetValue(grant.Key, out var subscribers)) _topics[grant.Key] = subscribers = new(StringComparer.Ordinal);
            subscribers[connectionId] = subscription;
            return SubscribeResult.Subscribed;
        }
    }

    public bool Unsubscribe(string connectionId, string topicName)
    {
        lock (_gate)
        {
            if (!_connections.TryGetValue(connectionId, out var connection) || !connection.Subscriptions.Remove(topicName, out var subscription)) return false;
            RemoveLocked(subscription);
            return true;
        }
    }

    /// <summary>
    /// The feed read events up to <paramref name="position"/>: ends the subscriptions of members who left or were expelled
    /// in them (before anything of the batch is delivered), moves <see cref="Position"/>, and returns the subscribers of
    /// every topic the events go to.
    /// </summary>
    internal Dictionary<TopicKey, TopicSnapshot> Advance(long position, IReadOnlyList<StoredEvent> events, IEnumerable<TopicKey> topics)
    {
        var snapshot = new Dictionary<TopicKey, TopicSnapshot>();
        lock (_gate)
        {
            foreach (var e in events)
            {
                var (org, handle) = e.Data switch
                {
                    MemberLeft left => (left.OrganizationId, left.Handle),
                    MemberExpelled expelled => (expelled.OrganizationId, expelled.Handle),
                    _ => (Guid.Empty, null),
                };
                if (handle is not null) DepartLocked(org, Handles.Key(handle), e.Sequence);
            }
            Interlocked.Exchange(ref _position, Math.Max(position, Position));
            foreach (var key in topics)
            {
                if (snapshot.ContainsKey(key) || !_topics.TryGetValue(key, out var subscribers) || subscribers.Count == 0) continue;
                var first = subscribers.Values.First();
                snapshot[key] = new TopicSnapshot(first.Grant.Topic.Name, [.. subscribers.Values]);
            }
        }
        return snapshot;
    }

    internal TopicSnapshot? SubscribersOf(TopicKey key)
    {
        lock (_gate)
        {
            if (!_topics.TryGetValue(key, out var subscribers) || subscribers.Count == 0) return null;
            return new TopicSnapshot(subscribers.Values.First().Grant.Topic.Name, [.. subscribers.Values]);
        }
    }

    internal IReadOnlyList<LiveConnection> Connections()
    {
        lock (_gate) return [.. _connections.Values];
    }

    internal IReadOnlyList<Subscription> Subscriptions()
    {
        lock (_gate) return [.. _topics.Values.SelectMany(s => s.Values)];
    }

    /// <summary>Ends subscriptions whose reader may no longer read the topic, telling each client which topic ended.</summary>
    internal void Revoke(IEnumerable<Subscription> subscriptions, string reason)
    {
        lock (_gate)
        {
            foreach (var subscription in subscriptions)
            {
                if (!subscription.Active) continue;
                subscription.Connection.Subscriptions.Remove(subscription.Grant.Topic.Name);
                RemoveLocked(subscription);
                subscription.Connection.Enqueue(LiveTargets.Ended, new EndedMessage(subscription.Grant.Topic.Name, reason));
            }
        }
    }

    private void DepartLocked(Guid org, string handleKey, long seq)
    {
        var now = DateTimeOffset.UtcNow;
        _departures[(org, handleKey)] = (seq, now);
        if (_departures.Count > 1000)
        {
            foreach (var old in _departures.Where(d => now - d.Value.At > DepartureMemory).Select(d => d.Key).ToList()) _departures.Remove(old);
        }
        var ended = _topics.Values.SelectMany(s => s.Values)
            .Where(s => s.Grant.OrganizationId == org && s.Grant.HandleKey == handleKey).ToList();
        foreach (var subscription in ended)
        {
            subscription.Connection.Subscriptions.Remove(subscription.Grant.Topic.Name);
            RemoveLocked(subscription);
            subscription.Connection.Enqueue(LiveTargets.Ended, new EndedMessage(subscription.Grant.Topic.Name, "You are no longer in this organization."));
        }
    }

    private void RemoveLocked(Subscription subscription)
    {
        subscription.End();
        if (_topics.TryGetValue(subscription.Grant.Key, out var subscribers))
        {
            subscribers.Remove(subscription.Connection.Id);
            if (subscribers.Count == 0) _topics.Remove(subscription.Grant.Key);
        }
    }
}

/// <summary>
/// One client connection on this node: who it is signed in as (checked again periodically), what it follows, and an
/// outgoing queue drained by its own loop, so that a slow client never holds up the feed or anyone else. A client
/// that falls too far behind is disconnected; it reconnects and catches up.
/// </summary>
public sealed class LiveConnection
{
    private readonly Channel<(string Target, object Message)> _queue =
        Channel.CreateUnbounded<(string, object)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IHubContext<LiveHub> _hub;
    private readonly LiveHubConnections _hubConnections;
    private readonly int _maxQueued;
    private readonly ILogger _logger;
    private int _queued;

    internal LiveConnection(HubCallerContext context, IHubContext<LiveHub> hub, LiveHubConnections hubConnections, int maxQueued, ILogger logger)
    {
        Context = context;
        _hub = hub;
        _hubConnections = hubConnections;
        _maxQueued = maxQueued;
        _logger = logger;
        var user = context.User;
        AccountId = user?.AccountIdOf();
        if (user?.IsCookieSession() == true && Guid.TryParse(user.FindFirst(AccountClaims.SecurityStamp)?.Value, out var stamp)) SecurityStamp = stamp;
        if (Guid.TryParse(user?.FindFirst(AccountClaims.TokenId)?.Value, out var token)) TokenId = token;
        _ = Task.Run(PumpAsync);
    }

    public string Id => Context.ConnectionId;

    public HubCallerContext Context { get; }

    public Guid? AccountId { get; }

    /// <summary>For a browser session: the security stamp its cookie carried; a password change or "sign out everywhere" rotates it.</summary>
    public Guid? SecurityStamp { get; }

    /// <summary>For a program: the personal access token it connected with, until revoked.</summary>
    public Guid? TokenId { get; }

    /// <summary>By topic name. Guarded by the lock of <see cref="LiveConnections"/>.</summary>
    internal Dictionary<string, Subscription> Subscriptions { get; } = new(StringComparer.Ordinal);

    internal void Enqueue(string target, object message)
    {
        if (Interlocked.Increment(ref _queued) > _maxQueued)
        {
            if (_queue.Writer.TryComplete())
            {
                _logger.LogInformation("Disconnected live connection {Connection}: it fell more than {Max} messages behind.", Id, _maxQueued);
                Context.Abort();
            }
            return;
        }
        _queue.Writer.TryWrite((target, message));
    }

    internal void Abort(string why)
    {
        if (_queue.Writer.TryComplete()) _logger.LogInformation("Disconnected live connection {Connection}: {Why}", Id, why);
        Context.Abort();
    }

    internal void Close() => _queue.Writer.TryComplete();

    /// <summary>Queues a message serialized once for many connections; written to this one as it is.</summary>
    internal void Enqueue(SerializedHubMessage message) => Enqueue("", message);

    private async Task PumpAsync()
    {
        var client = _hub.Clients.Client(Id);
        await foreach (var (target, message) in _queue.Reader.ReadAllAsync())
        {
            Interlocked.Decrement(ref _queued);
            try
            {
                if (message is SerializedHubMessage shared && _hubConnections.Find(Id) is { } connection)
                    await connection.WriteAsync(shared);
                else if (message is not SerializedHubMessage)
                    await client.SendAsync(target, message);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The connection is going away; OnDisconnectedAsync cleans up.
                _logger.LogDebug("Could not send to live connection {Connection}: {Message}", Id, e.Message);
                return;
            }
        }
    }
}
