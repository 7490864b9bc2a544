namespace ESoviet.Web.Accounts;

/// <summary>
/// How many writes of each kind one member may make per window, bound from <c>ESoviet:RateLimits</c>. Partitioned by
/// account (by client address for anyone signed out), so one member's flood spends only their own allowance: the
/// others' votes are not queued behind it. Generous for a person, tight for a script.
/// </summary>
public sealed class FloodProtectionOptions
{
    public const string SectionName = "ESoviet:RateLimits";

    /// <summary>Threads, replies, edits, retractions, uploads and proposal texts per member per <see cref="Window"/>.</summary>
    public int PostsPerWindow { get; set; } = 30;

    /// <summary>Votes cast or changed per member per <see cref="Window"/>.</summary>
    public int VotesPerWindow { get; set; } = 30;

    /// <summary>Invitations issued per member per <see cref="InvitationWindow"/>.</summary>
    public int InvitationsPerWindow { get; set; } = 20;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan InvitationWindow { get; set; } = TimeSpan.FromHours(1);
}
