namespace ESoviet.Web.Live;

/// <summary>Live updates over SignalR, bound from <c>ESoviet:Live</c>. The defaults suit a forum; change them only with a reason.</summary>
public sealed class LiveOptions
{
    public const string SectionName = "ESoviet:Live";

    /// <summary>The hub's path. Pages and the docs assume the default.</summary>
    public const string HubPath = "/hubs/live";

    /// <summary>
    /// Origins besides the site's own (<c>https://forum.example.org</c>) whose pages may connect. The site's own origin,
    /// as the request sees it (behind a proxy: with forwarded headers applied), is always allowed.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>How often every connection's session and every subscription's membership are checked again.</summary>
    public TimeSpan RecheckInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The least time between two tallies pushed for one proposal; roll-call rows are never held back.</summary>
    public TimeSpan TallyInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// After a push, how long the feed lets new events gather before the next one. A follower receives what gathered in
    /// one message (<c>events</c>), so a burst costs each connection one write per window instead of one per event;
    /// an event after a quiet spell is pushed at once.
    /// </summary>
    public TimeSpan BatchWindow { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Most events one CatchUp call returns; the answer says when there are more.</summary>
    public int CatchUpLimit { get; set; } = 5000;

    /// <summary>Most sequence numbers one CatchUp call scans, so that a call about a quiet topic stays cheap.</summary>
    public long CatchUpScanWindow { get; set; } = 200_000;

    /// <summary>Messages waiting for one slow client before it is disconnected (it reconnects and catches up).</summary>
    public int MaxQueuedPerConnection { get; set; } = 20_000;

    public int MaxSubscriptionsPerConnection { get; set; } = 32;
}
