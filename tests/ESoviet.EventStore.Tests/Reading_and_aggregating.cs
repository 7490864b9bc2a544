namespace ESoviet.EventStore.Tests;

public sealed class Reading_and_aggregating(StoreFixture db) : IClassFixture<StoreFixture>
{
    private sealed class Tally
    {
        public string Title { get; private set; } = "";
        public int Sum { get; private set; }
        public void Apply(Opened e) => Title = e.Title;
        public void Apply(Counted e) => Sum += e.Amount;
        public void Apply(Renamed e) => Title = e.Title;
    }

    private sealed record ImmutableTally(string Title = "", int Count = 0)
    {
        public ImmutableTally Apply(Opened e) => this with { Title = e.Title };
        public ImmutableTally Apply(Counted _) => this with { Count = Count + 1 };
    }

    [Fact]
    public async Task A_stream_folds_into_state_through_its_apply_methods()
    {
        var stream = "agg-" + Guid.NewGuid();
        await using (var s = db.Store.OpenSession())
            await s.StartStream(stream, "tally", new Opened("budget"), new Counted(3), new Counted(4), new Renamed("budget 2027")).SaveChangesAsync();

        var mutable = await db.Store.AggregateStreamAsync<Tally>(stream);
        var immutable = await db.Store.AggregateStreamAsync(stream, new ImmutableTally());

        mutable!.Version.Should().Be(4);
        mutable.State.Title.Should().Be("budget 2027");
        mutable.State.Sum.Should().Be(7);
        immutable!.State.Should().Be(new ImmutableTally("budget", 2));
        (await db.Store.AggregateStreamAsync<Tally>("missing-" + Guid.NewGuid())).Should().BeNull();
    }

    [Fact]
    public async Task Events_keep_their_metadata_and_read_back_after_a_global_sequence_number()
    {
        var stream = "meta-" + Guid.NewGuid();
        await using var session = db.Store.OpenSession(new EventMetadata("org-1", "alice", "corr-9", "cause-3"));
        var stored = await session.Append(stream, new Opened("x"), new Counted(2)).SaveChangesAsync();

        var after = await db.Store.ReadAllAsync(stored[0].Sequence, long.MaxValue, 10);
        after.Should().ContainSingle(e => e.StreamId == stream).Which.Should().BeEquivalentTo(stored[1]);
        var read = await db.Store.FetchStreamAsync(stream);
        read[0].Should().BeEquivalentTo(stored[0], o => o.Using<DateTimeOffset>(c => c.Subject.Should().BeCloseTo(c.Expectation, TimeSpan.FromMilliseconds(1))).WhenTypeIs<DateTimeOffset>());
        read[0].TenantId.Should().Be("org-1");
        read[0].Actor.Should().Be("alice");
        read[0].CorrelationId.Should().Be("corr-9");
        read[0].CausationId.Should().Be("cause-3");
        read[0].EventTypeName.Should().Be("opened");
        (await db.Store.ReadAllAsync(0, long.MaxValue, 1000, tenantId: "org-1")).Should().OnlyContain(e => e.TenantId == "org-1");
    }

    [Fact]
    public void Type_names_are_snake_case()
    {
        EventTypeRegistry.ToSnakeCase("VoteCast").Should().Be("vote_cast");
        EventTypeRegistry.ToSnakeCase("ProposalAdopted").Should().Be("proposal_adopted");
        EventTypeRegistry.ToSnakeCase("HTMLRendered").Should().Be("html_rendered");
    }
}
