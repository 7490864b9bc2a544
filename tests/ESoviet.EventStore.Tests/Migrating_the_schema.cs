using Npgsql;

namespace ESoviet.EventStore.Tests;

public sealed class Migrating_the_schema(StoreFixture db) : IClassFixture<StoreFixture>
{
    [Fact]
    public async Task Applying_again_changes_nothing()
    {
        var applied = await SchemaMigrator.ApplyAsync(
            db.DataSource, "event_store:es",
            SchemaMigrator.FromEmbeddedResources(typeof(EventStore).Assembly, ".Schema."),
            new Dictionary<string, string> { ["schema"] = "es" });
        applied.Should().Be(0);
    }

    [Fact]
    public async Task Eight_instances_starting_at_once_create_one_schema()
    {
        var schema = "race_" + Guid.NewGuid().ToString("N")[..8];
        var stores = Enumerable.Range(0, 8).Select(_ => db.NewStore(o => o.Schema = schema)).ToList();

        await Task.WhenAll(stores.Select(s => Task.Run(() => s.ApplySchemaAsync())));

        (await db.ScalarAsync<long>("SELECT count(*) FROM public.schema_migrations WHERE component = $1", "event_store:" + schema)).Should().Be(1);
        await using var session = stores[0].OpenSession();
        (await session.Append("x", new Counted(1)).SaveChangesAsync()).Should().ContainSingle();
    }

    [Fact]
    public async Task An_applied_migration_that_was_edited_is_refused()
    {
        var component = "edited_" + Guid.NewGuid().ToString("N")[..8];
        await SchemaMigrator.ApplyAsync(db.DataSource, component, [new Migration(1, "one", "SELECT 1")]);

        var act = () => SchemaMigrator.ApplyAsync(db.DataSource, component, [new Migration(1, "one", "SELECT 2")]);

        await act.Should().ThrowAsync<InvalidOperationException>().WithMessage("*changed after it was applied*");
    }

    [Fact]
    public async Task A_failing_migration_leaves_nothing_behind()
    {
        var component = "failing_" + Guid.NewGuid().ToString("N")[..8];
        var table = component + "_t";

        var act = () => SchemaMigrator.ApplyAsync(db.DataSource, component,
            [new Migration(1, "create", $"CREATE TABLE {table} (id int)"), new Migration(2, "broken", "SELECT * FROM no_such_table")]);

        await act.Should().ThrowAsync<PostgresException>();
        (await db.ScalarAsync<long>("SELECT count(*) FROM pg_tables WHERE tablename = $1", table)).Should().Be(0);
    }
}
