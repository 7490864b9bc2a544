using System.Runtime.CompilerServices;
using System.Text.Json;
using Npgsql;

namespace ESoviet.EventStore;

/// <summary>
/// An append-only event log in PostgreSQL, shaped like Marten's event store: streams with a
/// per-stream version for optimistic concurrency, one global sequence across all streams,
/// inline projections in the append transaction and async projections behind a daemon.
/// </summary>
public sealed class EventStore : IAsyncDisposable
{
    private const string Columns =
        "seq, id, stream_id, version, type, data, timestamp, tenant_id, actor, correlation_id, causation_id";

    // The same columns with NULL for the body, so one reader serves both.
    private const string HeaderColumns =
        "seq, id, stream_id, version, type, NULL::text, timestamp, tenant_id, actor, correlation_id, causation_id";

    private readonly CommitNotifier _notifier;

    public EventStore(NpgsqlDataSource dataSource, EventStoreOptions options)
    {
        DataSource = dataSource;
        Options = options;
        Tables = new TableNames(options.Schema);
        _notifier = new CommitNotifier(dataSource, options.NotificationChannel);
    }

    public NpgsqlDataSource DataSource { get; }
    public EventStoreOptions Options { get; }
    internal TableNames Tables { get; }

    /// <summary>
    /// Set after every commit made through this instance and, when a <see cref="NotificationListener"/>
    /// runs, after every commit anywhere. A wake-up only: readers then read the events table.
    /// </summary>
    public AsyncSignal Committed { get; } = new();

    /// <summary>Creates or upgrades the store's tables; safe when several instances start at once.</summary>
    public Task ApplySchemaAsync(CancellationToken ct = default) =>
        SchemaMigrator.ApplyAsync(
            DataSource,
            "event_store:" + Options.Schema,
            SchemaMigrator.FromEmbeddedResources(typeof(EventStore).Assembly, ".Schema."),
            new Dictionary<string, string> { ["schema"] = Options.Schema },
            ct);

    public EventSession OpenSession(EventMetadata? metadata = null) => new(this, metadata ?? EventMetadata.None);

    /// <summary>The stream's current version, or 0 when it does not exist.</summary>
    public async Task<long> StreamVersionAsync(string streamId, CancellationToken ct = default)
    {
        await using var cmd = DataSource.CreateCommand($"SELECT version FROM {Tables.Streams} WHERE id = $1");
        cmd.Parameters.AddWithValue(streamId);
        return await cmd.ExecuteScalarAsync(ct) is long version ? version : 0;
    }

    public async Task<IReadOnlyList<StoredEvent>> FetchStreamAsync(string streamId, long afterVersion = 0, CancellationToken ct = default)
    {
        await using var cmd = DataSource.CreateCommand(
            $"SELECT {Columns} FROM {Tables.Events} WHERE stream_id = $1 AND version > $2 ORDER BY version");
        cmd.Parameters.AddWithValue(streamId);
        cmd.Parameters.AddWithValue(afterVersion);
        return await ReadEventsAsync(cmd, ct);
    }

    /// <summary>Folds a stream into a new <typeparamref name="T"/> (see <see cref="Aggregator{T}"/>); null when the stream does not exist.</summary>
    public Task<StreamState<T>?> AggregateStreamAsync<T>(string streamId, CancellationToken ct = default) where T : class, new() =>
        AggregateStreamAsync(streamId, new T(), ct);

    /// <summary>Folds a stream onto <paramref name="seed"/>; null when the stream does not exist.</summary>
    public async Task<StreamState<T>?> AggregateStreamAsync<T>(string streamId, T seed, CancellationToken ct = default) where T : class
    {
        var events = await FetchStreamAsync(streamId, 0, ct);
        if (events.Count == 0) return null;
        return new StreamState<T>(Aggregator<T>.Fold(seed, events.Select(e => e.Data)), events[^1].Version);
    }

