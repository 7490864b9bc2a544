using Npgsql;

namespace ESoviet.Web.Ledger;

/// <summary>An organization's chain as sealed so far: how many entries, and the latest one's hash (64 zeros when empty).</summary>
public sealed record LedgerHead(long Entries, string Hash)
{
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    public static readonly LedgerHead Empty = new(0, Genesis);
}

/// <summary>
/// How far sealing has got: <see cref="SealedThrough"/> is the ledger projection's progress (every event up to that
/// sequence number is sealed or belongs to no organization), <see cref="Latest"/> the newest committed event.
/// </summary>
public sealed record SealingStatus(long SealedThrough, long Latest)
{
    /// <summary>Sequence numbers committed but not yet sealed; 0 once the sealer has caught up.</summary>
    public long Lag => Math.Max(0, Latest - SealedThrough);
}

public sealed class LedgerQueries(NpgsqlDataSource dataSource, EventStore.EventStore store)
{
    public async Task<LedgerHead> HeadAsync(Guid organizationId, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT position, hash FROM ledger_heads WHERE org_id = $1");
        cmd.Parameters.AddWithValue(organizationId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? new LedgerHead(reader.GetInt64(0), reader.GetString(1)) : LedgerHead.Empty;
    }

    /// <summary>Sealing lag, for tests, benchmarks and operators: one cheap query.</summary>
    public async Task<SealingStatus> StatusAsync(CancellationToken ct = default)
    {
        var schema = store.Options.Schema;
        await using var cmd = dataSource.CreateCommand($"""
            SELECT coalesce((SELECT last_seq FROM {schema}.projection_progress WHERE name = $1), 0),
                   coalesce((SELECT max(seq) FROM {schema}.events), 0)
            """);
        cmd.Parameters.AddWithValue(LedgerSealer.ProjectionName);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new SealingStatus(reader.GetInt64(0), reader.GetInt64(1));
    }
}
