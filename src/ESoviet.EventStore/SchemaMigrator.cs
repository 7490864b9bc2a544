using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;

namespace ESoviet.EventStore;

/// <summary>One versioned SQL script. Versions only ever grow; an applied script is never edited.</summary>
public sealed record Migration(int Version, string Name, string Sql)
{
    public string Checksum => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql)));
}

/// <summary>
/// Applies versioned SQL migrations idempotently. Each component (the event store in one schema,
/// an application's read models) keeps its own version line in <c>public.schema_migrations</c>.
/// </summary>
public static partial class SchemaMigrator
{
    // Every instance that starts at the same time queues on this lock, so exactly one applies
    // a migration and the others then find it recorded. The lock is taken before the
    // bookkeeping table is created because concurrent CREATE TABLE IF NOT EXISTS can still fail.
    private const long MigrationLockKey = 0x0E5_0E7_5C4E;

    /// <summary>Loads scripts embedded as resources whose names end in <c>{prefix}NNNN_name.sql</c>.</summary>
    public static IReadOnlyList<Migration> FromEmbeddedResources(Assembly assembly, string prefix)
    {
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var at = resource.LastIndexOf(prefix, StringComparison.Ordinal);
            if (at < 0 || !resource.EndsWith(".sql", StringComparison.Ordinal)) continue;
            var fileName = resource[(at + prefix.Length)..^4];
            var match = ScriptName().Match(fileName);
            if (!match.Success) throw new InvalidOperationException($"Migration '{resource}' is not named NNNN_name.sql.");
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            migrations.Add(new Migration(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), match.Groups[2].Value, reader.ReadToEnd()));
        }
        var duplicate = migrations.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new InvalidOperationException($"Two migrations share version {duplicate.Key}.");
        return migrations.OrderBy(m => m.Version).ToList();
    }

    /// <summary>Applies the missing migrations of a component and returns how many were applied.</summary>
    public static async Task<int> ApplyAsync(
        NpgsqlDataSource dataSource,
        string component,
        IEnumerable<Migration> migrations,
        IReadOnlyDictionary<string, string>? placeholders = null,
        CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var cmd = new NpgsqlCommand(
            $"""
            SELECT pg_advisory_xact_lock({MigrationLockKey});
            CREATE TABLE IF NOT EXISTS public.schema_migrations (
                component  text        NOT NULL,
                version    int         NOT NULL,
                name       text        NOT NULL,
                checksum   text        NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (component, version)
            );
            """, connection, tx))
        {
            await cmd.ExecuteNonQueryAsync(ct);
        }

        var applied = new Dictionary<int, string>();
        await using (var cmd = new NpgsqlCommand("SELECT version, checksum FROM public.schema_migrations WHERE component = $1", connection, tx))
        {
            cmd.Parameters.AddWithValue(component);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) applied[reader.GetInt32(0)] = reader.GetString(1);
        }

        var count = 0;
        foreach (var migration in migrations.OrderBy(m => m.Version))
        {
            var sql = Substitute(migration.Sql, placeholders);
            var resolved = migration with { Sql = sql };
            if (applied.TryGetValue(migration.Version, out var checksum))
            {
                if (checksum != resolved.Checksum)
                    throw new InvalidOperationException(
                        $"Migration {component} {migration.Version}_{migration.Name} was changed after it was applied.");
                continue;
            }
            await using (var cmd = new NpgsqlCommand(sql, connection, tx)) await cmd.ExecuteNonQueryAsync(ct);
            await using (var cmd = new NpgsqlCommand(
                "INSERT INTO public.schema_migrations (component, version, name, checksum) VALUES ($1, $2, $3, $4)", connection, tx))
            {
                cmd.Parameters.AddWithValue(component);
                cmd.Parameters.AddWithValue(migration.Version);
                cmd.Parameters.AddWithValue(migration.Name);
                cmd.Parameters.AddWithValue(resolved.Checksum);
                await cmd.ExecuteNonQueryAsync(ct);
            }
            count++;
        }
        await tx.CommitAsync(ct);
        return count;
    }

    private static string Substitute(string sql, IReadOnlyDictionary<string, string>? placeholders)
    {
        if (placeholders is null) return sql;
        foreach (var (key, value) in placeholders) sql = sql.Replace("{" + key + "}", value, StringComparison.Ordinal);
        return sql;
    }

    [GeneratedRegex(@"^(\d{4})_([a-z0-9_]+)$")]
    private static partial Regex ScriptName();
}
