using ESoviet.Web.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.SignalR;

namespace ESoviet.Web.Live;

/// <summary>Live updates: the hub at <c>/hubs/live</c>, this node's feed, and the checks around them. See docs/deploy.md for several nodes.</summary>
public static class LiveSetup
{
    public static WebApplicationBuilder AddLive(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<LiveOptions>().BindConfiguration(LiveOptions.SectionName);
        services.AddSignalR(hub => hub.AddFilter<LiveHubFilter>()).AddJsonProtocol(json => json.PayloadSerializerOptions.TypeInfoResolverChain.Insert(0, LiveJson.Resolver));
        services.AddSingleton<LiveHubConnections>();
        services.AddSingleton<HubLifetimeManager<LiveHub>>(sp => sp.GetRequiredService<LiveHubConnections>());
        services.AddSingleton<LiveConnections>();
        services.AddSingleton<TopicAccess>();
        services.AddSingleton<LivePayloads>();
        services.AddSingleton<LiveCatchUp>();
        services.AddSingleton<LiveFeed>();
        services.AddHostedService(sp => sp.GetRequiredService<LiveFeed>());
        services.AddSingleton<LiveAccessMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<LiveAccessMonitor>());
        services.AddSingleton<LivePage>();
        services.Configure<MvcOptions>(mvc => mvc.Filters.AddService<LivePage>());

        // The query-string token, on the hub's path only; the default scheme's selector sends such requests to it.
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, HubTokenAuthentication>(HubTokenAuthentication.SchemeName, null);
        services.PostConfigure<PolicySchemeOptions>(AccountsSetup.DefaultScheme, options =>
        {
            var selectOther = options.ForwardDefaultSelector;
            options.ForwardDefaultSelector = context =>
                HubTokenAuthentication.Applies(context) ? HubTokenAuthentication.SchemeName : selectOther?.Invoke(context);
        });

        // ASP.NET logs every request's URL, query string included, at Information under this category, and the query
        // string of a program's WebSocket carries its access token. Capped here, after the configuration's rules, so
        // that no logging setting can write tokens to the log (docs/deploy.md says the same of the proxy's access log).
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        // Refused subscriptions are routine and anyone can cause them; LiveHubFilter logs the failures that are not.
        builder.Logging.AddFilter(LiveHubFilter.DispatcherCategory, LogLevel.Critical);
        return builder;
    }

    public static WebApplication MapLive(this WebApplication app)
    {
        app.MapHub<LiveHub>(LiveOptions.HubPath, hub =>
            {
                hub.Transports = HttpTransportType.WebSockets | HttpTransportType.ServerSentEvents | HttpTransportType.LongPolling;
                // A reconnecting client resubscribes and catches up on its own; nothing to keep for it here.
                hub.AllowStatefulReconnects = false;
                // Per connection, what may wait in memory for a slow socket before writes wait (64 KB each way by
                // default): thousands of followers of one vote would otherwise hold 64 KB apiece in a burst. A client's
                // own messages (subscribe, catch up, ping) are tiny.
                hub.TransportMaxBufferSize = 16 * 1024;
                hub.ApplicationMaxBufferSize = 16 * 1024;
            })
            .RequireSameOrigin();
        return app;
    }
}
