namespace ESoviet.EventStore.Tests;

public sealed class Appending_with_optimistic_concurrency(StoreFixture db) : IClassFixture<StoreFixture>
{
    private static string NewStream() => "s-" + Guid.NewGuid();

    [Fact]
    public async Task Two_writers_expecting_the_same_version_one_wins_and_the_loser_writes_nothing()
    {
        var stream = NewStream();
        await using (var s = db.Store.OpenSession()) await s.StartStream(stream, "thing", new Opened("a")).SaveChangesAsync();

        await using var first = db.Store.OpenSession();
        await using var second = db.Store.OpenSession();
        first.Append(stream, 1, new Renamed("by first"));
        second.Append(stream, 1, new Renamed("by second"), new Counted(7));
        await first.SaveChangesAsync();
        var act = () => second.SaveChangesAsync();

        var conflict = (await act.Should().ThrowAsync<StreamConflictException>()).Which;
        conflict.ExpectedVersion.Should().Be(1);
        conflict.ActualVersion.Should().Be(2);
        var events = await db.Store.FetchStreamAsync(stream);
        events.Select(e => e.Data).Should().Equal(new Opened("a"), new Renamed("by first"));
        (await db.Store.StreamVersionAsync(stream)).Should().Be(2);
    }

    [Fact]
    public async Task Of_twenty_simultaneous_writers_at_one_version_exactly_one_commits()
    {
        var stream = NewStream();
        await using (var s = db.Store.OpenSession()) await s.StartStream(stream, null, new Opened("a")).SaveChangesAsync();

        var attempts = Enumerable.Range(0, 20).Select(async i =>
        {
            await using var session = db.Store.OpenSession();
            session.Append(stream, 1, new Counted(i));
            try { await session.SaveChangesAsync(); return true; }
            catch (StreamConflictException) { return false; }
        }).ToList();
        var results = await Task.WhenAll(attempts);

        results.Count(won => won).Should().Be(1);
        (await db.Store.FetchStreamAsync(stream)).Should().HaveCount(2);
    }

    [Fact]
    public async Task Starting_a_stream_that_exists_is_a_conflict()
    {
        var stream = NewStream();
        await using (var s = db.Store.OpenSession()) await s.StartStream(stream, null, new Opened("a")).SaveChangesAsync();

        await using var again = db.Store.OpenSession();
        var act = () => again.StartStream(stream, null, new Opened("b")).SaveChangesAsync();

        (await act.Should().ThrowAsync<StreamConflictException>()).Which.ActualVersion.Should().Be(1);
        (await db.Store.FetchStreamAsync(stream)).Should().ContainSingle();
    }

    [Fact]
    public async Task Expecting_a_version_the_stream_has_not_reached_is_a_conflict_and_leaves_no_gap()
    {
        var stream = NewStream();
        await using (var s = db.Store.OpenSession()) await s.StartStream(stream, null, new Opened("a")).SaveChangesAsync();

        await using var session = db.Store.OpenSession();
        var act = () => session.Append(stream, 5, new Counted(1)).SaveChangesAsync();
        await act.Should().ThrowAsync<StreamConflictException>();

        await using var missing = db.Store.OpenSession();
        var onMissing = () => missing.Append(NewStream(), 3, new Counted(1)).SaveChangesAsync();
        (await onMissing.Should().ThrowAsync<StreamConflictException>()).Which.ActualVersion.Should().Be(0);
        (await db.Store.FetchStreamAsync(stream)).Should().ContainSingle();
    }

    [Fact]
    public async Task A_session_touching_two_streams_is_never_half_applied()
    {
        var fresh = NewStream();
        var existing = NewStream();
        await using (var s = db.Store.OpenSession()) await s.StartStream(existing, null, new Opened("a")).SaveChangesAsync();

        await using var session = db.Store.OpenSession();
        session.StartStream(fresh, null, new Opened("new"), new Counted(3));
        session.Append(existing, 7, new Counted(1));
        var act = () => session.SaveChangesAsync();

        (await act.Should().ThrowAsync<StreamConflictException>()).Which.StreamId.Should().Be(existing);
        (await db.Store.FetchStreamAsync(fresh)).Should().BeEmpty();
        (await db.Store.StreamVersionAsync(fresh)).Should().Be(0);
        (await db.Store.FetchStreamAsync(existing)).Should().ContainSingle();
    }

    [Fact]
    public async Task Appending_an_event_id_twice_is_refused_as_a_duplicate_and_writes_nothing()
    {
        var stream = NewStream();
        var id = Guid.NewGuid();
        await using (var s = db.Store.OpenSession()) await s.Append(stream, new NewEvent(new Counted(1), id)).SaveChangesAsync();

        await using var retry = db.Store.OpenSession();
        var act = () => retry.Append(stream, new Counted(5), new NewEvent(new Counted(1), id)).SaveChangesAsync();

        (await act.Should().ThrowAsync<DuplicateEventException>()).Which.EventId.Should().Be(id);
        (await db.Store.FetchStreamAsync(stream)).Should().ContainSingle();
    }

    [Fact]
    public async Task Appending_with_any_version_continues_the_stream()
    {
        var stream = NewStream();
        await using (var s = db.Store.OpenSession()) await s.Append(stream, new Opened("a")).SaveChangesAsync();
        await using (var s = db.Store.OpenSession()) await s.Append(stream, new Counted(1), new Counted(2)).SaveChangesAsync();

        var events = await db.Store.FetchStreamAsync(stream);
        events.Select(e => e.Version).Should().Equal(1, 2, 3);
        events.Select(e => e.Sequence).Should().BeInAscendingOrder();
    }
}
