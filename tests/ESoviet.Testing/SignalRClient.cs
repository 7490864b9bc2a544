using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace ESoviet.Testing;

/// <summary>
/// A SignalR client speaking the JSON hub protocol over a raw <see cref="ClientWebSocket"/> (the .NET SignalR client does not
/// restore here). Connects straight to the WebSocket (no negotiate), invokes hub methods and collects what the server
/// pushes, per client method name. For tests and benchmarks; not a general-purpose client (no reconnect, no streaming).
/// </summary>
public sealed class SignalRClient : IAsyncDisposable
{
    private const char Separator = '\u001e';
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly ClientWebSocket socket;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<JsonElement>> invocations = new();
    private readonly ConcurrentDictionary<string, Channel<JsonElement>> pushes = new(StringComparer.OrdinalIgnoreCase);
    private readonly CancellationTokenSource stop = new();
    private readonly SemaphoreSlim sending = new(1, 1);
    private readonly StringBuilder pending = new();
    private int nextId;
    private Task receiving = Task.CompletedTask;
    private Task pinging = Task.CompletedTask;

    private SignalRClient(ClientWebSocket socket) => this.socket = socket;

    /// <summary>Completes when the server closes the connection or the socket breaks; holds the close message's error, if any.</summary>
    public TaskCompletionSource<string?> Closed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Opens <c>ws://…{path}</c> and completes the JSON protocol handshake. Authenticate with a session <paramref name="cookie"/>
    /// header value or a personal <paramref name="accessToken"/> (sent as <c>access_token</c> in the query, as browsers must).
    /// </summary>
    public static async Task<SignalRClient> ConnectAsync(
        Uri baseAddress, string path = "/hubs/live", string? cookie = null, string? accessToken = null, string? origin = null, CancellationToken ct = default)
    {
        var uri = new UriBuilder(new Uri(baseAddress, path)) { Scheme = baseAddress.Scheme == "https" ? "wss" : "ws" };
        if (accessToken is not null) uri.Query = "access_token=" + Uri.EscapeDataString(accessToken);
        var socket = new ClientWebSocket();
        if (cookie is not null) socket.Options.SetRequestHeader("Cookie", cookie);
        if (origin is not null) socket.Options.SetRequestHeader("Origin", origin);
        await socket.ConnectAsync(uri.Uri, ct);

        var client = new SignalRClient(socket);
        await client.SendRawAsync("""{"protocol":"json","version":1}""", ct);
        var handshake = await client.ReceiveMessagesAsync(ct);
        if (handshake.Count == 0 || handshake[0].TryGetProperty("error", out _))
            throw new InvalidOperationException($"SignalR handshake failed: {(handshake.Count == 0 ? "no answer" : handshake[0].GetRawText())}");
        client.receiving = Task.Run(client.ReceiveLoopAsync);
        client.pinging = Task.Run(client.PingLoopAsync);
        return client;
    }

    private int _batches;

    /// <summary>How many "events" messages (several events at once) arrived; their events are read as "event".</summary>
    public int Batches => Volatile.Read(ref _batches);

    /// <summary>Everything the server pushed to client method <paramref name="target"/>: each message's first argument, in order.</summary>
    public ChannelReader<JsonElement> On(string target) => Channel(target).Reader;

    /// <summary>The next push to <paramref name="target"/>, or a <see cref="TimeoutException"/>.</summary>
    public async Task<JsonElement> NextAsync(string target, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try { return await On(target).ReadAsync(cts.Token); }
        catch (OperationCanceledException) { throw new TimeoutException($"No '{target}' message within {timeout}."); }
    }

