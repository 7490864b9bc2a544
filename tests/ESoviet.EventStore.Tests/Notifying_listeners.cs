namespace ESoviet.EventStore.Tests;

public sealed class Notifying_listeners(StoreFixture db) : IClassFixture<StoreFixture>
{
    [Fact]
    public async Task A_commit_through_one_instance_wakes_the_listener_of_another()
    {
        await using var listening = db.NewStore();
        using var stop = new CancellationTokenSource();
        var listener = new NotificationListener(listening).RunAsync(stop.Token);
        // The listener wakes everyone once its LISTEN has run; from then on notifications reach it.
        (await listening.Committed.WaitAsync(0, TimeSpan.FromSeconds(10), CancellationToken.None)).Should().BeTrue();
        var seen = listening.Committed.Generation;

        await using (var session = db.Store.OpenSession()) await session.Append("n-" + Guid.NewGuid(), new Counted(1)).SaveChangesAsync();

        (await listening.Committed.WaitAsync(seen, TimeSpan.FromSeconds(5), CancellationToken.None))
            .Should().BeTrue("the other instance's commit reaches this one through NOTIFY");
        await stop.CancelAsync();
        await listener;
    }
}
