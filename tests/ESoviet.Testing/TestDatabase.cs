using System.Text;
using Npgsql;

namespace ESoviet.Testing;

/// <summary>
/// A fresh, empty database per test class, so classes run in parallel and no test sees another's data.
/// </summary>
public static class TestDatabase
{
    // PostgreSQL truncates identifiers at 63 bytes: "t_" + prefix + "_" + 8 hex digits must fit.
    private const int MaxPrefixLength = 63 - 2 - 1 - 8;

    /// <summary>Creates <c>t_&lt;prefix&gt;_&lt;8 hex&gt;</c> and returns a connection string to it.</summary>
    public static async Task<string> CreateAsync(string prefix)
    {
        var name = NewName(prefix);
        var admin = await TestPostgres.GetAdminConnectionStringAsync();
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"create database \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    }

    /// <summary>Drops the database a <see cref="CreateAsync"/> connection string points at, closing its sessions.</summary>
    public static async Task DropAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        if (string.IsNullOrEmpty(name) || !name.StartsWith("t_", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Refusing to drop '{name}': not a test database.", nameof(connectionString));
        }

        // Our own pooled connections would otherwise keep failing with "terminated by administrator" later.
        await using (var pooled = new NpgsqlConnection(connectionString))
        {
            NpgsqlConnection.ClearPool(pooled);
        }

        await using var connection = new NpgsqlConnection(await TestPostgres.GetAdminConnectionStringAsync());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"drop database if exists \"{name}\" with (force)", connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary><c>t_&lt;prefix&gt;_&lt;8 hex&gt;</c>: lowercase, letters, digits and underscores only.</summary>
    public static string NewName(string prefix)
    {
        var sanitized = new StringBuilder(prefix.Length);
        foreach (var c in prefix.ToLowerInvariant())
        {
            sanitized.Append(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') ? c : '_');
        }

        var trimmed = sanitized.ToString().Trim('_');
        if (trimmed.Length > MaxPrefixLength)
        {
            trimmed = trimmed[..MaxPrefixLength];
        }

        var suffix = Guid.NewGuid().ToString("N")[..8];
        return trimmed.Length == 0 ? $"t_{suffix}" : $"t_{trimmed}_{suffix}";
    }
}

/// <summary>
/// A class fixture holding one fresh database for the test class that uses it:
/// <c>class Appending_events(DatabaseFixture db) : IClassFixture&lt;DatabaseFixture&gt;</c>.
/// Derive and override <see cref="Prefix"/> to make the database name say which tests own it.
/// </summary>
public class DatabaseFixture : IAsyncLifetime
{
    private string? connectionString;

    protected virtual string Prefix => "db";

    public string ConnectionString => connectionString
        ?? throw new InvalidOperationException("The database is created in InitializeAsync.");

    public async Task InitializeAsync() => connectionString = await TestDatabase.CreateAsync(Prefix);

    public async Task DisposeAsync()
    {
        if (connectionString is not null)
        {
            await TestDatabase.DropAsync(connectionString);
        }
    }
}
