using ESoviet.EventStore;
using ESoviet.EventStore.Projections;
using Npgsql;
using NpgsqlTypes;

namespace ESoviet.Web.Ledger;

/// <summary>
/// Seals every organization event into its organization's hash chain (docs/ledger.md). An async projection on
/// purpose: appends commit in parallel and never wait for the chain; the daemon follows them in sequence order,
/// below the high-water mark, and commits each batch with its progress row, so every event is sealed exactly once
/// and in order. The hashing itself is <c>ledger_seal()</c> in Schema/0040_ledger.sql: one round trip per batch,
/// and the entry bytes come from the same SQL the export uses.
/// </summary>
public sealed class LedgerSealer : IAsyncProjection
{
    public const string ProjectionName = "ledger";

    public string Name => ProjectionName;

    // ledger_seal() reads the events itself; here only their sequence and organization matter.
    public bool ReadsBodies => false;

    public async Task ApplyAsync(NpgsqlConnection connection, IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        var seqs = new List<long>(events.Count);
        foreach (var e in events)
        {
            if (IsOrganization(e.TenantId)) seqs.Add(e.Sequence);
        }
        if (seqs.Count == 0) return;

        await using var cmd = new NpgsqlCommand("SELECT ledger_seal($1)", connection);
        cmd.Parameters.Add(new NpgsqlParameter<long[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, TypedValue = seqs.ToArray() });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Empties the ledger; the daemon then seals every event again. A rebuilt chain has the same hashes only if no
    /// event row changed meanwhile: exports taken before it show members whether it does.
    /// </summary>
    public async Task ResetAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("DELETE FROM ledger_entries; DELETE FROM ledger_heads", connection);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Organization events carry the organization's id, as <see cref="Guid.ToString()"/> writes it.</summary>
    internal static bool IsOrganization(string? tenantId) =>
        tenantId is { Length: 36 } && Guid.TryParseExact(tenantId, "D", out var id) && id.ToString() == tenantId;
}
