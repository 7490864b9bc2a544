using System.Globalization;
using ESoviet.Web.Membership;
using ESoviet.Web.Voting;

namespace ESoviet.Web.Pages.Proposals;

/// <summary>How the proposal pages put kinds, phases, outcomes, times and rules into words: the same words on every page.</summary>
public static class ProposalDisplay
{
    /// <summary>UTC, spelled out: members may sit in different time zones, and the server does not know theirs.</summary>
    public static string When(DateTimeOffset at) => at.ToUniversalTime().ToString("d MMM yyyy, HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>Day and time without the year or zone, for a table whose header says "UTC".</summary>
    /// <remarks>A no-break space inside the date, so a narrow column breaks only between date and time.</remarks>
    public static string Short(DateTimeOffset at) => at.ToUniversalTime().ToString("d'\u00A0'MMM, HH:mm", CultureInfo.InvariantCulture);

    public static string Day(DateTimeOffset at) => at.ToUniversalTime().ToString("d MMM yyyy", CultureInfo.InvariantCulture);

    /// <summary>For <c>&lt;time datetime&gt;</c>.</summary>
    public static string Iso(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Count(int n, string one, string many) => n == 1 ? $"1 {one}" : $"{n.ToString("N0", CultureInfo.InvariantCulture)} {many}";

    /// <summary>
    /// "2 days 3 hours", "40 minutes": the two largest units, which is as exact as a deadline needs to read. Rounded to
    /// the nearest minute first, so a page drawn a second after "48 hours" were set says "2 days", not "1 day 23 hours".
    /// </summary>
    public static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.FromSeconds(30)) return "less than a minute";
        span = TimeSpan.FromMinutes(Math.Round(span.TotalMinutes));
        var days = (int)span.TotalDays;
        var hours = span.Hours;
        var minutes = span.Minutes;
        if (days > 0) return hours > 0 ? $"{Count(days, "day", "days")} {Count(hours, "hour", "hours")}" : Count(days, "day", "days");
        if (hours > 0) return minutes > 0 ? $"{Count(hours, "hour", "hours")} {Count(minutes, "minute", "minutes")}" : Count(hours, "hour", "hours");
        return Count(minutes, "minute", "minutes");
    }

    public static string Hours(int hours) =>
        hours > 0 && hours % 24 == 0 ? $"{Count(hours / 24, "day", "days")} ({hours} hours)" : Count(hours, "hour", "hours");

    public static string Kind(ProposalKind kind) => kind switch
    {
        ProposalKind.CharterChange => "Charter change",
        ProposalKind.MembershipReview => "Membership review",
        _ => "Policy",
    };

    public static string Phase(ProposalPhase phase) => phase switch
    {
        ProposalPhase.Draft => "Draft",
        ProposalPhase.Discussion => "In discussion",
        ProposalPhase.Voting => "Voting",
        ProposalPhase.Closed => "Closed",
        _ => "Withdrawn",
    };

    public static string Outcome(ProposalOutcome outcome) => outcome switch
    {
        ProposalOutcome.Adopted => "Adopted",
        ProposalOutcome.Rejected => "Rejected",
        _ => "No quorum",
    };

    public static string Choice(VoteChoice choice) => choice switch
    {
        VoteChoice.For => "For",
        VoteChoice.Against => "Against",
        _ => "Abstain",
    };

    public static string ChoiceClass(VoteChoice choice) => choice switch
    {
        VoteChoice.For => "for",
        VoteChoice.Against => "against",
        _ => "abstain",
    };

    public static string Changes(int changes) => changes switch
    {
        0 => "",
        1 => "changed once",
        _ => $"changed {changes} times",
    };

    /// <summary>What it takes to adopt a proposal of this kind, in a sentence's worth of words.</summary>
    public static string Majority(ProposalKind kind, Charter rules) => VotingRules.NeedsSupermajority(kind)
        ? $"a supermajority: at least {rules.Supermajority.Describe()} ({rules.Supermajority}) of the For and Against votes must be For"
        : "a simple majority: more For than Against";

    public static string Reveal(RollCallReveal reveal) => reveal == RollCallReveal.Live
        ? "each vote is shown as soon as it is cast"
        : "votes are sealed until voting closes, then all are shown";

    /// <summary>
    /// A draft its author discarded never left the author: it stays theirs alone on these pages, as it was while it
    /// was a draft. (It was never submitted, so it has no end of discussion.)
    /// </summary>
    public static bool IsHiddenFrom(ProposalPhase phase, DateTimeOffset? discussionEndsAt, string author, string viewer) =>
        phase == ProposalPhase.Withdrawn && discussionEndsAt is null && !string.Equals(author, viewer, StringComparison.OrdinalIgnoreCase);

    /// <summary>A whole percentage of <paramref name="whole"/>, or 0 of nothing.</summary>
    public static int Percent(int part, int whole) => whole <= 0 ? 0 : (int)Math.Round(100.0 * part / whole, MidpointRounding.AwayFromZero);

    /// <summary>For SVG width attributes (the CSP forbids inline styles): a percentage with a dot, never a comma.</summary>
    public static string Width(int part, int whole) =>
        (whole <= 0 ? 0 : 100.0 * part / whole).ToString("0.##", CultureInfo.InvariantCulture) + "%";
}
