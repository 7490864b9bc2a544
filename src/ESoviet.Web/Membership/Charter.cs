using System.Text.Json.Serialization;

namespace ESoviet.Web.Membership;

/// <summary>
/// A share of a whole, such as 1/2 or 2/3. Kept as a fraction rather than a percentage so that "two thirds" is
/// exact and comparisons are done in whole numbers: no vote is lost or won by rounding.
/// </summary>
public sealed record Share(int Numerator, int Denominator)
{
    public static readonly Share Half = new(1, 2);
    public static readonly Share TwoThirds = new(2, 3);

    /// <summary>True when <paramref name="part"/> is at least this share of <paramref name="whole"/>; never for an empty whole.</summary>
    public bool IsReachedBy(int part, int whole) =>
        whole > 0 && (long)part * Denominator >= (long)Numerator * whole;

    /// <summary>The smallest part of <paramref name="whole"/> that reaches this share.</summary>
    public int SmallestPartOf(int whole) =>
        whole <= 0 ? 0 : (int)(((long)Numerator * whole + Denominator - 1) / Denominator);

    // Derived, and a float: kept out of the JSON so events and the ledger hold only the exact fraction.
    [JsonIgnore]
    public double Percent => 100.0 * Numerator / Denominator;

    /// <summary>In words where a common fraction has a name ("two thirds"), else as a percentage.</summary>
    public string Describe() => (Numerator, Denominator) switch
    {
        (1, 2) => "half",
        (1, 3) => "one third",
        (2, 3) => "two thirds",
        (1, 4) => "one quarter",
        (3, 4) => "three quarters",
        (var n, var d) when n == d => "all",
        _ => $"{Percent:0.#} %",
    };

    public override string ToString() => $"{Numerator}/{Denominator}";
}

/// <summary>When members can see how each other voted.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RollCallReveal>))]
public enum RollCallReveal
{
    /// <summary>Each vote is shown to the membership as soon as it is cast.</summary>
    [JsonStringEnumMemberName("live")]
    Live,

    /// <summary>Votes are hidden until the vote closes, then all are shown at once.</summary>
    [JsonStringEnumMemberName("at_close")]
    AtClose,
}

/// <summary>
/// An organization's rules of procedure. Immutable: founding sets it from <see cref="Default"/>, and it changes only
/// by a new charter being adopted through a proposal, never by any one member's say (the founder included).
/// The simple majority rule (more For than Against; abstentions count for quorum only) is not a parameter: it is
/// what "decided" means.
/// </summary>
public sealed record Charter(
    Share Quorum,
    Share Supermajority,
    int MinimumDiscussionHours,
    int VotingPeriodHours,
    int VouchesRequired,
    int VouchesRequiredWhileSmall,
    int SmallOrganizationSize,
    int CommitmentDays,
    int HabitualBreachCount,
    int BreachWindowDays,
    int MaxConcurrentImplementations,
    RollCallReveal RollCallReveal)
{
    public static readonly Charter Default = new(
        Quorum: Share.Half,
        Supermajority: Share.TwoThirds,
        MinimumDiscussionHours: 48,
        VotingPeriodHours: 72,
        VouchesRequired: 2,
        VouchesRequiredWhileSmall: 1,
        SmallOrganizationSize: 5,
        CommitmentDays: 7,
        HabitualBreachCount: 3,
        BreachWindowDays: 365,
        MaxConcurrentImplementations: 3,
        RollCallReveal: RollCallReveal.Live);

    // Upper bounds keep a typo (720 days instead of hours) from silently freezing an organization.
    public const int MaxHours = 30 * 24;
    public const int MaxVouches = 20;
    public const int MaxCommitmentDays = 90;

    /// <summary>Errors keyed by field name (camelCase, as in JSON); empty when every rule is in range.</summary>
    public IReadOnlyDictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        void Check(bool ok, string field, string message)
        {
            if (!ok) errors[field] = [message];
        }

        Check(Quorum is { Denominator: > 0 and <= 1000, Numerator: > 0 } && Quorum.Numerator <= Quorum.Denominator,
            "quorum", "Quorum is a share between 1/1000 and all of the eligible members.");
        Check(Supermajority is { Denominator: > 0 and <= 1000 } && Supermajority.Numerator <= Supermajority.Denominator
              && 2L * Supermajority.Numerator > Supermajority.Denominator,
            "supermajority", "A supermajority is more than half and at most all of the votes cast.");
        Check(MinimumDiscussionHours is >= 0 and <= MaxHours,
            "minimumDiscussionHours", $"The minimum discussion time is 0 to {MaxHours} hours.");
        Check(VotingPeriodHours is >= 1 and <= MaxHours,
            "votingPeriodHours", $"The voting period is 1 to {MaxHours} hours.");
        Check(VouchesRequired is >= 1 and <= MaxVouches,
            "vouchesRequired", $"The number of vouches is 1 to {MaxVouches}.");
        Check(VouchesRequiredWhileSmall >= 1 && VouchesRequiredWhileSmall <= VouchesRequired,
            "vouchesRequiredWhileSmall", "The number of vouches while small is at least 1 and at most the usual number.");
        Check(SmallOrganizationSize is >= 0 and <= 1000,
            "smallOrganizationSize", "The size below which an organization counts as small is 0 to 1000 members.");
        Check(CommitmentDays is >= 1 and <= MaxCommitmentDays,
            "commitmentDays", $"The time to commit to a decision is 1 to {MaxCommitmentDays} days.");
        Check(HabitualBreachCount is >= 1 and <= 100,
            "habitualBreachCount", "The number of breaches that counts as habitual is 1 to 100.");
        Check(BreachWindowDays is >= 1 and <= 3650,
            "breachWindowDays", "The period breaches are counted over is 1 to 3650 days.");
        Check(MaxConcurrentImplementations is >= 1 and <= 100,
            "maxConcurrentImplementations", "The number of decisions one member may implement at once is 1 to 100.");
        Check(Enum.IsDefined(RollCallReveal), "rollCallReveal", "Roll-call votes are revealed live or at close.");
        return errors;
    }

    /// <summary>
    /// Vouches a candidate needs when the organization has <paramref name="memberCount"/> members. Never more than
    /// the members there are, so an organization that has shrunk can still admit someone if all of them vouch.
    /// </summary>
    public int VouchesNeeded(int memberCount)
    {
        var needed = memberCount < SmallOrganizationSize ? VouchesRequiredWhileSmall : VouchesRequired;
        return Math.Max(1, Math.Min(needed, memberCount));
    }

    /// <summary>Quorum: everyone who voted (abstentions included) against everyone eligible to vote.</summary>
    public bool IsQuorate(int voted, int eligible) => Quorum.IsReachedBy(voted, eligible);

    /// <summary>A simple majority: more For than Against. Abstentions do not count either way.</summary>
    public static bool HasMajority(int votesFor, int votesAgainst) => votesFor > votesAgainst;

    /// <summary>For charter changes and expulsions: For reaches the supermajority of For and Against; abstentions count for quorum only.</summary>
    public bool HasSupermajority(int votesFor, int votesAgainst) =>
        Supermajority.IsReachedBy(votesFor, votesFor + votesAgainst);
}
