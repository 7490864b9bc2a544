using System.Security.Cryptography;
using System.Text.Json;

namespace ESoviet.Verify;

/// <summary>
/// Checks an exported ledger line by line, as docs/ledger.md specifies it: the line's shape, the entry's hash, the
/// link to the previous entry of the same organization, consecutive positions and increasing sequence numbers; then
/// it replays the organization's charter history and recounts every vote that closed. Streaming: it keeps one
/// small state per organization and per proposal, never the file.
/// </summary>
public sealed partial class LedgerVerifier : IDisposable
{
    // {"hash":"<64 hex>","prev":"<64 hex>","entry":<entry>}
    private static ReadOnlySpan<byte> HashKey => "{\"hash\":\""u8;
    private static ReadOnlySpan<byte> PrevKey => "\",\"prev\":\""u8;
    private static ReadOnlySpan<byte> EntryKey => "\",\"entry\":"u8;

    private const int HashAt = 9;
    private const int PrevAt = 83;
    private const int EntryAt = 157;
    private const int HexLength = 64;

    private static readonly byte[] Genesis = "0000000000000000000000000000000000000000000000000000000000000000"u8.ToArray();

    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly Dictionary<string, Chain> _chains = new(StringComparer.Ordinal);
    private readonly VerificationReport _report = new();
    private LineRef _at;

    /// <summary>Checks one line (without its line break).</summary>
    public void Check(ReadOnlyMemory<byte> line, LineRef at)
    {
        _at = at;
        var bytes = line.Span;
        if (bytes.Length > 0 && bytes[^1] == (byte)'\r') bytes = bytes[..^1];
        if (!HasLineShape(bytes, out var why))
        {
            Fail(why);
            return;
        }
        _report.Entries++;

        var stated = bytes.Slice(HashAt, HexLength);
        var prev = bytes.Slice(PrevAt, HexLength);
        var entry = line.Slice(EntryAt, bytes.Length - EntryAt - 1);

        Span<byte> digest = stackalloc byte[32];
        _sha256.AppendData(prev);
        _sha256.AppendData("\n"u8);
        _sha256.AppendData(entry.Span);
        _sha256.GetHashAndReset(digest);
        Span<byte> computed = stackalloc byte[HexLength];
        ToHex(digest, computed);
        var hashHolds = computed.SequenceEqual(stated);
        if (!hashHolds)
        {
            Fail($"the entry does not hash to the line's hash: it hashes to {Text(computed)}, the line says {Text(stated)}" +
                 " (the entry or the hash was changed after sealing)");
        }

        if (!TryReadHeader(entry.Span, out var header, out why))
        {
            Fail(why);
            return;
        }
        var chain = ChainOf(header.Org);
        Link(chain, header.Position, header.Seq, prev, stated);
        var data = entry.Slice(header.DataStart, header.DataLength);
        // After a bad hash the entry's content cannot be trusted: it still advances the state, silently, so that the
        // lines after it read sensibly, but only the hash is reported.
        var count = _report.ProblemCount;
        var kept = _report.Problems.Count;
        Replay(chain, header, data);
        if (!hashHolds)
        {
            _report.ProblemCount = count;
            if (_report.Problems.Count > kept) _report.Problems.RemoveRange(kept, _report.Problems.Count - kept);
        }
    }

