using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace ESoviet.Bench;

/// <summary>
/// N WebSocket subscribers (raw SignalR JSON protocol) follow one proposal while votes arrive over HTTP at a steady
/// 100 per second. Every subscriber must receive every vote's roll-call row: the figures are the latency from the
/// vote's castAt (the server's clock when it took the vote, before the commit) to its receipt by a subscriber (the
/// same machine's clock), p50/p99/max over every delivery, the deliveries missed, and the app's resident memory.
/// </summary>
public static class LiveFanOutScenario
{
    private const byte Separator = 0x1E;
    private const int VotesPerSecond = 100;

    public static async Task<object> RunAsync(BenchOptions options)
    {
        int[] levels = options.Smoke ? [100] : [2000, 5000];
        var seconds = options.Smoke ? 5 : 30;
        var votes = VotesPerSecond * seconds;
        await using var seeding = Seeding.Open(options.Database);
        var (org, slug, founder) = await seeding.FoundAsync("live");
        var people = await Electorate.SeedMembersAsync(seeding, org, founder, votes);
        var watcherToken = await Electorate.TokenForAsync(seeding, founder);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = options.App, Timeout = TimeSpan.FromSeconds(30) };

        var results = new List<object>();
        foreach (var subscribers in levels)
        {
            var proposal = await Electorate.OpenVoteAsync(seeding, org, founder, [.. people.Select(p => p.Handle)]);
            var level = await RunLevelAsync(options, seeding, http, slug, proposal, people, watcherToken, subscribers, votes);
            Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(level, System.Text.Json.JsonSerializerOptions.Web));
            results.Add(level);
        }
        return new { scenario = "live", votesPerSecond = VotesPerSecond, seconds, levels = results };
    }

    private static async Task<object> RunLevelAsync(
        BenchOptions options, Seeding seeding, HttpClient http, string slug, Guid proposal, List<Elector> people, string token, int subscribers, int votes)
    {
        var rssBefore = Rss(options.AppPid);
        var histogram = new Histogram();
        var hub = new UriBuilder(new Uri(options.App, "/hubs/live")) { Scheme = "ws", Query = "access_token=" + Uri.EscapeDataString(token) }.Uri;
        var topic = $"proposal:{proposal}";
        var clients = new Subscriber[subscribers];
        var connect = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, subscribers), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
            clients[i] = await Subscriber.ConnectAsync(hub, topic, histogram, ct));
        var connectSeconds = connect.Elapsed.TotalSeconds;
        using var stop = new CancellationTokenSource();
        var pinging = Task.Run(async () =>
        {
            // The server drops a client it has not heard from for 30 seconds.
            try
            {
                while (true)
                {
                    await Task.Delay(TimeSpan.FromSeconds(10), stop.Token);
                    foreach (var client in clients) await client.PingAsync(stop.Token);
                }
            }
            catch (OperationCanceledException) { }
        });
        long rssPeak = Rss(options.AppPid);
        var sampling = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    rssPeak = Math.Max(rssPeak, Rss(options.AppPid));
                    await Task.Delay(500, stop.Token);
                }
            }
            catch (OperationCanceledException) { }
        });

        // Votes at a steady rate: vote i is sent at i / rate seconds, whatever the earlier ones are doing.
        var path = $"/api/orgs/{slug}/proposals/{proposal}/votes/mine";
        var sent = new List<Task>();
        var failedVotes = 0;
        var voteTimes = new System.Collections.Concurrent.ConcurrentBag<double>();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < votes; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / VotesPerSecond) - clock.Elapsed;
            if (due > TimeSpan.Zero) await Task.Delay(due);
            var elector = people[i];
            sent.Add(Task.Run(async () =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = JsonContent.Create(new { choice = "for", reason = (string?)null }) };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", elector.Token);
                request.Headers.Add("Idempotency-Key", "live-" + elector.Handle);
                // A vote the app does not answer in time (30 s) or refuses is counted, not fatal: the figures show it.
                try
                {
                    var watch = Stopwatch.StartNew();
                    using var response = await http.SendAsync(request);
                    if (response.IsSuccessStatusCode) voteTimes.Add(watch.Elapsed.TotalMilliseconds);
                    else Interlocked.Increment(ref failedVotes);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    Interlocked.Increment(ref failedVotes);
                }
            }));
        }
        await Task.WhenAll(sent);
        var sendSeconds = clock.Elapsed.TotalSeconds;

        // Every subscriber should now receive the rest; give stragglers up to 20 s.
        var wait = Stopwatch.StartNew();
        // A vote that timed out on the client may still have been recorded: what must arrive is what the roll-call holds.
        var expected = 0L;
        while (wait.Elapsed < TimeSpan.FromSeconds(20))
        {
            expected = await Electorate.ScalarAsync<long>(seeding.DataSource, "SELECT count(*) FROM roll_call WHERE proposal_id = $1", proposal);
            if (!clients.Any(c => c.Received < expected && !c.Closed)) break;
            await Task.Delay(200);
        }
        var drainSeconds = wait.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        await Task.WhenAll(pinging, sampling);
        var missed = clients.Sum(c => Math.Max(0, expected - c.Received));
        var closed = clients.Count(c => c.Closed);
        var outOfOrder = clients.Sum(c => c.OutOfOrder);
        await Parallel.ForEachAsync(clients, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (c, _) => await c.DisposeAsync());
        var sortedVoteTimes = voteTimes.Order().ToList();
        return new
        {
            subscribers,
            votes,
            failedVotes,
            recordedVotes = expected,
            voteP50Ms = Math.Round(Stats.Percentile(sortedVoteTimes, 50), 1),
            voteP99Ms = Math.Round(Stats.Percentile(sortedVoteTimes, 99), 1),
            connectSeconds = Math.Round(connectSeconds, 1),
            sendSeconds = Math.Round(sendSeconds, 1),
            drainSeconds = Math.Round(drainSeconds, 1),
            deliveries = histogram.Count,
            missed,
            closedByServer = closed,
            outOfOrder,
            p50Ms = histogram.Percentile(50),
            p99Ms = histogram.Percentile(99),
            maxMs = Math.Round(histogram.Max, 1),
            rssBeforeMb = Math.Round(rssBefore / 1024.0, 1),
            rssPeakMb = Math.Round(rssPeak / 1024.0, 1),
        };
    }

    /// <summary>VmRSS of the app in KiB, or 0 when no pid was given.</summary>
    private static long Rss(int? pid)
    {
        if (pid is null) return 0;
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Latencies in 0.1 ms buckets up to 120 s, shared by all subscribers.</summary>
    private sealed class Histogram
    {
        private readonly long[] buckets = new long[1_200_000];
        private long count;
        private long maxTicks;

        public long Count => Interlocked.Read(ref count);
        public double Max => Interlocked.Read(ref maxTicks) / 10.0;

        public void Add(double ms)
        {
            var bucket = (long)Math.Clamp(Math.Round(ms * 10), 0, buckets.Length - 1);
            Interlocked.Increment(ref buckets[bucket]);
            Interlocked.Increment(ref count);
            long seen;
            while (bucket > (seen = Interlocked.Read(ref maxTicks)) && Interlocked.CompareExchange(ref maxTicks, bucket, seen) != seen) { }
        }

        public double Percentile(double p)
        {
            var target = (long)Math.Ceiling(p / 100 * Count);
            long seen = 0;
            for (var i = 0; i < buckets.Length; i++)
            {
                seen += buckets[i];
                if (seen >= Math.Max(target, 1)) return i / 10.0;
            }
            return double.NaN;
        }
    }

    /// <summary>A minimal SignalR JSON-protocol subscriber: handshake, Subscribe, then count the vote rows pushed.</summary>
    private sealed class Subscriber : IAsyncDisposable
    {
        private static readonly byte[] Ping = Encoding.UTF8.GetBytes("{\"type\":6}\u001e");
        private readonly ClientWebSocket socket = new();
        private readonly Histogram histogram;
        private readonly SemaphoreSlim sending = new(1, 1);
        private readonly List<byte> pending = [];
        private Task loop = Task.CompletedTask;
        private long lastSeq;

        private Subscriber(Histogram histogram) => this.histogram = histogram;

        public int Received;
        public int OutOfOrder;
        public bool Closed;

        public static async Task<Subscriber> ConnectAsync(Uri hub, string topic, Histogram histogram, CancellationToken ct)
        {
            var s = new Subscriber(histogram);
            s.socket.Options.KeepAliveInterval = TimeSpan.Zero;
            await s.socket.ConnectAsync(hub, ct);
            await s.SendAsync("{\"protocol\":\"json\",\"version\":1}\u001e", ct);
            var handshake = await s.ReadAsync(ct);
            if (handshake.Count == 0 || handshake[0].TryGetProperty("error", out _)) throw new InvalidOperationException("SignalR handshake failed");
            await s.SendAsync(JsonSerializer.Serialize(new { type = 1, invocationId = "1", target = "Subscribe", arguments = new[] { topic } }) + "\u001e", ct);
            while (true)
            {
                var messages = await s.ReadAsync(ct);
                if (messages.Count == 0 && s.socket.State != WebSocketState.Open) throw new InvalidOperationException("closed while subscribing");
                var completion = messages.FirstOrDefault(m => m.GetProperty("type").GetInt32() == 3);
                if (completion.ValueKind == JsonValueKind.Undefined) continue;
                if (completion.TryGetProperty("error", out var error)) throw new InvalidOperationException("Subscribe failed: " + error.GetString());
                break;
            }
            s.loop = Task.Run(s.ReceiveLoopAsync);
            return s;
        }

        public async Task PingAsync(CancellationToken ct)
        {
            if (socket.State != WebSocketState.Open) return;
            try { await SendBytesAsync(Ping, ct); }
            catch (WebSocketException) { }
        }

        private Task SendAsync(string text, CancellationToken ct) => SendBytesAsync(Encoding.UTF8.GetBytes(text), ct);

        private async Task SendBytesAsync(byte[] bytes, CancellationToken ct)
        {
            await sending.WaitAsync(ct);
            try { await socket.SendAsync(bytes, WebSocketMessageType.Text, true, ct); }
            finally { sending.Release(); }
        }

        private async Task<List<JsonElement>> ReadAsync(CancellationToken ct)
        {
            var chunk = new byte[8192];
            ValueWebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(chunk.AsMemory(), ct);
                if (result.MessageType == WebSocketMessageType.Close) return [];
                pending.AddRange(chunk.AsSpan(0, result.Count));
            }
            while (!result.EndOfMessage);
            var messages = new List<JsonElement>();
            var start = 0;
            var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(pending);
            for (var i = 0; i < span.Length; i++)
            {
                if (span[i] != Separator) continue;
                if (i > start) messages.Add(JsonDocument.Parse(span[start..i].ToArray()).RootElement.Clone());
                start = i + 1;
            }
            pending.RemoveRange(0, start);
            return messages;
        }

        private async Task ReceiveLoopAsync()
        {
            try
            {
                while (socket.State == WebSocketState.Open)
                {
                    var messages = await ReadAsync(CancellationToken.None);
                    var now = DateTimeOffset.UtcNow;
                    if (messages.Count == 0 && socket.State != WebSocketState.Open) break;
                    foreach (var message in messages)
                    {
                        var type = message.GetProperty("type").GetInt32();
                        if (type == 7) { Closed = true; return; }
                        if (type != 1) continue;
                        var target = message.GetProperty("target").GetString();
                        var argument = message.GetProperty("arguments")[0];
                        if (target == "event") Count(argument, now);
                        else if (target == "events") foreach (var push in argument.EnumerateArray()) Count(push, now);
                    }
                }
                Closed = true;
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                Closed = true;
            }
        }

        private void Count(JsonElement push, DateTimeOffset now)
        {
            if (push.GetProperty("type").GetString() != "vote_cast") return;
            var seq = push.GetProperty("seq").GetInt64();
            if (seq <= lastSeq) OutOfOrder++;
            lastSeq = seq;
            var castAt = push.GetProperty("data").GetProperty("row").GetProperty("castAt").GetDateTimeOffset();
            histogram.Add((now - castAt).TotalMilliseconds);
            Interlocked.Increment(ref Received);
        }

        public async ValueTask DisposeAsync()
        {
            if (socket.State == WebSocketState.Open)
            {
                try
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
                }
                catch (Exception e) when (e is WebSocketException or OperationCanceledException) { }
            }
            socket.Abort();
            try { await loop; } catch (Exception) { }
            socket.Dispose();
        }
    }
}
