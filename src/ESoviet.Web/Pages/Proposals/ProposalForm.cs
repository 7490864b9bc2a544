using System.Globalization;
using ESoviet.Web.Infrastructure;
using ESoviet.Web.Membership;
using ESoviet.Web.Voting;

namespace ESoviet.Web.Pages.Proposals;

/// <summary>
/// Errors keyed by the API's field names ("title", "newCharter.quorum"), so a refusal from <see cref="VotingCommands"/>
/// lands beside the field it is about; anything without a field goes to the summary at the top.
/// </summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _byField = new(StringComparer.OrdinalIgnoreCase);

    public List<string> General { get; } = [];

    public bool Any => General.Count > 0 || _byField.Count > 0;

    public IEnumerable<KeyValuePair<string, List<string>>> Fields => _byField;

    public void Add(string field, string message)
    {
        if (field.Length == 0)
        {
            General.Add(message);
            return;
        }
        if (!_byField.TryGetValue(field, out var list)) _byField[field] = list = [];
        if (!list.Contains(message)) list.Add(message);
    }

    public void Add(Rejection rejection)
    {
        if (rejection.Errors is not { Count: > 0 } errors)
        {
            General.Add(rejection.Title);
            return;
        }
        foreach (var (field, messages) in errors)
            foreach (var message in messages) Add(field, message);
    }

    public bool Has(string field) => _byField.ContainsKey(field);

    public IReadOnlyList<string> For(string field) => _byField.TryGetValue(field, out var list) ? list : [];

    /// <summary>The id of the input a field's error links to: the same rule the field partials use.</summary>
    public static string InputId(string field) => "f-" + field.Replace('.', '-');

    public static string ErrorId(string field) => InputId(field) + "-error";

    /// <summary>For <c>aria-describedby</c>: the hint, then the error when there is one.</summary>
    public string? DescribedBy(string field, bool hint = true)
    {
        var ids = new List<string>();
        if (hint) ids.Add(InputId(field) + "-hint");
        if (Has(field)) ids.Add(ErrorId(field));
        return ids.Count == 0 ? null : string.Join(' ', ids);
    }

    public string? Invalid(string field) => Has(field) ? "true" : null;

    public FieldSlot Slot(string field) => new(this, field);
}

/// <summary>One field's place for its error message.</summary>
public sealed record FieldSlot(FieldErrors Errors, string Field);

/// <summary>The proposal's text as typed in the form, with the sections in the order a proposal is read.</summary>
public sealed class ProposalTextInput
{
    public string? Title { get; set; }
    public string? Problem { get; set; }
    public string? Action { get; set; }
    public string? Analysis { get; set; }
    public string? Alternatives { get; set; }
    public string? Plan { get; set; }

    public ProposalText ToText() => new(Title ?? "", Problem ?? "", Action ?? "", Analysis ?? "", Alternatives ?? "", Plan ?? "");

    public static ProposalTextInput From(ProposalText text) => new()
    {
        Title = text.Title,
        Problem = text.Problem,
        Action = text.Action,
        Analysis = text.Analysis,
        Alternatives = text.Alternatives,
        Plan = text.Plan,
    };
}

/// <summary>One of the five sections: its field name, its heading, and what to write in it.</summary>
public sealed record SectionSpec(string Field, string Heading, string Hint, Func<ProposalText, string> Read);

public static class Sections
{
    public static readonly IReadOnlyList<SectionSpec> All =
    [
        new("problem", "The problem, and why a solution is necessary",
            "What is wrong now, for whom, and why it needs solving rather than waiting. Facts and sources over impressions.", t => t.Problem),
        new("action", "Proposed action",
            "Exactly what the organization will do if this is adopted: concrete enough that anyone can tell later whether it was done.", t => t.Action),
        new("analysis", "Is it practicable?",
            "An analysis of practicality in the objective situation: the people, money, time and rules it needs, what could stop it, and why it can still work.", t => t.Analysis),
        new("alternatives", "Alternatives considered",
            "The other ways you weighed, doing nothing included, and why this one is better.", t => t.Alternatives),
        new("plan", "Implementation plan",
            "How it will be carried out: the steps, who does what, by when. You will implement it: the proposer carries out what is adopted.", t => t.Plan),
    ];

