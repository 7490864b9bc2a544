namespace ESoviet.Faults.Tests.Harness;

/// <summary>What an exactly-once sealer leaves in ledger_entries, checked in the database.</summary>
public static class LedgerShould
{
    /// <summary>One entry per organization event, positions 1..N without gaps, sequence numbers increasing along the chain.</summary>
    public static async Task SealEveryEventOnceAsync(string connectionString, Guid org)
    {
        var events = await Forum.ColumnAsync<long>(connectionString, "SELECT seq FROM es.events WHERE tenant_id = $1 ORDER BY seq", org.ToString());
        var sealedSeqs = await Forum.ColumnAsync<long>(connectionString, "SELECT seq FROM ledger_entries WHERE org_id = $1 ORDER BY position", org);
        var positions = await Forum.ColumnAsync<long>(connectionString, "SELECT position FROM ledger_entries WHERE org_id = $1 ORDER BY position", org);
        sealedSeqs.Should().Equal(events, "every event is sealed once, in sequence order, and nothing else is");
        positions.Should().Equal(Enumerable.Range(1, events.Count).Select(i => (long)i));
    }
}
