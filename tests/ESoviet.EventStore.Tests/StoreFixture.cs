using ESoviet.EventStore;
using ESoviet.EventStore.Projections;
using ESoviet.Testing;
using Npgsql;

namespace ESoviet.EventStore.Tests;

public sealed record Opened(string Title);
public sealed record Counted(int Amount);
public sealed record Renamed(string Title);

/// <summary>A fresh database per test class, with the event store's schema applied.</summary>
public sealed class StoreFixture : IAsyncLifetime
{
    public string ConnectionString { get; private set; } = "";
    public NpgsqlDataSource DataSource { get; private set; } = null!;
    public EventStore Store { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        ConnectionString = await TestDatabase.CreateAsync("es");
        DataSource = NpgsqlDataSource.Create(ConnectionString);
        Store = NewStore();
        await Store.ApplySchemaAsync();
        await using var cmd = DataSource.CreateCommand(CountingProjection.TableSql);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>Another store instance on the same database, as a second app node would have.</summary>
    public EventStore NewStore(Action<EventStoreOptions>? configure = null)
    {
        var options = new EventStoreOptions();
        options.Events.Add<Opened>().Add<Counted>().Add<Renamed>();
        configure?.Invoke(options);
        return new EventStore(DataSource, options);
    }

    public async Task<T> ScalarAsync<T>(string sql, params object[] args)
    {
        await using var cmd = DataSource.CreateCommand(sql);
        foreach (var arg in args) cmd.Parameters.AddWithValue(arg);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    public async Task DisposeAsync()
    {
        await Store.DisposeAsync();
        await DataSource.DisposeAsync();
    }
}

/// <summary>
/// Counts events and sums amounts per stream with increments, so an event applied twice or
/// skipped shows up in the totals.
/// </summary>
public sealed class CountingProjection(string name = "counting") : IAsyncProjection
{
    public const string TableSql = """
        CREATE TABLE IF NOT EXISTS counting (projection text, stream_id text, events int NOT NULL, total int NOT NULL, PRIMARY KEY (projection, stream_id))
        """;

    public string Name { get; } = name;

    public async Task ApplyAsync(NpgsqlConnection connection, IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection);
        foreach (var e in events)
        {
            var command = new NpgsqlBatchCommand("""
                INSERT INTO counting (projection, stream_id, events, total) VALUES ($1, $2, 1, $3)
                ON CONFLICT (projection, stream_id) DO UPDATE SET events = counting.events + 1, total = counting.total + excluded.total
                """);
            command.Parameters.AddWithValue(Name);
            command.Parameters.AddWithValue(e.StreamId);
            command.Parameters.AddWithValue(e.Data is Counted c ? c.Amount : 0);
            batch.BatchCommands.Add(command);
        }
        await batch.ExecuteNonQueryAsync(ct);
    }

    public async Task ResetAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("DELETE FROM counting WHERE projection = $1", connection);
        cmd.Parameters.AddWithValue(Name);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public static async Task<Dictionary<string, (int Events, int Total)>> ReadAsync(NpgsqlDataSource dataSource, string name = "counting")
    {
        await using var cmd = dataSource.CreateCommand("SELECT stream_id, events, total FROM counting WHERE projection = $1");
        cmd.Parameters.AddWithValue(name);
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new Dictionary<string, (int, int)>();
        while (await reader.ReadAsync()) rows[reader.GetString(0)] = (reader.GetInt32(1), reader.GetInt32(2));
        return rows;
    }
}
