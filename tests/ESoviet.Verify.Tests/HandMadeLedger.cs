using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ESoviet.Verify.Tests;

/// <summary>
/// Writes a ledger by hand, line by line, in the export format of docs/ledger.md, hashing each entry as the
/// document says (a third implementation of the chain rule, so a mistake shared by server and verifier shows).
/// One organization; sequence numbers count up from 1, or leave gaps when asked.
/// </summary>
public sealed class HandMadeLedger
{
    public const string Zeros = "0000000000000000000000000000000000000000000000000000000000000000";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly List<string> _lines = [];
    private string _prev = Zeros;
    private long _seq;

    public Guid Organization { get; } = Guid.NewGuid();

    public IReadOnlyList<string> Lines => _lines;

    public static object Charter(string reveal = "live", int quorumNumerator = 1, int quorumDenominator = 2, int superNumerator = 2, int superDenominator = 3) => new
    {
        quorum = new { numerator = quorumNumerator, denominator = quorumDenominator },
        supermajority = new { numerator = superNumerator, denominator = superDenominator },
        minimumDiscussionHours = 48,
        votingPeriodHours = 72,
        vouchesRequired = 2,
        vouchesRequiredWhileSmall = 1,
        smallOrganizationSize = 5,
        commitmentDays = 7,
        habitualBreachCount = 3,
        breachWindowDays = 365,
        maxConcurrentImplementations = 3,
        rollCallReveal = reveal,
    };

    /// <summary>Appends one entry; returns its event id.</summary>
    public Guid Add(string type, object data, string? actor = "founder", Guid? id = null, long seqGap = 0)
    {
        var eventId = id ?? Guid.NewGuid();
        _seq += 1 + seqGap;
        var entry = $$"""{"org":"{{Organization}}","position":{{_lines.Count + 1}},"seq":{{_seq}},"id":"{{eventId}}","stream":"s-{{type}}","version":1,"type":"{{type}}","time":"2026-01-02T03:04:05.000006Z","actor":{{(actor is null ? "null" : JsonSerializer.Serialize(actor))}},"data":{{JsonSerializer.Serialize(data, Json)}}}""";
        AddRaw(entry);
        return eventId;
    }

    /// <summary>Appends an entry given as its exact bytes, hashed and linked like any other.</summary>
    public void AddRaw(string entry)
    {
        var hash = Hash(_prev, entry);
        _lines.Add($$"""{"hash":"{{hash}}","prev":"{{_prev}}","entry":{{entry}}}""");
        _prev = hash;
    }

    public static string Hash(string prev, string entry) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(prev + "\n" + entry)));

    public string Text => string.Concat(_lines.Select(l => l + "\n"));

    public Guid Founded(object? charter = null) =>
        Add("organization_founded", new { organizationId = Organization, name = "Bakers' Co-op", slug = "bakers", foundedBy = "founder", charter = charter ?? Charter() });

    /// <summary>A proposal entering the record: drafts are private, so the ledger first sees it submitted.</summary>
    public Guid Drafted(Guid proposal, string kind = "policy", object? newCharter = null, string? subject = null) =>
        Add("proposal_submitted", new
        {
            proposalId = proposal, threadId = Guid.NewGuid(), kind, author = "founder", revision = 1,
            text = new { title = "Buy a second oven", problem = "p", action = "a", analysis = "n", alternatives = "x", plan = "y" },
            newCharter, subject, discussionEndsAt = "2026-01-02T03:04:05Z",
        });

    public Guid Opened(Guid proposal, IEnumerable<string> electorate, object? charter = null, int revision = 1) =>
        Add("voting_opened", new
        {
            proposalId = proposal, openedAt = "2026-01-02T03:04:05Z", closesAt = "2026-01-05T03:04:05Z", revision,
            electorate = electorate.ToArray(), charter = charter ?? Charter(),
        });

    public Guid Vote(Guid proposal, string voter, string choice, string? reason = null) =>
        Add("vote_cast", new { proposalId = proposal, voter, choice, reason, commitment = (string?)null }, actor: voter);

    public static string Commitment(Guid proposal, string voter, string choice, string? reason, string nonce) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"esoviet-vote-v1\n{proposal}\n{voter}\n{choice}\n{reason ?? ""}\n{nonce}")));

    public Guid SealedVote(Guid proposal, string voter, string choice, string? reason, string nonce) =>
        Add("vote_cast", new { proposalId = proposal, voter, choice = (string?)null, reason = (string?)null, commitment = Commitment(proposal, voter, choice, reason, nonce) }, actor: voter);

    public Guid Revealed(Guid proposal, params (Guid VoteEventId, string Voter, string Choice, string? Reason, string Nonce)[] votes) =>
        Add("votes_revealed", new
        {
            proposalId = proposal,
            votes = votes.Select(v => new { voteEventId = v.VoteEventId, voter = v.Voter, choice = v.Choice, reason = v.Reason, nonce = v.Nonce }).ToArray(),
        }, actor: null);

    public Guid Closed(Guid proposal, int electorate, int votesFor, int against, int abstain, string outcome) =>
        Add("voting_closed", new
        {
            proposalId = proposal, closedAt = "2026-01-05T03:04:05Z", early = false, electorate,
            @for = votesFor, against, abstain, outcome,
        }, actor: null);

    /// <summary>Electors e1..eN.</summary>
    public static string[] Electors(int count) => Enumerable.Range(1, count).Select(i => $"e{i}").ToArray();
}

/// <summary>Runs the verifier in-process over text, the way the command line reads a file.</summary>
public static class Verifying
{
    public static VerificationReport Verify(string text)
    {
        using var verifier = new LedgerVerifier();
        verifier.CheckStream(new MemoryStream(Encoding.UTF8.GetBytes(text)), "ledger.jsonl");
        return verifier.Finish();
    }

    public static VerificationReport Verify(this HandMadeLedger ledger) => Verify(ledger.Text);
}
