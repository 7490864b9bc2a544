using System.Diagnostics;
using System.Text.Json;
using ESoviet.Testing;
using ESoviet.Web.Tests.Membership;
using ESoviet.Web.Tests.Voting;
using Xunit.Abstractions;

namespace ESoviet.Web.Tests.Live;

/// <summary>The proposal topic over a raw WebSocket speaking SignalR's JSON protocol, as any client program would.</summary>
public sealed class Following_a_vote_live(LiveApp app, ITestOutputHelper output) : IClassFixture<LiveApp>
{
    [Fact]
    public async Task A_vote_reaches_a_subscriber_with_its_roll_call_row_and_the_new_tally_and_nobody_outside()
    {
        var (anna, slug) = await app.FoundAsync();
        using var _ = anna;
        using var boris = await app.AdmitAsync(anna, slug, "boris");
        using var chen = await app.AdmitAsync(anna, slug, "chen");
        var proposal = await app.OpenVoteAsync(anna, slug);
        var topic = $"proposal:{proposal}";

        await using var watcher = await app.ConnectAsync(chen);
        await watcher.InvokeAsync("Subscribe", topic);
        var (olga, elsewhere) = await app.FoundAsync();
        using var __ = olga;
        await using var outsider = await app.ConnectAsync(olga);
        await outsider.ShouldBeRefusedAsync(topic);
        await outsider.InvokeAsync("Subscribe", $"org:{elsewhere}");

        var started = Stopwatch.StartNew();
        var cast = await boris.VoteAsync(slug, proposal, "against", "too costly");
        var pushed = await watcher.NextEventAsync("vote_cast");
        output.WriteLine($"vote to push: {started.ElapsedMilliseconds} ms");

        pushed.GetProperty("topic").GetString().Should().Be(topic);
        pushed.Seq().Should().Be(await app.ScalarAsync<long>(
            "SELECT seq FROM es.events WHERE type = 'vote_cast' AND data->>'proposalId' = $1", proposal.ToString()));
        var row = pushed.Data().GetProperty("row");
        row.GetProperty("voter").GetString().Should().Be(boris.Handle);
        row.GetProperty("choice").GetString().Should().Be("against");
        row.GetProperty("reason").GetString().Should().Be("too costly");
        row.GetProperty("changes").GetInt32().Should().Be(0);
        row.GetProperty("sealed").GetBoolean().Should().BeFalse();
        var tally = pushed.Data().GetProperty("tally");
        tally.GetProperty("voted").GetInt32().Should().Be(1);
        tally.GetProperty("against").GetInt32().Should().Be(1);
        tally.GetProperty("electorate").GetInt32().Should().Be(3);
        tally.GetRawText().Should().Be(cast.GetProperty("tally").GetRawText(), "the page's count and the API's are one count");

        // A changed vote says so; the outsider, subscribed only to its own organization, heard none of it. A vote
        // within the tally interval of the last carries no tally: a "tally" message with the same seq follows it.
        await boris.VoteAsync(slug, proposal, "for", "convinced");
        var changed = await watcher.NextEventAsync("vote_cast");
        changed.Data().GetProperty("row").GetProperty("changes").GetInt32().Should().Be(1);
        var recount = changed.Data().GetProperty("tally");
        if (recount.ValueKind == JsonValueKind.Null)
        {
            var coalesced = await watcher.NextEventAsync("tally");
            coalesced.Seq().Should().Be(changed.Seq());
            recount = coalesced.Data().GetProperty("tally");
        }
        recount.GetProperty("for").GetInt32().Should().Be(1);
        recount.GetProperty("against").GetInt32().Should().Be(0);
        (await outsider.DrainAsync(Live.Quiet)).Should().BeEmpty();
    }

