using System.Diagnostics;
using System.Globalization;
using ESoviet.Testing;
using Npgsql;

namespace ESoviet.Faults.Tests.Harness;

/// <summary>
/// A PostgreSQL cluster of the test class's own, started with <c>scripts/pg</c> in a fresh /tmp folder on a free port,
/// with PostgreSQL's durable defaults (fsync and synchronous_commit on): a commit the server acknowledged must survive
/// <see cref="Crash"/>. Stopped and deleted on dispose, so a crashed test leaves nothing running.
/// </summary>
public sealed class PrivateCluster : IAsyncLifetime
{
    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), "esoviet-faults-" + Guid.NewGuid().ToString("N")[..8]);

    public int Port { get; private set; }

    /// <summary>Superuser connection string to database <paramref name="database"/>.</summary>
    public string ConnectionString(string database = "postgres") =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = "postgres", Database = database, IncludeErrorDetail = true }.ConnectionString;

    public async Task InitializeAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            Port = int.Parse((await Script("free-port")).Trim(), CultureInfo.InvariantCulture);
            try
            {
                await Script("start", dataDirectory, Port.ToString(CultureInfo.InvariantCulture));
                return;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                // Someone took the port between free-port and start.
            }
        }
    }

    public async Task DisposeAsync()
    {
        try { await Script("stop", dataDirectory); }
        finally { if (Directory.Exists(dataDirectory)) Directory.Delete(dataDirectory, recursive: true); }
    }

    /// <summary>Creates an empty database and returns a connection string to it.</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        // Unpooled: a pooled connection may be one an earlier crash broke.
        await using var connection = new NpgsqlConnection(ConnectionString() + ";Pooling=false");
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await cmd.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    /// <summary>
    /// SIGKILL to the postmaster and every server process under it, as a power cut or the OOM killer would: no
    /// shutdown checkpoint, open transactions lost, clients' sockets reset. The children are listed before the
    /// postmaster dies (afterwards they belong to init).
    /// </summary>
    public void Crash()
    {
        var postmaster = int.Parse(File.ReadLines(Path.Combine(dataDirectory, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
        var children = ChildrenOf(postmaster);
        Kill(postmaster);
        foreach (var child in children) Kill(child);
        // SIGKILL is asynchronous: until the postmaster is gone (or a zombie), scripts/pg would find it "running".
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (IsAlive(postmaster) && DateTime.UtcNow < deadline) Thread.Sleep(10);
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Starts the crashed cluster again: PostgreSQL replays its WAL (crash recovery) before it accepts connections.</summary>
    public Task RestartAsync() => Script("start", dataDirectory, Port.ToString(CultureInfo.InvariantCulture));

    private static void Kill(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
        }
        catch (ArgumentException) { }
        catch (InvalidOperationException) { }
    }

    private static List<int> ChildrenOf(int parent)
    {
        var children = new List<int>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out var pid)) continue;
            try
            {
                // /proc/PID/stat: "pid (comm) state ppid ...": comm may hold spaces, so split after the last ')'.
                var stat = File.ReadAllText(Path.Combine(folder, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(fields[1], CultureInfo.InvariantCulture) == parent) children.Add(pid);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return children;
    }

    private static async Task<string> Script(params string[] arguments)
    {
        var script = Path.Combine(RepositoryRoot.Path, "scripts", "pg");
        var start = new ProcessStartInfo(script) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepositoryRoot.Path };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not run {script}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"scripts/pg {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{await output}\n{await error}");
        return await output;
    }
}
