using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ESoviet.Bench;

// The load generator: runs in its own process against a running app (started by scripts/bench) and its database.
// Each scenario seeds what it needs directly through the event store, then measures over HTTP, and prints one
// JSON object with its figures on the last line of its output.
var options = BenchOptions.Parse(args);
var result = options.Scenario switch
{
    "thread-page" => await ThreadPageScenario.RunAsync(options),
    "votes" => await VoteThroughputScenario.RunAsync(options),
    "live" => await LiveFanOutScenario.RunAsync(options),
    "replay" => await ReplayScenario.RunAsync(options),
    _ => throw new ArgumentException($"Unknown scenario '{options.Scenario}'. Known: thread-page, votes, live, replay."),
};
Console.WriteLine(JsonSerializer.Serialize(result, JsonSerializerOptions.Web));

namespace ESoviet.Bench
{
    public sealed record BenchOptions(string Scenario, string Database, Uri App, bool Smoke, int? AppPid = null)
    {
        public static BenchOptions Parse(string[] args)
        {
            string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
            return new BenchOptions(
                args.FirstOrDefault() ?? throw new ArgumentException("usage: ESoviet.Bench <scenario> --db <connection string> --app <url> [--app-pid <pid>] [--smoke]"),
                Value("--db") ?? throw new ArgumentException("--db is required"),
                new Uri(Value("--app") ?? throw new ArgumentException("--app is required")),
                args.Contains("--smoke"),
                int.TryParse(Value("--app-pid"), out var pid) ? pid : null);
        }
    }

    public static class Stats
    {
        public static double Percentile(IReadOnlyList<double> sorted, double p) =>
            sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];

        public static async Task<double> TimeAsync(Func<Task> action)
        {
            var watch = Stopwatch.StartNew();
            await action();
            return watch.Elapsed.TotalMilliseconds;
        }
    }

    public static class Http
    {
        /// <summary>A client signed in through the API like a browser would be (cookie session).</summary>
        public static async Task<HttpClient> SignInAsync(Uri app, string handle, string password)
        {
            var client = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer(), PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
            {
                BaseAddress = app,
            };
            using var response = await client.PostAsJsonAsync("/api/session", new { handle, password });
            response.EnsureSuccessStatusCode();
            return client;
        }
    }
}
