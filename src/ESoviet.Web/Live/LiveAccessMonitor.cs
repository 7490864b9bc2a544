using ESoviet.Web.Infrastructure;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ESoviet.Web.Live;

/// <summary>
/// A connection outlives the request that opened it, so what was true then is checked again every
/// <see cref="LiveOptions.RecheckInterval"/>, for all of this node's connections in two queries: a session whose password
/// changed or that signed out everywhere, a revoked token or a deleted account loses its connection; a subscriber who
/// is no longer a candidate or member of the topic's organization loses the subscription. (Leaving and expulsion also
/// end subscriptions at once, from the feed.)
/// </summary>
public sealed class LiveAccessMonitor(
    LiveConnections connections, NpgsqlDataSource dataSource, DatabaseReadiness readiness, IOptions<LiveOptions> options, ILogger<LiveAccessMonitor> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try { await readiness.WaitAsync(stoppingToken); } catch (OperationCanceledException) { return; }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.Value.RecheckInterval, stoppingToken);
                await CheckAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                logger.LogWarning("Checking live connections paused: {Message}", e.Message);
            }
        }
    }

    public async Task CheckAsync(CancellationToken ct)
    {
        var signedIn = connections.Connections().Where(c => c.AccountId is not null).ToList();
        if (signedIn.Count > 0)
        {
            await using var cmd = dataSource.CreateCommand("""
                SELECT x.i FROM unnest($1::uuid[], $2::uuid[], $3::uuid[]) WITH ORDINALITY AS x (account, stamp, token, i)
                 WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = x.account AND (x.stamp IS NULL OR a.security_stamp = x.stamp))
                    OR (x.token IS NOT NULL
                        AND NOT EXISTS (SELECT 1 FROM access_tokens t WHERE t.id = x.token AND t.account_id = x.account AND t.revoked_at IS NULL))
                """);
            cmd.Parameters.AddWithValue(signedIn.Select(c => c.AccountId!.Value).ToArray());
            cmd.Parameters.AddWithValue(signedIn.Select(c => c.SecurityStamp).ToArray());
            cmd.Parameters.AddWithValue(signedIn.Select(c => c.TokenId).ToArray());
            var ended = new List<LiveConnection>();
            await using (var r = await cmd.ExecuteReaderAsync(ct))
            {
                while (await r.ReadAsync(ct)) ended.Add(signedIn[(int)r.GetInt64(0) - 1]);
            }
            foreach (var connection in ended) connection.Abort("its session or token is no longer valid.");
        }

        var subscriptions = connections.Subscriptions();
        if (subscriptions.Count == 0) return;
        var pairs = subscriptions.Select(s => (s.Grant.AccountId, s.Grant.OrganizationId)).Distinct().ToList();
        await using var check = dataSource.CreateCommand("""
            SELECT x.i FROM unnest($1::uuid[], $2::uuid[]) WITH ORDINALITY AS x (account, org, i)
             WHERE NOT EXISTS (SELECT 1 FROM accounts a JOIN memberships m ON m.handle_key = a.handle_key
                                WHERE a.id = x.account AND m.org_id = x.org AND m.status IN ('candidate', 'member'))
            """);
        check.Parameters.AddWithValue(pairs.Select(p => p.AccountId).ToArray());
        check.Parameters.AddWithValue(pairs.Select(p => p.OrganizationId).ToArray());
        var outside = new HashSet<(Guid, Guid)>();
        await using (var r = await check.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct)) outside.Add(pairs[(int)r.GetInt64(0) - 1]);
        }
        if (outside.Count > 0)
            connections.Revoke(subscriptions.Where(s => outside.Contains((s.Grant.AccountId, s.Grant.OrganizationId))), "You are no longer in this organization.");
    }
}
