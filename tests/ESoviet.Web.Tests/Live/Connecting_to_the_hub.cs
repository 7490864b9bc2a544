using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using ESoviet.Testing;
using ESoviet.Web.Live;
using ESoviet.Web.Tests.Membership;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ESoviet.Web.Tests.Live;

/// <summary>
/// Who may open a connection: pages of this site (checked by Origin, since CORS does not cover WebSockets), programs
/// with a valid token, browsers with the session cookie. And a token sent in the query string never reaches the log,
/// whatever the logging configuration says.
/// </summary>
public sealed class Connecting_to_the_hub(Connecting_to_the_hub.VerboseApp app) : IClassFixture<Connecting_to_the_hub.VerboseApp>
{
    /// <summary>The app with every log category at Trace, into a list the test reads.</summary>
    public sealed class VerboseApp : AppFixture
    {
        public ConcurrentQueue<string> Log { get; } = new();

        protected override string DatabasePrefix => "live_connect";

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("ESoviet:AllowFoundingAfterFirst", "true");
            builder.UseSetting("Logging:LogLevel:Default", "Trace");
            builder.UseSetting("Logging:LogLevel:Microsoft.AspNetCore", "Trace");
            builder.UseSetting("Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics", "Trace");
            builder.ConfigureLogging(logging => logging.AddProvider(new ListLoggerProvider(Log)));
        }
    }

    [Fact]
    public async Task A_websocket_from_another_site_is_refused_before_the_upgrade()
    {
        var foreign = await ConnectStatusAsync("http://evil.example");
        foreign.Should().Be(HttpStatusCode.Forbidden);
        (await ConnectStatusAsync("null")).Should().Be(HttpStatusCode.Forbidden);
        (await ConnectStatusAsync(app.BaseAddress.GetLeftPart(UriPartial.Authority))).Should().Be(HttpStatusCode.SwitchingProtocols);
        (await ConnectStatusAsync(null)).Should().Be(HttpStatusCode.SwitchingProtocols, "programs send no Origin");

        using var client = app.CreateClient();
        using var negotiate = new HttpRequestMessage(HttpMethod.Post, "/hubs/live/negotiate?negotiateVersion=1") { Headers = { { "Origin", "https://evil.example" } } };
        (await client.SendAsync(negotiate)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        using var own = new HttpRequestMessage(HttpMethod.Post, "/hubs/live/negotiate?negotiateVersion=1") { Headers = { { "Origin", app.BaseAddress.GetLeftPart(UriPartial.Authority) } } };
        (await client.SendAsync(own)).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public void Configured_origins_are_allowed_besides_the_site_s_own()
    {
        var options = new LiveOptions { AllowedOrigins = ["https://app.example.org/"] };
        HttpRequest Request(string? origin)
        {
            var context = new DefaultHttpContext();
            context.Request.Scheme = "https";
            context.Request.Host = new HostString("forum.example.org");
            if (origin is not null) context.Request.Headers.Origin = origin;
            return context.Request;
        }

        OriginCheck.IsAllowed(Request(null), options).Should().BeTrue();
        OriginCheck.IsAllowed(Request("https://forum.example.org"), options).Should().BeTrue();
        OriginCheck.IsAllowed(Request("https://FORUM.example.org"), options).Should().BeTrue();
        OriginCheck.IsAllowed(Request("https://app.example.org"), options).Should().BeTrue();
        OriginCheck.IsAllowed(Request("http://forum.example.org"), options).Should().BeFalse("another scheme is another origin");
        OriginCheck.IsAllowed(Request("https://forum.example.org:8443"), options).Should().BeFalse();
        OriginCheck.IsAllowed(Request("https://forum.example.org.evil.example"), options).Should().BeFalse();
        OriginCheck.IsAllowed(Request("null"), options).Should().BeFalse();
    }

    [Fact]
    public async Task A_bad_token_is_refused_and_a_session_cookie_is_accepted()
    {
        (await ConnectStatusAsync(null, "access_token=esv_" + new string('x', 43))).Should().Be(HttpStatusCode.Unauthorized);
        (await ConnectStatusAsync(null, "access_token=nonsense")).Should().Be(HttpStatusCode.Unauthorized);

        var (anna, slug) = await app.FoundAsync();
        using var _ = anna;
        var jar = new CookieContainer();
        using (var browser = new HttpClient(new SocketsHttpHandler { CookieContainer = jar }) { BaseAddress = app.BaseAddress })
            (await browser.PostJsonAsync("/api/session", new { handle = anna.Handle, password = ApiClient.DefaultPassword })).EnsureSuccessStatusCode();
        await using var live = await SignalRClient.ConnectAsync(app.BaseAddress, cookie: jar.GetCookieHeader(app.BaseAddress),
            origin: app.BaseAddress.GetLeftPart(UriPartial.Authority));
        await live.InvokeAsync("Subscribe", $"org:{slug}");
    }

    [Fact]
    public async Task An_access_token_in_the_query_string_is_never_logged()
    {
        var (anna, slug) = await app.FoundAsync();
        using var _ = anna;
        var token = await anna.Client.CreateTokenAsync("live");
        app.Log.Clear();
        await using (var live = await SignalRClient.ConnectAsync(app.BaseAddress, accessToken: token))
        {
            await live.InvokeAsync("Subscribe", $"org:{slug}");
            await anna.StartThreadAsync(slug);
            await live.NextAsync("event", TimeSpan.FromSeconds(10));
        }
        (await ConnectStatusAsync(null, "access_token=" + token[..^2] + "xx")).Should().Be(HttpStatusCode.Unauthorized);

        // The request log is written as the refused request finishes: wait for its line rather than for a while.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!app.Log.Any(line => line.Contains("/hubs/live", StringComparison.Ordinal) && line.Contains("401", StringComparison.Ordinal))
               && DateTime.UtcNow < deadline)
            await Task.Yield();
        var log = app.Log.ToArray();
        log.Should().Contain(line => line.Contains("/hubs/live"), "the connection is logged at this level, only without its query string");
        var secret = token.Substring(4, 16);
        log.Should().NotContain(line => line.Contains(secret));
    }

    /// <summary>The status of a WebSocket handshake to the hub: 101 when it upgraded.</summary>
    private async Task<HttpStatusCode> ConnectStatusAsync(string? origin, string? query = null)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (origin is not null) socket.Options.SetRequestHeader("Origin", origin);
        var uri = new UriBuilder(new Uri(app.BaseAddress, "/hubs/live")) { Scheme = "ws", Query = query ?? "" }.Uri;
        try
        {
            await socket.ConnectAsync(uri, CancellationToken.None);
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        }
        catch (WebSocketException)
        {
        }
        return socket.HttpStatusCode;
    }

    private sealed class ListLoggerProvider(ConcurrentQueue<string> log) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new ListLogger(categoryName, log);

        public void Dispose()
        {
        }

        private sealed class ListLogger(string category, ConcurrentQueue<string> log) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                log.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {state} {exception}");
        }
    }
}
