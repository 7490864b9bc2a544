using System.Diagnostics;
using Npgsql;

namespace ESoviet.Testing;

/// <summary>
/// The throwaway PostgreSQL cluster every test in the process shares. <c>scripts/test</c> starts one and names it in
/// <c>ESOVIET_TEST_PG</c>; without that (a test run from an IDE), the first caller starts a private cluster with
/// <c>scripts/pg</c> and every later caller, in this process or another, reuses it.
/// </summary>
public static class TestPostgres
{
    public const string EnvironmentVariable = "ESOVIET_TEST_PG";
    public const string PrivateDataDirectory = "/tmp/esoviet-test-pg";
    public const int PrivatePort = 55439;

    private static readonly Lazy<Task<string>> AdminConnectionString = new(ResolveAsync);

    /// <summary>A superuser connection string to the cluster's <c>postgres</c> database.</summary>
    public static Task<string> GetAdminConnectionStringAsync() => AdminConnectionString.Value;

    private static async Task<string> ResolveAsync()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(configured))
        {
            await StartPrivateClusterAsync();
            configured = $"Host=127.0.0.1;Port={PrivatePort};Username=postgres";
        }

        var builder = new NpgsqlConnectionStringBuilder(configured);
        if (string.IsNullOrEmpty(builder.Database))
        {
            builder.Database = "postgres";
        }

        // Test failures should say which row and value broke a constraint; production keeps this off.
        builder.IncludeErrorDetail = true;
        var connectionString = builder.ConnectionString;
        await WaitUntilReachableAsync(connectionString);
        return connectionString;
    }

    private static async Task StartPrivateClusterAsync()
    {
        var script = Path.Combine(RepositoryRoot.Path, "scripts", "pg");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException(
                $"{EnvironmentVariable} is not set and {script} does not exist. Start a PostgreSQL cluster on loopback and set " +
                $"{EnvironmentVariable}, e.g. Host=127.0.0.1;Port=55999;Username=postgres.");
        }

        // Test projects run in parallel processes: a file lock makes only one of them start the cluster, and the
        // others find it running (scripts/pg start reuses a running cluster).
        await using var _ = await AcquireFileLockAsync(PrivateDataDirectory + ".lock", TimeSpan.FromMinutes(2));

        var startInfo = new ProcessStartInfo(script)
        {
            ArgumentList = { "start", PrivateDataDirectory, PrivatePort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--fast" },
            WorkingDirectory = RepositoryRoot.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"Could not run {script}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"scripts/pg start {PrivateDataDirectory} {PrivatePort} --fast exited with {process.ExitCode}:\n{await output}\n{await error}");
        }
    }

    private static async Task<FileStream> AcquireFileLockAsync(string path, TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            try
            {
                // FileShare.None takes an exclusive advisory lock (flock) on Unix, released when the stream closes.
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    // A cluster that scripts/test or scripts/pg just started may take a moment to accept connections.
    private static async Task WaitUntilReachableAsync(string connectionString)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync();
                return;
            }
            catch (NpgsqlException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }
}
