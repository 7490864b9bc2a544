using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ESoviet.EventStore;

/// <summary>
/// Keeps one connection LISTENing to the store's channel and turns every notification into a
/// <see cref="EventStore.Committed"/> wake-up, so commits made by other processes reach this
/// one's daemon and live feeds. After a reconnect it wakes everyone too, because notifications
/// sent while it was away are gone.
/// </summary>
public sealed class NotificationListener(EventStore store, ILogger<NotificationListener>? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger<NotificationListener>.Instance;

    public async Task RunAsync(CancellationToken ct)
    {
        var backoff = TimeSpan.FromMilliseconds(100);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = await store.DataSource.OpenConnectionAsync(ct);
                connection.Notification += (_, _) => store.Committed.Set();
                try
                {
                    await using (var cmd = new NpgsqlCommand($"LISTEN {store.Options.NotificationChannel}", connection))
                        await cmd.ExecuteNonQueryAsync(ct);
                    store.Committed.Set();
                    backoff = TimeSpan.FromMilliseconds(100);
                    while (!ct.IsCancellationRequested)
                    {
                        // A timeout is a chance to prove the connection is still alive.
                        if (!await connection.WaitAsync(TimeSpan.FromSeconds(15), ct))
                        {
                            await using var ping = new NpgsqlCommand("SELECT 1", connection);
                            await ping.ExecuteScalarAsync(ct);
                        }
                    }
                }
                finally
                {
                    await StopListeningAsync(connection);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
            {
                _logger.LogWarning("Event notification listener lost its connection ({Message}); retrying in {Backoff}.", e.Message, backoff);
                try { await Task.Delay(backoff, ct); } catch (OperationCanceledException) { return; }
                backoff = TimeSpan.FromMilliseconds(Math.Min(backoff.TotalMilliseconds * 2, 5000));
            }
        }
    }

    /// <summary>
    /// A pool may be configured not to reset connections (No Reset On Close), so a connection that still works goes
    /// back without its LISTEN; a broken one is discarded by the pool anyway.
    /// </summary>
    private static async Task StopListeningAsync(NpgsqlConnection connection)
    {
        if (connection.State != System.Data.ConnectionState.Open) return;
        try
        {
            await using var cmd = new NpgsqlCommand("UNLISTEN *", connection);
            await cmd.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
        {
            // The connection is unusable: the pool will not hand it out again.
        }
    }
}
