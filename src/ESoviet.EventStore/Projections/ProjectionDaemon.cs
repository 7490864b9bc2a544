using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ESoviet.EventStore.Projections;

/// <summary>
/// Applies committed events to async projections in sequence order, never past the
/// <see cref="HighWaterMark"/>. Each batch commits together with the projection's progress row,
/// which it holds locked meanwhile: several app nodes may run a daemon, and a batch is still
/// applied exactly once.
/// </summary>
public sealed class ProjectionDaemon
{
    private readonly EventStore _store;
    private readonly IReadOnlyList<IAsyncProjection> _projections;
    private readonly ILogger _logger;
    private readonly HighWaterMark _mark;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _progress = new();
    private readonly AsyncSignal _advanced = new();

    public ProjectionDaemon(EventStore store, IEnumerable<IAsyncProjection> projections, ILogger<ProjectionDaemon>? logger = null)
    {
        _store = store;
        _projections = projections.ToList();
        var duplicate = _projections.GroupBy(p => p.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"Two projections are named '{duplicate.Key}'.");
        _logger = logger ?? NullLogger<ProjectionDaemon>.Instance;
        _mark = store.CreateHighWaterMark();
    }

    public IReadOnlyList<IAsyncProjection> Projections => _projections;

    /// <summary>Set after every pass over the projections, whether or not it found work: a way to wait until the daemon has looked.</summary>
    public AsyncSignal Passes => _advanced;

    public async Task RunAsync(CancellationToken ct)
    {
        await EnsureProgressRowsAsync(ct);
        while (!ct.IsCancellationRequested)
        {
            var seen = _store.Committed.Generation;
            try
            {
                var mark = await _mark.RefreshAsync(ct);
                var busy = false;
                foreach (var projection in _projections) busy |= await RunBatchAsync(projection, mark, ct);
                _advanced.Set();
                if (busy) continue;
                if (_mark.IsWaiting) await Task.Delay(2, ct);
                else await _store.Committed.WaitAsync(seen, _store.Options.PollInterval, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                // The database went away: nothing was half-applied (the batch rolled back). Retry.
                _logger.LogWarning("Projection daemon paused: {Message}", e.Message);
                try { await Task.Delay(500, ct); } catch (OperationCanceledException) { return; }
            }
        }
    }

    /// <summary>Applies the next batch for one projection; returns true when it did any work.</summary>
    private async Task<bool> RunBatchAsync(IAsyncProjection projection, long mark, CancellationToken ct)
    {
        if (_progress.TryGetValue(projection.Name, out var known) && known >= mark) return false;

        await using var connection = await _store.DataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        long floor;
        await using (var cmd = new NpgsqlCommand($"SELECT last_seq FROM {_store.Tables.Progress} WHERE name = $1 FOR UPDATE", connection, tx))
        {
            cmd.Parameters.AddWithValue(projection.Name);
            floor = (long)(await cmd.ExecuteScalarAsync(ct))!;
        }
        if (floor >= mark)
        {
            _progress[projection.Name] = floor;
            return false;
        }

        var events = await _store.ReadAllAsync(connection, floor, mark, _store.Options.BatchSize, null, ct, projection.ReadsBodies);
        // A batch that reaches the mark can move past holes: every hole below the mark is dead.
        var reached = events.Count == _store.Options.BatchSize ? events[^1].Sequence : mark;
        if (events.Count > 0) await projection.ApplyAsync(connection, events, ct);
        await using (var cmd = new NpgsqlCommand($"UPDATE {_store.Tables.Progress} SET last_seq = $2, updated = now() WHERE name = $1", connection, tx))
        {
            cmd.Parameters.AddWithValue(projection.Name);
            cmd.Parameters.AddWithValue(reached);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        _progress[projection.Name] = reached;
        return true;
    }

    /// <summary>Waits until every projection has applied every event committed before the call.</summary>
    public async Task WaitForNonStaleAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        if (_projections.Count == 0) return;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        var target = await _store.CreateHighWaterMark().WaitForCurrentAsync(cts.Token);
        _store.Committed.Set();
        while (true)
        {
            var seen = _advanced.Generation;
            if (await LowestProgressAsync(cts.Token) >= target) return;
            await _advanced.WaitAsync(seen, TimeSpan.FromMilliseconds(200), cts.Token);
        }
    }

    /// <summary>Empties a projection and sets its progress to zero; the running daemon then replays every event.</summary>
    public async Task ResetAsync(string name, CancellationToken ct = default)
    {
        var projection = _projections.Single(p => p.Name == name);
        await EnsureProgressRowsAsync(ct);
        await using var connection = await _store.DataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var cmd = new NpgsqlCommand($"SELECT last_seq FROM {_store.Tables.Progress} WHERE name = $1 FOR UPDATE", connection, tx))
        {
            cmd.Parameters.AddWithValue(name);
            await cmd.ExecuteScalarAsync(ct);
        }
        await projection.ResetAsync(connection, ct);
        await using (var cmd = new NpgsqlCommand($"UPDATE {_store.Tables.Progress} SET last_seq = 0, updated = now() WHERE name = $1", connection, tx))
        {
            cmd.Parameters.AddWithValue(name);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        _progress.TryRemove(name, out _);
        _store.Committed.Set();
    }

    /// <summary>Rebuilds one projection from sequence zero in the calling task, without a running daemon.</summary>
    public async Task<long> RebuildAsync(string name, CancellationToken ct = default)
    {
        await ResetAsync(name, ct);
        var projection = _projections.Single(p => p.Name == name);
        var mark = await _store.CreateHighWaterMark().WaitForCurrentAsync(ct);
        while (await RunBatchAsync(projection, mark, ct)) { }
        return mark;
    }

    private async Task<long> LowestProgressAsync(CancellationToken ct)
    {
        await using var cmd = _store.DataSource.CreateCommand($"SELECT coalesce(min(last_seq), 0) FROM {_store.Tables.Progress} WHERE name = ANY($1)");
        cmd.Parameters.AddWithValue(_projections.Select(p => p.Name).ToArray());
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private async Task EnsureProgressRowsAsync(CancellationToken ct)
    {
        await using var cmd = _store.DataSource.CreateCommand(
            $"INSERT INTO {_store.Tables.Progress} (name) SELECT unnest($1::text[]) ON CONFLICT (name) DO NOTHING");
        cmd.Parameters.AddWithValue(_projections.Select(p => p.Name).ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
