using System.Net;
using System.Text.Json;
using ESoviet.Testing;
using ESoviet.Web.Tests.Membership;

namespace ESoviet.Web.Tests.Voting;

public sealed class Voting_through_the_api(MembershipFixture app) : IClassFixture<MembershipFixture>
{
    private static readonly object Text = new
    {
        title = "Open a canteen",
        problem = "Members on night shifts have no hot meal.",
        action = "Open a canteen in the union hall.",
        analysis = "The hall has a kitchen; volunteers are ready.",
        alternatives = "Vouchers for the café next door.",
        plan = "Ask the hall committee, then recruit cooks.",
    };

    private async Task<string> ThreadAsync(Person who, string slug)
    {
        using var response = await who.Client.PostJsonAsync($"/api/orgs/{slug}/threads", new { title = "Canteen", markdown = "Let us talk about a canteen." });
        response.StatusCode.Should().Be(HttpStatusCode.Created);
        return (await response.ReadJsonAsync()).GetProperty("threadId").GetString()!;
    }

    /// <summary>Drafts, submits, waits out the discussion time on the test clock and opens voting.</summary>
    private async Task<string> OpenVoteAsync(Person proposer, string slug, object? body = null)
    {
        var thread = await ThreadAsync(proposer, slug);
        using var drafted = await proposer.Client.PostJsonAsync($"/api/orgs/{slug}/proposals", body ?? new { threadId = thread, kind = "policy", text = Text });
        drafted.StatusCode.Should().Be(HttpStatusCode.Created, await drafted.Content.ReadAsStringAsync());
        var id = (await drafted.ReadJsonAsync()).GetProperty("proposalId").GetString()!;
        (await proposer.Client.PostAsync($"/api/orgs/{slug}/proposals/{id}/submit")).StatusCode.Should().Be(HttpStatusCode.OK);
        using (var early = await proposer.Client.PostAsync($"/api/orgs/{slug}/proposals/{id}/open-voting"))
            early.StatusCode.Should().Be(HttpStatusCode.Conflict, "the charter's minimum discussion time has not passed");
        app.Clock.Advance(TimeSpan.FromHours(48));
        using var opened = await proposer.Client.PostAsync($"/api/orgs/{slug}/proposals/{id}/open-voting");
        opened.StatusCode.Should().Be(HttpStatusCode.OK, await opened.Content.ReadAsStringAsync());
        return id;
    }