    /// <summary>
    /// Events with <paramref name="afterSequence"/> &lt; seq ≤ <paramref name="upToSequence"/>, in sequence order.
    /// Rows above the high-water mark may still be joined by late commits below them: read up to
    /// <see cref="HighWaterMark"/> when the result must be a gap-free prefix.
    /// </summary>
    public async Task<IReadOnlyList<StoredEvent>> ReadAllAsync(
        long afterSequence, long upToSequence = long.MaxValue, int limit = 1000, string? tenantId = null, CancellationToken ct = default)
    {
        await using var connection = await DataSource.OpenConnectionAsync(ct);
        return await ReadAllAsync(connection, afterSequence, upToSequence, limit, tenantId, ct);
    }

    /// <summary>
    /// Events in (<paramref name="afterSequence"/>, <paramref name="upToSequence"/>], at most <paramref name="limit"/>;
    /// without <paramref name="bodies"/>, each <see cref="StoredEvent.Data"/> is <see cref="Projections.EventBodyNotRead.Instance"/>
    /// and no body is read or deserialized.
    /// </summary>
    public async Task<IReadOnlyList<StoredEvent>> ReadAllAsync(
        NpgsqlConnection connection, long afterSequence, long upToSequence, int limit, string? tenantId, CancellationToken ct, bool bodies = true)
    {
        var columns = bodies ? Columns : HeaderColumns;
        await using var cmd = new NpgsqlCommand(
            tenantId is null
                ? $"SELECT {columns} FROM {Tables.Events} WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3"
                : $"SELECT {columns} FROM {Tables.Events} WHERE seq > $1 AND seq <= $2 AND tenant_id = $4 ORDER BY seq LIMIT $3",
            connection);
        cmd.Parameters.AddWithValue(afterSequence);
        cmd.Parameters.AddWithValue(upToSequence);
        cmd.Parameters.AddWithValue(limit);
        if (tenantId is not null) cmd.Parameters.AddWithValue(tenantId);
        return await ReadEventsAsync(cmd, ct);
    }

    /// <summary>Streams events in sequence order without holding them all in memory.</summary>
    public async IAsyncEnumerable<StoredEvent> StreamAllAsync(
        long afterSequence, long upToSequence, string? tenantId = null, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var position = afterSequence;
        while (true)
        {
            var page = await ReadAllAsync(position, upToSequence, 5000, tenantId, ct);
            foreach (var e in page) yield return e;
            if (page.Count < 5000) yield break;
            position = page[^1].Sequence;
        }
    }

    /// <summary>A fresh tracker of the sequence below which no event can still appear.</summary>
    public HighWaterMark CreateHighWaterMark() => new(this);

    internal async Task<IReadOnlyList<StoredEvent>> ReadEventsAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var events = new List<StoredEvent>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var typeName = reader.GetString(4);
            var data = reader.IsDBNull(5)
                ? Projections.EventBodyNotRead.Instance
                : JsonSerializer.Deserialize(reader.GetString(5), Options.Events.TypeOf(typeName), Options.Json)!;
            events.Add(new StoredEvent(
                reader.GetInt64(0),
                reader.GetGuid(1),
                reader.GetString(2),
                reader.GetInt64(3),
                typeName,
                data,
                reader.GetFieldValue<DateTimeOffset>(6),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetString(8),
                reader.IsDBNull(9) ? null : reader.GetString(9),
                reader.IsDBNull(10) ? null : reader.GetString(10)));
        }
        return events;
    }

    internal void OnCommitted()
    {
        Committed.Set();
        _notifier.Request();
    }

    public ValueTask DisposeAsync() => _notifier.DisposeAsync();
}

/// <summary>Fully qualified table names for one schema.</summary>
internal sealed class TableNames(string schema)
{
    public string Schema { get; } = schema;
    public string Streams { get; } = schema + ".streams";
    public string Events { get; } = schema + ".events";
    public string Progress { get; } = schema + ".projection_progress";
    public string Sequence { get; } = schema + ".event_seq";
    public string AppendFunction { get; } = schema + ".append_events";
}