    /// <summary>Reads a whole stream of lines (as exported, or several exports one after the other).</summary>
    public void CheckStream(Stream input, string source)
    {
        var buffer = new byte[1 << 20];
        int filled = 0;
        long lineNumber = 0;
        while (true)
        {
            var read = input.Read(buffer, filled, buffer.Length - filled);
            filled += read;
            var start = 0;
            while (true)
            {
                var newline = buffer.AsSpan(start, filled - start).IndexOf((byte)'\n');
                if (newline < 0) break;
                lineNumber++;
                Check(buffer.AsMemory(start, newline), new LineRef(source, lineNumber));
                start += newline + 1;
            }
            if (read == 0)
            {
                // A last line without a line break still counts; an empty remainder is just the file's end.
                if (filled - start > 0)
                {
                    lineNumber++;
                    Check(buffer.AsMemory(start, filled - start), new LineRef(source, lineNumber));
                }
                return;
            }
            // Keep the incomplete line: move it to the front, and grow the buffer if it fills all of it.
            var rest = filled - start;
            if (start == 0 && rest == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
            else if (rest > 0) buffer.AsSpan(start, rest).CopyTo(buffer);
            filled = rest;
        }
    }

    public VerificationReport Finish()
    {
        foreach (var chain in _chains.Values)
        {
            _report.Chains.Add(new ChainSummary(chain.Organization, chain.Entries, chain.FirstPosition, chain.Position, Text(chain.Hash)));
            foreach (var proposal in chain.Proposals.Values)
            {
                if (proposal.Open is not null) _report.StillOpen++;
            }
        }
        return _report;
    }

    public void Dispose() => _sha256.Dispose();

    // ---- The chain ---------------------------------------------------------------------------------------------

    private Chain ChainOf(string org)
    {
        if (!_chains.TryGetValue(org, out var chain))
        {
            chain = new Chain(org);
            _chains.Add(org, chain);
        }
        return chain;
    }

    private static bool HasLineShape(ReadOnlySpan<byte> line, out string why)
    {
        why = "";
        if (line.Length == 0)
        {
            why = "an empty line";
            return false;
        }
        if (line.Length < EntryAt + 2 || !line.StartsWith(HashKey) || !line[(HashAt + HexLength)..].StartsWith(PrevKey)
            || !line[(PrevAt + HexLength)..].StartsWith(EntryKey) || line[^1] != (byte)'}')
        {
            why = "not a ledger line: expected {\"hash\":\"<64 hex>\",\"prev\":\"<64 hex>\",\"entry\":<entry>}";
            return false;
        }
        if (!IsLowerHex(line.Slice(HashAt, HexLength)) || !IsLowerHex(line.Slice(PrevAt, HexLength)))
        {
            why = "hash and prev must be 64 lowercase hexadecimal digits";
            return false;
        }
        return true;
    }

    private void Link(Chain chain, long position, long seq, ReadOnlySpan<byte> prev, ReadOnlySpan<byte> hash)
    {
        var expected = chain.Position + 1;
        if (position != expected)
        {
            Fail(chain.Entries == 0
                ? $"organization {chain.Organization} starts at position {position}, not 1 (an export resumed with ?after needs the lines before it too)"
                : $"position {position} where {expected} was due in organization {chain.Organization} (a line is missing, repeated or out of order)");
        }
        else if (!prev.SequenceEqual(chain.Hash))
        {
            Fail(chain.Entries == 0
                ? "the first entry's prev is not 64 zeros"
                : $"prev does not link to the hash of position {chain.Position}: the chain is broken here");
        }
        else if (chain.Entries > 0 && seq <= chain.LastSeq)
        {
            Fail($"sequence number {seq} does not increase (the previous entry has {chain.LastSeq})");
        }
        if (chain.Entries == 0) chain.FirstPosition = position;
        chain.Entries++;
        chain.Position = position;
        chain.LastSeq = seq;
        hash.CopyTo(chain.Hash);
    }

    // ---- The record: charters, proposals, votes ----------------------------------------------------------------

    private void Replay(Chain chain, in EntryHeader header, ReadOnlyMemory<byte> data)
    {
        if (header.Type == EntryType.Other) return;
        if (data.Span[0] != (byte)'{')
        {
            Fail($"the data of this {header.TypeName} entry is not an object");
            return;
        }
        // Votes are most of a ledger: read them without building a document.
        if (header.Type == EntryType.VoteCast)
        {
            Cast(chain, header, data.Span);
            return;
        }
        using var document = JsonDocument.Parse(data);
        var body = document.RootElement;
        switch (header.Type)
        {
            case EntryType.OrganizationFounded: Founded(chain, body); break;
            case EntryType.CharterAmended: CharterAmended(chain, body); break;
            case EntryType.ProposalSubmitted: Submitted(chain, body); break;
            case EntryType.ProposalRevised: Revised(chain, body); break;
            case EntryType.VotingOpened: Opened(chain, body); break;
            case EntryType.VotesRevealed: Revealed(chain, body); break;
            case EntryType.VotingClosed: Closed(chain, body); break;
            case EntryType.MemberExpelled: Expelled(chain, body); break;
        }
    }

    private void Founded(Chain chain, JsonElement data)
    {
        if (chain.Charter is not null)
        {
            Fail("a second organization_founded in one organization's ledger");
            return;
        }
        if (!TryGuid(data, "organizationId", out var id) || id.ToString() != chain.Organization)
        {
            Fail($"organization_founded names organization {Describe(data, "organizationId")}, but the entry belongs to {chain.Organization}");
        }
        SetCharter(chain, data, "organization_founded");
    }

    private void CharterAmended(Chain chain, JsonElement data)
    {
        if (!TryGuid(data, "organizationId", out var id) || id.ToString() != chain.Organization)
        {
            Fail($"charter_amended names organization {Describe(data, "organizationId")}, but the entry belongs to {chain.Organization}");
        }
        if (!TryGuid(data, "proposalId", out var proposalId) || !chain.Proposals.TryGetValue(proposalId, out var proposal))
        {
            Fail($"charter_amended cites proposal {Describe(data, "proposalId")}, which is not in this ledger");
        }
        else if (proposal.Kind != ProposalKind.CharterChange || proposal.Outcome != Outcome.Adopted || proposal.Open is not null)
        {
            Fail($"charter_amended cites proposal {proposalId}, which is not an adopted charter change");
        }
        else if (proposal.Enacted)
        {
            Fail($"proposal {proposalId} amended the charter a second time");
        }
        else
        {
            proposal.Enacted = true;
            if (data.TryGetProperty("charter", out var charter) && proposal.NewCharterVotedOn is { } voted && !SameCharter(charter, voted))
            {
                Fail($"the charter put in force differs from the new charter that proposal {proposalId} put to the vote");
            }
        }
        SetCharter(chain, data, "charter_amended");
    }

    private void SetCharter(Chain chain, JsonElement data, string type)
    {
        var why = "it is missing";
        if (!data.TryGetProperty("charter", out var charter) || !TryRules(charter, out _, out _, out why))
        {
            Fail($"{type} carries no usable charter: {why}");
            return;
        }
        chain.Charter = charter.Clone();
    }

    // A proposal enters the organization's record when it is submitted: drafts are private to their author and are
    // not in the ledger, so the submission repeats everything the count needs (kind, subject, revision, charter).
    private void Submitted(Chain chain, JsonElement data)
    {
        if (!TryGuid(data, "proposalId", out var id))
        {
            Fail("proposal_submitted without a proposalId");
            return;
        }
        if (chain.Proposals.ContainsKey(id))
        {
            Fail($"proposal {id} is submitted a second time");
            return;
        }
        if (!TryString(data, "kind", out var word) || !Counting.TryParseKind(word, out var kind))
        {
            Fail($"proposal {id} has an unknown kind {Describe(data, "kind")}");
            return;
        }
        var proposal = new Proposal(id, kind) { Subject = TryString(data, "subject", out var subject) ? subject : null };
        proposal.NewCharters[TryLong(data, "revision", out var revision) ? revision : 1] = NewCharterOf(data);
        chain.Proposals.Add(id, proposal);
    }

    private void Revised(Chain chain, JsonElement data)
    {
        if (!TryGuid(data, "proposalId", out var id) || !chain.Proposals.TryGetValue(id, out var proposal)) return;
        if (TryLong(data, "revision", out var revision)) proposal.NewCharters[revision] = NewCharterOf(data);
    }

    private static JsonElement? NewCharterOf(JsonElement data) =>
        data.TryGetProperty("newCharter", out var charter) && charter.ValueKind == JsonValueKind.Object ? charter.Clone() : null;

    private void Opened(Chain chain, JsonElement data)
    {
        if (!TryGuid(data, "proposalId", out var id) || !chain.Proposals.TryGetValue(id, out var proposal))
        {
            Fail($"voting opened on proposal {Describe(data, "proposalId")}, which was never drafted in this ledger");
            return;
        }
        if (proposal.Open is not null)
        {
            Fail($"voting opened on proposal {id} while its voting was already open");
            return;
        }
        var why = "it is missing";
        CountingRules rules = null!;
        var sealedRollCall = false;
        if (!data.TryGetProperty("charter", out var charter) || !TryRules(charter, out rules, out sealedRollCall, out why))
        {
            Fail($"voting on proposal {id} opened without a usable charter: {why}");
            return;
        }
        if (chain.Charter is not { } inForce)
        {
            Fail($"voting on proposal {id} opened before any charter was in force (no organization_founded earlier in the ledger)");
        }
        else if (!SameCharter(charter, inForce))
        {
            Fail($"voting on proposal {id} opened under a charter that is not the one in force at this point of the ledger");
        }

        var electorate = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (!data.TryGetProperty("electorate", out var electors) || electors.ValueKind != JsonValueKind.Array)
        {
            Fail($"voting on proposal {id} opened without an electorate");
        }
        else
        {
            foreach (var elector in electors.EnumerateArray())
            {
                if (elector.ValueKind != JsonValueKind.String || !electorate.Add(elector.GetString()!))
                {
                    Fail($"the electorate of proposal {id} names {elector.GetRawText()} twice or is not a list of handles");
                }
            }
        }
        var revision = TryLong(data, "revision", out var r) ? r : proposal.NewCharters.Keys.DefaultIfEmpty(1).Max();
        proposal.Open = new Round(_at, rules, sealedRollCall, electorate, revision);
    }

    private void Cast(Chain chain, in EntryHeader header, ReadOnlySpan<byte> data)
    {
        if (!TryReadVote(data, out var fields))
        {
            Fail("a vote_cast whose data is not {proposalId, voter, choice, reason, commitment}");
            return;
        }
        var id = fields.ProposalId;
        if (!chain.Proposals.TryGetValue(id, out var proposal))
        {
            Fail($"a vote on proposal {id}, which was never drafted in this ledger");
            return;
        }
        var voter = fields.Voter;
        if (proposal.Open is not { } round)
        {
            _report.VotesOutsideVoting++;
            return;
        }
        if (!round.Electorate.Contains(voter))
        {
            Fail($"{voter} voted on proposal {id} but is not in its electorate (fixed when voting opened at line {round.OpenedAt.Line})");
            return;
        }
        if (round.Sealed)
        {
            if (fields.Choice is not null || fields.Commitment is not { } commitment || !IsLowerHex(commitment))
            {
                Fail($"the vote of {voter} on proposal {id} should be sealed (the roll call is revealed at close): choice null and a 64-hex commitment");
                return;
            }
        }
        else if (fields.Choice is null || fields.Commitment is not null)
        {
            Fail($"the vote of {voter} on proposal {id} has no valid choice (for, against or abstain) in a live roll call");
            return;
        }
        if (!header.HasId)
        {
            Fail("the vote's entry has no event id");
            return;
        }
        var vote = new Vote(header.Id, voter, _at, fields.Choice, fields.Commitment);
        // Sequence order within the file: a later vote by the same elector replaces the earlier one.
        round.Current[voter] = vote;
        if (round.Sealed) round.SealedById[header.Id] = vote;
    }

    private void Revealed(Chain chain, JsonElement data)
    {
        if (!TryGuid(data, "proposalId", out var id) || !chain.Proposals.TryGetValue(id, out var proposal) || proposal.Open is not { } round)
        {
            Fail($"votes revealed for proposal {Describe(data, "proposalId")}, which is not open for voting");
            return;
        }
        if (!round.Sealed)
        {
            Fail($"votes revealed for proposal {id}, whose roll call was live");
            return;
        }
        if (!data.TryGetProperty("votes", out var votes) || votes.ValueKind != JsonValueKind.Array)
        {
            Fail($"votes_revealed for proposal {id} has no list of votes");
            return;
        }
        foreach (var opened in votes.EnumerateArray())
        {
            if (!TryGuid(opened, "voteEventId", out var eventId) || !round.SealedById.TryGetValue(eventId, out var vote))
            {
                Fail($"a reveal for proposal {id} opens vote event {Describe(opened, "voteEventId")}, which is no sealed vote of this round");
                continue;
            }
            if (vote.Revealed is not null)
            {
                Fail($"vote event {eventId} is revealed twice");
                continue;
            }
            if (!TryString(opened, "voter", out var voter) || voter != vote.Voter)
            {
                Fail($"vote event {eventId} was cast by {vote.Voter}, the reveal names {Describe(opened, "voter")}");
                continue;
            }
            if (!TryString(opened, "choice", out var word) || !Counting.TryParseChoice(word, out var choice)
                || !TryString(opened, "nonce", out var nonce))
            {
                Fail($"the reveal of {voter}'s vote on proposal {id} lacks a valid choice or nonce");
                continue;
            }
            var reason = TryString(opened, "reason", out var r) ? r : null;
            var expected = Commitments.Compute(id, voter, choice, reason, nonce);
            if (expected != vote.Commitment)
            {
                Fail($"the revealed vote of {voter} on proposal {id} ({word}) does not match the commitment sealed at line {vote.At.Line}");
                continue;
            }
            vote.Revealed = choice;
        }
    }

    private void Closed(Chain chain, JsonElement data)
    {
        if (!TryGuid(data, "proposalId", out var id) || !chain.Proposals.TryGetValue(id, out var proposal) || proposal.Open is not { } round)
        {
            Fail($"voting closed on proposal {Describe(data, "proposalId")}, which was not open for voting");
            return;
        }
        int f = 0, a = 0, s = 0;
        foreach (var vote in round.Current.Values)
        {
            var choice = vote.Choice ?? vote.Revealed;
            if (choice is null)
            {
                Fail($"the sealed vote of {vote.Voter} on proposal {id} (line {vote.At.Line}) was never revealed, so it cannot be counted");
                continue;
            }
            switch (choice.Value)
            {
                case Choice.For: f++; break;
                case Choice.Against: a++; break;
                default: s++; break;
            }
        }
        var tally = new Tally(round.Electorate.Count, f, a, s);
        var outcome = Counting.Decide(tally, round.Rules, proposal.Kind);

        Tally? recordedTally = null;
        Outcome? recordedOutcome = null;
        if (TryLong(data, "electorate", out var e) && TryLong(data, "for", out var rf) && TryLong(data, "against", out var ra)
            && TryLong(data, "abstain", out var rs) && e <= int.MaxValue && rf <= int.MaxValue && ra <= int.MaxValue && rs <= int.MaxValue)
        {
            recordedTally = new Tally((int)e, (int)rf, (int)ra, (int)rs);
        }
        if (TryString(data, "outcome", out var word) && Counting.TryParseOutcome(word, out var parsed)) recordedOutcome = parsed;

        var recount = new Recount(chain.Organization, id, proposal.Kind, _at, tally, outcome, recordedTally, recordedOutcome, round.Sealed);
        _report.Recounts.Add(recount);
        if (!recount.Matches)
        {
            Fail($"the recount of proposal {id} does not match what was recorded: recorded " +
                 (recordedTally is { } rt ? $"electorate {rt.Electorate}, for {rt.For}, against {rt.Against}, abstain {rt.Abstain}" : "no valid tally") +
                 $" -> {(recordedOutcome is { } ro ? Counting.Word(ro) : "no valid outcome")}; recounted electorate {tally.Electorate}, " +
                 $"for {tally.For}, against {tally.Against}, abstain {tally.Abstain} -> {Counting.Word(outcome)}");
        }
        proposal.Outcome = outcome;
        proposal.NewCharterVotedOn = proposal.NewCharters.TryGetValue(round.Revision, out var charter) ? charter : null;
        proposal.Open = null;
    }

    private void Expelled(Chain chain, JsonElement data)
    {
        if (!TryGuid(data, "proposalId", out var id) || !chain.Proposals.TryGetValue(id, out var proposal)
            || proposal.Kind != ProposalKind.MembershipReview || proposal.Outcome != Outcome.Adopted || proposal.Open is not null)
        {
            Fail($"member_expelled cites proposal {Describe(data, "proposalId")}, which is not an adopted membership review");
            return;
        }
        if (!TryString(data, "handle", out var handle) || !string.Equals(handle, proposal.Subject, StringComparison.OrdinalIgnoreCase))
        {
            Fail($"member_expelled expels {Describe(data, "handle")}, but proposal {id} was about {proposal.Subject}");
            return;
        }
        if (proposal.Enacted) Fail($"proposal {id} expelled a member a second time");
        proposal.Enacted = true;
    }

    private static readonly string[] CharterNumbers =
    [
        "minimumDiscussionHours", "votingPeriodHours", "vouchesRequired", "vouchesRequiredWhileSmall", "smallOrganizationSize",
        "commitmentDays", "habitualBreachCount", "breachWindowDays", "maxConcurrentImplementations",
    ];

    /// <summary>
    /// Two charters are the same when every documented rule is: both shares' numerator and denominator, the whole-number
    /// rules and rollCallReveal. Anything else a charter carries (a derived percentage, say) is not a rule.
    /// </summary>
    private static bool SameCharter(JsonElement a, JsonElement b)
    {
        foreach (var share in (string[])["quorum", "supermajority"])
        {
            if (!TryShare(a, share, out var x) || !TryShare(b, share, out var y) || x != y) return false;
        }
        foreach (var name in CharterNumbers)
        {
            var hasA = TryLong(a, name, out var x);
            if (hasA != TryLong(b, name, out var y) || x != y) return false;
        }
        return TryString(a, "rollCallReveal", out var ra) && TryString(b, "rollCallReveal", out var rb) && ra == rb;
    }

    private static bool TryRules(JsonElement charter, out CountingRules rules, out bool sealedRollCall, out string why)
    {
        rules = null!;
        sealedRollCall = false;
        why = "";
        if (charter.ValueKind != JsonValueKind.Object || !TryShare(charter, "quorum", out var quorum) || !TryShare(charter, "supermajority", out var supermajority))
        {
            why = "quorum and supermajority must be {numerator, denominator} with a positive denominator";
            return false;
        }
        if (!TryString(charter, "rollCallReveal", out var reveal) || reveal is not ("live" or "at_close"))
        {
            why = "rollCallReveal must be \"live\" or \"at_close\"";
            return false;
        }
        rules = new CountingRules(quorum, supermajority);
        sealedRollCall = reveal == "at_close";
        return true;
    }

    private static bool TryShare(JsonElement charter, string name, out Share share)
    {
        share = default;
        if (charter.ValueKind != JsonValueKind.Object || !charter.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Object
            || !TryLong(value, "numerator", out var numerator) || !TryLong(value, "denominator", out var denominator)
            || numerator < 0 || denominator <= 0)
        {
            return false;
        }
        share = new Share(numerator, denominator);
        return true;
    }

    // ---- Small helpers -------------------------------------------------------------------------------------------

    private void Fail(string message) => _report.Add(new Finding(_at, message));

    private static bool TryString(JsonElement element, string name, out string value)
    {
        if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var property) && property.ValueKind == JsonValueKind.String)
        {
            value = property.GetString()!;
            return true;
        }
        value = "";
        return false;
    }

    private static bool TryLong(JsonElement element, string name, out long value)
    {
        value = 0;
        return element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var property)
            && property.ValueKind == JsonValueKind.Number && property.TryGetInt64(out value);
    }

    private static bool TryGuid(JsonElement element, string name, out Guid value)
    {
        value = default;
        return TryString(element, name, out var text) && Guid.TryParseExact(text, "D", out value);
    }

    private static string Describe(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value.GetRawText() : "(none)";

    private static bool IsLowerHex(ReadOnlySpan<byte> text)
    {
        foreach (var b in text)
        {
            if (b is not ((>= (byte)'0' and <= (byte)'9') or (>= (byte)'a' and <= (byte)'f'))) return false;
        }
        return true;
    }

    private static bool IsLowerHex(string text)
    {
        if (text.Length != HexLength) return false;
        foreach (var c in text)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f'))) return false;
        }
        return true;
    }

    private static void ToHex(ReadOnlySpan<byte> bytes, Span<byte> hex)
    {
        ReadOnlySpan<byte> digits = "0123456789abcdef"u8;
        for (var i = 0; i < bytes.Length; i++)
        {
            hex[2 * i] = digits[bytes[i] >> 4];
            hex[2 * i + 1] = digits[bytes[i] & 0xF];
        }
    }

    private static string Text(ReadOnlySpan<byte> ascii) => System.Text.Encoding.ASCII.GetString(ascii);

    private sealed class Chain(string organization)
    {
        public string Organization { get; } = organization;
        public long Position { get; set; }
        public long FirstPosition { get; set; }
        public long Entries { get; set; }
        public long LastSeq { get; set; }
        public byte[] Hash { get; } = (byte[])Genesis.Clone();
        public JsonElement? Charter { get; set; }
        public Dictionary<Guid, Proposal> Proposals { get; } = [];
    }

    private sealed class Proposal(Guid id, ProposalKind kind)
    {
        public Guid Id { get; } = id;
        public ProposalKind Kind { get; } = kind;
        public string? Subject { get; init; }
        /// <summary>The new charter of each revision of a charter change (revision 1 is the draft).</summary>
        public Dictionary<long, JsonElement?> NewCharters { get; } = [];
        public Round? Open { get; set; }
        public Outcome? Outcome { get; set; }
        public JsonElement? NewCharterVotedOn { get; set; }
        public bool Enacted { get; set; }
    }

    private sealed class Round(LineRef openedAt, CountingRules rules, bool @sealed, HashSet<string> electorate, long revision)
    {
        public LineRef OpenedAt { get; } = openedAt;
        public CountingRules Rules { get; } = rules;
        public bool Sealed { get; } = @sealed;
        public HashSet<string> Electorate { get; } = electorate;
        public long Revision { get; } = revision;
        /// <summary>Each elector's latest vote, by handle (handles compare case-insensitively).</summary>
        public Dictionary<string, Vote> Current { get; } = new(StringComparer.OrdinalIgnoreCase);
        public Dictionary<Guid, Vote> SealedById { get; } = [];
    }

    private sealed class Vote(Guid eventId, string voter, LineRef at, Choice? choice, string? commitment)
    {
        public Guid EventId { get; } = eventId;
        public string Voter { get; } = voter;
        public LineRef At { get; } = at;
        public Choice? Choice { get; } = choice;
        public string? Commitment { get; } = commitment;
        public Choice? Revealed { get; set; }
    }
}
