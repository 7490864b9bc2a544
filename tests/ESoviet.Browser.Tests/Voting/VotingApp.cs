using System.Diagnostics;
using ESoviet.EventStore.Projections;
using ESoviet.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace ESoviet.Browser.Tests.Voting;

/// <summary>
/// The app with a clock the test moves (discussion and voting periods pass in an instant) and founding open to
/// every test, so each founds its own organization. Move the clock only forward.
/// </summary>
public sealed class VotingApp : AppFixture
{
    public TestClock Clock { get; } = new();

    protected override string DatabasePrefix => "browser_voting";

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);

    protected override void ConfigureWebHost(IWebHostBuilder builder) =>
        builder.UseSetting("ESoviet:AllowFoundingAfterFirst", "true");

    /// <summary>Waits until the ledger sealer (and every other async projection) has caught up with every commit.</summary>
    public Task WaitForSealingAsync() =>
        Services.GetRequiredService<ProjectionDaemon>().WaitForNonStaleAsync(TimeSpan.FromSeconds(30));
}

/// <summary>The ledger verifier as a person runs it: <c>dotnet ESoviet.Verify.dll ledger.jsonl</c>.</summary>
public static class VerifierCli
{
    /// <summary>
    /// The verifier built in the same configuration as these tests (bin/Debug or bin/Release): found beside the
    /// repository's src/ESoviet.Verify, and built first if the solution build has not built it yet.
    /// </summary>
    public static async Task<string> LocateAsync()
    {
        // AppContext.BaseDirectory is …/tests/ESoviet.Browser.Tests/bin/<Configuration>/<tfm>/
        var tfmFolder = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = tfmFolder.Parent?.Name ?? "Debug";
        var project = Path.Combine(RepositoryRoot.Path, "src", "ESoviet.Verify");
        var dll = Path.Combine(project, "bin", configuration, tfmFolder.Name, "ESoviet.Verify.dll");
        if (File.Exists(dll)) return dll;
        var (exit, output) = await RunAsync("dotnet", ["build", Path.Combine(project, "ESoviet.Verify.csproj"), "-c", configuration, "--nologo", "-v", "quiet"]);
        if (exit != 0 || !File.Exists(dll)) throw new InvalidOperationException($"Could not build the verifier ({exit}): {output}");
        return dll;
    }

    public static async Task<(int Exit, string Output)> RunAsync(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
