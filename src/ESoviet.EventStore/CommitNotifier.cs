using Npgsql;

namespace ESoviet.EventStore;

/// <summary>
/// Sends the cross-process wake-up after commits, outside the append transactions.
/// A NOTIFY inside the append would take PostgreSQL's global notification-queue lock at
/// commit and hold it across the WAL flush, serializing every append; instead commits set a
/// flag and one loop sends at most one NOTIFY per interval, without waiting for a flush.
/// A notification lost in a crash costs nothing: listeners also poll.
/// </summary>
internal sealed class CommitNotifier(NpgsqlDataSource dataSource, string channel) : IAsyncDisposable
{
    private static readonly TimeSpan MinimumInterval = TimeSpan.FromMilliseconds(5);
    private readonly AsyncSignal _requested = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private readonly Lock _lock = new();

    public void Request()
    {
        _requested.Set();
        if (_loop is not null) return;
        lock (_lock) _loop ??= Task.Run(() => RunAsync(_stop.Token));
    }

    private async Task RunAsync(CancellationToken ct)
    {
        long seen = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (!await _requested.WaitAsync(seen, Timeout.InfiniteTimeSpan, ct)) continue;
                seen = _requested.Generation;
                await using (var connection = await dataSource.OpenConnectionAsync(ct))
                await using (var tx = await connection.BeginTransactionAsync(ct))
                {
                    await using var cmd = new NpgsqlCommand("SELECT set_config('synchronous_commit', 'off', true), pg_notify($1, '')", connection, tx);
                    cmd.Parameters.AddWithValue(channel);
                    await cmd.ExecuteNonQueryAsync(ct);
                    await tx.CommitAsync(ct);
                }
                await Task.Delay(MinimumInterval, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException)
            {
                // The database is unreachable: listeners will poll. Try again on the next commit.
                await Task.Delay(TimeSpan.FromMilliseconds(200), CancellationToken.None);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null) await _loop;
        _stop.Dispose();
    }
}
