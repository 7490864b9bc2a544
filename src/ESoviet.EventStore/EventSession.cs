using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;
using NpgsqlTypes;

namespace ESoviet.EventStore;

/// <summary>
/// Collects appends and commits them in one transaction, together with the inline projections:
/// either every event and every read-model write lands, or none does.
/// </summary>
public sealed partial class EventSession : IAsyncDisposable
{
    private readonly EventStore _store;
    private readonly EventMetadata _metadata;
    private readonly List<PendingAppend> _pending = [];
    private readonly List<Func<NpgsqlConnection, CancellationToken, Task>> _enlisted = [];

    internal EventSession(EventStore store, EventMetadata metadata)
    {
        _store = store;
        _metadata = metadata;
    }

    /// <summary>Starts a new stream; the commit fails with <see cref="StreamConflictException"/> if it exists.</summary>
    public EventSession StartStream(string streamId, string? streamType, params object[] events) =>
        Add(streamId, streamType, ExpectedVersion.New, events);

    /// <summary>Appends expecting the stream at <paramref name="expectedVersion"/> (see <see cref="ExpectedVersion"/>).</summary>
    public EventSession Append(string streamId, long expectedVersion, params object[] events) =>
        Add(streamId, null, expectedVersion, events);

    /// <summary>Appends whatever the stream's version, creating the stream if needed.</summary>
    public EventSession Append(string streamId, params object[] events) =>
        Add(streamId, null, ExpectedVersion.Any, events);

    /// <summary>
    /// Runs <paramref name="work"/> inside the append's transaction, before the events are written, like
    /// Marten's queued SQL: rows outside the log (an account, a secret's hash) commit or vanish with the events.
    /// The work may read under a lock and then append to this session: its appends join the same commit.
    /// Throwing from it rolls everything back.
    /// </summary>
    public EventSession Enlist(Func<NpgsqlConnection, CancellationToken, Task> work)
    {
        _enlisted.Add(work);
        return this;
    }

    public bool HasChanges => _pending.Count > 0 || _enlisted.Count > 0;

    private EventSession Add(string streamId, string? streamType, long expectedVersion, object[] events)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        if (events.Length == 0) throw new ArgumentException("Append at least one event.", nameof(events));
        if (expectedVersion < ExpectedVersion.Any) throw new ArgumentOutOfRangeException(nameof(expectedVersion));
        if (_pending.Any(p => p.StreamId == streamId))
            throw new InvalidOperationException($"Stream '{streamId}' is already appended to in this session; append all its events at once.");
        _pending.Add(new PendingAppend(streamId, streamType, expectedVersion, events));
        return this;
    }

    /// <summary>Commits every pending append; returns the stored events in the order they were appended.</summary>
    public async Task<IReadOnlyList<StoredEvent>> SaveChangesAsync(CancellationToken ct = default)
    {
        if (!HasChanges) return [];
        var options = _store.Options;
        // PostgreSQL keeps microseconds; truncate so the returned events equal what is stored.
        var clock = options.Time.GetUtcNow();
        var now = clock.AddTicks(-(clock.Ticks % 10));
        var rows = new List<(PendingAppend Append, Guid Id, object Data, string Type)>();

        await using var connection = await _store.DataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        foreach (var work in _enlisted) await work(connection, ct);
        await using var batch = new NpgsqlBatch(connection, tx);
        foreach (var append in _pending)
        {
            var ids = new Guid[append.Events.Length];
            var types = new string[append.Events.Length];
            var data = new string[append.Events.Length];
            for (var i = 0; i < append.Events.Length; i++)
            {
                var (body, id) = append.Events[i] is NewEvent n ? (n.Data, n.Id) : (append.Events[i], Guid.CreateVersion7(now));
                ids[i] = id;
                types[i] = options.Events.NameOf(body.GetType());
                data[i] = JsonSerializer.Serialize(body, body.GetType(), options.Json);
                rows.Add((append, id, body, types[i]));
            }
            var command = new NpgsqlBatchCommand(
                $"SELECT event_id, event_seq, event_version FROM {_store.Tables.AppendFunction}($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)");
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = append.StreamId });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)append.StreamType ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)_metadata.TenantId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = append.ExpectedVersion });
            command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = ids });
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = types });
            command.Parameters.Add(new NpgsqlParameter { Value = data, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)_metadata.Actor ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)_metadata.CorrelationId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)_metadata.CausationId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
            batch.BatchCommands.Add(command);
        }

        var positions = batch.BatchCommands.Count > 0
            ? await ExecuteAppendsAsync(batch, rows.Select(r => (r.Append, r.Id)).ToList(), ct)
            : [];

        var stored = rows.Select(r =>
        {
            var (seq, version) = positions[r.Id];
            return new StoredEvent(seq, r.Id, r.Append.StreamId, version, r.Type, r.Data, now,
                _metadata.TenantId, _metadata.Actor, _metadata.CorrelationId, _metadata.CausationId);
        }).ToList();

        foreach (var projection in options.InlineProjections) await projection.ApplyAsync(connection, stored, ct);
        await tx.CommitAsync(ct);
        _pending.Clear();
        _enlisted.Clear();
        if (stored.Count > 0) _store.OnCommitted();
        return stored;
    }

    private async Task<Dictionary<Guid, (long Seq, long Version)>> ExecuteAppendsAsync(
        NpgsqlBatch batch, List<(PendingAppend Append, Guid Id)> rows, CancellationToken ct)
    {
        var positions = new Dictionary<Guid, (long Seq, long Version)>();
        try
        {
            await using var reader = await batch.ExecuteReaderAsync(ct);
            do
            {
                while (await reader.ReadAsync(ct)) positions[reader.GetGuid(0)] = (reader.GetInt64(1), reader.GetInt64(2));
            } while (await reader.NextResultAsync(ct));
        }
        catch (PostgresException e) when (e.SqlState == "ES409")
        {
            // Results arrive in batch order, so the failed append is the first one without results.
            var failed = rows.First(r => !positions.ContainsKey(r.Id)).Append;
            // Npgsql hides DETAIL unless asked to, so the actual version is read from the message.
            var actual = TrailingNumber().Match(e.MessageText);
            throw new StreamConflictException(failed.StreamId, failed.ExpectedVersion,
                actual.Success ? long.Parse(actual.Value, System.Globalization.CultureInfo.InvariantCulture) : -1);
        }
        catch (PostgresException e) when (e is { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "events_id_unique" })
        {
            throw new DuplicateEventException(await FindExistingIdAsync(rows.Select(r => r.Id).ToArray(), ct));
        }
        return positions;
    }

    private async Task<Guid> FindExistingIdAsync(Guid[] ids, CancellationToken ct)
    {
        await using var cmd = _store.DataSource.CreateCommand($"SELECT id FROM {_store.Tables.Events} WHERE id = ANY($1) LIMIT 1");
        cmd.Parameters.AddWithValue(ids);
        return await cmd.ExecuteScalarAsync(ct) is Guid id ? id : Guid.Empty;
    }

    [GeneratedRegex(@"-?\d+$")]
    private static partial Regex TrailingNumber();

    public ValueTask DisposeAsync()
    {
        _pending.Clear();
        _enlisted.Clear();
        return ValueTask.CompletedTask;
    }

    private sealed record PendingAppend(string StreamId, string? StreamType, long ExpectedVersion, object[] Events);
}