    /// <summary>Calls a hub method and returns its result; a hub error throws <see cref="HubErrorException"/>.</summary>
    public async Task<JsonElement> InvokeAsync(string method, params object?[] arguments)
    {
        var id = Interlocked.Increment(ref nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var completion = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        invocations[id] = completion;
        await SendRawAsync(JsonSerializer.Serialize(new { type = 1, invocationId = id, target = method, arguments }, Json), stop.Token);
        return await completion.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Breaks the connection without a close handshake, as a lost network would.</summary>
    public void Abort() => socket.Abort();

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        if (socket.State == WebSocketState.Open)
        {
            try { await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None); }
            catch (WebSocketException) { }
        }
        socket.Abort();
        try { await Task.WhenAll(receiving, pinging); } catch (Exception) { }
        socket.Dispose();
        stop.Dispose();
    }

    private Channel<JsonElement> Channel(string target) => pushes.GetOrAdd(target, _ => System.Threading.Channels.Channel.CreateUnbounded<JsonElement>());

    private async Task SendRawAsync(string json, CancellationToken ct)
    {
        var bytes = Encoding.UTF8.GetBytes(json + Separator);
        await sending.WaitAsync(ct);
        try { await socket.SendAsync(bytes, WebSocketMessageType.Text, true, ct); }
        finally { sending.Release(); }
    }

    /// <summary>One WebSocket message, which may hold several protocol messages, each ended by 0x1E.</summary>
    private async Task<List<JsonElement>> ReceiveMessagesAsync(CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(chunk, ct);
            if (result.MessageType == WebSocketMessageType.Close) return [];
            buffer.Write(chunk, 0, result.Count);
        }
        while (!result.EndOfMessage);
        // A protocol message may in principle straddle two WebSocket messages: keep what follows the last separator.
        pending.Append(Encoding.UTF8.GetString(buffer.ToArray()));
        var text = pending.ToString();
        var end = text.LastIndexOf(Separator);
        pending.Clear().Append(text[(end + 1)..]);
        return end < 0 ? [] : text[..end].Split(Separator, StringSplitOptions.RemoveEmptyEntries)
            .Select(message => JsonDocument.Parse(message).RootElement.Clone()).ToList();
    }

    private async Task ReceiveLoopAsync()
    {
        string? error = null;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var messages = await ReceiveMessagesAsync(stop.Token);
                if (messages.Count == 0 && socket.State != WebSocketState.Open) break;
                foreach (var message in messages)
                {
                    switch (message.GetProperty("type").GetInt32())
                    {
                        case 1:
                            var args = message.GetProperty("arguments");
                            var target = message.GetProperty("target").GetString()!;
                            var first = args.GetArrayLength() > 0 ? args[0] : default;
                            if (target == "events" && first.ValueKind == JsonValueKind.Array)
                            {
                                // The hub batches events in a burst; tests read them one by one, in order, as "event".
                                foreach (var item in first.EnumerateArray()) await Channel("event").Writer.WriteAsync(item);
                                Interlocked.Increment(ref _batches);
                            }
                            else
                            {
                                await Channel(target).Writer.WriteAsync(first);
                            }
                            break;
                        case 3 when invocations.TryRemove(message.GetProperty("invocationId").GetString()!, out var pending):
                            if (message.TryGetProperty("error", out var failure)) pending.TrySetException(new HubErrorException(failure.GetString()));
                            else pending.TrySetResult(message.TryGetProperty("result", out var value) ? value : default);
                            break;
                        case 7:
                            error = message.TryGetProperty("error", out var reason) ? reason.GetString() : null;
                            return;
                    }
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
        }
        finally
        {
            foreach (var pending in invocations.Values) pending.TrySetException(new HubErrorException("The connection closed."));
            foreach (var channel in pushes.Values) channel.Writer.TryComplete();
            Closed.TrySetResult(error);
        }
    }

    // The server drops a client it has not heard from for 30 seconds.
    private async Task PingLoopAsync()
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(10), stop.Token);
                await SendRawAsync("""{"type":6}""", stop.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }
}

/// <summary>A hub method failed: the server's error message (a HubException's text, or a generic one).</summary>
public sealed class HubErrorException(string? message) : Exception(message);