    [Fact]
    public async Task Catch_up_after_a_disconnect_returns_exactly_the_events_missed()
    {
        var (anna, slug) = await app.FoundAsync();
        using var _ = anna;
        using var boris = await app.AdmitAsync(anna, slug, "boris");
        using var chen = await app.AdmitAsync(anna, slug, "chen");
        using var dana = await app.AdmitAsync(anna, slug, "dana");
        var proposal = await app.OpenVoteAsync(anna, slug);
        var topic = $"proposal:{proposal}";

        var first = await app.ConnectAsync(dana);
        await first.InvokeAsync("Subscribe", topic);
        await anna.VoteAsync(slug, proposal, "for");
        var seen = (await first.NextEventAsync("vote_cast")).Seq();
        first.Abort();
        await first.DisposeAsync();

        await boris.VoteAsync(slug, proposal, "against", "missed one");
        await chen.VoteAsync(slug, proposal, "abstain");
        await anna.VoteAsync(slug, proposal, "against", "changed my mind");

        await using var second = await app.ConnectAsync(dana);
        await second.InvokeAsync("Subscribe", topic);
        var (missed, upTo) = await second.CatchUpAllAsync(topic, seen);
        var expected = await SeqsAsync("SELECT seq FROM es.events WHERE data->>'proposalId' = $1 AND seq > $2 ORDER BY seq", proposal.ToString(), seen);
        // CatchUp answers up to what this node's feed has routed; whatever the feed routes later is pushed instead
        // (and a pushed vote may leave its tally to a coalesced "tally" message that follows).
        JsonElement? pushedTally = null;   // the newest coalesced tally pushed, with the seq of the newest vote it counts
        while (missed.Count < expected.Count && upTo < expected[^1])
        {
            var pushed = await second.NextEventAsync();
            if (pushed.Type() == "tally") pushedTally = pushed;
            else if (pushed.Type() == "vote_cast" && pushed.Seq() > upTo) missed.Add(pushed);
        }
        missed.Select(e => e.Seq()).Should().Equal(expected);
        missed.Select(e => (e.Type(), e.Data().GetProperty("row").GetProperty("voter").GetString()))
            .Should().Equal(("vote_cast", boris.Handle), ("vote_cast", chen.Handle), ("vote_cast", anna.Handle));
        missed[^1].Data().GetProperty("row").GetProperty("changes").GetInt32().Should().Be(1);
        var tally = missed[^1].Data().GetProperty("tally");
        if (tally.ValueKind == JsonValueKind.Null)
        {
            while (pushedTally is not { } t || t.Seq() < missed[^1].Seq()) pushedTally = await second.NextEventAsync("tally");
            tally = pushedTally.Value.Data().GetProperty("tally");
        }
        tally.GetProperty("voted").GetInt32().Should().Be(3);
        tally.GetProperty("against").GetInt32().Should().Be(2);
        // A vote committed just before the subscription may also be pushed: a repeat of what CatchUp returned, nothing new.
        (await second.DrainAsync(Live.Quiet)).Where(e => !expected.Contains(e.Seq())).Should().BeEmpty("nothing happened since");
    }

    [Fact]
    public async Task A_connection_killed_during_a_burst_of_500_votes_catches_up_to_every_row_and_the_exact_tally()
    {
        var (anna, slug) = await app.FoundAsync();
        using var _ = anna;
        var electors = await app.SeedMembersAsync(slug, 500, anna.Handle);
        var proposal = await app.OpenVoteAsync(anna, slug);
        var topic = $"proposal:{proposal}";
        var rows = new Dictionary<string, (string? Choice, long Seq)>();
        var (tally, tallySeq, lastSeq) = (default(JsonElement), 0L, 0L);
        void Apply(JsonElement e)
        {
            if (e.Type() == "tally")
            {
                if (e.Seq() >= tallySeq) (tally, tallySeq) = (e.Data().GetProperty("tally"), e.Seq());
                return;
            }
            // Only votes carry roll-call rows; other proposal events (a phase change, say) may interleave.
            if (e.Type() != "vote_cast" || e.Seq() <= lastSeq) return;
            lastSeq = e.Seq();
            var row = e.Data().GetProperty("row");
            rows[row.GetProperty("voter").GetString()!] = (row.GetProperty("choice").GetString(), e.Seq());
            if (e.Data().GetProperty("tally").ValueKind == JsonValueKind.Object) (tally, tallySeq) = (e.Data().GetProperty("tally"), e.Seq());
        }

        var live = await app.ConnectAsync(anna);
        await live.InvokeAsync("Subscribe", topic);
        var voting = Task.Run(() => Parallel.ForEachAsync(electors.Select((e, i) => (e, i)), new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (x, _) => await x.e.VoteAsync(slug, proposal, x.i % 3 == 0 ? "against" : "for")));
        while (rows.Count < 100) Apply(await live.NextEventAsync());
        var batches = live.Batches;
        live.Abort();
        await live.DisposeAsync();
        output.WriteLine($"connection killed after {rows.Count} rows; burst still running: {!voting.IsCompleted}");

        await using var again = await app.ConnectAsync(anna);
        await again.InvokeAsync("Subscribe", topic);
        var (missed, _) = await again.CatchUpAllAsync(topic, lastSeq);
        output.WriteLine($"caught up {missed.Count} events");
        foreach (var e in missed) Apply(e);
        await voting;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (rows.Count < 500 || tally.GetProperty("voted").GetInt32() < 500)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{rows.Count} rows, tally {tally}");
            Apply(await again.NextEventAsync());
        }