    private static async Task<HttpResponseMessage> VoteAsync(Person voter, string slug, string proposal, string choice, string? reason = null, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/orgs/{slug}/proposals/{proposal}/votes/mine")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { choice, reason }),
        };
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        return await voter.Client.SendAsync(request);
    }

    private async Task<JsonElement> ProposalAsync(Person who, string slug, string id) =>
        await (await who.Client.GetAsync($"/api/orgs/{slug}/proposals/{id}")).ReadJsonAsync();

    [Fact]
    public async Task Three_members_vote_one_changes_and_the_deadline_adopts_the_proposal()
    {
        var (anna, slug) = await app.FoundAsync();
        using var _ = anna;
        using var boris = await app.AdmitAsync(anna, slug, "boris");
        using var chen = await app.AdmitAsync(anna, slug, "chen");
        var proposal = await OpenVoteAsync(anna, slug);

        (await VoteAsync(anna, slug, proposal, "for", "I proposed it")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await VoteAsync(boris, slug, proposal, "against", "too costly")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await VoteAsync(boris, slug, proposal, "for", "convinced by the plan")).StatusCode.Should().Be(HttpStatusCode.OK);

        var rollCall = await (await chen.Client.GetAsync($"/api/orgs/{slug}/proposals/{proposal}/roll-call")).ReadJsonAsync();
        var rows = rollCall.GetProperty("votes").EnumerateArray().ToDictionary(v => v.GetProperty("voter").GetString()!);
        rows[boris.Handle].GetProperty("choice").GetString().Should().Be("for");
        rows[boris.Handle].GetProperty("reason").GetString().Should().Be("convinced by the plan");
        rows[boris.Handle].GetProperty("changes").GetInt32().Should().Be(1);
        rollCall.GetProperty("notYetVoted").EnumerateArray().Select(h => h.GetString()).Should().Equal(chen.Handle);
        rollCall.GetProperty("tally").GetProperty("for").GetInt32().Should().Be(2);
        rollCall.GetProperty("tally").GetProperty("quorumMet").GetBoolean().Should().BeTrue();

        app.Clock.Advance(TimeSpan.FromHours(72));
        var closed = await WaitForAsync(async () => await ProposalAsync(anna, slug, proposal), p => p.GetProperty("phase").GetString() == "closed");
        closed.GetProperty("outcome").GetString().Should().Be("adopted");
        (await VoteAsync(chen, slug, proposal, "against")).StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await app.ScalarAsync<long>("SELECT count(*) FROM es.events WHERE type = 'vote_cast' AND data->>'proposalId' = $1", proposal)).Should().Be(3,
            "the changed vote stays in the record");
    }

    [Fact]
    public async Task Two_hundred_electors_voting_at_once_are_counted_exactly()
    {
        var (anna, slug) = await app.FoundAsync();
        using var _ = anna;
        var electors = await app.SeedMembersAsync(slug, 199, anna.Handle);
        var proposal = await OpenVoteAsync(anna, slug);
        electors.Add(anna);

        var started = DateTime.UtcNow;
        var responses = await Task.WhenAll(electors.Select((e, i) => VoteAsync(e, slug, proposal, i % 3 == 0 ? "against" : "for", key: "k-" + i)));
        var elapsed = DateTime.UtcNow - started;

        responses.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK);
        // Each response's tally was counted after its own vote committed: the k-th vote to commit sees at least k votes,
        // so sorted ascending the counts never fall below their rank (a recount shared from before a commit would).
        var counted = new List<int>();
        foreach (var r in responses)
            counted.Add((await r.ReadJsonAsync()).GetProperty("tally").GetProperty("voted").GetInt32());
        counted.Order().Select((voted, rank) => voted - (rank + 1)).Should().OnlyContain(margin => margin >= 0);
        var closed = await WaitForAsync(async () => await ProposalAsync(anna, slug, proposal), p => p.GetProperty("phase").GetString() == "closed");
        closed.GetProperty("early").GetBoolean().Should().BeTrue("every elector voted");
        var tally = closed.GetProperty("tally");
        tally.GetProperty("voted").GetInt32().Should().Be(200);
        tally.GetProperty("against").GetInt32().Should().Be(67);
        tally.GetProperty("for").GetInt32().Should().Be(133);
        (await app.ScalarAsync<int>("SELECT final_for FROM proposals WHERE id = $1", Guid.Parse(proposal))).Should().Be(133);
        (await app.ScalarAsync<long>("SELECT count(*) FROM roll_call WHERE proposal_id = $1", Guid.Parse(proposal))).Should().Be(200);
        Console.WriteLine($"200 concurrent votes took {elapsed.TotalMilliseconds:F0} ms");
        foreach (var e in electors.Where(e => e != anna)) e.Dispose();

        // The independent verifier, reading only the exported ledger, recounts the same 133 : 67.
        var report = await VerifiedLedgerAsync(anna, slug);
        report.Ok.Should().BeTrue(report.FirstProblem?.ToString());
        var recount = report.Recounts.Single(r => r.ProposalId == Guid.Parse(proposal));
        recount.Matches.Should().BeTrue();
        recount.Tally.For.Should().Be(133);
        recount.Tally.Against.Should().Be(67);
    }

    [Fact]
    public async Task A_vote_still_committing_does_not_hold_up_another_elector_s_vote()
    {
        var (anna, slug) = await app.FoundAsync();
        using var _ = anna;
        using var boris = await app.AdmitAsync(anna, slug, "boris");
        using var chen = await app.AdmitAsync(anna, slug, "chen");
        var proposal = await OpenVoteAsync(anna, slug);

        // A slow vote: the same locks a vote takes (the proposal row shared, the voter's own stream), not yet committed.
        await using var slow = new Npgsql.NpgsqlConnection(app.ConnectionString);
        await slow.OpenAsync();
        await using var slowTx = await slow.BeginTransactionAsync();
        await using (var cmd = new Npgsql.NpgsqlCommand("SELECT 1 FROM proposals WHERE id = $1 FOR SHARE", slow))
        {
            cmd.Parameters.AddWithValue(Guid.Parse(proposal));
            await cmd.ExecuteScalarAsync();
        }
        await using (var cmd = new Npgsql.NpgsqlCommand(
            "SELECT es.append_events($1, null, $2, -1, ARRAY[gen_random_uuid()], ARRAY['vote_cast'], ARRAY[$3::jsonb], null, null, null, now())", slow))
        {
            cmd.Parameters.AddWithValue($"vote-{proposal}-{boris.Handle.ToLowerInvariant()}");
            cmd.Parameters.AddWithValue((await app.OrganizationIdAsync(slug)).ToString());
            cmd.Parameters.AddWithValue($$"""{"proposalId":"{{proposal}}","voter":"{{boris.Handle}}","choice":"for"}""");
            await cmd.ExecuteScalarAsync();
        }

        var vote = VoteAsync(chen, slug, proposal, "against");
        var finished = await Task.WhenAny(vote, Task.Delay(TimeSpan.FromSeconds(5)));

        finished.Should().Be(vote, "votes share the proposal row's lock and never wait for each other");
        (await vote).StatusCode.Should().Be(HttpStatusCode.OK);
        await slowTx.RollbackAsync();
    }

    [Fact]
    public async Task A_retried_vote_with_the_same_key_counts_once_and_a_hundred_simultaneous_casts_leave_one_current_vote()
    {
        var (anna, slug) = await app.FoundAsync();
        using var _ = anna;
        using var boris = await app.AdmitAsync(anna, slug, "boris");
        using var absent = await app.AdmitAsync(anna, slug, "absent");
        var proposal = await OpenVoteAsync(anna, slug);

        var same = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => VoteAsync(boris, slug, proposal, "against", key: "retry-1")));
        same.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK);
        (await app.ScalarAsync<long>("SELECT count(*) FROM es.events WHERE type = 'vote_cast' AND actor = $1", boris.Handle)).Should().Be(1);
        (await VoteAsync(boris, slug, proposal, "for", key: "retry-1")).StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);

        var burst = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => VoteAsync(anna, slug, proposal, i % 2 == 0 ? "for" : "abstain")));
        burst.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK);
        (await app.ScalarAsync<long>("SELECT count(*) FROM roll_call WHERE proposal_id = $1 AND voter = $2", Guid.Parse(proposal), anna.Handle)).Should().Be(1);
        var last = await app.ScalarAsync<string>(
            "SELECT data->>'choice' FROM es.events WHERE type = 'vote_cast' AND actor = $1 ORDER BY seq DESC LIMIT 1", anna.Handle);
        (await app.ScalarAsync<string>("SELECT choice FROM roll_call WHERE proposal_id = $1 AND voter = $2", Guid.Parse(proposal), anna.Handle))
            .Should().Be(last, "the latest vote in the log is the current one");
    }

    [Fact]
    public async Task Refused_votes_write_nothing()
    {
        var (anna, slug) = await app.FoundAsync();
        using var _ = anna;
        using var boris = await app.AdmitAsync(anna, slug, "boris");
        var thread = await ThreadAsync(anna, slug);
        using var drafted = await anna.Client.PostJsonAsync($"/api/orgs/{slug}/proposals", new { threadId = thread, kind = "policy", text = Text });
        var draft = (await drafted.ReadJsonAsync()).GetProperty("proposalId").GetString()!;
        (await boris.Client.GetAsync($"/api/orgs/{slug}/proposals/{draft}")).StatusCode.Should().Be(HttpStatusCode.NotFound, "a draft is its author's only");
        (await anna.Client.PostAsync($"/api/orgs/{slug}/proposals/{draft}/submit")).EnsureSuccessStatusCode();
        var before = await app.EventCountAsync();

        (await VoteAsync(anna, slug, draft, "for")).StatusCode.Should().Be(HttpStatusCode.Conflict, "voting has not opened");
        app.Clock.Advance(TimeSpan.FromHours(48));
        (await anna.Client.PostAsync($"/api/orgs/{slug}/proposals/{draft}/open-voting")).EnsureSuccessStatusCode();
        var opened = await app.EventCountAsync();
        using var candidate = await app.JoinAsync(await anna.InviteAsync(slug));
        using var late = await app.AdmitAsync(anna, slug, "late");
        var afterAdmissions = await app.EventCountAsync();

        (await VoteAsync(candidate, slug, draft, "for")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await VoteAsync(late, slug, draft, "for")).StatusCode.Should().Be(HttpStatusCode.Forbidden, "admitted after voting opened");
        (await VoteAsync(anna, slug, draft, "maybe")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await VoteAsync(anna, slug, Guid.NewGuid().ToString(), "for")).StatusCode.Should().Be(HttpStatusCode.NotFound);

        (await app.EventCountAsync()).Should().Be(afterAdmissions);
        opened.Should().Be(before + 1);
    }

    [Fact]
    public async Task Under_a_roll_call_revealed_at_close_nobody_sees_a_choice_before_the_close()
    {
        var (anna, slug) = await app.FoundAsync();
        using var _ = anna;
        using var boris = await app.AdmitAsync(anna, slug, "boris");
        using var chen = await app.AdmitAsync(anna, slug, "chen");
        var org = await app.OrganizationIdAsync(slug);
        await app.ScalarAsync<int>("UPDATE organizations SET charter = jsonb_set(charter, '{rollCallReveal}', '\"at_close\"') WHERE id = $1 RETURNING 1", org);
        var proposal = await OpenVoteAsync(anna, slug);

        (await VoteAsync(boris, slug, proposal, "against", "secret reason")).StatusCode.Should().Be(HttpStatusCode.OK);
        var rollCall = await (await chen.Client.GetAsync($"/api/orgs/{slug}/proposals/{proposal}/roll-call")).Content.ReadAsStringAsync();
        rollCall.Should().NotContain("secret reason");
        JsonDocument.Parse(rollCall).RootElement.GetProperty("votes")[0].GetProperty("choice").ValueKind.Should().Be(JsonValueKind.Null);
        (await app.ScalarAsync<long>(
                "SELECT count(*) FROM es.events WHERE type = 'vote_cast' AND data->>'proposalId' = $1 AND (data::text LIKE '%against%' OR data::text LIKE '%secret%')", proposal))
            .Should().Be(0, "the log holds only the commitment until the close");
        var mine = await (await boris.Client.GetAsync($"/api/orgs/{slug}/proposals/{proposal}/votes/mine")).ReadJsonAsync();
        mine.GetProperty("choice").GetString().Should().Be("against", "a voter may see their own vote");

        (await VoteAsync(anna, slug, proposal, "for")).EnsureSuccessStatusCode();
        (await VoteAsync(chen, slug, proposal, "for")).EnsureSuccessStatusCode();
        var closed = await WaitForAsync(async () => await ProposalAsync(anna, slug, proposal), p => p.GetProperty("phase").GetString() == "closed");
        closed.GetProperty("outcome").GetString().Should().Be("adopted");
        var revealed = await (await chen.Client.GetAsync($"/api/orgs/{slug}/proposals/{proposal}/roll-call")).ReadJsonAsync();
        revealed.GetProperty("votes").EnumerateArray().Single(v => v.GetProperty("voter").GetString() == boris.Handle)
            .GetProperty("reason").GetString().Should().Be("secret reason");
    }

    [Fact]
    public async Task A_charter_change_adopted_during_another_vote_does_not_change_that_vote_s_rules()
    {
        var (anna, slug) = await app.FoundAsync();
        using var _ = anna;
        using var boris = await app.AdmitAsync(anna, slug, "boris");
        using var chen = await app.AdmitAsync(anna, slug, "chen");
        using var dara = await app.AdmitAsync(anna, slug, "dara");
        var policy = await OpenVoteAsync(anna, slug);
        var charter = (await (await anna.Client.GetAsync($"/api/orgs/{slug}/charter")).ReadJsonAsync()).Clone();
        var stricter = JsonSerializer.Deserialize<Dictionary<string, object>>(charter.GetRawText())!;
        stricter["quorum"] = new { numerator = 1, denominator = 1 };
        var thread = await ThreadAsync(anna, slug);
        var change = await OpenVoteAsync(anna, slug, new { threadId = thread, kind = "charter_change", text = Text, newCharter = stricter });

        foreach (var p in new[] { anna, boris, chen, dara }) (await VoteAsync(p, slug, change, "for")).EnsureSuccessStatusCode();
        await WaitForAsync(async () => await ProposalAsync(anna, slug, change), p => p.GetProperty("outcome").ValueKind == JsonValueKind.String);
        (await (await anna.Client.GetAsync($"/api/orgs/{slug}/charter")).ReadJsonAsync()).GetProperty("quorum").GetProperty("denominator").GetInt32().Should().Be(1);

        (await VoteAsync(anna, slug, policy, "for")).EnsureSuccessStatusCode();
        (await VoteAsync(boris, slug, policy, "for")).EnsureSuccessStatusCode();
        app.Clock.Advance(TimeSpan.FromHours(73));
        var closed = await WaitForAsync(async () => await ProposalAsync(anna, slug, policy), p => p.GetProperty("phase").GetString() == "closed");
        closed.GetProperty("outcome").GetString().Should().Be("adopted", "2 of 4 met the half quorum in force when this vote opened; the new charter would demand all 4");
    }

    [Fact]
    public async Task An_adopted_membership_review_expels_the_member_who_then_loses_access()
    {
        var (anna, slug) = await app.FoundAsync();
        using var _ = anna;
        using var boris = await app.AdmitAsync(anna, slug, "boris");
        using var chen = await app.AdmitAsync(anna, slug, "chen");
        using var dara = await app.AdmitAsync(anna, slug, "dara");
        var thread = await ThreadAsync(anna, slug);
        var review = await OpenVoteAsync(anna, slug, new { threadId = thread, kind = "membership_review", text = Text, subject = dara.Handle });

        foreach (var p in new[] { anna, boris, chen }) (await VoteAsync(p, slug, review, "for")).EnsureSuccessStatusCode();
        (await VoteAsync(dara, slug, review, "against")).EnsureSuccessStatusCode();
        var closed = await WaitForAsync(async () => await ProposalAsync(anna, slug, review), p => p.GetProperty("phase").GetString() == "closed");

        closed.GetProperty("outcome").GetString().Should().Be("adopted", "3 of 4 decisive votes reach two thirds");
        (await dara.Client.GetAsync($"/api/orgs/{slug}/threads")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await app.ScalarAsync<string>("SELECT status FROM memberships WHERE handle = $1", dara.Handle)).Should().Be("expelled");
    }

    /// <summary>Waits until the sealer has caught up with every event, exports the ledger and verifies it.</summary>
    private async Task<ESoviet.Verify.VerificationReport> VerifiedLedgerAsync(Person member, string slug)
    {
        var org = await app.OrganizationIdAsync(slug);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (await app.ScalarAsync<long>("SELECT count(*) FROM es.events WHERE tenant_id = $1", org.ToString())
               > await app.ScalarAsync<long>("SELECT coalesce(max(position), 0) FROM ledger_entries WHERE org_id = $1", org)
               && DateTime.UtcNow < deadline)
            await Task.Delay(100);
        await using var export = await member.Client.GetStreamAsync($"/api/orgs/{slug}/ledger");
        using var verifier = new ESoviet.Verify.LedgerVerifier();
        verifier.CheckStream(export, "ledger.jsonl");
        return verifier.Finish();
    }

    private static async Task<JsonElement> WaitForAsync(Func<Task<JsonElement>> read, Func<JsonElement, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow > deadline) return value;
            await Task.Delay(100);
        }
    }
}