    public static string Value(ProposalTextInput input, string field) => field switch
    {
        "problem" => input.Problem ?? "",
        "action" => input.Action ?? "",
        "analysis" => input.Analysis ?? "",
        "alternatives" => input.Alternatives ?? "",
        "plan" => input.Plan ?? "",
        _ => input.Title ?? "",
    };
}

/// <summary>
/// The new charter as typed: every value a string, so "two" or an empty box is answered with a plain sentence
/// beside that box instead of a model-binding message. Shares are a numerator and a denominator.
/// </summary>
public sealed class CharterInput
{
    public string? QuorumNumerator { get; set; }
    public string? QuorumDenominator { get; set; }
    public string? SupermajorityNumerator { get; set; }
    public string? SupermajorityDenominator { get; set; }
    public string? MinimumDiscussionHours { get; set; }
    public string? VotingPeriodHours { get; set; }
    public string? VouchesRequired { get; set; }
    public string? VouchesRequiredWhileSmall { get; set; }
    public string? SmallOrganizationSize { get; set; }
    public string? CommitmentDays { get; set; }
    public string? HabitualBreachCount { get; set; }
    public string? BreachWindowDays { get; set; }
    public string? MaxConcurrentImplementations { get; set; }
    public string? RollCallReveal { get; set; }

    public static CharterInput From(Charter c) => new()
    {
        QuorumNumerator = Text(c.Quorum.Numerator),
        QuorumDenominator = Text(c.Quorum.Denominator),
        SupermajorityNumerator = Text(c.Supermajority.Numerator),
        SupermajorityDenominator = Text(c.Supermajority.Denominator),
        MinimumDiscussionHours = Text(c.MinimumDiscussionHours),
        VotingPeriodHours = Text(c.VotingPeriodHours),
        VouchesRequired = Text(c.VouchesRequired),
        VouchesRequiredWhileSmall = Text(c.VouchesRequiredWhileSmall),
        SmallOrganizationSize = Text(c.SmallOrganizationSize),
        CommitmentDays = Text(c.CommitmentDays),
        HabitualBreachCount = Text(c.HabitualBreachCount),
        BreachWindowDays = Text(c.BreachWindowDays),
        MaxConcurrentImplementations = Text(c.MaxConcurrentImplementations),
        RollCallReveal = c.RollCallReveal == Membership.RollCallReveal.AtClose ? "at_close" : "live",
    };