        rows.Keys.Should().BeEquivalentTo(electors.Select(e => e.Handle));
        rows.Values.Count(r => r.Choice == "against").Should().Be(167);
        var final = (await anna.GetJsonAsync($"/api/orgs/{slug}/proposals/{proposal}")).GetProperty("tally");
        tally.GetRawText().Should().Be(final.GetRawText());
        tally.GetProperty("for").GetInt32().Should().Be(333);
        batches.Should().BePositive("in a burst the hub sends what gathered in its batch window as one message");
        foreach (var e in electors) e.Dispose();
    }

    [Fact]
    public async Task Under_a_roll_call_revealed_at_close_a_vote_says_who_voted_and_never_how_until_the_close()
    {
        var (anna, slug) = await app.FoundAsync();
        using var _ = anna;
        using var boris = await app.AdmitAsync(anna, slug, "boris");
        using var chen = await app.AdmitAsync(anna, slug, "chen");
        await app.ScalarAsync<int>("UPDATE organizations SET charter = jsonb_set(charter, '{rollCallReveal}', '\"at_close\"') WHERE slug = $1 RETURNING 1", slug);
        var proposal = await app.OpenVoteAsync(anna, slug);
        var topic = $"proposal:{proposal}";
        await using var watcher = await app.ConnectAsync(chen);
        await watcher.InvokeAsync("Subscribe", topic);

        await boris.VoteAsync(slug, proposal, "against", "a sealed reason");
        var pushed = await watcher.NextEventAsync("vote_cast");
        var row = pushed.Data().GetProperty("row");
        row.GetProperty("voter").GetString().Should().Be(boris.Handle);
        row.GetProperty("sealed").GetBoolean().Should().BeTrue();
        row.GetProperty("choice").ValueKind.Should().Be(JsonValueKind.Null);
        var tally = pushed.Data().GetProperty("tally");
        tally.GetProperty("choicesHidden").GetBoolean().Should().BeTrue();
        tally.GetProperty("voted").GetInt32().Should().Be(1);
        tally.GetProperty("against").GetInt32().Should().Be(0);
        pushed.GetRawText().Should().NotContain("\"choice\":\"against\"").And.NotContain("a sealed reason");
        var (history, _) = await watcher.CatchUpAllAsync(topic, 0);
        string.Join("\n", history.Select(e => e.GetRawText())).Should().NotContain("\"choice\":\"against\"").And.NotContain("a sealed reason");

        app.Clock.Advance(TimeSpan.FromHours(80));
        var revealed = await watcher.NextEventAsync("votes_revealed", TimeSpan.FromSeconds(15));
        var votes = revealed.Data().GetProperty("votes").EnumerateArray().ToList();
        votes.Should().ContainSingle();
        votes[0].GetProperty("choice").GetString().Should().Be("against");
        votes[0].GetProperty("reason").GetString().Should().Be("a sealed reason");
        var closed = await watcher.NextEventAsync("voting_closed");
        closed.Data().GetProperty("against").GetInt32().Should().Be(1);
        closed.Data().GetProperty("outcome").GetString().Should().Be("no_quorum");
    }

    private async Task<List<long>> SeqsAsync(string sql, params object[] parameters)
    {
        await using var connection = new Npgsql.NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand(sql, connection);
        foreach (var p in parameters) cmd.Parameters.AddWithValue(p);
        var seqs = new List<long>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) seqs.Add(r.GetInt64(0));
        return seqs;
    }
}
