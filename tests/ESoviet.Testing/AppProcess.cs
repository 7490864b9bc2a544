using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace ESoviet.Testing;

/// <summary>
/// The app as an operating-system process of its own (the built ESoviet.Web.dll): a second node beside the test's
/// in-process one, sharing nothing with it but PostgreSQL, or a node a test can SIGKILL the way a crash would (no
/// graceful shutdown, no hosted service stopped, transactions cut off mid-flight).
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly ConcurrentQueue<string> log = new();

    private AppProcess(string connectionString, IReadOnlyDictionary<string, string> settings)
    {
        Address = new Uri($"http://127.0.0.1:{FreePort()}/");
        var configuration = typeof(AppProcess).Assembly.Location.Contains("/bin/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var appDirectory = Path.Combine(RepositoryRoot.Path, "src", "ESoviet.Web", "bin", configuration, "net10.0");
        var start = new ProcessStartInfo("dotnet", [Path.Combine(appDirectory, "ESoviet.Web.dll")])
        {
            WorkingDirectory = appDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ConnectionStrings__Postgres"] = connectionString;
        start.Environment["ASPNETCORE_URLS"] = Address.ToString().TrimEnd('/');
        start.Environment["ASPNETCORE_ENVIRONMENT"] = AppFixture.EnvironmentName;
        start.Environment["ESoviet__AllowFoundingAfterFirst"] = "true";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings) start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the app process.");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri Address { get; }

    public int Id => process.Id;

    /// <summary>What the process wrote, for a failure message.</summary>
    public string Log => string.Join('\n', log.TakeLast(60));

    /// <summary>
    /// Starts the app without waiting for it: background services begin before the server answers, so a test that
    /// means to catch them at work must not wait for /health.
    /// </summary>
    public static AppProcess Launch(string connectionString, IReadOnlyDictionary<string, string>? settings = null) =>
        new(connectionString, settings ?? new Dictionary<string, string>());

    /// <summary>Starts the app and waits until /health answers 200.</summary>
    public static async Task<AppProcess> StartAsync(string connectionString, IReadOnlyDictionary<string, string>? settings = null)
    {
        var app = Launch(connectionString, settings);
        using var client = new HttpClient { BaseAddress = app.Address, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            if (app.process.HasExited) throw new InvalidOperationException($"The app exited with code {app.process.ExitCode}:\n{app.Log}");
            try
            {
                using var health = await client.GetAsync("/health");
                if (health.StatusCode == HttpStatusCode.OK) return app;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            if (DateTime.UtcNow > deadline)
            {
                await app.DisposeAsync();
                throw new TimeoutException($"The app did not answer /health within 90 s:\n{app.Log}");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>SIGKILL, and wait until the process is gone.</summary>
    public async Task CrashAsync()
    {
        if (process.HasExited) return;
        process.Kill();
        await process.WaitForExitAsync();
    }

    public HttpClient CreateClient(string? bearerToken = null)
    {
        var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = Address };
        if (bearerToken is not null) client.DefaultRequestHeaders.Authorization = new("Bearer", bearerToken);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
    }

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