    /// <summary>The charter typed, or null with the reasons in <paramref name="errors"/>; range checks are the charter's own.</summary>
    public Charter? ToCharter(FieldErrors errors)
    {
        var ok = true;
        int Number(string? value, string field)
        {
            if (int.TryParse(value?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return n;
            errors.Add("newCharter." + field, "Enter a whole number, such as 2.");
            ok = false;
            return 0;
        }
        var quorum = new Share(Number(QuorumNumerator, "quorum"), Number(QuorumDenominator, "quorum"));
        var supermajority = new Share(Number(SupermajorityNumerator, "supermajority"), Number(SupermajorityDenominator, "supermajority"));
        var charter = new Charter(quorum, supermajority,
            Number(MinimumDiscussionHours, "minimumDiscussionHours"), Number(VotingPeriodHours, "votingPeriodHours"),
            Number(VouchesRequired, "vouchesRequired"), Number(VouchesRequiredWhileSmall, "vouchesRequiredWhileSmall"),
            Number(SmallOrganizationSize, "smallOrganizationSize"), Number(CommitmentDays, "commitmentDays"),
            Number(HabitualBreachCount, "habitualBreachCount"), Number(BreachWindowDays, "breachWindowDays"),
            Number(MaxConcurrentImplementations, "maxConcurrentImplementations"),
            RollCallReveal == "at_close" ? Membership.RollCallReveal.AtClose : Membership.RollCallReveal.Live);
        return ok ? charter : null;
    }

    private static string Text(int n) => n.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The whole "new proposal" form: kind, text, and what the kind needs besides.</summary>
public sealed class ProposalInput
{
    public string? Kind { get; set; }
    public ProposalTextInput Text { get; set; } = new();
    public CharterInput Charter { get; set; } = new();
    public string? Subject { get; set; }

    /// <summary>Numbers of decisions in force that a policy amends (D-n → n).</summary>
    public List<int> Amends { get; set; } = [];

    /// <summary>Numbers of decisions in force that a policy repeals.</summary>
    public List<int> Repeals { get; set; } = [];

    public ProposalKind? ParsedKind => Kind switch
    {
        "policy" => ProposalKind.Policy,
        "charter_change" => ProposalKind.CharterChange,
        "membership_review" => ProposalKind.MembershipReview,
        _ => null,
    };

    public static string Word(ProposalKind kind) => kind switch
    {
        ProposalKind.CharterChange => "charter_change",
        ProposalKind.MembershipReview => "membership_review",
        _ => "policy",
    };
}

/// <summary>A row of the charter comparison: the rule, its value in force, the value proposed.</summary>
public sealed record CharterRow(string Rule, string Current, string Proposed)
{
    public bool Changed => Current != Proposed;

    public static IReadOnlyList<CharterRow> Compare(Charter current, Charter proposed)
    {
        string Share(Share s) => $"{s.Describe()} ({s})";
        string Reveal(RollCallReveal r) => r == RollCallReveal.Live ? "live, as votes are cast" : "when the vote closes";
        return
        [
            new("Quorum", Share(current.Quorum), Share(proposed.Quorum)),
            new("Supermajority", Share(current.Supermajority), Share(proposed.Supermajority)),
            new("Discussion before a vote", ProposalDisplay.Hours(current.MinimumDiscussionHours), ProposalDisplay.Hours(proposed.MinimumDiscussionHours)),
            new("Voting period", ProposalDisplay.Hours(current.VotingPeriodHours), ProposalDisplay.Hours(proposed.VotingPeriodHours)),
            new("Vouches to admit a candidate", current.VouchesRequired.ToString(CultureInfo.InvariantCulture), proposed.VouchesRequired.ToString(CultureInfo.InvariantCulture)),
            new("Vouches while small", current.VouchesRequiredWhileSmall.ToString(CultureInfo.InvariantCulture), proposed.VouchesRequiredWhileSmall.ToString(CultureInfo.InvariantCulture)),
            new("Small means fewer members than", current.SmallOrganizationSize.ToString(CultureInfo.InvariantCulture), proposed.SmallOrganizationSize.ToString(CultureInfo.InvariantCulture)),
            new("Days to commit to a decision", current.CommitmentDays.ToString(CultureInfo.InvariantCulture), proposed.CommitmentDays.ToString(CultureInfo.InvariantCulture)),
            new("Breaches that count as habitual", current.HabitualBreachCount.ToString(CultureInfo.InvariantCulture), proposed.HabitualBreachCount.ToString(CultureInfo.InvariantCulture)),
            new("Breaches are counted over (days)", current.BreachWindowDays.ToString(CultureInfo.InvariantCulture), proposed.BreachWindowDays.ToString(CultureInfo.InvariantCulture)),
            new("Decisions one member carries out at once", current.MaxConcurrentImplementations.ToString(CultureInfo.InvariantCulture), proposed.MaxConcurrentImplementations.ToString(CultureInfo.InvariantCulture)),
            new("Roll call shown", Reveal(current.RollCallReveal), Reveal(proposed.RollCallReveal)),
        ];
    }
}

/// <summary>What the text and charter partials need: the values typed, and the errors to put beside them.</summary>
public sealed record TextFieldsView(ProposalTextInput Text, FieldErrors Errors);

public sealed record CharterFieldsView(CharterInput Charter, FieldErrors Errors, Charter Current);
