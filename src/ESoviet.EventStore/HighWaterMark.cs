using Npgsql;

namespace ESoviet.EventStore;

/// <summary>
/// Tracks the highest sequence number below which no event can still appear, so readers can
/// walk the log in sequence order without ever skipping an event that commits late.
/// </summary>
/// <remarks>
/// Sequence values are handed out outside transactions, so a slow append can commit seq 5 after
/// seq 6 is visible, and a rolled-back append leaves seq 5 missing forever. Every append takes
/// its transaction id before its sequence number (see <c>next_event_seq</c>). So: read the
/// sequence's last value L, then list the transaction ids of every transaction running in this
/// database; any transaction that may still hold a value ≤ L is in that list. Once all of them
/// have ended, every hole ≤ L is dead and L is safe. No global lock, and no guessing with timeouts.
/// The list comes from <c>pg_stat_activity.backend_xid</c>, not from a snapshot's xip: a snapshot
/// lists only running ids below its xmax, and a young append can sit above it (a bug the
/// hole tests caught). So all appenders must connect as the same role (or one allowed to read
/// pg_stat_activity in full). "Ended" is then judged by a fresh snapshot rather than by
/// pg_xact_status, because a transaction is marked committed a moment before new snapshots
/// stop treating it as running, and in that moment its rows are still invisible.
/// <see cref="RefreshAsync"/> is meant for one polling loop; <see cref="WaitForCurrentAsync"/>
/// may be called from anywhere.
/// </remarks>
public sealed class HighWaterMark
{
    private readonly EventStore _store;
    private long _safe;
    private long _candidate;
    private long[] _waitingFor = [];
    private DateTimeOffset? _serverStarted;

    internal HighWaterMark(EventStore store) => _store = store;

    /// <summary>The last value known safe.</summary>
    public long Safe => Interlocked.Read(ref _safe);

    /// <summary>True while a newer mark waits for running transactions to end.</summary>
    public bool IsWaiting => _waitingFor.Length > 0;

    /// <summary>Advances the mark as far as is safe right now, without waiting.</summary>
    public async Task<long> RefreshAsync(CancellationToken ct)
    {
        await using var connection = await _store.DataSource.OpenConnectionAsync(ct);
        if (_waitingFor.Length > 0)
        {
            _waitingFor = await StillRunningAsync(connection, _waitingFor, ct);
            if (_waitingFor.Length > 0) return Safe;
            Advance(_candidate);
        }
        var (last, running) = await ProbeAsync(connection, ct);
        if (last <= Safe) return Safe;
        if (running.Length == 0) Advance(last);
        else (_candidate, _waitingFor) = (last, running);
        return Safe;
    }

    /// <summary>Waits until every event committed before the call is below the mark, and returns the mark.</summary>
    public async Task<long> WaitForCurrentAsync(CancellationToken ct)
    {
        await using var connection = await _store.DataSource.OpenConnectionAsync(ct);
        var (last, running) = await ProbeAsync(connection, ct);
        while (running.Length > 0)
        {
            await Task.Delay(2, ct);
            running = await StillRunningAsync(connection, running, ct);
        }
        Advance(last);
        return Safe;
    }

    private async Task<(long Last, long[] Running)> ProbeAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        // Two statements, so two snapshots, in this order: the sequence first, then the running transactions.
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new($"SELECT CASE WHEN is_called THEN last_value ELSE 0 END, pg_postmaster_start_time() FROM {_store.Tables.Sequence}"),
                new("""
                    SELECT coalesce(array_agg(backend_xid::text::bigint), '{}') FROM pg_stat_activity
                     WHERE backend_xid IS NOT NULL AND datname = current_database() AND pid <> pg_backend_pid()
                    """),
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var last = reader.GetInt64(0);
        ForgetIfRestarted(reader.GetFieldValue<DateTimeOffset>(1));
        await reader.NextResultAsync(ct);
        await reader.ReadAsync(ct);
        return (last, reader.GetFieldValue<long[]>(0));
    }

    private static async Task<long[]> StillRunningAsync(NpgsqlConnection connection, long[] xids, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT coalesce(array_agg(x), '{}') FROM unnest($1::bigint[]) x WHERE NOT pg_visible_in_snapshot(x::text::xid8, pg_current_snapshot())",
            connection);
        cmd.Parameters.AddWithValue(xids);
        return (long[])(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// After a database crash the sequence may resume below a value this mark already passed: a rolled-back append's
    /// advance of it need not have reached the disk. What was judged safe before the restart is forgotten, so the
    /// mark (and whoever follows it with a position of its own, which must rewind to it) starts again from the
    /// server's state. A reader's durable progress is unaffected: committing it flushed the sequence's advance too.
    /// </summary>
    private void ForgetIfRestarted(DateTimeOffset started)
    {
        if (_serverStarted is { } known && known != started)
        {
            Interlocked.Exchange(ref _safe, 0);
            (_candidate, _waitingFor) = (0, []);
        }
        _serverStarted = started;
    }

    private void Advance(long value)
    {
        var current = Interlocked.Read(ref _safe);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref _safe, value, current);
            if (seen == current) return;
            current = seen;
        }
    }
}
